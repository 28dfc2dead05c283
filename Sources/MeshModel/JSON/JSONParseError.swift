/// Why a JSON text could not be parsed, and where.
///
/// The description reads like `unexpected end of input at byte 1042 (line 40, column 7) in $.configs[2]`.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// Zero-based byte offset of the offending byte (or the input length for truncation).
    public var offset: Int
    public var line: Int
    public var column: Int
    /// JSON path of the innermost value being read when the error occurred, e.g. `$.configs[2].name`.
    public var path: String

    public var description: String {
        "\(message) at byte \(offset) (line \(line), column \(column))" + (path == "$" ? "" : " in \(path)")
    }
}

/// A JSON text parsed fine but does not have the shape a decoder needs.
public struct JSONShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var path: String
    public var description: String { "\(path): \(message)" }
    public init(_ message: String, path: String) {
        self.message = message
        self.path = path
    }
}
