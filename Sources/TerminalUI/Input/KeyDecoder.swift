/// Turns what `get_wch` returns into ``Key``s. Pure, so it is tested without a terminal.
///
/// curses reports either a character (`isKeyCode == false`, a Unicode scalar or a
/// control byte) or a key code (`KEY_UP`, `KEY_F0 + n`, ...). ESC is always Escape:
/// curses has already waited `ESCDELAY` (25 ms) to join it with a known sequence, and
/// treating "ESC then a character read in the same batch" as Alt would turn a quick
/// Esc-then-`?` (or keys pasted or sent together) into a key nobody pressed.
///
/// ```swift
/// KeyDecoder.decode([.init(isKeyCode: false, value: 0x6A)])   // [.char("j")]
/// KeyDecoder.decode([.init(isKeyCode: true, value: 0o402)])   // [.down]
/// KeyDecoder.decode([.init(isKeyCode: false, value: 3)])      // [.ctrl("c")]
/// ```
public enum KeyDecoder {
    /// One value read from curses.
    public struct Raw: Hashable, Sendable {
        public var isKeyCode: Bool
        public var value: UInt32

        public init(isKeyCode: Bool, value: UInt32) {
            self.isKeyCode = isKeyCode
            self.value = value
        }

        public static func char(_ c: Unicode.Scalar) -> Raw { Raw(isKeyCode: false, value: c.value) }
        public static func code(_ c: UInt32) -> Raw { Raw(isKeyCode: true, value: c) }
    }

    /// ncurses key codes (octal, as in curses.h), kept here so decoding is testable.
    public enum Code {
        public static let down: UInt32 = 0o402, up: UInt32 = 0o403, left: UInt32 = 0o404, right: UInt32 = 0o405
        public static let home: UInt32 = 0o406, backspace: UInt32 = 0o407, f0: UInt32 = 0o410
        public static let delete: UInt32 = 0o512, insert: UInt32 = 0o513
        public static let pageDown: UInt32 = 0o522, pageUp: UInt32 = 0o523, enter: UInt32 = 0o527
        public static let backTab: UInt32 = 0o541, end: UInt32 = 0o550
        public static let shiftEnd: UInt32 = 0o602, shiftHome: UInt32 = 0o607
        public static let scrollForward: UInt32 = 0o520, scrollBackward: UInt32 = 0o521
        public static let mouse: UInt32 = 0o631, resize: UInt32 = 0o632
    }

    public static func decode(_ raws: [Raw]) -> [Key] {
        var keys: [Key] = []
        for r in raws {
            if let k = decode(r) { keys.append(k) }
        }
        return keys
    }

    public static func decode(_ r: Raw) -> Key? {
        if r.isKeyCode {
            switch r.value {
            case Code.down, Code.scrollForward: return .down
            case Code.up, Code.scrollBackward: return .up
            case Code.left: return .left
            case Code.right: return .right
            case Code.home, Code.shiftHome: return .home
            case Code.end, Code.shiftEnd: return .end
            case Code.backspace: return .backspace
            case Code.delete: return .delete
            case Code.insert: return .insert
            case Code.pageDown: return .pageDown
            case Code.pageUp: return .pageUp
            case Code.enter: return .enter
            case Code.backTab: return .backTab
            case (Code.f0 + 1)...(Code.f0 + 24): return .function(Int(r.value - Code.f0))
            default: return nil
            }
        }
        switch r.value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0: return .ctrl(" ")
        case 1...26: return .ctrl(Character(Unicode.Scalar(r.value + 0x60)!))
        case 28...31: return nil
        default:
            guard let s = Unicode.Scalar(r.value), r.value >= 0x20, !(0x80...0x9F).contains(r.value) else { return nil }
            return .char(Character(s))
        }
    }
}
