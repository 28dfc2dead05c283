/// A scrollable text view with search: the model (``TextPaneState``) and its painter.
///
/// ```swift
/// var pane = TextPaneState(text: yaml)
/// pane.search(try TextMatcher("cluster"))   // jumps to the first matching line
/// pane.nextMatch()                           // n
/// pane.setWrap(width: 80)                    // w: long lines wrap at 80 cells
/// TextPaneWidget(state: pane).paint(into: &buf, rect, theme: theme)
/// ```
///
/// Wrapped or not, `top` counts rows on screen: unwrapped a row is a line, wrapped a line
/// is one or more ``Row``s. Matches are kept by line (a match is a line that matches), so
/// search, `n`/`N` and highlighting read the same whether the pane wraps or not.
public struct TextPaneState: Sendable {
    public private(set) var lines: [String]
    /// The first row on screen (a line, or a wrapped row when ``wrapWidth`` is set).
    public var top: Int = 0
    public private(set) var matcher: TextMatcher?
    /// Lines that match, in order.
    public private(set) var matchLines: [Int] = []
    public private(set) var currentMatch: Int?
    /// The width long lines wrap at; nil: lines are cut at the pane's edge (with `…`).
    public private(set) var wrapWidth: Int?
    /// Wrapped rows, in order (empty when not wrapping).
    public private(set) var rows: [Row] = []
    /// Wrapping: the first row of each line.
    private var firstRow: [Int] = []

