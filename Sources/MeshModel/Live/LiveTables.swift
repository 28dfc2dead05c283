import Foundation

/// The live connection views of a ``MeshState``: the one place their columns are defined,
/// used by `meshscope connections` and the TUI alike.
///
/// ```swift
/// LiveTables.edges(state, namespace: "bookinfo").render()
/// ```
public enum LiveTables {
    /// Traffic edges with per-second rates over the refresh interval: SOURCE, DESTINATION,
    /// SERVICE, SECURITY, PROTOCOL, OPEN, CONN/S, RQ/S, ERR%, RX/S, TX/S (bytes from the
    /// client and back to it). Wide adds the totals, reporter and principals. Totals that are
    /// pending (``TrafficEdge/totalsPending``) read ``TrafficEdges/pending``, never `0`.
    public static func edges(_ state: MeshState, namespace: String? = nil) -> Table {
        let edges = filterEdges(state.edges, namespace: namespace)
        var table = Table(columns: [
            .init("SOURCE", keepsEnd: true), .init("DESTINATION", keepsEnd: true), .init("SERVICE"), .init("SECURITY"), .init("PROTOCOL"),
            .init("OPEN", numeric: true), .init("CONN/S", numeric: true), .init("RQ/S", numeric: true), .init("ERR%", numeric: true),
            .init("RX/S", numeric: true), .init("TX/S", numeric: true),
            .init("REQUESTS", wideOnly: true, numeric: true), .init("ERRORS", wideOnly: true, numeric: true), .init("ERRORS BY FLAG", wideOnly: true),
            .init("REPORTER", wideOnly: true), .init("SOURCE PRINCIPAL", wideOnly: true), .init("DESTINATION PRINCIPAL", wideOnly: true),
        ], layout: TabWriter(minWidth: 0, padding: 3))
        table.rows = edges.map { e in
            let r = e.rates
            return [
                e.source, e.destination, e.service, e.security.rawValue, e.protocols.joined(separator: ","),
                TrafficEdges.totalCell(e, max(0, e.open)),
                r.map { RateFormat.rate($0.opened) } ?? "-",
                r?.requests.map(RateFormat.rate) ?? "-",
                errorPercent(e),
                r.map { bytes($0.received) } ?? "-",
                r.map { bytes($0.sent) } ?? "-",
                e.requests.map { TrafficEdges.totalCell(e, $0) } ?? "-", e.errors.map { TrafficEdges.totalCell(e, $0) } ?? "-", e.errorSummary ?? "-",
                e.reporter, e.sourcePrincipal, e.destinationPrincipal,
            ]
        }
        // Latency and cluster exist only where Prometheus measured them (a scraped mesh keeps
        // its columns). They go beside the rates, before the wide-only columns, so `-o wide`
        // and the TUI's wide mode show them next to what they qualify.
        if edges.contains(where: { $0.latency != nil }) {
            table.insertBeforeWideOnly(.init("P50 MS", numeric: true), cells: edges.map { $0.latency?.p50.map(TrafficEdges.milliseconds) ?? "-" })
            table.insertBeforeWideOnly(.init("P99 MS", numeric: true), cells: edges.map { $0.latency?.p99.map(TrafficEdges.milliseconds) ?? "-" })
        }
        if edges.contains(where: { $0.cluster != nil }) {
            table.insertBeforeWideOnly(.init("CLUSTER"), cells: edges.map { $0.cluster ?? "-" })
        }
        return table
    }

    public static func filterEdges(_ edges: [TrafficEdge], namespace: String?) -> [TrafficEdge] {
        guard let ns = namespace else { return edges }
        let suffix = "." + ns
        return edges.filter { $0.source.hasSuffix(suffix) || $0.destination.hasSuffix(suffix) }
    }

    /// Errors per request over the interval (totals before there are two samples).
    static func errorPercent(_ e: TrafficEdge) -> String {
        if let r = e.rates, let rq = r.requests {
            guard rq > 0 else { return "0" }
            return errorPercentCell(percent(r.errors ?? 0, of: rq))
        }
        if e.totalsPending, e.requests != nil { return TrafficEdges.pending }
        guard let rq = e.requests, rq > 0 else { return "-" }
        return errorPercentCell(percent(e.errors ?? 0, of: rq))
    }

    /// `errors` of `requests` in percent, exactly 100 when every request failed: in floating
    /// point `100 × x ÷ x` is not always 100 (for a rate of 10.819697129320677 a second it is
    /// 100.00000000000001; for others just under 100, which the cell then shows as `99.99`).
    static func percent(_ errors: Double, of requests: Double) -> Double {
        errors == requests ? 100 : 100 * errors / requests
    }

    /// The findings' default error ratio (MS0404: `ratio > errorRatio`) as a percentage: the
    /// line an edge's ERR% is coloured by and never rounded across, so a cell and a finding
    /// call the same edge high.
    public static let highErrorPercent = 100 * FindingOptions().errorRatio

