import Foundation
import MeshModel
import TerminalUI

extension App {
    /// Paints the whole screen for a state. Pure: the same state gives the same cells.
    public static func view(_ s: AppState) -> CellBuffer {
        let theme = s.theme
        var buf = CellBuffer(size: s.size, fill: .blank(theme[.text]))
        if ScreenLayout.isTooSmall(s.size) {
            let msg = "terminal too small (\(s.size)); meshscope needs at least \(ScreenLayout.minimum)"
            buf.put(msg, x: 0, y: 0, style: theme[.flashWarn], ellipsis: true)
            return buf
        }
        let layout = s.layout
        paintHeader(s, &buf, layout.header)
        if let p = layout.prompt, let ed = s.promptEditor {
            var error: String?
            if case .filter = s.mode, !ed.text.isEmpty, case .failure(let e) = Result(catching: { try TextMatcher(ed.text) }) {
                error = "\(e)"
            }
            ed.paint(into: &buf, p, theme: theme, error: error)
        }
        if let screen = s.top {
            let box = Box(title: title(of: screen, s))
            box.paint(into: &buf, layout.main, theme: theme)
            if case .tabs(let t) = screen.content, let tr = layout.tabs {
                TabsBar(titles: t.pages.map(\.title), active: t.active).paint(into: &buf, tr, theme: theme)
            }
            if let c = s.focused { paintContent(c, s, &buf, layout.content) }
        }
        paintCrumbs(s, &buf, layout.crumbs)
        paintHints(s, &buf, layout.hints)
        switch s.mode {
        case .confirm(let c):
            // Over a Diff view (the apply preview) the question sits low, so the diff stays readable.
            var area = Rect(size: s.size)
            if case .diff? = s.top?.content, s.size.height >= 24 { area = Rect(x: 0, y: s.size.height - 11, width: s.size.width, height: 9) }
            c.dialog.paint(into: &buf, area, theme: theme)
        default: break
        }
        return buf
    }

    static func title(of screen: Screen, _ s: AppState) -> String {
        func tableTitle(_ t: TableScreen, _ name: String) -> String {
            let counts = t.order.count == t.table.rows.count ? "\(t.table.rows.count)" : "\(t.order.count)/\(t.table.rows.count)"
            var title = " \(name)[\(counts)] "
            if let f = t.filter { title += "</\(f.pattern)> " }
            if let l = t.labelSelector { title += "<-l \(l)> " }
            if let ns = t.namespace { title += "<ns:\(ns)> " }
            if let note = t.spec.note?(s.data) { title += "(\(note)) " }
            return title
        }
        switch screen.content {
        case .table(let t): return tableTitle(t, t.spec.title)
        case .json(let j): return (j.yaml == nil ? " \(j.title) " : " \(j.title) (yaml) ") + wrapNote(screen.content)
        case .text(let t): return " \(t.title) " + wrapNote(screen.content)
        case .diff(let d):
            return " \(d.title) " + (d.filter.map { "</\($0.pattern)> " } ?? "")
        case .tabs:
            if case .table(let t) = s.focused { return tableTitle(t, t.spec.title) }
            return " \(screen.crumb) " + wrapNote(s.focused)
        }
    }

    /// The cells of rows that findings name, in the error or warning role by the worst of
    /// them: one lookup (``ProblemIndex``) for every table view whose rows ``RowSubject`` knows.
    static func problemCells(_ t: TableScreen, _ data: SourceData) -> (@Sendable (Int, Int) -> Role?)? {
        guard let problems = data.findings?.problems, !problems.isEmpty,
              let subject = RowSubject.of(t.spec, table: t.table, data: data) else { return nil }
        let rows = t.table.rows
        return { r, c in
            guard subject.columns.contains(c), rows.indices.contains(r) else { return nil }
            return problems.role(subject, rows[r])
        }
    }

