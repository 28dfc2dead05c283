/// A rendered view: the one place where a view's columns are defined. The CLI prints it
/// with ``render(wide:)``; the TUI paints the same rows into its table widget.
///
/// ```swift
/// var t = Table(columns: [.init("NAME"), .init("PORT", numeric: true), .init("NODE", wideOnly: true)])
/// t.rows = [["web", "80", "node-1"]]
/// t.render()            // "NAME     PORT\nweb      80\n"
/// t.render(wide: true)  // adds the NODE column
/// ```
public struct Table: Sendable {
    public struct Column: Sendable, Equatable {
        public var name: String
        /// Shown only with `-o wide` (and in the TUI when there is room).
        public var wideOnly: Bool
        /// Sorts numerically, aligns right in the TUI.
        public var numeric: Bool
        /// A `name.namespace` value: a TUI cell too narrow for it keeps the name and cuts the
        /// namespace in its middle, so `reviews-v1.bo…nfo` and `reviews-v1.bo…ent` stay two
        /// workloads instead of two identical `reviews-v1.booki…`.
        public var keepsEnd: Bool

        public init(_ name: String, wideOnly: Bool = false, numeric: Bool = false, keepsEnd: Bool = false) {
            self.name = name
            self.wideOnly = wideOnly
            self.numeric = numeric
            self.keepsEnd = keepsEnd
        }
    }

    public var columns: [Column]
    /// One cell per column, wide-only columns included.
    public var rows: [[String]]
    /// Padding and minimum width, matched to the istioctl command the view mirrors.
    public var layout: TabWriter
    /// istioctl writes some tables with a tab after the last cell, which pads it.
    public var trailingTab: Bool
    /// Header line printed at all.
    public var showHeader: Bool

    public init(columns: [Column], rows: [[String]] = [], layout: TabWriter = TabWriter(padding: 3), trailingTab: Bool = false, showHeader: Bool = true) {
        self.columns = columns
        self.rows = rows
        self.layout = layout
        self.trailingTab = trailingTab
        self.showHeader = showHeader
    }

    /// Adds `column` after the columns shown without `-o wide`, before the wide-only ones, with
    /// one cell per row (`cells[i]` for row `i`): a column that qualifies the narrow ones
    /// stays beside them in wide output.
    ///
    /// ```swift
    /// t.insertBeforeWideOnly(.init("P50 MS", numeric: true), cells: ["12.5"])
    /// ```
    public mutating func insertBeforeWideOnly(_ column: Column, cells: [String]) {
        let at = columns.firstIndex { $0.wideOnly } ?? columns.count
        columns.insert(column, at: at)
        for i in rows.indices { rows[i].insert(i < cells.count ? cells[i] : "", at: min(at, rows[i].count)) }
    }

    public func visibleColumnIndices(wide: Bool) -> [Int] {
        columns.indices.filter { wide || !columns[$0].wideOnly }
    }

    /// The table as istioctl-style text (Go tabwriter layout), one line per row.
    public func render(wide: Bool = false) -> String {
        let keep = visibleColumnIndices(wide: wide)
        var lines: [[String]] = []
        lines.reserveCapacity(rows.count + 1)
        if showHeader { lines.append(cells(keep.map { columns[$0].name })) }
        for row in rows {
            lines.append(cells(keep.map { $0 < row.count ? row[$0] : "" }))
        }
        return layout.format(lines)
    }

    private func cells(_ c: [String]) -> [String] { trailingTab ? c + [""] : c }
}
