/// A key press, decoded from what curses reports.
///
/// ```swift
/// switch key {
/// case .char("j"), .down: moveDown()
/// case .ctrl("c"): quit()
/// default: break
/// }
/// ```
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (any Unicode, including wide ones).
    case char(Character)
    /// Ctrl plus a letter, as its lowercase letter (`.ctrl("c")`).
    case ctrl(Character)
    case enter, tab, backTab, escape, backspace, delete, insert
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1...F24 (Shift+F1 arrives as F13 on most terminals).
    case function(Int)

    /// How the key is written in help and hints (`j`, `Ctrl-C`, `PgDn`, `F5`).
    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-\(c.uppercased())"
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .insert: "Insert"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .function(let n): "F\(n)"
        }
    }
}

/// A mouse action (only with `--mouse`).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case press, click, doubleClick, scrollUp, scrollDown }
    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// What the terminal reports.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// The terminal changed size (bursts of SIGWINCH already coalesced into one).
    case resize(Size)
}