    static func paintContent(_ c: Content, _ s: AppState, _ buf: inout CellBuffer, _ r: Rect) {
        let theme = s.theme
        switch c {
        case .table(let t):
            if let e = t.error {
                buf.put(e, x: r.x + 1, y: r.y, maxWidth: r.width - 1, style: theme[.flashError], ellipsis: true)
                return
            }
            var w = t.widget
            w.rowCellRole = problemCells(t, s.data)
            var r = r
            if let preview = t.spec.preview, r.height >= 12 {
                // The selected row's detail in a pane under the table.
                let paneHeight = r.height * 2 / 5
                let pane = Rect(x: r.x + 1, y: r.maxY - paneHeight + 1, width: r.width - 2, height: paneHeight - 1)
                r.height -= paneHeight
                buf.put(String(repeating: "─", count: max(0, r.width - 2)), x: r.x + 1, y: r.maxY, style: theme[.dim])
                let text = t.selectedRow.flatMap { row in t.selectedRowIndex.flatMap { preview(s.data, row, $0) } } ?? ""
                TextPaneWidget(state: TextPaneState(text: text)).paint(into: &buf, pane, theme: theme)
            }
            w.paint(into: &buf, Rect(x: r.x + 1, y: r.y, width: r.width - 2, height: r.height), theme: theme)
            // Columns never vanish silently: the frame says how many are off screen.
            // and the selected row's cut cells are written whole on the frame's bottom edge.
            let hidden = w.hiddenColumns(width: r.width - 2)
            var labelX = r.maxX - 1
            if hidden.left > 0 || hidden.right > 0, r.width > 24 {
                var label = " "
                if hidden.left > 0 { label += "← \(hidden.left) · " }
                label += hidden.right > 0 ? "+\(hidden.right) col\(hidden.right == 1 ? "" : "s") → " : "←→ scroll "
                if t.wide { label = " wide ·" + label }
                let lw = DisplayWidth.of(label)
                labelX = r.maxX - lw - 2
                buf.put(label, x: labelX, y: r.maxY, maxWidth: lw, style: theme[.title])
            }
            if labelX - r.x - 4 > 12, let detail = cutCell(t, width: r.width - 2, room: labelX - r.x - 6) {
                buf.put(" \(detail) ", x: r.x + 2, y: r.maxY, maxWidth: labelX - r.x - 4, style: theme[.dim], ellipsis: true)
            }
            if t.order.isEmpty, r.height > 2 {
                let forbidden = Forbidden.emptyTable(t.spec.name, namespace: t.namespace, s.data)
                let filtered = t.filter != nil || t.labelSelector != nil
                let msg = forbidden ?? (t.table.rows.isEmpty ? "no rows"
                    : !filtered && t.namespace != nil ? "no rows in namespace \(t.namespace!) (:ns all shows every namespace)"
                    : "no rows match the filter (Esc clears it)")
                buf.put(msg, x: r.x + 2, y: r.y + 2, maxWidth: r.width - 3, style: theme[forbidden == nil ? .dim : .flashWarn])
            }
        case .json(let j):
            if let y = j.yaml {
                TextPaneWidget(state: y).paint(into: &buf, Rect(x: r.x + 1, y: r.y, width: r.width - 1, height: r.height), theme: theme)
            } else {
                JSONPaneWidget(state: j.pane).paint(into: &buf, Rect(x: r.x + 1, y: r.y, width: r.width - 1, height: r.height), theme: theme)
            }
        case .text(let t):
            if let side = t.side, r.width >= 60 {
                // Main pane on the left, the side pane (evidence) right of a rule.
                let leftWidth = splitLeftWidth(r)
                TextPaneWidget(state: t.pane).paint(into: &buf, Rect(x: r.x + 1, y: r.y, width: leftWidth, height: r.height), theme: theme)
                for y in r.y..<r.maxY { buf.put("│", x: r.x + 1 + leftWidth, y: y, style: theme[.dim]) }
                TextPaneWidget(state: side).paint(into: &buf, Rect(x: r.x + leftWidth + 3, y: r.y, width: r.maxX - (r.x + leftWidth + 3), height: r.height), theme: theme)
            } else {
                TextPaneWidget(state: t.pane).paint(into: &buf, Rect(x: r.x + 1, y: r.y, width: r.width - 1, height: r.height), theme: theme)
            }
        case .diff(let d):
            paintDiff(d, s, &buf, r)
        case .tabs:
            break
        }
    }

