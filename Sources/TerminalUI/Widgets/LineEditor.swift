/// A one-line text input with cursor and completion, for the `:` command line and the
/// `/` filter: the model is pure, painting is separate.
///
/// ```swift
/// var ed = LineEditor(prefix: ":")
/// ed.completions = ["sections", "quit", "help"]
/// ed.handle(.char("s"))        // suggestion: "sections" (shown greyed after the cursor)
/// ed.handle(.tab)              // text == "sections"
/// ```
public struct LineEditor: Sendable, Equatable {
    public var prefix: String
    public private(set) var text: String = ""
    /// Cursor position in grapheme clusters (Characters): every edit and move goes by
    /// cluster, so a flag, `❤️` or `e` + U+0301 is one step and one Backspace.
    public private(set) var cursor: Int = 0
    /// Candidates for completion; the first one extending `text` is suggested.
    public var completions: [String] = []

    public init(prefix: String, text: String = "") {
        self.prefix = prefix
        self.text = text
        self.cursor = text.count
    }

    /// What Tab would complete to (nil when nothing extends the text).
    public var suggestion: String? {
        guard !text.isEmpty else { return nil }
        return completions.first { $0.hasPrefix(text) && $0 != text }
    }

    /// Candidates that extend the current text (for a list under the prompt).
    public var matchingCompletions: [String] { completions.filter { $0.hasPrefix(text) } }

    public enum Outcome: Sendable, Equatable { case editing, submit(String), cancel }

    public mutating func set(_ s: String) {
        text = s
        cursor = s.count
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .submit(text)
        case .escape, .ctrl("g"): return .cancel
        case .char(let c):
            insert(c)
        case .tab:
            complete()
        case .right where cursor == text.count:
            complete()
        case .backspace:
            if cursor > 0 {
                text.remove(at: index(cursor - 1))
                cursor -= 1
            } else if text.isEmpty {
                return .cancel
            }
        case .delete, .ctrl("d"):
            if cursor < text.count { text.remove(at: index(cursor)) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"):
            text.removeSubrange(..<index(cursor))
            cursor = 0
        case .ctrl("k"):
            text.removeSubrange(index(cursor)...)
        case .ctrl("w"):
            let head = text[..<index(cursor)]
            var cut = head.endIndex
            while cut > head.startIndex, head[head.index(before: cut)] == " " { cut = head.index(before: cut) }
            while cut > head.startIndex, head[head.index(before: cut)] != " " { cut = head.index(before: cut) }
            let kept = head.distance(from: head.startIndex, to: cut)
            text.removeSubrange(cut..<head.endIndex)
            cursor = kept
        default:
            break
        }
        return .editing
    }

    /// Accepts the suggestion shown (what you see greyed out is what Tab gives).
    private mutating func complete() {
        if let s = suggestion { set(s) }
    }

    /// The string index `n` grapheme clusters in, clamped to the text.
    private func index(_ n: Int) -> String.Index {
        text.index(text.startIndex, offsetBy: max(0, n), limitedBy: text.endIndex) ?? text.endIndex
    }

    /// Inserts a key's character at the cursor. Keys arrive one scalar at a time, so a
    /// scalar may join the cluster before the cursor (U+FE0F after `❤`, U+0301 after `e`,
    /// the second regional indicator of a flag) or after it: the cursor is recounted in
    /// clusters as the text now reads, never assumed to have moved by one.
    private mutating func insert(_ c: Character) {
        let head = String(text[..<index(cursor)]) + String(c)
        text = head + text[index(cursor)...]
        // Clusters that start before the end of what was typed, as `text` now breaks: when
        // the scalar merged into the cluster after it, the cursor goes after that cluster.
        let typedEnd = text.utf8.index(text.startIndex, offsetBy: head.utf8.count)
        var i = text.startIndex
        var n = 0
        while i < typedEnd {
            i = text.index(after: i)
            n += 1
        }
        cursor = n
    }

