import MeshBase

/// Paints a MeshBase ``Table`` as an interactive grid: header with a sort marker,
/// selection bar, scrolling, filter-match highlight, numeric columns right-aligned,
/// cells truncated with `…`, wide-only columns shown when there is room (and, like any
/// column left out, announced and scrolled to when there is not).
///
/// The widget is stateless: the caller owns `order` (the visible rows, filtered and
/// sorted), `selected` and `top`.
///
/// ```swift
/// var w = TableWidget(table: table)
/// w.order = Array(table.rows.indices)
/// w.selected = 3
/// w.paint(into: &buf, rect, theme: .defaultDark)
/// ```
public struct TableWidget: Sendable {
    public var table: Table
    /// Row indices into `table.rows`, in display order.
    public var order: [Int]
    /// Position in `order` of the selected row.
    public var selected: Int
    /// Position in `order` of the first row shown.
    public var top: Int
    public var sortColumn: Int?
    public var ascending: Bool
    public var highlight: TextMatcher?
    /// Natural width per column (header and every cell); computed once per table by
    /// ``naturalWidths(_:)`` so scrolling does not re-measure 100,000 rows.
    public var widths: [Int]
    /// Optional per-cell role (e.g. SYNCED in green, STALE in yellow).
    public var cellRole: (@Sendable (_ column: String, _ value: String) -> Role?)?
    /// Optional role by position (index into `table.rows`, column index), over ``cellRole``:
    /// a cell the caller knows more about than its text (the row of an object with a problem).
    public var rowCellRole: (@Sendable (_ row: Int, _ column: Int) -> Role?)?
    /// Columns between cells.
    public var gap: Int = 2
    /// Columns that stay longest when the width is short, most important first (a view's
    /// identity and problem columns: NAME, SECURITY); the others go from the right first.
    public var priority: [Int] = []
    /// Horizontal scroll: how many columns (after the first of ``priority``, which stays)
    /// are skipped from the left; ←/→ change it a column at a time.
    public var firstColumn: Int = 0
    /// Wide (k9s Ctrl-W): every column at its natural width, none cut; what does not fit
    /// is scrolled to instead.
    public var wide = false

    public init(table: Table, order: [Int]? = nil, widths: [Int]? = nil) {
        self.table = table
        self.order = order ?? Array(table.rows.indices)
        self.selected = 0
        self.top = 0
        self.sortColumn = nil
        self.ascending = true
        self.widths = widths ?? TableWidget.naturalWidths(table)
    }

    /// The widest cell of each column, header included (plus room for a sort marker).
    public static func naturalWidths(_ table: Table) -> [Int] {
        var w = table.columns.map { DisplayWidth.of($0.name) + 1 }
        for row in table.rows {
            for (i, cell) in row.enumerated() where i < w.count {
                let n = cell.utf8.count
                // ASCII fast path: byte count is the width; only measure when it could win.
                if n > w[i] { w[i] = max(w[i], DisplayWidth.of(cell)) }
            }
        }
        return w
    }

    /// Every column, wide-only ones included, in table order: what a layout picks from, what
    /// `→` scrolls through and what ``hiddenColumns(width:)`` counts. A wide-only column is the
    /// first to go when the table does not fit (``layout(width:)``), but it is still a column of
    /// the table: a column shown at one width is announced (`+N cols →`) and reachable with `→`
    /// at a narrower one, never dropped silently.
    public var allColumns: [Int] { table.visibleColumnIndices(wide: true) }

