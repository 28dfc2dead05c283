/// Why the terminal UI cannot start. Printed as one clear line instead of spinning on
/// a terminal that is not there.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
