import Foundation
import MeshClient
import MeshModel
import TerminalUI

/// `:flows` (a live tail of requests and connections from the proxies' access logs) and
/// `:top` (the same flows summed per source, destination and route over a sliding window),
/// both bound to ``SourceData/flows``: the runtime streams the logs while one of them is on
/// the stack, and the state keeps the rows (``FlowTail``). The columns and the words for
/// response flags are the CLI's (`meshscope flows`, `top`: ``FlowTables``).
///
/// ```
/// :flows --to ratings --status 5xx     the CLI's filters
/// :flows --flag UH,NR GET              flags, plus a text filter
/// l on a pod, a proxy or an edge       its flows
/// ```
public enum FlowViews {
    public static let flows = TableViewSpec(
        name: "flows", aliases: ["fl", "flow"], title: "Flows",
        cellRole: role, identityColumns: 1, nameColumn: 0,
        describe: { data, _, index in describe(data, index) },
        note: { data in data.flows.note },
        build: { data in
            let shown = data.flows.shown
            guard !shown.isEmpty else { throw SourceData.Unavailable(description: empty(data)) }
            var table = FlowTables.flows(shown.map(\.flow))
            table.columns.insert(.init("#", numeric: true), at: 0)
            for i in table.rows.indices { table.rows[i].insert(String(shown[i].seq), at: 0) }
            return ViewTable(table, rowValues: shown.map { FlowTables.flowNode($0.flow) })
        })

    public static let top = TableViewSpec(
        name: "top", title: "Top",
        cellRole: role, identityColumns: 3, nameColumn: 1,
        note: { data in "last \(data.flows.window)s" + (data.flows.note.map { " · " + $0 } ?? "") },
        build: { data in
            let now = max(data.flows.lastArrival ?? 0, Int(data.clock.timeIntervalSince1970))
            let rows = data.flows.top(now: now)
            guard !rows.isEmpty else { throw SourceData.Unavailable(description: empty(data)) }
            return ViewTable(FlowTables.top(rows))
        })

    /// Both views, for a registry.
    public static let all = [flows, top]

    /// The view names that make the runtime stream logs while on the stack.
    static let names: Set<String> = ["flows", "top"]

    /// 5xx and failure flags stand out.
    static let role: @Sendable (String, String) -> Role? = { column, value in
        switch column {
        case "STATUS": value.hasPrefix("5") || value == "0" ? .statusError : value.hasPrefix("4") ? .statusWarn : value.hasPrefix("2") ? .statusOK : nil
        case "FLAGS": value == "-" ? nil : .statusError
        case "SUCCESS": value == "100%" ? .statusOK : .statusWarn
        default: nil
        }
    }

    /// `d` on a flow: its ends, the request, and every response flag in words.
    static func describe(_ data: SourceData, _ index: Int) -> String? {
        let shown = data.flows.shown
        guard shown.indices.contains(index) else { return nil }
        let f = shown[index].flow, e = f.entry
        var lines = [
            "Flow #\(shown[index].seq)",
            "From:      \(f.source.name)" + (f.source.address.map { " (\($0))" } ?? ""),
            "To:        \(f.destination.name)" + (f.destination.address.map { " (\($0))" } ?? ""),
            "Request:   \(e.method ?? (e.format == .ztunnel ? "TCP" : "-")) \(f.route)",
            "Status:    \(e.status.map(String.init) ?? "-")" + (e.responseCodeDetails.map { " (\($0))" } ?? ""),
            "Duration:  \(e.durationMs.map { "\($0)ms" } ?? "-")",
            "Reporter:  \(f.reporter.map { ($0.pod ?? $0.workload) + "." + $0.namespace } ?? "-")",
            "Upstream:  \(e.upstreamCluster ?? "-") \(e.upstreamHost ?? "")",
        ]
        if let id = e.requestID { lines.append("Request ID: \(id)") }
        if let err = e.error { lines.append("Error:     \(err)") }
        if !e.flags.isEmpty {
            lines.append("")
            lines.append("Response flags:")
            for flag in e.flags { lines.append("  \(flag.code) (\(flag.longName)): \(flag.explanation)") }
        }
        return lines.map { TerminalText.cell($0, maxWidth: 4096) }.joined(separator: "\n")
    }

    /// Why there are no rows, for the source at hand.
    static func empty(_ data: SourceData) -> String {
        let tail = data.flows
        if data.live == nil || data.origin == .file {
            return "flows are read from the proxies' access logs: start meshscope on a cluster or --demo (a saved log: meshscope flows --file LOG)"
        }
        if data.origin == .snapshot { return "a snapshot holds no access logs: flows need a live cluster or --demo" }
        if let p = tail.problem, tail.records.isEmpty { return "no flows yet: \(p)" }
        if !tail.records.isEmpty { return "no flow matches \(tail.query.description.isEmpty ? "the filter" : tail.query.description) (:flows with no arguments shows all)" }
        return tail.streams == 0 ? "starting the log streams…" : "following \(tail.streams) proxies' access logs: no flow yet"
    }

    // MARK: `l`

    /// `l` on a row: the `:flows` query for the pod, proxy or edge it shows (nil: the view's
    /// rows are none of those).
    static func query(view: String, row: [String]) -> FlowQuery? {
        switch view {
        case "pods" where row.count > 1, _ where view.hasPrefix("pods-") && row.count > 1:
            return FlowQuery(pod: "\(row[1]).\(row[0])")
        case "proxies" where !row.isEmpty:
            return FlowQuery(pod: row[0])
        case "edges" where row.count > 1:
            return FlowQuery(from: row[0], to: row[1])
        default:
            return nil
        }
    }
}