    /// Which columns fit and how wide each is drawn. Wide-only columns are dropped first
    /// when space is short; then columns shrink (those outside ``priority`` first, the widest
    /// first), but never below a readable floor (16 cells, a quarter of a small window, or the
    /// header, for text; the whole value for numbers up to 12); when even the floors do not
    /// fit, columns are dropped from the right, so a narrow terminal shows fewer whole columns
    /// rather than every column cut to a stub. The row's name, when it fits in half the width,
    /// is whole if dropping columns outside ``priority`` makes it so (`:proxies` at 120
    /// columns: NAME whole, ISTIOD and the ambient types scrolled to).
    public func layout(width: Int) -> [(column: Int, width: Int)] {
        var cols = allColumns
        let scrolled = firstColumn > 0
        if scrolled {
            // Scrolled right: the most important column stays first; the others are the ones
            // the unscrolled screen shows, then the ones it announces (`+N cols →`, wide-only
            // among them), each in table order, the first `firstColumn` of them skipped. So `→`
            // walks into exactly the columns announced as off to the right, every one of them
            // (a column the unscrolled screen left out on the left of one it shows is reached
            // too), and what does not fit goes from the right.
            var unscrolled = self
            unscrolled.firstColumn = 0
            let front = unscrolled.layout(width: width).map(\.column)
            let pin = priority.first { cols.contains($0) }
            let others = front.filter { $0 != pin } + cols.filter { $0 != pin && !front.contains($0) }
            cols = (pin.map { [$0] } ?? []) + others.dropFirst(min(firstColumn, max(0, others.count - 1)))
            if !wide {
                // Wide-only columns still go first, from the right, but not the one scrolled
                // to: each is reached when the columns before it have been scrolled past.
                func natural(_ c: [Int]) -> Int { c.reduce(0) { $0 + widths[$1] } + gap * max(0, c.count - 1) }
                while natural(cols) > width, let i = cols.lastIndex(where: { table.columns[$0].wideOnly }), i > 1 {
                    cols.remove(at: i)
                }
            }
        } else if !wide {
            // Not all at their natural width: the wide-only columns go first (announced).
            let total = cols.reduce(0) { $0 + widths[$1] } + gap * max(0, cols.count - 1)
            let narrow = table.visibleColumnIndices(wide: false)
            if total > width, !narrow.isEmpty { cols = narrow }
        }
        let kept = scrolled ? [] : Set(priority)
        func floor(_ c: Int) -> Int {
            if wide { return widths[c] }
            let header = DisplayWidth.of(table.columns[c].name) + 1
            // On a very small window a stub of each column beats dropping most of them.
            let readable = table.columns[c].numeric ? 12 : max(header, min(16, width / 4))
            return min(widths[c], readable)
        }
        func floorsTotal(_ c: [Int]) -> Int { c.reduce(0) { $0 + floor($1) } + gap * max(0, c.count - 1) }
        // Scrolled, the column scrolled to is shown even when it must be cut (wide mode).
        let minimum = scrolled ? 2 : 1
        while cols.count > minimum, floorsTotal(cols) > width {
            // The rightmost column outside the priority list goes first, then the least important one kept.
            if let i = cols.lastIndex(where: { !kept.contains($0) }) {
                cols.remove(at: i)
            } else if let least = priority.last(where: { cols.contains($0) }) {
                cols.removeAll { $0 == least }
            } else {
                cols.removeLast()
            }
        }
        // Scrolled, the columns scrolled to are what the user wants whole: all give alike.
        var out = fit(cols, width: width, othersFirst: !scrolled, floor: floor)
        // The row's name (the first of `priority`), when it fits in half the width, is shown
        // whole before columns outside `priority` take its room: they go from the right
        // (announced, scrolled to), but only when that makes the name whole; a name cut anyway
        // (or longer than half the width, like an Envoy cluster's FQDN) keeps them.
        if !scrolled, !wide, let name = priority.first(where: { cols.contains($0) }), widths[name] <= width / 2 {
            var rest = cols
            while (out.first { $0.column == name }?.width ?? 0) < widths[name], let i = rest.lastIndex(where: { !kept.contains($0) }) {
                rest.remove(at: i)
                let candidate = fit(rest, width: width, othersFirst: true, floor: floor)
                if (candidate.first { $0.column == name }?.width ?? 0) >= widths[name] { out = candidate }
            }
        }
        return out
    }

    /// Widths for `cols` in `width`: each at its natural width, then cut where they do not fit;
    /// with `othersFirst` the columns outside ``priority`` give first (a mostly empty ISTIOD
    /// column with a few long cells is cut before NAME), then the widest of all, never below `floor`.
    private func fit(_ cols: [Int], width: Int, othersFirst: Bool, floor: (Int) -> Int) -> [(column: Int, width: Int)] {
        var w = cols.map { widths[$0] }
        let floors = cols.map(floor)
        var excess = w.reduce(0, +) + gap * max(0, cols.count - 1) - width
        let important = Set(priority)
        for othersOnly in othersFirst ? [true, false] : [false] where excess > 0 {
            let giving = w.indices.filter { !othersOnly || !important.contains(cols[$0]) }
            while excess > 0 {
                // The widest column that can still give, cut down towards the next widest.
                guard let widest = giving.filter({ w[$0] > floors[$0] }).max(by: { w[$0] < w[$1] }) else { break }
                let second = giving.filter { $0 != widest }.map { w[$0] }.max() ?? floors[widest]
                let cut = min(excess, w[widest] - floors[widest], max(1, w[widest] - second))
                w[widest] -= cut
                excess -= cut
            }
        }
        if excess > 0, let last = w.indices.last {
            // One column wider than the screen: it takes what there is.
            w[last] = max(1, w[last] - excess)
        }
        return zip(cols, w).map { ($0, $1) }
    }

    /// How many columns a layout for `width` leaves out (scrolled past or not fitting),
    /// wide-only ones included: what the frame announces and `→` can still reach.
    public func hiddenColumns(width: Int) -> (left: Int, right: Int) {
        let shown = Set(layout(width: width).map(\.column))
        let all = allColumns
        let left = firstColumn > 0 ? min(firstColumn, max(0, all.count - 2)) : 0
        return (left, max(0, all.count - shown.count - left))
    }

