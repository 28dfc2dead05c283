import MeshBase

/// A grid of cells that widgets paint into and the renderer diffs against the previous
/// frame. Pure value: painting and comparing need no terminal.
///
/// ```swift
/// var buf = CellBuffer(size: Size(width: 10, height: 2))
/// buf.put("日本 ok", x: 0, y: 0)
/// buf.put("a long line", x: 0, y: 1, maxWidth: 6, ellipsis: true)
/// buf.lines   // ["日本 ok", "a lon…"]
/// ```
public struct CellBuffer: Equatable, Sendable {
    public private(set) var size: Size
    public private(set) var cells: [Cell]

    public init(size: Size, fill: Cell = .blank()) {
        self.size = size
        self.cells = Array(repeating: fill, count: size.width * size.height)
    }

    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { set(x, y, newValue) }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    /// Stores a cell, keeping wide characters whole: overwriting either half of a wide
    /// character blanks its other half.
    public mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard contains(x: x, y: y) else { return }
        let w = size.width
        let i = y * w + x
        let old = cells[i]
        if old.width == 0, x > 0, cells[i - 1].width == 2 {
            cells[i - 1] = Cell(style: cells[i - 1].style)
        }
        if old.width == 2, x + 1 < w, cells[i + 1].width == 0, cell.width != 2 {
            cells[i + 1] = Cell(style: cells[i + 1].style)
        }
        if cell.width == 2 {
            guard x + 1 < w else {
                cells[i] = Cell(style: cell.style)  // no room for the right half
                return
            }
            if cells[i + 1].width == 2, x + 2 < w, cells[i + 2].width == 0 {
                cells[i + 2] = Cell(style: cells[i + 2].style)
            }
            cells[i] = cell
            cells[i + 1] = Cell(scalar: 0x20, width: 0, style: cell.style)
        } else {
            cells[i] = cell
        }
    }

    /// Fills a rectangle with blanks (or `char`) in `style`.
    public mutating func fill(_ rect: Rect, char: Unicode.Scalar = " ", style: Style = .plain) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        let cell = Cell(scalar: char.value, width: 1, style: style)
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { set(x, y, cell) }
        }
    }

    /// Changes the style of cells in a rectangle, keeping their characters.
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * size.width + x].style = transform(cells[y * size.width + x].style) }
        }
    }

    public func clip(_ rect: Rect) -> Rect {
        let x0 = max(0, rect.x), y0 = max(0, rect.y)
        let x1 = min(size.width, rect.maxX), y1 = min(size.height, rect.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Writes text at (x, y) on one line, at most `maxWidth` columns (default: to the
    /// right edge), one grapheme cluster per cell at its display width. Control characters
    /// and bidi overrides (``TerminalText/isUnsafe(_:)``) show as `?`. With `ellipsis`, text that does not
    /// fit ends in `…`. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .plain, ellipsis: Bool = false) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(maxWidth ?? (size.width - x), size.width - x)
        guard limit > 0 else { return 0 }
        let needsCut = ellipsis && DisplayWidth.of(text) > limit
        let budget = needsCut ? limit - 1 : limit
        var col = 0
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            for b in text.utf8 {
                if col >= budget { break }
                set(x + col, y, Cell(scalar: UInt32(b), width: 1, style: style))
                col += 1
            }
        } else {
            for ch in text {
                var scalars = ch.unicodeScalars.makeIterator()
                guard let first = scalars.next() else { continue }
                var base = first.value
                var w: Int
                var tail: String?
                if TerminalText.isUnsafe(first) {
                    base = 0x3F  // "?": never send control or bidi characters to the terminal
                    w = 1
                } else {
                    w = min(2, DisplayWidth.of(grapheme: ch))
                    if w == 0 { continue }  // a stray combining mark with nothing to sit on
                    // The rest of the cluster, bounded: a hostile cluster may stack
                    // thousands of marks, and curses keeps only a few per cell anyway.
                    var rest = String.UnicodeScalarView()
                    var n = 0
                    while let s = scalars.next(), n < Cell.maxTailScalars {
                        if !TerminalText.isUnsafe(s) { rest.append(s) }
                        n += 1
                    }
                    if !rest.isEmpty { tail = String(rest) }
                }
                if col + w > budget { break }
                if x + col >= 0 {
                    set(x + col, y, Cell(scalar: base, width: UInt8(w), style: style, tail: tail))
                }
                col += w
            }
        }
        if needsCut, col < limit {
            set(x + col, y, Cell(scalar: 0x2026, width: 1, style: style))
            col += 1
        }
        return col
    }

    /// The text of one row, continuation cells skipped, trailing blanks trimmed.
    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<size.width {
            let c = self[x, y]
            if c.width != 0 { s += c.text }
        }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Every row as text (see ``line(_:)``): how tests compare screens.
    public var lines: [String] { (0..<size.height).map(line) }

    /// The rows joined with newlines, trailing empty rows dropped.
    public var text: String {
        var l = lines
        while l.last == "" { l.removeLast() }
        return l.joined(separator: "\n")
    }
}