    /// The list of differences left of a rule, the selected row's diff right of it; a
    /// narrow terminal shows only the pane that has the focus.
    static func paintDiff(_ d: DiffScreen, _ s: AppState, _ buf: inout CellBuffer, _ r: Rect) {
        let theme = s.theme
        let split = r.width >= 60
        let longest = d.visible.map { DisplayWidth.of(d.entries[$0].label) }.max() ?? 10
        let leftWidth = split ? min(max(24, longest + 1), (r.width - 3) * 2 / 5) : r.width - 2
        if split || !d.focusRight {
            let list = Rect(x: r.x + 1, y: r.y, width: leftWidth, height: r.height)
            for i in 0..<list.height {
                let n = d.top + i
                guard n < d.visible.count else { break }
                let e = d.entries[d.visible[n]]
                var style: Style
                switch e.mark {
                case .summary: style = theme[.title]
                case .added: style = theme[.diffAdded]
                case .removed: style = theme[.diffRemoved]
                case .changed: style = theme[.statusWarn]
                case .problem: style = theme[.statusError]
                case .unchanged: style = theme[.dim]
                }
                if n == d.selected {
                    style = d.focusRight ? style.over(theme[.cursorLine]) : theme[.tableSelected]
                    buf.fill(list.row(i), style: style)
                }
                buf.put(e.label, x: list.x, y: list.y + i, maxWidth: list.width, style: style, ellipsis: true)
            }
            if d.visible.count <= 1, d.filter != nil, r.height > 2 {
                buf.put("no rows match the filter (Esc clears it)", x: list.x + 1, y: list.y + 2, maxWidth: list.width - 1, style: theme[.dim])
            }
        }
        guard split || d.focusRight else { return }
        let x = split ? r.x + 1 + leftWidth + 2 : r.x + 1
        if split { for y in r.y..<r.maxY { buf.put("│", x: r.x + 1 + leftWidth, y: y, style: theme[d.focusRight ? .border : .dim]) } }
        TextPaneWidget(state: d.pane, lineRole: DiffScreen.lineRole)
            .paint(into: &buf, Rect(x: x, y: r.y, width: r.maxX - x, height: r.height), theme: theme)
    }