    public func paint(into buf: inout CellBuffer, _ rect: Rect, theme: Theme) {
        guard rect.height > 0, rect.width > 0 else { return }
        let base = theme[.tableRow]
        buf.fill(rect, style: theme[.text])
        let cols = layout(width: rect.width)
        // Header
        var x = rect.x
        for (n, (c, w)) in cols.enumerated() {
            let column = table.columns[c]
            var name = column.name
            let marker = sortColumn == c ? (ascending ? "↑" : "↓") : ""
            if DisplayWidth.of(name) + DisplayWidth.of(marker) > w { name = DisplayWidth.truncate(name, to: w - DisplayWidth.of(marker)) }
            let textWidth = DisplayWidth.of(name) + DisplayWidth.of(marker)
            let start = column.numeric ? x + w - textWidth : x
            let drawn = buf.put(name, x: start, y: rect.y, maxWidth: w, style: theme[.tableHeader])
            if !marker.isEmpty { buf.put(marker, x: start + drawn, y: rect.y, maxWidth: 1, style: theme[.tableSortMarker]) }
            x += w + (n == cols.count - 1 ? 0 : gap)
        }
        // Rows
        let height = rect.height - 1
        let first = Scroll.top(selected: selected, top: top, height: height, count: order.count)
        for line in 0..<height {
            let pos = first + line
            guard pos < order.count else { break }
            let row = table.rows[order[pos]]
            let y = rect.y + 1 + line
            let isSelected = pos == selected
            let rowStyle = isSelected ? theme[.tableSelected] : base
            if isSelected { buf.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: rowStyle) }
            var x = rect.x
            for (n, (c, w)) in cols.enumerated() {
                var text = c < row.count ? row[c] : ""
                if table.columns[c].keepsEnd, DisplayWidth.of(text) > w { text = DisplayWidth.truncateQualified(text, to: w) }
                var style = rowStyle
                if !isSelected, let role = rowCellRole?(order[pos], c) ?? cellRole?(table.columns[c].name, text) { style = theme[role].over(base) }
                let tw = min(DisplayWidth.of(text), w)
                let start = table.columns[c].numeric ? x + w - tw : x
                buf.put(text, x: start, y: y, maxWidth: w, style: style, ellipsis: true)
                if let highlight {
                    paintMatches(highlight, text: text, into: &buf, x: start, y: y, maxWidth: w, style: theme[.tableMatch])
                }
                x += w + (n == cols.count - 1 ? 0 : gap)
            }
        }
    }

    private func paintMatches(_ m: TextMatcher, text: String, into buf: inout CellBuffer, x: Int, y: Int, maxWidth: Int, style: Style) {
        for r in m.ranges(in: text) {
            let before = DisplayWidth.of(String(text[..<r.lowerBound]))
            guard before < maxWidth else { break }
            let fits = DisplayWidth.of(text) <= maxWidth
            let room = fits ? maxWidth - before : maxWidth - 1 - before  // keep the ellipsis
            guard room > 0 else { break }
            buf.put(String(text[r]), x: x + before, y: y, maxWidth: room, style: style)
        }
    }
}

extension DisplayWidth {
    /// A `name.namespace` cut to `width` columns keeping the name whole and cutting the
    /// namespace in its middle, so `reviews-v1.bo…nfo` and `reviews-v1.bo…ent` (bookinfo,
    /// bookinfo-ambient) stay apart; when the name leaves no room for three cells of namespace,
    /// the end is cut as usual (`istio-ingressgat…`).
    ///
    /// ```swift
    /// DisplayWidth.truncateQualified("reviews-v1.bookinfo-ambient", to: 17)   // "reviews-v1.bo…ent"
    /// ```
    public static func truncateQualified(_ text: String, to width: Int) -> String {
        if of(text) <= width { return text }
        guard let dot = text.lastIndex(of: ".") else { return truncateWithEllipsis(text, to: width) }
        let name = String(text[...dot])
        let room = width - of(name)
        guard room >= 3 else { return truncateWithEllipsis(text, to: width) }
        return name + truncateMiddle(String(text[text.index(after: dot)...]), to: room)
    }

    /// `text` cut at the end to `width` columns, the last one an `…`.
    public static func truncateWithEllipsis(_ text: String, to width: Int) -> String {
        if of(text) <= width { return text }
        guard width > 1 else { return truncate(text, to: width) }
        return truncate(text, to: width - 1) + "…"
    }

    /// `text` cut in the middle to `width` columns with one `…`: the end gets the odd column.
    public static func truncateMiddle(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        guard width > 2 else { return truncate(text, to: width) }
        let room = width - 1
        let head = truncate(text, to: room / 2)
        var tail: [Character] = []
        var w = 0
        for ch in text.reversed() {
            let cw = of(grapheme: ch)
            if w + cw > room - of(head) { break }
            tail.append(ch)
            w += cw
        }
        return head + "…" + String(tail.reversed())
    }

    /// The longest prefix of `text` that fits in `width` columns.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        var out = ""
        var w = 0
        for ch in text {
            let cw = of(grapheme: ch)
            if w + cw > width { break }
            out.append(ch)
            w += cw
        }
        return out
    }
}
