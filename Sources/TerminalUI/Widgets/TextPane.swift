/// A scrollable text view with search: the model (``TextPaneState``) and its painter.
///
/// ```swift
/// var pane = TextPaneState(text: yaml)
/// pane.search(try TextMatcher("cluster"))   // jumps to the first matching line
/// pane.nextMatch()                           // n
/// TextPaneWidget(state: pane).paint(into: &buf, rect, theme: theme)
/// ```
public struct TextPaneState: Sendable {
    public private(set) var lines: [String]
    public var top: Int = 0
    public private(set) var matcher: TextMatcher?
    public private(set) var matchLines: [Int] = []
    public private(set) var currentMatch: Int?

    public init(text: String) {
        var ls = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("\t") ? line.replacingOccurrences(of: "\t", with: "    ") : String(line)
        }
        if ls.last == "" { ls.removeLast() }
        lines = ls
    }

    public init(lines: [String]) { self.lines = lines }

    public mutating func scroll(by n: Int, height: Int) {
        top = max(0, min(top + n, max(0, lines.count - height)))
    }

    public mutating func scrollToTop() { top = 0 }
    public mutating func scrollToBottom(height: Int) { top = max(0, lines.count - height) }

    /// Sets the search pattern (nil clears it) and moves to the first match at or below the top.
    public mutating func search(_ m: TextMatcher?) {
        matcher = m
        matchLines = []
        currentMatch = nil
        guard let m, !m.isEmpty else { return }
        for (i, l) in lines.enumerated() where m.accepts(l) { matchLines.append(i) }
        if let k = matchLines.firstIndex(where: { $0 >= top }) ?? (matchLines.isEmpty ? nil : 0) {
            currentMatch = k
            top = max(0, matchLines[k] - 2)
        }
    }

    public mutating func nextMatch(forward: Bool = true) {
        guard !matchLines.isEmpty else { return }
        let k = currentMatch.map { forward ? ($0 + 1) % matchLines.count : ($0 - 1 + matchLines.count) % matchLines.count } ?? 0
        currentMatch = k
        top = max(0, matchLines[k] - 2)
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
        for i in 0..<rect.height {
            let n = state.top + i
            guard n < state.lines.count else { break }
            let line = state.lines[n]
            let y = rect.y + i
            let lineStyle = theme[lineRole?(line) ?? role]
            let style = n == current ? lineStyle.over(theme[.cursorLine]) : lineStyle
            if n == current { buf.fill(rect.row(i), style: style) }
            buf.put(line, x: rect.x, y: y, maxWidth: rect.width, style: style, ellipsis: true)
            if let m = state.matcher {
                for r in m.ranges(in: line) {
                    let before = DisplayWidth.of(String(line[..<r.lowerBound]))
                    guard before < rect.width - 1 else { break }
                    buf.put(String(line[r]), x: rect.x + before, y: y, maxWidth: rect.width - 1 - before, style: theme[.searchMatch])
                }
            }
        }
    }
}
