import Foundation
import MeshModel
import TerminalUI

/// The Diff view: on the left the list of what differs (one row per resource, `+` added,
/// `-` removed, `~` changed, `=` unchanged, `!` not compared), on the right the selected
/// row's unified diff. The first row is the summary. Built from any diff meshscope makes:
/// istiod vs Envoy and proxy vs proxy (`x` on a proxy, `:diff`), two snapshots
/// (`meshscope --snapshot A --compare B`) and the apply preview.
///
/// ```swift
/// var screen = DiffScreen.config(result, title: "reviews-v1 → reviews-v2")
/// screen.move(by: 1)             // the first changed resource; its diff fills the right pane
/// screen.focusRight = true       // j/k now scroll the diff
/// ```
public struct DiffScreen: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Mark: String, Sendable {
            case summary = "Σ", added = "+", removed = "-", changed = "~", unchanged = "=", problem = "!"
        }

        public var mark: Mark
        /// Resource type (`cluster`), `proxy`, or an apply action (`create`).
        public var type: String
        public var name: String
        /// 1 for a resource listed under its proxy (whole-mesh diffs).
        public var depth: Int
        /// What the right pane shows when this row is selected.
        public var body: String

        public init(_ mark: Mark, type: String, name: String, depth: Int = 0, body: String) {
            self.mark = mark
            self.type = type
            self.name = name
            self.depth = depth
            self.body = body
        }

        /// The row as the list prints it.
        public var label: String {
            String(repeating: "  ", count: depth) + "\(mark.rawValue) " + (type.isEmpty ? name : "\(type) \(name)")
        }
    }

    public var title: String
    public var entries: [Entry]
    /// The comparison this screen shows (nil: the apply preview, a whole-mesh `--compare`):
    /// Ctrl-R reads the dumps again and redraws it.
    public var request: DiffRequest?
    /// Indices into `entries` that pass the filter, in order.
    public private(set) var visible: [Int]
    /// Position in `visible`.
    public private(set) var selected = 0
    public var top = 0
    /// j/k scroll the diff (right) instead of moving in the list (left).
    public var focusRight = false
    public private(set) var pane: TextPaneState
    public private(set) var filter: TextMatcher?

    public init(title: String, entries: [Entry]) {
        self.title = title
        self.entries = entries
        visible = Array(entries.indices)
        pane = TextPaneState(text: entries.first?.body ?? "")
    }

    public var selectedEntry: Entry? { visible.indices.contains(selected) ? entries[visible[selected]] : nil }

    /// Moves the selection (list focused) or scrolls the diff (diff focused).
    public mutating func move(by n: Int, height: Int) {
        if focusRight {
            pane.scroll(by: n, height: height)
            return
        }
        let target = n > 0 ? selected.addingReportingOverflow(n).partialValue : selected + n
        select(Scroll.clamp(target, count: visible.count), height: height)
    }

    mutating func select(_ position: Int, height: Int) {
        let previous = selectedEntry
        selected = position
        top = Scroll.top(selected: selected, top: top, height: height, count: visible.count)
        // The same row keeps its place in the diff; another row starts at its top.
        guard let e = selectedEntry, e != previous else { return }
        let matcher = pane.matcher
        pane = TextPaneState(text: e.body)
        if let matcher { pane.search(matcher) }
    }

    /// `/` on the list: keeps rows whose text matches (the summary row stays).
    public mutating func setFilter(_ m: TextMatcher?, height: Int) {
        filter = m
        let keep = entries.indices.filter { i in
            guard let m, !m.isEmpty else { return true }
            return entries[i].mark == .summary || m.accepts(entries[i].label)
        }
        let current = selectedEntry
        visible = keep
        let position = current.flatMap { c in visible.firstIndex { entries[$0] == c } } ?? 0
        select(position, height: height)
    }

    /// `/` on the diff: search its lines.
    public mutating func search(_ m: TextMatcher?) -> Int {
        pane.search(m)
        return pane.matchLines.count
    }

    public mutating func nextMatch(forward: Bool) { pane.nextMatch(forward: forward) }
}

