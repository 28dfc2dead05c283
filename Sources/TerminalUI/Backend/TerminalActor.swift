/// The one actor every curses call runs on: curses is not thread-safe, so the
/// backend's methods are isolated here and nothing else touches the terminal.
@globalActor public actor TerminalActor {
    public static let shared = TerminalActor()
}
