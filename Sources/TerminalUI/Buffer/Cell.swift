/// One terminal cell: a whole grapheme cluster (a base scalar plus the rest of its cluster:
/// combining marks, a variation selector, a flag's second regional indicator, a ZWJ
/// sequence), the columns it takes, and its style.
///
/// A wide cluster (2 columns) occupies its cell and a *continuation* cell to its right
/// (`width == 0`); the renderer never writes continuation cells.
public struct Cell: Equatable, Sendable {
    /// The cluster's first scalar value (U+0020 for a blank cell).
    public var scalar: UInt32
    /// 1 or 2 columns, or 0 for the right half of a wide character.
    public var width: UInt8
    public var style: Style
    /// The scalars after the first one in the same grapheme cluster; nil for most cells
    /// (a one-scalar cluster), so the common cell stays small and compares fast.
    public var tail: String?

    public init(scalar: UInt32 = 0x20, width: UInt8 = 1, style: Style = .plain, tail: String? = nil) {
        self.scalar = scalar
        self.width = width
        self.style = style
        self.tail = tail
    }

    /// The most scalars kept after the first in one cell (ZWJ emoji sequences need about 7).
    public static let maxTailScalars = 16

    public static func blank(_ style: Style = .plain) -> Cell { Cell(style: style) }

    public var isContinuation: Bool { width == 0 }

    /// The grapheme cluster as text ("" for a continuation cell).
    public var text: String {
        if width == 0 { return "" }
        var s = String(Character(Unicode.Scalar(scalar) ?? " "))
        if let tail { s += tail }
        return s
    }
}
