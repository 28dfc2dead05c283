/// A terminal colour: the terminal's own default, or one of the xterm 256-colour palette.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background (transparent backgrounds stay transparent).
    case `default`
    case indexed(UInt8)

    public static let black = Color.indexed(0)
    public static let red = Color.indexed(1)
    public static let green = Color.indexed(2)
    public static let yellow = Color.indexed(3)
    public static let blue = Color.indexed(4)
    public static let magenta = Color.indexed(5)
    public static let cyan = Color.indexed(6)
    public static let white = Color.indexed(7)
    public static let gray = Color.indexed(8)
    public static let brightRed = Color.indexed(9)
    public static let brightGreen = Color.indexed(10)
    public static let brightYellow = Color.indexed(11)
    public static let brightBlue = Color.indexed(12)
    public static let brightMagenta = Color.indexed(13)
    public static let brightCyan = Color.indexed(14)
    public static let brightWhite = Color.indexed(15)
}

/// Text attributes.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = Attributes(rawValue: 1 << 0)
    public static let dim = Attributes(rawValue: 1 << 1)
    public static let underline = Attributes(rawValue: 1 << 2)
    public static let reverse = Attributes(rawValue: 1 << 3)
    public static let italic = Attributes(rawValue: 1 << 4)
    public static let blink = Attributes(rawValue: 1 << 5)

    /// Names as written in theme files.
    public static let byName: [(String, Attributes)] = [
        ("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse),
        ("italic", .italic), ("blink", .blink),
    ]
}

/// How a cell looks: foreground, background and attributes.
///
/// ```swift
/// let selected = Style(fg: .black, bg: .cyan, attrs: .bold)
/// let plain = Style()                 // terminal defaults
/// ```
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var attrs: Attributes

    public init(fg: Color = .default, bg: Color = .default, attrs: Attributes = []) {
        self.fg = fg
        self.bg = bg
        self.attrs = attrs
    }

    public static let plain = Style()

    /// This style with its unset (default) colours taken from `base`.
    public func over(_ base: Style) -> Style {
        Style(fg: fg == .default ? base.fg : fg, bg: bg == .default ? base.bg : bg, attrs: attrs.union(base.attrs))
    }

    public func with(attrs extra: Attributes) -> Style { Style(fg: fg, bg: bg, attrs: attrs.union(extra)) }

    /// Colours dropped, attributes kept: what `NO_COLOR` and the monochrome theme show.
    public var withoutColor: Style { Style(fg: .default, bg: .default, attrs: attrs) }
}
