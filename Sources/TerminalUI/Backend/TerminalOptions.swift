/// How the terminal is set up.
public struct TerminalOptions: Sendable {
    /// Report mouse clicks and wheel (`--mouse`); off by default so the terminal's own
    /// selection and copy keep working.
    public var mouse: Bool
    /// Colours off, attributes kept (`NO_COLOR` set to anything non-empty).
    public var noColor: Bool

    public init(mouse: Bool = false, noColor: Bool = false) {
        self.mouse = mouse
        self.noColor = noColor
    }

    /// `NO_COLOR` as https://no-color.org defines it: present and not empty.
    public static func noColor(environment: [String: String]) -> Bool {
        if let v = environment["NO_COLOR"], !v.isEmpty { return true }
        return false
    }
}