    /// A percentage of failing requests as ``RateFormat/rate(_:)`` writes it, except where that
    /// rounding would read across a line the TUI colours by (``highErrorPercent``, and every
    /// request failing): 10.04 % is above 10 % and reads `10.04`, not `10`; 99.97 % is not all
    /// and reads `99.97`, not `100`.
    ///
    /// ```swift
    /// LiveTables.errorPercentCell(10.04)   // "10.04"
    /// LiveTables.errorPercentCell(12.34)   // "12.3"
    /// LiveTables.errorPercentCell(99.97)   // "99.97"
    /// ```
    static func errorPercentCell(_ percent: Double) -> String {
        let text = RateFormat.rate(percent)
        guard percent.isFinite, let shown = Double(text) else { return text }
        let high = highErrorPercent
        // In hundredths, nudged by one where rounding lands on the line itself.
        let hundredths = (percent * 100).rounded()
        if percent > high, shown <= high { return String(format: "%.2f", (hundredths / 100 > high ? hundredths : hundredths + 1) / 100) }
        if percent < 100, shown >= 100 { return String(format: "%.2f", min(hundredths, 9_999) / 100) }
        return text
    }

    /// Bytes per second with a binary unit: `512B`, `12.5KiB`, `3MiB` (``RateFormat/bytes(_:)``).
    public static func bytes(_ v: Double) -> String { RateFormat.bytes(v) }

    /// ztunnel connections of every node (or of the node running `-n` namespace's pods):
    /// NODE then istioctl's WORKLOAD, DIRECTION, LOCAL, REMOTE, REMOTE TARGET, PROTOCOL.
    public static func ztunnel(_ state: MeshState, namespace: String? = nil) -> Table {
        var table = Table(columns: [
            .init("NODE"), .init("WORKLOAD"), .init("DIRECTION"), .init("LOCAL"), .init("REMOTE"), .init("REMOTE TARGET"), .init("PROTOCOL"),
        ], layout: ZtunnelViews.layout)
        for node in state.ztunnels.keys.sorted() {
            let index = state.ztunnels[node]!
            let states = ZtunnelViews.workloadStates(index, filter: ZtunnelFilter(namespace: namespace))
            for row in ZtunnelViews.connectionRows(states, index: index) {
                table.rows.append([node, row.workload, row.direction == .inbound ? "Inbound" : "Outbound", row.local, row.remote, row.remoteTarget, row.protocol_])
            }
        }
        return table
    }

    /// Upstream hosts of one Envoy, per cluster, with RQ/S and ERR/S over the interval
    /// (``EndpointHostsTable``'s wide view, which carries every live column).
    public static func hosts(_ state: MeshState, proxy: MeshState.Proxy) -> Table? {
        guard let up = state.upstreams[proxy.key] else { return nil }
        return EndpointHostsTable.build(up.current, rates: up.rates)
    }

    /// istiod's xDS clients joined with sync status: PROXY, TYPE, ADDRESS, CONNECTED, SYNC
    /// (SYNCED, or the types that are not, e.g. `EDS STALE`), ISTIOD.
    public static func xds(_ state: MeshState, namespace: String? = nil, now: Date) -> Table {
        var table = Table(columns: [
            .init("PROXY"), .init("TYPE"), .init("ADDRESS"), .init("CONNECTED"), .init("SYNC"), .init("ISTIOD"),
        ], layout: TabWriter(minWidth: 0, padding: 3))
        var sync: [String: ProxySyncStatus] = [:]
        for p in state.syncz?.proxies ?? [] { sync[p.proxyID] = p }
        let clients = (state.connections?.byProxyID ?? [:]).sorted { $0.key < $1.key }
        for (id, c) in clients {
            let s = sync[id]
            if let ns = namespace, (s?.namespace ?? id.split(separator: ".").last.map(String.init)) != ns { continue }
            table.rows.append([
                id, s?.proxyType.isEmpty == false ? s!.proxyType : "-", c.address,
                c.connectedAt.map { HumanDuration.format(seconds: now.timeIntervalSince($0)) } ?? "-",
                s.map(syncCell) ?? ProxySyncStatus.notInSyncz, s?.istiod.isEmpty == false ? s!.istiod : "-",
            ])
        }
        return table
    }

    static func syncCell(_ s: ProxySyncStatus) -> String {
        // NOT SENT is what every proxy shows for the optional types; for CDS and LDS on an
        // Envoy it is a problem (MS0102), and must not read SYNCED.
        let bad = s.types.filter {
            $0.state != .synced && ($0.state != .notSent || (s.proxyType != "ztunnel" && SyncRules.requiredTypes.contains($0.typeURL)))
        }
        if bad.isEmpty { return "SYNCED" }
        return bad.map { "\($0.shortType) \($0.state)" }.joined(separator: ",")
    }

    /// Sources that are not OK, for a warning block under the table.
    public static func problems(_ state: MeshState) -> [String] {
        state.failing.map { "\($0.0): \($0.1.summary(now: state.time))" }
    }

    // MARK: JSON

    public static func edgesOutput(_ state: MeshState, namespace: String? = nil) -> JSONTree {
        TrafficEdges.output(filterEdges(state.edges, namespace: namespace))
    }

    public static func statusOutput(_ state: MeshState) -> JSONTree {
        .array(state.sources.sorted { $0.key < $1.key }.map { s, st in
            .compact([("proxy", .string(s.proxy)), ("endpoint", .string(s.endpoint.rawValue)), ("status", .string(st.summary(now: state.time)))])
        })
    }
}