extension DiffScreen {
    /// Colours of unified diff lines (and of the `+`/`-` lines of the summaries).
    public static let lineRole: @Sendable (String) -> Role? = { line in
        if line.hasPrefix("+++ ") || line.hasPrefix("--- ") { return .title }
        if line.hasPrefix("+") { return .diffAdded }
        if line.hasPrefix("-") { return .diffRemoved }
        if line.hasPrefix("@@") { return .diffHunk }
        if line.hasPrefix("~ ") || line.hasSuffix("Don't Match") || line.contains("Don't Match (") { return .statusWarn }
        return nil
    }
}

// MARK: Builders

extension DiffScreen {
    /// Two proxies (or two dumps): the summary table, then one row per changed resource.
    public static func config(_ r: ConfigDiffResult, title: String, heading: String) -> DiffScreen {
        var summary = heading + "\n\n" + DiffPrinter.summaryTable(r).render()
        if !r.hasDifferences { summary += "\nNo differences.\n" }
        var entries = [Entry(.summary, type: "", name: "summary", body: summary)]
        entries += r.resources.map { resourceEntry($0, labels: r.labels, depth: 0) }
        return DiffScreen(title: title, entries: entries)
    }

    /// istiod's view of a proxy against the proxy's own dump: istioctl's three verdicts
    /// (Clusters, Listeners, Routes: Match or Don't Match), then the differing resources.
    public static func istiod(_ sections: [IstiodEnvoyComparison.Section], proxy: String, istiod: String) -> DiffScreen {
        var summary = "A: what \(istiod) would send (/debug/config_dump?proxyID=)\n"
        summary += "B: what \(proxy) has (/config_dump)\n"
        summary += "Versions, timestamps, ordering and type URL versions\nare not differences.\n\n"
        summary += sections.map(\.verdict).joined(separator: "\n") + "\n"
        var entries = [Entry(.summary, type: "", name: "summary", body: summary)]
        for s in sections {
            entries += s.result.resources.map { resourceEntry($0, labels: s.result.labels, depth: 0) }
        }
        let differing = sections.filter { $0.result.hasDifferences }.map(\.title)
        let verdict = differing.isEmpty ? "in sync" : differing.joined(separator: ", ") + " differ"
        return DiffScreen(title: "Diff istiod → \(proxy) (\(verdict))", entries: entries)
    }

    /// Two meshes: proxies added and removed, each changed proxy with its resources
    /// under it, proxies that could not be compared, and the Kubernetes objects.
    public static func mesh(_ r: MeshDiffResult) -> DiffScreen {
        var summary = "\(r.labels.old) → \(r.labels.new)\n\n" + MeshDiff.overview(r)
        if !r.hasDifferences { summary += "\nNo differences.\n" }
        var entries = [Entry(.summary, type: "", name: "summary", body: summary)]
        for p in r.addedProxies { entries.append(Entry(.added, type: "proxy", name: p, body: "+ proxy \(p)\n\nOnly in \(r.labels.new).\n")) }
        for p in r.removedProxies { entries.append(Entry(.removed, type: "proxy", name: p, body: "- proxy \(p)\n\nOnly in \(r.labels.old).\n")) }
        for (p, d) in r.changedProxies {
            let body = "~ proxy \(p): \(MeshDiff.counts(d))\n\n" + DiffPrinter.summaryTable(d).render() + "\n" + MeshDiff.proxy(p, d, r)
            entries.append(Entry(.changed, type: "proxy", name: p, body: body))
            entries += d.resources.map { resourceEntry($0, labels: ("\(r.labels.old)/\(p)", "\(r.labels.new)/\(p)"), depth: 1) }
        }
        for (p, why) in r.notCompared { entries.append(Entry(.problem, type: "proxy", name: p, body: "? proxy \(p): not compared\n\n\(why)\n")) }
        if r.objects.hasDifferences {
            var objects = r.objects
            objects.labels = r.labels
            let counts = MeshDiff.counts(objects)
            entries.append(Entry(.changed, type: "kubernetes", name: "objects", body: "Kubernetes objects: \(counts)\n\n" + DiffPrinter.summaryTable(objects).render()))
            entries += objects.resources.map { resourceEntry($0, labels: objects.labels, depth: 1) }
        }
        let n = r.addedProxies.count + r.removedProxies.count + r.changedProxies.count
        let title = "Diff \(r.labels.old) → \(r.labels.new) (\(n) prox\(n == 1 ? "y" : "ies"), \(r.objects.resources.count) object\(r.objects.resources.count == 1 ? "" : "s") differ)"
        return DiffScreen(title: title, entries: entries)
    }

