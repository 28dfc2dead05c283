import MeshBase

/// Cuts long lines into rows of at most a pane's width, measured the way ``CellBuffer``
/// lays text out: by grapheme cluster (a flag or `e` + U+0301 is never split), wide
/// characters taking two cells (one that no longer fits goes to the next row), control
/// characters one (the buffer shows them as `?`).
///
/// Rows are UTF-8 offset ranges into the line, so search hits found on the whole line
/// can be mapped onto the rows they fall on.
///
/// ```swift
/// TextWrap.rows("abcdef", width: 4)      // [0..<4, 4..<6]
/// TextWrap.rows("ab界", width: 3)        // [0..<2, 2..<5]: 界 does not fit after "ab"
/// TextWrap.rows("", width: 4)            // [0..<0]: an empty line is one row
/// ```
public enum TextWrap {
    /// The cells one cluster takes in a ``CellBuffer``.
    @inline(__always)
    public static func cells(_ ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        if TerminalText.isUnsafe(first) { return 1 }
        return min(2, DisplayWidth.of(grapheme: ch))
    }

    /// The rows `line` wraps into at `width` cells (at least one row; a width under 2 is
    /// taken as 2 so a wide character always fits a row).
    public static func rows(_ line: String, width: Int) -> [Range<Int>] {
        let width = max(2, width)
        var out: [Range<Int>] = []
        var start = 0, offset = 0, col = 0
        for ch in line {
            let w = cells(ch)
            if col + w > width, col > 0 {
                out.append(start..<offset)
                start = offset
                col = 0
            }
            col += w
            offset += ch.utf8.count
        }
        out.append(start..<offset)
        return out
    }

    /// The index after the longest run of whole clusters of `text` that fits
    /// `columns` cells (at least one cluster, so a row always advances), and its width.
    public static func fit(_ text: Substring, columns: Int) -> (end: String.Index, width: Int) {
        var col = 0
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            let w = cells(ch)
            if col + w > columns, i > text.startIndex { break }
            col += w
            i = text.index(after: i)
        }
        return (i, col)
    }
}
