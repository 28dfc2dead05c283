/// Go's `text/tabwriter` column layout, reproduced exactly so that our tables line up
/// byte for byte with istioctl's (which prints every table through tabwriter).
///
/// Each line is a list of cells; every cell but the last is tab-terminated and takes
/// part in column alignment, the last is printed as is. As in Go, a column's width is
/// computed per *block* of consecutive lines that have a cell in that column.
///
/// ```swift
/// TabWriter(padding: 1).format([["NAME", "PORT"], ["a", "80"]])
/// // "NAME PORT\na    80\n"
/// ```
public struct TabWriter: Sendable, Equatable {
    public var minWidth: Int
    public var padding: Int

    public init(minWidth: Int = 0, padding: Int) {
        self.minWidth = minWidth
        self.padding = padding
    }

    /// Lays out `lines` for a terminal. Every cell goes through ``TerminalText/cell(_:maxWidth:)``
    /// first: control and bidi characters escaped (`\u001b`), and cut with `…` past
    /// `maxCellWidth` display columns (`InputLimits.current.maxCellWidth` by default), so one
    /// hostile value can neither drive the terminal nor pad every row to its megabytes.
    /// Columns are measured in display columns (Go counts runes; the same for ASCII).
    public func format(_ lines: [[String]], maxCellWidth: Int = InputLimits.current.maxCellWidth) -> String {
        let cells = lines.map {
            $0.map { raw in
                let text = TerminalText.cell(raw, maxWidth: maxCellWidth)
                return Cell(text: text, width: TerminalText.width(of: text))
            }
        }
        var out = ""
        var widths: [Int] = []
        formatBlock(cells, 0, cells.count, &widths, &out)
        return out
    }

    private struct Cell {
        let text: String
        let width: Int
    }

    private func formatBlock(_ lines: [[Cell]], _ line0: Int, _ line1: Int, _ widths: inout [Int], _ out: inout String) {
        var line0 = line0
        let column = widths.count
        var this = line0
        while this < line1 {
            if column >= lines[this].count - 1 {
                this += 1
                continue
            }
            // A cell exists in this column: print the lines before the block, then size it.
            writeLines(lines, line0, this, widths, &out)
            line0 = this
            var width = minWidth
            while this < line1 {
                if column >= lines[this].count - 1 { break }
                width = max(width, lines[this][column].width + padding)
                this += 1
            }
            widths.append(width)
            formatBlock(lines, line0, this, &widths, &out)
            widths.removeLast()
            line0 = this
        }
        writeLines(lines, line0, line1, widths, &out)
    }

    private func writeLines(_ lines: [[Cell]], _ line0: Int, _ line1: Int, _ widths: [Int], _ out: inout String) {
        guard line0 < line1 else { return }
        for i in line0..<line1 {
            for (j, c) in lines[i].enumerated() {
                out += c.text
                if j < widths.count && j < lines[i].count - 1 {
                    out += String(repeating: " ", count: max(widths[j] - c.width, 0))
                }
            }
            out += "\n"
        }
    }
}
