import Foundation
import MeshModel
import TerminalUI

/// New data, and screens built again from it.
extension AppState {
    /// `.loaded`: the source's data replaces what is shown, unless it was taken before it
    /// (queued behind a newer answer).
    mutating func receive(_ fresh: SourceData, at: Date) {
        if fresh.sequence != 0, fresh.sequence < data.sequence { return }
        let metricsBefore = data.live?.metrics
        var fresh = fresh
        fresh.origin = source.kind
        fresh.receivedAt = at
        // The last report stays on screen until the one for this data arrives.
        if fresh.findings == nil { fresh.findings = data.findings }
        fresh.flows = data.flows
        data = fresh
        loadedAt = at
        loadError = nil
        reloadScreens()
        if flash?.untilData == true, dataOnScreen { flash = nil }
        if let said = App.metricsFlash(from: metricsBefore, to: fresh.live?.metrics, at: at) { flash = said }
    }

    /// `:ctx NAME` took effect: empty data of the new source (its own follows) and the start view.
    mutating func switchSource(_ info: SourceInfo) {
        source = info
        pendingApply = nil
        loadedAt = nil
        loadError = nil
        let sequence = data.sequence
        findingsFloor = sequence + 1
        data = SourceData(name: info.label)
        data.origin = info.kind
        data.live = MeshState()
        data.sequence = sequence
        data.receivedAt = now
        resetToHome()
        flash = Flash("switched to context \(info.context)", .info, at: now)
    }

    /// The answer to a Ctrl-R on a computed screen replaces it (same request on top).
    mutating func dropRecomputed(_ request: Effect) {
        if stack.count > 1, stack.last?.recompute == request { stack.removeLast() }
    }

    /// New data: every screen on the stack rebuilds, keeping cursor, filter, sort and tab.
    mutating func reloadScreens() {
        for i in stack.indices {
            switch stack[i].content {
            case .table(var t):
                t.reload(data)
                stack[i].content = .table(t)
            case let old where stack[i].isDrill:
                guard let fresh = App.rebuild(stack[i].source, data) else { continue }
                stack[i].content = App.carryOver(from: old, to: fresh)
            case .tabs(var t):
                // Group tabs: each page follows the data (unbuilt ones are built from it when shown).
                guard t.pages.contains(where: \.source.followsData) else { continue }
                t.data = data
                for p in t.pages.indices where t.pages[p].source.followsData {
                    switch t.pages[p].built {
                    case .table(var ts)?:
                        ts.reload(data)
                        t.pages[p].built = .table(ts)
                    case let old?:
                        t.pages[p].built = App.carryOver(from: old, to: t.pages[p].source.build(data))
                    case nil: break
                    }
                }
                stack[i].content = .tabs(t)
            default: continue
            }
        }
        clampScroll()
    }
}

extension Screen {
    var isDrill: Bool { if case .drill = source { true } else { false } }
}

extension App {
    /// What the bottom line (and `:messages`) says when the edges' source changes: a warning
    /// with the reason when Prometheus stops answering (or fails for a new reason) and the
    /// proxies are scraped instead, an info when it answers again. The header only says
    /// `scraped (prometheus failing)`; the why is here, whole in `:messages` (the bottom line
    /// shows its ``Flash/headline``); painters escape it.
    ///
    /// ```swift
    /// App.metricsFlash(from: answering, to: failing, at: now)?.text
    /// // "prometheus http://prom:9090 failing: no answer to /api/v1/query within 7.5s; scraping proxies instead"
    /// ```
    static func metricsFlash(from old: MetricsOrigin?, to new: MetricsOrigin?, at: Date) -> Flash? {
        guard let new, let name = new.prometheus else { return nil }
        let wasFailing = old.map { $0.kind == .scrape && $0.prometheus != nil } ?? false
        switch new.kind {
        case .scrape:
            guard !wasFailing || old?.message != new.message || old?.prometheus != name else { return nil }
            let reason = new.message.map { ": " + $0 } ?? ""
            return Flash("prometheus \(name) failing\(reason)", .warn, at: at)
        case .prometheus:
            guard wasFailing, old?.prometheus == name else { return nil }
            return Flash("prometheus \(name) answers again: edges from it, proxies' metrics no longer scraped", .info, at: at)
        }
    }

    /// A screen's content built again from `data` (nil: nothing to rebuild, or its row is gone).
    static func rebuild(_ source: ScreenSource, _ data: SourceData) -> Content? {
        guard case .drill(let view, let identity) = source else { return nil }
        let fresh = TableScreen(view, data: data)
        guard let i = fresh.table.rows.firstIndex(where: { fresh.identity(of: $0) == identity }) else { return nil }
        return drillScreen(fresh, rowIndex: i, data)?.content
    }

    /// What Enter opens on row `rowIndex`: the view's drill target, else the row's object in tabs.
    static func drillScreen(_ t: TableScreen, rowIndex: Int, _ data: SourceData) -> Screen? {
        let row = t.table.rows[rowIndex]
        if let drill = t.spec.drill { return drill(data, row, rowIndex) }
        if let v = t.value(at: rowIndex) {
            return Screen.detail(t.spec.nameColumn < row.count ? row[t.spec.nameColumn] : "", node: v)
        }
        return nil
    }

    /// A row as `{column: cell}` for `y` and `c` when the view has no object behind it.
    static func rowObject(_ table: Table, _ row: [String]) -> JSONTree {
        .object(table.columns.enumerated().map { i, c in (c.name, .string(i < row.count ? row[i] : "")) })
    }

    /// Keeps the user's place (cursor line, tab, YAML mode) when a screen is rebuilt.
    static func carryOver(from old: Content, to new: Content) -> Content {
        switch (old, new) {
        case (.json(let o), .json(var n)):
            n.pane.moveCursor(to: o.pane.cursor, height: 1)
            n.pane.top = o.pane.top
            n.pane.wrap = o.pane.wrap
            if o.yaml != nil {
                n.yaml = TextPaneState(text: YAMLWriter.string(.json(n.pane.root)))
                n.yaml!.setWrap(width: o.yaml!.wrapWidth)
                n.yaml!.top = o.yaml!.top
            }
            return .json(n)
        case (.text(let o), .text(var n)):
            n.pane.setWrap(width: o.pane.wrapWidth)
            n.pane.top = o.pane.top
            if let w = o.side?.wrapWidth { n.side?.setWrap(width: w) }
            return .text(n)
        case (.table(let o), .table(let n)):
            return .table(n.carrying(o))
        case (.tabs(let o), .tabs(var n)):
            n.active = min(o.active, max(0, n.pages.count - 1))
            n.buildActive()
            if let oc = o.current, let nc = n.current { n.pages[n.active].built = carryOver(from: oc, to: nc) }
            return .tabs(n)
        default:
            return new
        }
    }
}