    /// The apply preview: per object create (the manifest), change (the diff against the
    /// live object), unchanged, or the dry run's error.
    public static func apply(_ entries: [ApplyEntry], context: String, clipboard: String, findings: [Finding] = []) -> DiffScreen {
        var summary = "Dry run of \(entries.count) object\(entries.count == 1 ? "" : "s") against context \"\(context)\"\n"
        summary += "(clipboard: \(clipboard)):\n\n" + ManifestFindings.text(findings) + ApplyTables.preview(entries).render()
        var rows = [Entry(.summary, type: "", name: "summary", body: summary)]
        for e in entries {
            let name = "\(e.ref.kind) \(e.ref.namespace.map { "\($0)/" } ?? "")\(e.ref.name)"
            let origin = "#\(e.document.index) \(e.ref) (\(e.document.location))"
            switch e.preview {
            case .create?:
                // A Secret's data never reaches the screen, even from the user's own clipboard.
                let object = e.ref.kind == "Secret" ? "(a Secret: its contents are not shown)\n" : YAMLWriter.string(e.document.object.respellingNumbers())
                let body = "+ create \(origin)\n\n" + object.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "+" + $0 }.joined(separator: "\n") + "\n"
                rows.append(Entry(.added, type: "create", name: name, body: body))
            case .change(let diff)?:
                rows.append(Entry(.changed, type: "change", name: name, body: "~ change \(origin)\n\n" + diff))
            case .unchanged?:
                rows.append(Entry(.unchanged, type: "unchanged", name: name, body: "= unchanged \(origin)\n\nThe live object already matches the manifest.\n"))
            case .failed(let f)?:
                rows.append(Entry(.problem, type: "error", name: name, body: "! \(origin)\n\n\(f)\n"))
            case nil:
                rows.append(Entry(.problem, type: "?", name: name, body: "\(origin): no dry-run answer\n"))
            }
        }
        return DiffScreen(title: "apply preview: \(entries.count) object\(entries.count == 1 ? "" : "s")", entries: rows)
    }

    static func resourceEntry(_ r: ResourceDiff, labels: (old: String, new: String), depth: Int) -> Entry {
        let mark: Entry.Mark = r.change == .added ? .added : r.change == .removed ? .removed : .changed
        let name = r.previousName.map { "\($0) → \(r.name)" } ?? r.name
        return Entry(mark, type: r.type, name: name, depth: depth, body: DiffPrinter.resource(r, labels: labels))
    }
}

// MARK: Picking what to compare

/// What a Diff view compares; the runtime reads the dumps and answers with the screen.
public enum DiffRequest: Sendable, Equatable {
    /// istiod's view of the proxy (`namespace/name`) against its own dump.
    case istiod(proxy: String)
    /// Two proxies (`namespace/name` each): A then B.
    case proxies(String, String)

    /// The `:diff` command that asks for it.
    public var command: AppCommand {
        switch self {
        case .istiod(let p): .diff([DiffRequest.proxyID(p)])
        case .proxies(let a, let b): .diff([DiffRequest.proxyID(a), DiffRequest.proxyID(b)])
        }
    }

