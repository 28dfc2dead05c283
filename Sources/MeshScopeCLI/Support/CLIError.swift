import MeshClient

/// Errors a command reports as one line on stderr, with an exit code.
///
/// ```
/// meshscope: dump.json: unexpected end of input at byte 1042 (line 40, column 7) in $.configs[2]
/// ```
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case badInput, usage, unavailable }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A needed istiod or ztunnel missing (``MeshSource/controlPlaneMissing(_:)``): refused
    /// is `unavailable`, none running is bad input (exit 1 either way).
    init(controlPlane e: MeshSourceError) {
        self.init(e.kind == .unavailable ? .unavailable : .badInput, e.message)
    }

    /// Bad input from a file: `FILE: message`.
    public static func badInput(_ source: String, _ message: String) -> CLIError {
        CLIError(.badInput, "\(source): \(message)")
    }

    public var exitCode: Int32 {
        switch kind {
        case .badInput: 1
        case .usage: 2
        case .unavailable: 1
        }
    }

    public var description: String { message }
}
