#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MeshModel
import TerminalUI

/// A table view's live state: the built table and what the user did to it (filter, sort,
/// selection), with the visible row order derived from them.
public struct TableScreen: Sendable {
    /// Which view this is (a value); ``spec`` is its code, looked up from it.
    public let view: ViewRef
    /// Cells that identify a row across refreshes (the spec's, kept: read per row).
    let identityColumns: Int
    public private(set) var table: Table
    public private(set) var rowValues: [JSONTree]?
    public private(set) var rowLabels: [[String: String]]?
    /// `/-l app=x`: rows whose labels match (views with labelled rows only).
    public private(set) var labelSelector: LabelSelector?
    /// `:ns NAME`: rows of one namespace (views with a NAMESPACE column), or what a view
    /// built per namespace (``TableViewSpec/buildInNamespace``) was built for.
    public private(set) var namespace: String?
    public private(set) var widths: [Int]
    /// Why the builder failed, shown in place of rows.
    public private(set) var error: String?
    public private(set) var filter: TextMatcher?
    public private(set) var sortColumn: Int?
    public private(set) var ascending = true
    /// Indices into `table.rows`, filtered and sorted.
    public private(set) var order: [Int]
    /// The rows' filter index, one per built table: the runtime starts it in the background
    /// when the table is on screen (``prepareRowIndex()``), so no keystroke builds it; a
    /// filter reads it (waiting for a build under way), and typing on reuses it.
    private(set) var rowIndex: RowIndexCache
    /// The whole table sorted by the last sort column, reused by every filter change.
    private var sortCache: SortCache?

    struct SortCache: Sendable {
        var column: Int
        var ascending: Bool
        var order: [Int]
    }
    public var selected = 0
    public var top = 0
    /// ←/→: droppable columns scrolled past on the left (``TableWidget/firstColumn``).
    public var firstColumn = 0
    /// Ctrl-W: every column whole, scrolled to instead of cut.
    public var wide = false

    /// The widget that paints this screen (and lays its columns out for keys and tests).
    public var widget: TableWidget {
        var w = TableWidget(table: table, order: order, widths: widths)
        w.selected = selected
        w.top = top
        w.sortColumn = sortColumn
        w.ascending = ascending
        w.highlight = filter
        w.cellRole = spec.cellRole
        w.priority = spec.columnPriority(table)
        w.firstColumn = firstColumn
        w.wide = wide
        return w
    }

    /// ←/→ a column at a time (never past the last column); Ctrl-W toggles wide.
    public mutating func scrollColumns(by step: Int, width: Int) {
        if step < 0 {
            firstColumn = max(0, firstColumn + step)
        } else if widget.hiddenColumns(width: width).right > 0 {
            firstColumn += step
        }
    }

    /// The view's spec: its builder, keys and drill-down.
    public var spec: TableViewSpec { view.spec }

    public init(_ view: ViewRef, data: SourceData) {
        self.init(view, spec: view.spec, data: data, namespace: nil)
    }

    /// Built for `namespace` when the spec builds per namespace (``TableViewSpec/buildInNamespace``).
    init(_ view: ViewRef, data: SourceData, namespace: String?) {
        self.init(view, spec: view.spec, data: data, namespace: namespace)
    }

    /// A table of a spec no registry holds (tests): it gets a registry of its own.
    init(spec: TableViewSpec, data: SourceData) {
        self.init(ViewRef(.named(spec.name), in: ViewRegistry([spec])), spec: spec, data: data, namespace: nil)
    }

    private init(_ view: ViewRef, spec: TableViewSpec, data: SourceData, namespace: String?) {
        self.view = view
        identityColumns = spec.identityColumns
        do {
            let vt: ViewTable
            if let scoped = spec.buildInNamespace {
                vt = try scoped(data, namespace)
                self.namespace = namespace
            } else {
                vt = try spec.build(data)
            }
            table = vt.table
            rowValues = vt.rowValues
            rowLabels = vt.rowLabels
            error = nil
        } catch {
            table = Table(columns: [Table.Column("")])
            rowValues = nil
            self.error = "\(error)"
        }
        widths = TableWidget.naturalWidths(table)
        order = Array(table.rows.indices)
        rowIndex = RowIndexCache(rows: table.rows)
    }