    /// `namespace/name` → istioctl's `name.namespace`.
    static func proxyID(_ key: String) -> String {
        guard let slash = key.firstIndex(of: "/") else { return key }
        return "\(key[key.index(after: slash)...]).\(key[..<slash])"
    }
}

extension DiffScreen {
    /// `x` on a proxy: compare it with what istiod would send it (first row) or with
    /// another Envoy (the rest, its own namespace first); Enter runs the `:diff`.
    public static func picker(_ data: SourceData, proxy: MeshState.Proxy) -> Screen {
        Screen.table(.diffPicker(proxy), data: data, crumb: "diff \(proxy.name)")
    }

    static func pickerSpec(_ proxy: MeshState.Proxy) -> TableViewSpec {
        let me = proxy
        var spec = TableViewSpec(name: "diff-with", title: "Compare \(proxy.name) with", identityColumns: 2, nameColumn: 0) { data in
            let others = (data.live?.proxies ?? []).filter { p in
                p.key != me.key && (p.kind == .sidecar || p.kind == .gateway || p.kind == .waypoint)
            }.sorted { a, b in
                (a.namespace == me.namespace ? 0 : 1, a.namespace, a.name) < (b.namespace == me.namespace ? 0 : 1, b.namespace, b.name)
            }
            var rows = [["istiod", "", "istiod", "what istiod would send this proxy (/debug/config_dump?proxyID=\(me.proxyID))"]]
            rows += others.map { [$0.name, $0.namespace, $0.kind.rawValue, "its /config_dump against this proxy's"] }
            return ViewTable(Table(columns: [Table.Column("WITH"), Table.Column("NAMESPACE"), Table.Column("KIND"), Table.Column("COMPARES")], rows: rows))
        }
        spec.enterCommand = { (row: [String]) -> AppCommand? in
            row[0] == "istiod" && row[1].isEmpty
                ? DiffRequest.istiod(proxy: me.key).command
                : DiffRequest.proxies(me.key, "\(row[1])/\(row[0])").command
        }
        return spec
    }

    /// `:diff` arguments (`POD[.NS]`, one or two) against the proxies the source knows:
    /// `name.namespace` as istioctl writes it, or a pod name that only one namespace has.
    public static func request(_ args: [String], proxies: [MeshState.Proxy]) -> Result<DiffRequest, SourceData.Unavailable> {
        func find(_ ref: String) -> Result<MeshState.Proxy, SourceData.Unavailable> {
            let envoys = proxies.filter { $0.kind == .sidecar || $0.kind == .gateway || $0.kind == .waypoint }
            if let p = envoys.first(where: { $0.proxyID == ref || $0.key == ref }) { return .success(p) }
            let named = envoys.filter { $0.name == ref }
            if named.count == 1 { return .success(named[0]) }
            if named.count > 1 {
                return .failure(SourceData.Unavailable(description: "\(ref) is in \(named.count) namespaces (\(named.map(\.namespace).joined(separator: ", "))): write POD.NAMESPACE"))
            }
            if proxies.contains(where: { $0.proxyID == ref || $0.name == ref }) {
                return .failure(SourceData.Unavailable(description: "\(ref) is not an Envoy (sidecar, gateway or waypoint): it has no xDS config dump to compare"))
            }
            return .failure(SourceData.Unavailable(description: "no proxy \(ref) (write POD or POD.NAMESPACE; :proxies lists them)"))
        }
        switch args.count {
        case 1: return find(args[0]).map { .istiod(proxy: $0.key) }
        case 2:
            return find(args[0]).flatMap { a in find(args[1]).map { b in .proxies(a.key, b.key) } }
        default:
            return .failure(SourceData.Unavailable(description: "usage: :diff POD[.NS] (istiod vs Envoy) or :diff POD1[.NS] POD2[.NS] (proxy vs proxy)"))
        }
    }
}
