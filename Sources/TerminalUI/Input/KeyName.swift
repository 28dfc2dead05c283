/// Keys written as text, for key files (`keys.yaml`) and docs: the inverse of
/// ``Key/description`` plus the usual spellings.
///
/// ```swift
/// Key(name: "ctrl-s")      // .ctrl("s")
/// Key(name: "Shift-Tab")   // .backTab
/// Key(name: "shift-n")     // .char("N")
/// Key(name: "PgDn")        // .pageDown
/// ```
extension Key {
    public init?(name: String) {
        switch name {
        case "↑": self = .up; return
        case "↓": self = .down; return
        case "←": self = .left; return
        case "→": self = .right; return
        default: break
        }
        if name.count == 1, let c = name.first {
            guard !c.isWhitespace, c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
            self = .char(c)
            return
        }
        let lower = name.lowercased()
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, c.isASCII, c.isLetter else { return nil }
            self = .ctrl(c)
            return
        }
        for prefix in ["shift-", "shift+"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if rest == "tab" { self = .backTab; return }
            guard rest.count == 1, let c = rest.first, c.isASCII, c.isLetter else { return nil }
            self = .char(Character(c.uppercased()))
            return
        }
        if lower.count > 1, lower.hasPrefix("f"), let n = Int(lower.dropFirst()), n >= 1, n <= 24 {
            self = .function(n)
            return
        }
        switch lower {
        case "space": self = .char(" ")
        case "enter", "return": self = .enter
        case "tab": self = .tab
        case "backtab": self = .backTab
        case "esc", "escape": self = .escape
        case "backspace": self = .backspace
        case "delete", "del": self = .delete
        case "insert", "ins": self = .insert
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "home": self = .home
        case "end": self = .end
        case "pgup", "pageup": self = .pageUp
        case "pgdn", "pagedown": self = .pageDown
        default: return nil
        }
    }
}