    /// One row of a wrapped line: which line, and the UTF-8 offsets of its part.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var range: Range<Int>
    }

    public init(text: String) {
        var ls = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("\t") ? line.replacingOccurrences(of: "\t", with: "    ") : String(line)
        }
        if ls.last == "" { ls.removeLast() }
        lines = ls
    }

    public init(lines: [String]) { self.lines = lines }

    /// Rows the pane scrolls over: lines, or wrapped rows.
    public var rowCount: Int { wrapWidth == nil ? lines.count : rows.count }

    /// The row a line starts on.
    public func row(ofLine n: Int) -> Int {
        guard wrapWidth != nil else { return n }
        return firstRow.indices.contains(n) ? firstRow[n] : rows.count
    }

    /// The line a row belongs to.
    public func line(ofRow r: Int) -> Int {
        guard wrapWidth != nil else { return r }
        return rows.indices.contains(r) ? rows[r].line : lines.count
    }

    /// `w`: wrap long lines at `width` cells, or stop wrapping (nil). The line at the top
    /// stays at the top.
    public mutating func setWrap(width: Int?) {
        let topLine = line(ofRow: top)
        wrapWidth = width.map { max(2, $0) }
        rows = []
        firstRow = []
        if let w = wrapWidth {
            firstRow.reserveCapacity(lines.count)
            for (i, l) in lines.enumerated() {
                firstRow.append(rows.count)
                for r in TextWrap.rows(l, width: w) { rows.append(Row(line: i, range: r)) }
            }
        }
        top = min(row(ofLine: topLine), max(0, rowCount - 1))
    }

    /// Toggles wrapping at `width`.
    public mutating func toggleWrap(width: Int) { setWrap(width: wrapWidth == nil ? width : nil) }

    /// The pane was resized: wrap again at the new width (nothing when not wrapping).
    public mutating func rewrap(width: Int) {
        if let w = wrapWidth, w != max(2, width) { setWrap(width: width) }
    }

    public mutating func scroll(by n: Int, height: Int) {
        top = max(0, min(top + n, max(0, rowCount - height)))
    }

    public mutating func scrollToTop() { top = 0 }
    public mutating func scrollToBottom(height: Int) { top = max(0, rowCount - height) }

    /// Sets the search pattern (nil clears it) and moves to the first match at or below the top.
    public mutating func search(_ m: TextMatcher?) {
        matcher = m
        matchLines = []
        currentMatch = nil
        guard let m, !m.isEmpty else { return }
        for (i, l) in lines.enumerated() where m.accepts(l) { matchLines.append(i) }
        let topLine = line(ofRow: top)
        if let k = matchLines.firstIndex(where: { $0 >= topLine }) ?? (matchLines.isEmpty ? nil : 0) {
            currentMatch = k
            top = max(0, row(ofLine: matchLines[k]) - 2)
        }
    }

    public mutating func nextMatch(forward: Bool = true) {
        guard !matchLines.isEmpty else { return }
        let k = currentMatch.map { forward ? ($0 + 1) % matchLines.count : ($0 - 1 + matchLines.count) % matchLines.count } ?? 0
        currentMatch = k
        top = max(0, row(ofLine: matchLines[k]) - 2)
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

extension Substring {
    func replacingOccurrences(of a: String, with b: String) -> String { String(self).replacingOccurrences(of: a, with: b) }
}

public struct TextPaneWidget: Sendable {
    public var state: TextPaneState
    public var role: Role
    /// A role per line (diff lines in green and red); nil keeps `role`.
    public var lineRole: (@Sendable (String) -> Role?)?

    public init(state: TextPaneState, role: Role = .text, lineRole: (@Sendable (String) -> Role?)? = nil) {
        self.state = state
        self.role = role
        self.lineRole = lineRole
    }

    public func paint(into buf: inout CellBuffer, _ rect: Rect, theme: Theme) {
        buf.fill(rect, style: theme[.text])
        let current = state.currentMatch.map { state.matchLines[$0] }
        // A line's matches, found once however many of its rows are on screen.
        var cached: (line: Int, ranges: [Range<Int>])?
        for i in 0..<rect.height {
            let r = state.top + i
            guard r < state.rowCount else { break }
            let n = state.line(ofRow: r)
            guard state.lines.indices.contains(n) else { break }
            let line = state.lines[n]
            let part = state.wrapWidth == nil ? 0..<line.utf8.count : state.rows[r].range
            let y = rect.y + i
            let lineStyle = theme[lineRole?(line) ?? role]
            let style = n == current ? lineStyle.over(theme[.cursorLine]) : lineStyle
            if n == current { buf.fill(rect.row(i), style: style) }
            let text = Self.slice(line, part)
            // A wrapped row that is still too wide (the pane was narrowed) is cut like a line.
            buf.put(text, x: rect.x, y: y, maxWidth: rect.width, style: style, ellipsis: true)
            guard let m = state.matcher else { continue }
            if cached?.line != n {
                cached = (n, m.ranges(in: line).map { line.utf8.distance(from: line.startIndex, to: $0.lowerBound)..<line.utf8.distance(from: line.startIndex, to: $0.upperBound) })
            }
            for hit in cached?.ranges ?? [] where hit.overlaps(part) {
                let lo = max(hit.lowerBound, part.lowerBound), hi = min(hit.upperBound, part.upperBound)
                let before = DisplayWidth.of(Self.slice(line, part.lowerBound..<lo))
                // Unwrapped, the last cell may be the cut's `…`; a wrapped row fits whole.
                let limit = state.wrapWidth == nil ? rect.width - 1 : rect.width
                guard before < limit else { break }
                buf.put(Self.slice(line, lo..<hi), x: rect.x + before, y: y, maxWidth: limit - before, style: theme[.searchMatch])
            }
        }
    }

    /// The part of `line` between two UTF-8 offsets (on cluster boundaries: rows and matches).
    static func slice(_ line: String, _ r: Range<Int>) -> String {
        let u = line.utf8
        guard let lo = u.index(u.startIndex, offsetBy: r.lowerBound, limitedBy: u.endIndex),
              let hi = u.index(u.startIndex, offsetBy: r.upperBound, limitedBy: u.endIndex), lo <= hi else { return "" }
        return String(line[lo..<hi])
    }
}