    /// Starts building the filter index off the key path (see ``RowIndexCache/prepare()``).
    public func prepareRowIndex() { rowIndex.prepare() }

    /// Whether the filter index is built (the benchmark waits for it as a user would).
    public var rowIndexReady: Bool { rowIndex.ready != nil }

    public var selectedRowIndex: Int? { order.indices.contains(selected) ? order[selected] : nil }
    public var selectedRow: [String]? { selectedRowIndex.map { table.rows[$0] } }
    public var selectedValue: JSONTree? { selectedRowIndex.flatMap(value(at:)) }

    /// The object behind row `i` of `table.rows`, as the view shows it.
    public func value(at i: Int) -> JSONTree? {
        guard let v = rowValues, v.indices.contains(i) else { return nil }
        return spec.presentValue.map { $0(v[i]) } ?? v[i]
    }

    func identity(of row: [String]) -> [String] { Array(row.prefix(identityColumns)) }

    /// Rebuilds from new data keeping filter, sort and the selected row (by identity).
    public mutating func reload(_ data: SourceData) {
        self = TableScreen(view, data: data, namespace: namespace).carrying(self)
    }

    /// This (freshly built) table with the user's filter, sort, namespace and selected
    /// row (by identity) taken from `old`.
    public func carrying(_ old: TableScreen) -> TableScreen {
        let (filter, labelSelector, namespace, sortColumn, ascending, top, selected) = (old.filter, old.labelSelector, old.namespace, old.sortColumn, old.ascending, old.top, old.selected)
        let keep = old.selectedRow.map(old.identity)
        var fresh = self
        fresh.filter = filter
        fresh.labelSelector = labelSelector
        fresh.namespace = namespace
        fresh.sortColumn = sortColumn.flatMap { $0 < fresh.table.columns.count ? $0 : nil }
        fresh.ascending = ascending
        fresh.top = top
        fresh.firstColumn = old.firstColumn
        fresh.wide = old.wide
        // A filter kept across the refresh reads the new rows' index in `recompute` (the runtime
        // prepares it in the background for the next keystrokes once this frame is drawn).
        fresh.recompute()
        if let keep, let pos = fresh.order.firstIndex(where: { fresh.identity(of: fresh.table.rows[$0]) == keep }) {
            fresh.selected = pos
        } else {
            fresh.selected = Scroll.clamp(selected, count: fresh.order.count)
        }
        return fresh
    }

    public mutating func setFilter(_ m: TextMatcher?) {
        let keep = selectedRowIndex
        let previous = filter
        filter = (m?.isEmpty ?? true) ? nil : m
        if let old = previous?.literalBytes, previous?.inverted == false, let new = filter?.literalBytes, filter?.inverted == false,
           let index = rowIndex.ready, ByteText.contains(new, old) {
            // Typing on: a row containing the longer text contains the shorter one, so only the
            // rows kept so far are scanned, and they are already in order.
            order = index.rows(order, containing: new)
            selected = Scroll.clamp(selected, count: order.count)
        } else {
            recompute()
        }
        selected = keep.flatMap { order.firstIndex(of: $0) } ?? 0
        top = 0
    }

    /// The NAMESPACE column, if the view has one.
    public var namespaceColumn: Int? { table.columns.firstIndex { $0.name == "NAMESPACE" } }

    /// Whether `:ns` changes this table: it filters on NAMESPACE, or is built per namespace.
    public var followsNamespaceInEffect: Bool { namespaceColumn != nil || spec.buildInNamespace != nil }