    static func paintHeader(_ s: AppState, _ buf: inout CellBuffer, _ r: Rect) {
        let theme = s.theme
        let label = theme[.headerLabel], value = theme[.headerValue]
        func pair(_ k: String, _ v: String, _ x: Int, _ y: Int, _ width: Int, _ valueStyle: Style? = nil) {
            guard y < r.maxY, width > 10 else { return }
            buf.put(k, x: x, y: y, maxWidth: 10, style: label)
            buf.put(v, x: x + 10, y: y, maxWidth: width - 10, style: valueStyle ?? value, ellipsis: true)
        }
        let live = s.data.live
        // The right column (refresh, rows, sort) takes what its values need, at least 12
        // cells; the left one (context, source, freshness, which run long) gets the rest, so
        // a wide terminal shows them whole instead of cutting them beside an empty right half.
        let right = headerRight(s, live: live)
        let rightNeed = 10 + max(12, right.map { DisplayWidth.of($0.value) }.max() ?? 0)
        let leftWidth = min(max(r.width / 2 + 10, r.width - rightNeed - 2 - 12), r.width)
        let rightX = r.x + leftWidth + 2
        let rightWidth = r.maxX - rightX - 12
        var context = s.source.context
        if let cluster = s.source.cluster { context += " @ \(cluster)" }
        if let ns = s.headerNamespace { context += "  ns: \(ns)" } else if live != nil { context += "  ns: all" }
        if let why = s.readOnlyTag { context += "  [\(why)]" }
        // A snapshot has no refresh to show on the right: its context line may use that room.
        pair("Context:", context, r.x + 1, r.y, s.source.kind == .snapshot ? max(leftWidth, r.maxX - 13 - r.x) : leftWidth)
        var sourceText = s.source.label
        if s.source.kind == .snapshot, let taken = s.source.takenAt {
            // What a snapshot is: when it was taken, and how long ago (it never refreshes).
            let file = sourceText.hasPrefix("snapshot ") ? String(sourceText.dropFirst("snapshot ".count)) : sourceText
            sourceText = "snapshot \(dateAndTime(taken)) (taken \(ago(s.now.timeIntervalSince(taken)))) · " + file
        }
        if s.data.byteCount > 0 { sourceText += " (\(formatBytes(s.data.byteCount)))" }
        pair("Source:", sourceText, r.x + 1, r.y + 1, leftWidth)
        var fresh = "loading…"
        if let at = s.loadedAt {
            // Only a source that refreshes counts the seconds since its last read.
            switch s.source.kind {
            case .cluster, .demo: fresh = "\(clock(at)) (\(ago(s.now.timeIntervalSince(at))))"
            case .snapshot: fresh = clock(at)
            case .file:
                fresh = clock(at)
                if let modified = s.data.producedAt { fresh += " (file modified \(ago(s.now.timeIntervalSince(modified))))" }
            }
        }
        var freshStyle = s.loadError != nil ? theme[.flashError] : nil
        if let live, s.loadedAt != nil {
            // Freshness of a live source: how many proxies answer, how many sources fail.
            fresh += " · \(live.proxyCount) proxies"
            let (failing, forbidden) = Forbidden.counts(s.data)
            if forbidden > 0 { fresh += " · \(forbidden) forbidden" }
            if failing > 0 {
                fresh += " · \(failing) source\(failing == 1 ? "" : "s") failing"
                freshStyle = freshStyle ?? theme[.flashWarn]
            } else if forbidden == 0 && !live.complete {
                fresh += " · polling…"
            }
        }
        pair(s.source.refreshes ? "Updated:" : "Loaded:", fresh, r.x + 1, r.y + 2, leftWidth, freshStyle)
        paintFindingCounts(s, &buf, x: r.x + 11 + DisplayWidth.of(fresh), y: r.y + 2, maxX: r.x + 1 + leftWidth)
        for p in right { pair(p.label, p.value, rightX, r.y + p.row, rightWidth, p.warn ? theme[.flashWarn] : nil) }
        let logo = "meshscope"
        if r.width > 70 { buf.put(logo, x: r.maxX - logo.count - 1, y: r.y, style: theme[.headerLogo]) }
    }

    /// The header's right column by row: `Refresh:` (none for a snapshot, which never
    /// refreshes), `Rows:` and `Sort:` of a focused table; `warn` marks a paused refresh.
    static func headerRight(_ s: AppState, live: MeshState?) -> [(row: Int, label: String, value: String, warn: Bool)] {
        var out: [(row: Int, label: String, value: String, warn: Bool)] = []
        var refresh = s.paused ? "paused" : formatInterval(s.source.refreshInterval)
        // A file is re-read when it changes on disk; a snapshot never is. Short enough for the
        // right column of a 100-column header.
        if s.source.kind == .file && !s.paused { refresh = "on file change" }
        if !s.paused, let every = live?.statsEvery, every > 1 {
            // A mesh too large for the request budget: unfocused proxies' rates are this old at most.
            refresh += " · mesh \(formatInterval(s.source.refreshInterval * Double(every)))"
        }
        if let m = live?.metrics, m.prometheus != nil {
            refresh += m.kind == .prometheus ? " · prometheus" + (m.totalsPending ? " · totals pending" : "") : " · scraped (prometheus failing)"
        }
        if s.source.kind != .snapshot { out.append((0, "Refresh:", refresh, s.paused)) }
        if case .table(let t) = s.focused {
            out.append((1, "Rows:", t.order.count == t.table.rows.count ? "\(t.table.rows.count)" : "\(t.order.count) of \(t.table.rows.count)", false))
            if let c = t.sortColumn, c < t.table.columns.count {
                out.append((2, "Sort:", "\(t.table.columns[c].name) \(t.ascending ? "↑" : "↓")", false))
            }
        }
        return out
    }

