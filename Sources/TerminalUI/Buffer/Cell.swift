/// One terminal cell: a grapheme (base character plus any combining characters), the
/// columns it takes, and its style.
///
/// A wide character (2 columns) occupies its cell and a *continuation* cell to its right
/// (`width == 0`); the renderer never writes continuation cells.
public struct Cell: Equatable, Sendable {
    /// The base character's scalar value (U+0020 for a blank cell).
    public var scalar: UInt32
    /// 1 or 2 columns, or 0 for the right half of a wide character.
    public var width: UInt8
    public var style: Style
    /// Zero-width scalars that follow the base character in the same grapheme
    /// (combining accents, variation selectors, ZWJ sequences); nil for most cells.
    public var combining: String?

    public init(scalar: UInt32 = 0x20, width: UInt8 = 1, style: Style = .plain, combining: String? = nil) {
        self.scalar = scalar
        self.width = width
        self.style = style
        self.combining = combining
    }

    public static func blank(_ style: Style = .plain) -> Cell { Cell(style: style) }

    public var isContinuation: Bool { width == 0 }

    /// The grapheme as text ("" for a continuation cell).
    public var text: String {
        if width == 0 { return "" }
        var s = String(Character(Unicode.Scalar(scalar) ?? " "))
        if let combining { s += combining }
        return s
    }
}