    /// `:ns` in effect: rows of that namespace; a view built per namespace is rebuilt from
    /// `data` for it (keeping filter, sort and selection).
    public mutating func setNamespace(_ ns: String?, data: SourceData) {
        guard spec.buildInNamespace != nil else { return setNamespace(ns) }
        guard ns != namespace else { return }
        var old = self
        old.namespace = ns
        self = TableScreen(view, data: data, namespace: ns).carrying(old)
    }

    private mutating func setNamespace(_ ns: String?) {
        let keep = selectedRowIndex
        namespace = namespaceColumn == nil ? nil : ns
        recompute()
        selected = keep.flatMap { order.firstIndex(of: $0) } ?? 0
        top = 0
    }

    public mutating func setLabelSelector(_ sel: LabelSelector?) {
        let keep = selectedRowIndex
        labelSelector = (sel?.requirements.isEmpty ?? true) ? nil : sel
        if labelSelector != nil { filter = nil }
        recompute()
        selected = keep.flatMap { order.firstIndex(of: $0) } ?? 0
        top = 0
    }

    /// Shift+letter (k9s): the columns whose header starts with `letter`, in the order presses
    /// reach them: the view's most important first (``TableViewSpec/columnPriority(_:)``: the
    /// name before the problem columns before the other identity columns), then the rest in
    /// table order. On `:pods`, `N` is NAME before NAMESPACE and `S` STATUS before SYNC.
    public func sortCandidates(letter: Character, visibleColumns: [Int]) -> [Int] {
        let l = String(letter).uppercased()
        let matching = visibleColumns.filter { table.columns.indices.contains($0) && table.columns[$0].name.uppercased().hasPrefix(l) }
        guard matching.count > 1 else { return matching }
        let priority = spec.columnPriority(table)
        func rank(_ c: Int) -> Int { priority.firstIndex(of: c) ?? priority.count }
        return matching.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Shift+letter: sorts by the first of ``sortCandidates(letter:visibleColumns:)``; pressed
    /// again it reverses the order, and a third press moves on to the next column with that
    /// letter (`N`: NAME ↑, NAME ↓, NAMESPACE ↑, NAMESPACE ↓, NAME ↑ …). False: no column starts so.
    public mutating func sort(byLetter letter: Character, visibleColumns: [Int]) -> Bool {
        let candidates = sortCandidates(letter: letter, visibleColumns: visibleColumns)
        guard let first = candidates.first else { return false }
        guard let current = sortColumn, let at = candidates.firstIndex(of: current) else {
            sort(by: first, ascending: true)
            return true
        }
        if ascending {
            sort(by: current, ascending: false)
        } else {
            sort(by: candidates[(at + 1) % candidates.count], ascending: true)
        }
        return true
    }

    /// `<` / `>`: the sort column moves left or right among the shown columns.
    public mutating func moveSort(by step: Int, visibleColumns: [Int]) {
        guard !visibleColumns.isEmpty else { return }
        let keep = selectedRowIndex
        if let c = sortColumn, let p = visibleColumns.firstIndex(of: c) {
            sortColumn = visibleColumns[(p + step + visibleColumns.count) % visibleColumns.count]
        } else {
            sortColumn = step > 0 ? visibleColumns.first : visibleColumns.last
        }
        ascending = true
        recompute()
        selected = keep.flatMap { order.firstIndex(of: $0) } ?? 0
    }

    public mutating func sort(by column: Int, ascending: Bool) {
        let keep = selectedRowIndex
        sortColumn = column
        self.ascending = ascending
        recompute()
        selected = keep.flatMap { order.firstIndex(of: $0) } ?? 0
    }

    mutating func recompute() {
        // Filters pick rows; the order comes from the cached sorted permutation of the whole
        // table, so a filter keystroke is one scan and never a re-sort.
        var keep: [Bool]?
        func restrict(_ rows: [Int]) {
            var mask = [Bool](repeating: false, count: table.rows.count)
            for r in rows where keep?[r] ?? true { mask[r] = true }
            keep = mask
        }
        if let f = filter {
            let index = rowIndex.index
            if let needle = f.literalBytes {
                let hits = index.rows(containing: needle)
                if f.inverted {
                    var mask = [Bool](repeating: true, count: table.rows.count)
                    for h in hits { mask[h] = false }
                    keep = mask
                } else {
                    restrict(hits)
                }
            } else {
                restrict(table.rows.indices.filter { f.accepts(index.text(of: $0)) })
            }
        }
        if let ns = namespace, let c = namespaceColumn {
            restrict(table.rows.indices.filter { c < table.rows[$0].count && table.rows[$0][c] == ns })
        }
        if let sel = labelSelector {
            let labels = rowLabels ?? []
            restrict(table.rows.indices.filter { labels.indices.contains($0) && sel.matches(labels[$0]) })
        }
        let base: [Int]
        if let c = sortColumn {
            if let cached = sortCache, cached.column == c, cached.ascending == ascending {
                base = cached.order
            } else {
                base = TableScreen.sortedOrder(table, column: c, ascending: ascending)
                sortCache = SortCache(column: c, ascending: ascending, order: base)
            }
        } else {
            base = Array(table.rows.indices)
        }
        if let keep {
            order = base.filter { keep[$0] }
        } else {
            order = base
        }
        selected = Scroll.clamp(selected, count: order.count)
    }

    /// The row order for one sort column: numbers by value, text by its UTF-8 bytes (an
    /// 8-byte prefix key first, so most comparisons are one integer compare); ties keep
    /// table order in both directions.
    static func sortedOrder(_ table: Table, column c: Int, ascending: Bool) -> [Int] {
        var rows = Array(table.rows.indices)
        if table.columns[c].numeric {
            // Values as order-preserving integers (inverted for descending) through a stable
            // radix sort: ties keep table order both ways.
            var keys = [UInt64]()
            keys.reserveCapacity(table.rows.count)
            for row in table.rows {
                let k = RadixOrder.key(TableScreen.numericKey(c < row.count ? row[c] : ""))
                keys.append(ascending ? k : ~k)
            }
            return RadixOrder.order(keys: keys).map(Int.init)
        }
        // Every cell's UTF-8 in one buffer, sorted most-significant-bytes first: by the 8 bytes
        // after the column's common prefix as one integer, then runs that tie on those by the
        // next 8, and so on. Integer keys keep the comparisons cheap (100,000 rows in a frame).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(table.rows.count * 16)
        var starts: [Int] = []
        starts.reserveCapacity(table.rows.count + 1)
        for row in table.rows {
            starts.append(bytes.count)
            if c < row.count { bytes.append(contentsOf: row[c].utf8) }
        }
        starts.append(bytes.count)
        struct Key { var word: UInt64; var rest: UInt8; var row: Int32 }
        func key(_ row: Int, at offset: Int) -> Key {
            let s = starts[row] + offset, e = starts[row + 1]
            var word: UInt64 = 0
            var n = 0
            var i = s
            while n < 8 {
                word <<= 8
                if i < e { word |= UInt64(bytes[i]); i += 1 }
                n += 1
            }
            // Shorter strings first among those sharing these bytes (9: more bytes follow).
            let rest = UInt8(max(0, min(e - s, 9)))
            return ascending ? Key(word: word, rest: rest, row: Int32(row)) : Key(word: ~word, rest: 9 - rest, row: Int32(row))
        }
        var common = 0
        if let first = rows.first {
            let fs = starts[first], fl = starts[first + 1] - fs
            common = fl
            for r in rows where common > 0 {
                let s = starts[r], l = min(starts[r + 1] - s, common)
                var k = 0
                while k < l && bytes[s + k] == bytes[fs + k] { k += 1 }
                common = k
            }
        }
        func sortRun(_ run: [Int], at offset: Int) -> [Int] {
            var keys = run.map { key($0, at: offset) }
            if keys.count > 256 {
                // Runs come in row order, so the radix sort's stability breaks ties by row too.
                let order = RadixOrder.order(keys: keys.map(\.word), then: keys.map(\.rest))
                keys = order.map { keys[Int($0)] }
            } else {
                keys.sort { a, b in
                    if a.word != b.word { return a.word < b.word }
                    if a.rest != b.rest { return a.rest < b.rest }
                    return a.row < b.row
                }
            }
            var out: [Int] = []
            out.reserveCapacity(keys.count)
            var i = 0
            while i < keys.count {
                var j = i + 1
                while j < keys.count && keys[j].word == keys[i].word && keys[j].rest == keys[i].rest { j += 1 }
                // A tie on 8 bytes with more to come: order that run by the next 8.
                if j - i > 1 && (ascending ? keys[i].rest == 9 : keys[i].rest == 0) {
                    out.append(contentsOf: sortRun(keys[i..<j].map { Int($0.row) }, at: offset + 8))
                } else {
                    for k in i..<j { out.append(Int(keys[k].row)) }
                }
                i = j
            }
            return out
        }
        rows = sortRun(rows, at: common)
        return rows
    }

    /// The number a cell starts with (`12`, `3.5ms`, `-`); cells without one sort first.
    /// Unit suffixes count: compact rates (`1.2k`, `3M`) and binary sizes (`12.5KiB`, `512B`,
    /// `128Mi`) sort by value, `<0.01` just below 0.01. Parsed from the bytes (a sort reads
    /// every row's cell, so no `Double(String)` per cell unless it has an exponent or 19+ digits).
    static func numericKey(_ s: String) -> Double {
        var s = s
        return s.withUTF8 { numericKey(bytes: $0) }
    }

    static func numericKey(bytes b: UnsafeBufferPointer<UInt8>) -> Double {
        let n = b.count
        var i = 0
        let below = i < n && b[i] == 0x3C  // "<0.01"
        if below { i += 1 }
        let negative = i < n && b[i] == 0x2D
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fraction = 0
        var point = false
        while i < n {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(c - 0x30); if point { fraction += 1 } } else if !point { return fallback(b) }
                digits += 1
            } else if c == 0x2E && !point {
                point = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return -Double.infinity }
        if i < n && (b[i] == 0x65 || b[i] == 0x45) { return fallback(b) }  // an exponent: let the full parser read it
        var value = Double(mantissa) / pow10[min(fraction, pow10.count - 1)]
        if i < n {
            // A unit right after the number: k/M/G/T/P (×1000), or Ki/Mi/… and KiB/MiB/… (×1024).
            let binary = i + 1 < n && b[i + 1] == 0x69
            let ends = i + 1 == n || binary || b[i + 1] == 0x42 || b[i + 1] == 0x20
            if ends {
                switch b[i] {
                case 0x6B, 0x4B: value *= binary ? 1024 : 1000
                case 0x4D: value *= binary ? 1_048_576 : 1e6
                case 0x47: value *= binary ? 1_073_741_824 : 1e9
                case 0x54: value *= binary ? 1_099_511_627_776 : 1e12
                case 0x50: value *= binary ? 1_125_899_906_842_624 : 1e15
                default: break
                }
            }
        }
        if below { value /= 2 }
        return negative ? -value : value
    }

    private static let pow10: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { r, _ in r * 10 } }

    /// Exponents and very long digit runs: the standard parser on the longest numeric prefix.
    private static func fallback(_ b: UnsafeBufferPointer<UInt8>) -> Double {
        let text = String(decoding: b, as: UTF8.self)
        if let d = Double(text) { return d }
        var n = 0
        for c in b {
            if (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x65 || c == 0x45 || c == 0x2B || (n == 0 && (c == 0x2D || c == 0x3C)) { n += 1 } else { break }
        }
        var prefix = String(decoding: UnsafeBufferPointer(rebasing: b[0..<n]), as: UTF8.self)
        if prefix.hasPrefix("<") { prefix.removeFirst() }
        return Double(prefix) ?? -Double.infinity
    }
}