    /// ` · 2 errors · 3 warnings` after the freshness line, each count in its severity's role;
    /// ` · no findings` when the rules ran and found nothing. Updated with every report.
    static func paintFindingCounts(_ s: AppState, _ buf: inout CellBuffer, x: Int, y: Int, maxX: Int) {
        guard let snapshot = s.data.findings, y < buf.size.height else { return }
        var segments: [(String, Role)] = snapshot.counts.map { ($0.text, ProblemIndex.role($0.severity) ?? .headerValue) }
        if segments.isEmpty {
            guard !snapshot.report.evaluated.isEmpty else { return }
            segments = [("no findings", .statusOK)]
        }
        var x = x
        for (text, role) in segments {
            guard x < maxX else { return }
            x += buf.put(" · ", x: x, y: y, maxWidth: maxX - x, style: s.theme[.headerValue])
            guard x < maxX else { return }
            x += buf.put(text, x: x, y: y, maxWidth: maxX - x, style: s.theme[role], ellipsis: true)
        }
    }

    static func paintCrumbs(_ s: AppState, _ buf: inout CellBuffer, _ r: Rect) {
        var x = r.x + 1
        for (i, screen) in s.stack.enumerated() {
            let last = i == s.stack.count - 1
            let text = " \(screen.crumb) "
            guard x < r.maxX else { break }
            x += buf.put(text, x: x, y: r.y, maxWidth: min(40, r.maxX - x), style: s.theme[last ? .crumbActive : .crumbInactive], ellipsis: true)
            x += 1
        }
    }

    /// `COLUMN: full text` of every cell of the selected row drawn narrower than its text, in
    /// the order they are on screen, joined with ` · ` for the frame's bottom edge: as many whole
    /// pairs as fit in `room` columns, then ` …` when some did not; the first pair alone (to be
    /// cut by the painter) when not even it fits. On `:edges` at 80 columns:
    /// `SOURCE: productpage-v1.bookinfo · DESTINATION: reviews-v2.bookinfo-ambient …`.
    static func cutCell(_ t: TableScreen, width: Int, room: Int) -> String? {
        let pairs = cutCells(t, width: width)
        guard var out = pairs.first else { return nil }
        var used = DisplayWidth.of(out)
        for p in pairs.dropFirst() {
            let w = DisplayWidth.of(p) + 3
            guard used + w <= room else {
                if used + 2 <= room { out += " …" }
                break
            }
            out += " · " + p
            used += w
        }
        return out
    }

    /// `COLUMN: full text` of each of the selected row's cells drawn narrower than its text.
    /// Bounded work per frame whatever the cells' size: no cell is wider than its bytes, and
    /// only a prefix is measured and copied (a 10 MB cell costs what a screenful does).
    static func cutCells(_ t: TableScreen, width: Int) -> [String] {
        guard let row = t.selectedRow else { return [] }
        var out: [String] = []
        for (c, w) in t.widget.layout(width: width) where c < row.count && row[c].utf8.count > w {
            // Walk the cell only as far as the detail can show (twice the width).
            var shown = ""
            var columns = 0
            for ch in row[c] {
                columns += DisplayWidth.of(grapheme: ch)
                if columns > 2 * max(width, 1) { break }
                shown.append(ch)
            }
            guard columns > w else { continue }
            out.append("\(t.table.columns[c].name): \(shown)")
        }
        return out
    }