    /// Which clusters a prompt `columns` cells wide shows so that the cursor's cell is on
    /// screen: `lo..<hi` (the cursor's cluster included when it is on one), and whether text
    /// is hidden on the left or the right (each sign takes a cell). A line that fits shows
    /// whole; a longer one scrolls, the cursor kept at the right edge when it is past the
    /// first screenful. `widths` are the clusters' cells (``TextWrap/cells(_:)``).
    ///
    /// ```swift
    /// LineEditor.window(widths: Array(repeating: 1, count: 30), cursor: 30, columns: 10)
    /// // (lo: 22, hi: 30, left: true, right: false): «, 8 clusters, the cursor's cell
    /// ```
    public static func window(widths: [Int], cursor: Int, columns: Int) -> (lo: Int, hi: Int, left: Bool, right: Bool) {
        let count = widths.count
        let cursor = max(0, min(cursor, count))
        let cursorWidth = cursor < count ? max(1, widths[cursor]) : 1
        let total = widths.reduce(0, +) + (cursor == count ? 1 : 0)
        guard columns > 0, total > columns else { return (0, count, false, false) }
        // The text before the cursor fits with a cell left for the right sign: no left sign.
        var lo = 0, used = cursorWidth
        let before = widths[..<cursor].reduce(0, +)
        let left = before + cursorWidth > columns - 1
        if left {
            let avail = max(cursorWidth, columns - 1 - (cursor + 1 < count ? 1 : 0))
            lo = cursor
            while lo > 0, used + widths[lo - 1] <= avail {
                lo -= 1
                used += widths[lo]
            }
        } else {
            used += before
        }
        // After the cursor: as much as fits, a cell kept for the right sign.
        var hi = min(cursor + 1, count)
        let room = columns - (left ? 1 : 0) - 1
        while hi < count, used + widths[hi] <= room {
            used += widths[hi]
            hi += 1
        }
        return (lo, hi, left, hi < count)
    }

    /// Paints `prefix text▌suggestion` on one row. A line longer than the row scrolls so
    /// the cursor stays on screen, `«` / `»` marking text hidden on the left / right.
    public func paint(into buf: inout CellBuffer, _ rect: Rect, theme: Theme, error: String? = nil) {
        guard rect.height > 0 else { return }
        let row = rect.row(0)
        buf.fill(row, style: theme[.text])
        var x = rect.x
        x += buf.put(prefix, x: x, y: rect.y, maxWidth: row.width, style: theme[.prompt])
        // An error keeps its room at the right, up to half the line: a long text scrolls in
        // what is left rather than hiding why it is refused.
        let errorRoom = error.map { min(DisplayWidth.of($0) + 1, max(0, (rect.maxX - x) / 2)) } ?? 0
        let maxX = rect.maxX - errorRoom
        let clusters = Array(text)
        let view = LineEditor.window(widths: clusters.map(TextWrap.cells), cursor: cursor, columns: maxX - x)
        let sign = theme[.promptCompletion]
        if view.left { x += buf.put("«", x: x, y: rect.y, maxWidth: maxX - x, style: sign) }
        let before = String(clusters[view.lo..<min(cursor, view.hi)])
        x += buf.put(before, x: x, y: rect.y, maxWidth: maxX - x, style: theme[.prompt])
        let cursorChar = cursor < clusters.count ? String(clusters[cursor]) : " "
        let cx = x
        x += buf.put(cursorChar, x: x, y: rect.y, maxWidth: maxX - x, style: theme[.prompt].with(attrs: .reverse))
        if cursor + 1 < view.hi {
            x += buf.put(String(clusters[(cursor + 1)..<view.hi]), x: x, y: rect.y, maxWidth: maxX - x, style: theme[.prompt])
        }
        if view.right { buf.put("»", x: maxX - 1, y: rect.y, maxWidth: 1, style: sign) }
        if let s = suggestion, cursor == text.count {
            let rest = String(s.dropFirst(text.count))
            buf.put(String(rest.dropFirst()), x: cx + 1, y: rect.y, maxWidth: max(0, maxX - cx - 1), style: theme[.promptCompletion])
            buf.put(String(rest.prefix(1)), x: cx, y: rect.y, maxWidth: 1, style: theme[.promptCompletion].with(attrs: .reverse))
        }
        if let error, errorRoom > 1 {
            buf.put(error, x: maxX + 1, y: rect.y, maxWidth: errorRoom - 1, style: theme[.flashError], ellipsis: true)
        }
    }
}