    static func paintHints(_ s: AppState, _ buf: inout CellBuffer, _ r: Rect) {
        var hints: [(key: String, label: String)] = []
        switch s.mode {
        case .command: hints = [("tab", "complete"), ("enter", "run"), ("esc", "cancel")]
        case .filter: hints = [("enter", "keep"), ("esc", "clear"), ("!", "invert")]
        case .search: hints = [("enter", "search"), ("esc", "cancel")]
        case .confirm: hints = [("y", "yes"), ("n", "no")]
        case .normal:
            if case .table(let t) = s.focused {
                // A letter key keeps its case: `L` is not `l`.
                hints += t.spec.keys.map { k in
                    let key = label(of: k, s.keymap, s.focusedForBindings)
                    return (key.count == 1 ? key : key.lowercased(), k.label)
                }
            }
            // A row key that stands for a keymap action (Enter on a finding) is that action's
            // hint here; the binding's own hint would name the same key twice.
            var rowActions: [Action] = []
            if case .table(let t) = s.focused { rowActions = t.spec.keys.compactMap(\.action) }
            for (_, bindings) in s.keymap.forContent(s.focusedForBindings) {
                for b in bindings where !rowActions.contains(b.action) {
                    if let h = b.hint, let k = b.hintKey ?? b.keys.first?.description.lowercased() { hints.append((k, h)) }
                }
            }
        }
        var hintsWidth = r.width - 1
        if let f = s.flash {
            let role: Role = f.level == .error ? .flashError : f.level == .warn ? .flashWarn : .flashInfo
            // The first line of the message; when it is cut or more lines follow, say so and
            // which key reads it whole (`:messages` keeps every flash whole).
            let (line, more) = f.headline
            let key = s.keymap.global.first { $0.action == .messages }?.keys.first.map { "\($0): " } ?? ":"
            let sign = "… (\(key)messages)"
            let signWidth = DisplayWidth.of(sign)
            let text = more ? line + " " : line
            let full = DisplayWidth.of(text) + (more ? signWidth : 0)
            let w = min(full, r.width * 2 / 3)
            let x = r.maxX - w - 1
            if full > w || more, w > signWidth + 8 {
                let shown = buf.put(text, x: x, y: r.y, maxWidth: w - signWidth, style: s.theme[role])
                buf.put(sign, x: x + shown, y: r.y, maxWidth: w - shown, style: s.theme[role])
            } else {
                buf.put(more ? line + " …" : line, x: x, y: r.y, maxWidth: w, style: s.theme[role], ellipsis: true)
            }
            hintsWidth = max(0, x - r.x - 3)
        }
        HintsBar(hints).paint(into: &buf, Rect(x: r.x + 1, y: r.y, width: hintsWidth, height: 1), theme: s.theme)
    }

    static func formatBytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        if n < 1024 * 1024 { return String(format: "%.1f KiB", Double(n) / 1024) }
        return String(format: "%.1f MiB", Double(n) / 1024 / 1024)
    }

    static func formatInterval(_ t: TimeInterval) -> String {
        t >= 60 ? "\(Int(t / 60))m" : t == t.rounded() ? "\(Int(t))s" : String(format: "%.1fs", t)
    }

    static func ago(_ t: TimeInterval) -> String {
        let s = max(0, Int(t))
        if s < 60 { return "\(s)s ago" }
        if s < 3600 { return "\(s / 60)m ago" }
        return "\(s / 3600)h ago"
    }

    /// `2026-12-06 10:31`, local time: when a snapshot was taken.
    static func dateAndTime(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970)
        var tmv = tm()
        localtime_r(&t, &tmv)
        return String(format: "%04d-%02d-%02d %02d:%02d", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1, Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min))
    }

    static func clock(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970)
        var tmv = tm()
        localtime_r(&t, &tmv)
        return String(format: "%02d:%02d:%02d", tmv.tm_hour, tmv.tm_min, tmv.tm_sec)
    }
}
