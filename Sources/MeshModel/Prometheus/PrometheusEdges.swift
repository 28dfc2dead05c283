/// Builds ``TrafficEdge``s from the answers to ``PromQL``'s queries, with the same rules as
/// edges scraped from the proxies: one row per edge, reporter and security is what Prometheus
/// summed over replicas; ``LiveEdges/merge(_:)`` then keeps one reporter per edge, so a
/// connection both ends count is counted once. Edges of different `cluster`s (Thanos, Mimir)
/// are merged apart and keep their cluster.
///
/// Security: Envoy's server side always says `mutual_tls` or `none`, so a destination-reported
/// `unknown` is ztunnel's way of saying plaintext; a source-reported `unknown` stays unknown
/// (Envoy's client side cannot know), as in ``TrafficEdges``.
///
/// ```swift
/// let edges = try PrometheusEdges.build(rates: r, totals: t, latency: l, window: 60)
/// ```
public enum PrometheusEdges {
    struct ReportKey: Hashable, Sendable {
        var cluster: String
        var reporter: String
        var source: String, sourceNamespace: String, destination: String, destinationNamespace: String
        var service: String
        var security: String
    }

    struct Report: Sendable {
        var sourcePrincipal = ""
        var destinationPrincipal = ""
        var protocols: Set<String> = []
        var totals = Values()
        var rates = Values()
        var hasTotals = false
        var hasRates = false
        var p50: Double?
        var p99: Double?
    }

    struct Values: Sendable {
        var opened = 0.0, closed = 0.0, sent = 0.0, received = 0.0
        var requests: Double?
        var errors: Double?
        var flags: [String: Double] = [:]

        mutating func add(_ family: String, _ v: Double, code: String?, flag: String?) {
            switch family {
            case "opened": opened += v
            case "closed": closed += v
            case "sent", "response_bytes": sent += v
            case "received", "request_bytes": received += v
            case "requests":
                requests = (requests ?? 0) + v
                errors = (errors ?? 0) + (code.map(TrafficEdges.isErrorCode) == true ? v : 0)
                if let flag, TrafficEdges.isFlagged(flag) { flags[flag, default: 0] += v }
            default: break
            }
        }
    }

    /// Why Prometheus's answer cannot stand for the mesh's edges (its labels are not Istio's).
    public struct SchemeError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The counters' answers read per edge, reporter and security: what ``joined(_:latency:window:)``
    /// turns into edges, with or without a latency answer. Kept beside a refresh's edges, so a
    /// latency answer arriving later is joined by reading its own series alone, not the
    /// counters' tens of thousands again.
    public struct Reports: Sendable {
        var byKey: [ReportKey: Report] = [:]
        /// Series read with a family, and those without Istio's labels among them.
        var seen = 0
        var unlabelled = 0
        /// Read from the rates alone: the totals query has not answered yet
        /// (``PrometheusEdges/reports(rates:)``), and the edges say so (``TrafficEdge/totalsPending``).
        public internal(set) var totalsPending = false

        /// Reads `result`'s series into the reports, `body` adding each one's value.
        mutating func visit(_ result: PrometheusAPIResult, _ body: (inout Report, String, Double, [String: String]) -> Void) {
            for s in result.series {
                guard let family = s.labels[PromQL.familyLabel], let v = s.value, v.isFinite, v >= 0 || family == "p50" || family == "p99" else { continue }
                seen += 1
                let l = s.labels
                let reporter = l["reporter"] ?? ""
                let src = l["source_workload"] ?? "", dst = l["destination_workload"] ?? ""
                if reporter.isEmpty || (src.isEmpty && dst.isEmpty) {
                    unlabelled += 1
                    continue
                }
                let key = ReportKey(cluster: l["cluster"] ?? "", reporter: reporter, source: src, sourceNamespace: l["source_workload_namespace"] ?? "",
                                    destination: dst, destinationNamespace: l["destination_workload_namespace"] ?? "",
                                    service: l["destination_service"] ?? "", security: l["connection_security_policy"] ?? "")
                // In place: the key hashed once, the report's set and flags never copied.
                Reports.update(&byKey[key, default: Report()], family, v, l, body)
            }
        }

        /// A report read from the rates alone (`r`) joined onto one read from the totals.
        static func merge(_ into: inout Report, _ r: Report) {
            if into.sourcePrincipal.isEmpty || into.sourcePrincipal == "unknown" { into.sourcePrincipal = r.sourcePrincipal }
            if into.destinationPrincipal.isEmpty || into.destinationPrincipal == "unknown" { into.destinationPrincipal = r.destinationPrincipal }
            into.protocols.formUnion(r.protocols)
            into.rates = r.rates
            into.hasRates = r.hasRates
        }

        @inline(__always) static func update(_ r: inout Report, _ family: String, _ v: Double, _ l: [String: String],
                                             _ body: (inout Report, String, Double, [String: String]) -> Void) {
            if r.sourcePrincipal.isEmpty || r.sourcePrincipal == "unknown" { r.sourcePrincipal = l["source_principal"] ?? "" }
            if r.destinationPrincipal.isEmpty || r.destinationPrincipal == "unknown" { r.destinationPrincipal = l["destination_principal"] ?? "" }
            if let p = l["request_protocol"], !p.isEmpty { r.protocols.insert(p) }
            body(&r, family, v, l)
        }
    }

    /// - Parameters:
    ///   - rates: the answer to ``PromQL/rates``; `totals` to ``PromQL/totals``; `latency` to ``PromQL/latency`` (nil: not asked).
    /// - Throws: ``SchemeError`` when series came back but none carries Istio's edge labels
    ///   (no `reporter`, or no workload names): a rate for an edge we cannot name is not shown.
    public static func build(rates: PrometheusAPIResult, totals: PrometheusAPIResult, latency: PrometheusAPIResult?, window: Double? = nil) throws(SchemeError) -> [TrafficEdge] {
        try joined(reports(rates: rates, totals: totals), latency: latency, window: window)
    }

    /// The counters read per report (totals first, then rates, as ``build(rates:totals:latency:window:)``).
    public static func reports(rates: PrometheusAPIResult, totals: PrometheusAPIResult) -> Reports {
        var reports = Reports()
        reports.visit(totals) { r, family, v, l in
            r.totals.add(family, v, code: l["response_code"], flag: l["response_flags"])
            r.hasTotals = true
        }
        reports.visit(rates) { r, family, v, l in
            r.rates.add(family, v, code: l["response_code"], flag: l["response_flags"])
            r.hasRates = true
        }
        return reports
    }

    /// The rates read alone, the totals pending: edges from them have their rates and say
    /// their totals are not known yet (``TrafficEdge/totalsPending``). ``joining(_:totals:)``
    /// adds the totals when they answer.
    public static func reports(rates: PrometheusAPIResult) -> Reports {
        var reports = Reports()
        reports.totalsPending = true
        reports.visit(rates) { r, family, v, l in
            r.rates.add(family, v, code: l["response_code"], flag: l["response_flags"])
            r.hasRates = true
        }
        return reports
    }

    /// `rates` (``reports(rates:)``) with the totals answer read in: the same reports as
    /// ``reports(rates:totals:)`` of both answers (the rates' series are not read again). That
    /// reads the totals first, so a principal the totals named stands, and one they did not
    /// (empty or `unknown`) is the rates' (what reading their series after would leave).
    public static func joining(_ rates: Reports, totals: PrometheusAPIResult) -> Reports {
        var all = Reports()
        all.visit(totals) { r, family, v, l in
            r.totals.add(family, v, code: l["response_code"], flag: l["response_flags"])
            r.hasTotals = true
        }
        all.seen += rates.seen
        all.unlabelled += rates.unlabelled
        for (key, fromRates) in rates.byKey {
            Reports.merge(&all.byKey[key, default: Report()], fromRates)
        }
        return all
    }

    /// The edges of `counters` with `latency`'s p50 and p99 joined in (nil: none): the same
    /// edges as ``build(rates:totals:latency:window:)`` of the three answers.
    public static func joined(_ counters: Reports, latency: PrometheusAPIResult?, window: Double? = nil) throws(SchemeError) -> [TrafficEdge] {
        var all = counters
        if let latency {
            all.visit(latency) { r, family, v, _ in
                guard v.isFinite else { return }
                if family == "p50" { r.p50 = v } else if family == "p99" { r.p99 = v }
            }
        }
        if all.seen > 0 && all.unlabelled == all.seen {
            throw SchemeError(message: "Prometheus has Istio's metrics without Istio's labels (no reporter or workload names on \(all.seen) series): cannot name edges")
        }
        let reports = all.byKey
        var byCluster: [String: [TrafficEdge]] = [:]
        for (key, r) in reports where r.hasTotals || r.hasRates {
            let reporterSecurity = key.security == "unknown" && key.reporter == "destination" ? "none" : key.security
            var e = TrafficEdges.edge(source: (key.source, key.sourceNamespace), destination: (key.destination, key.destinationNamespace),
                                      service: key.service, security: TrafficEdges.security(reporterSecurity, origin: .envoy),
                                      reporter: key.reporter, principals: (r.sourcePrincipal, r.destinationPrincipal), protocols: r.protocols)
            e.opened = r.totals.opened
            e.closed = r.totals.closed
            e.sent = r.totals.sent
            e.received = r.totals.received
            e.requests = r.totals.requests ?? r.rates.requests.map { _ in 0 }
            e.errors = r.totals.errors ?? r.rates.errors.map { _ in 0 }
            e.flags = r.totals.flags
            if r.hasRates {
                e.rates = TrafficEdge.Rates(opened: r.rates.opened, closed: r.rates.closed, sent: r.rates.sent, received: r.rates.received,
                                            requests: r.rates.requests ?? r.totals.requests.map { _ in 0 },
                                            errors: r.rates.errors ?? r.totals.errors.map { _ in 0 },
                                            flags: r.rates.flags.merging(r.totals.flags.mapValues { _ in 0 }, uniquingKeysWith: { a, _ in a }),
                                            seconds: window)
            } else {
                // The series exists but saw nothing inside the window: a measured zero.
                e.rates = TrafficEdge.Rates(opened: 0, closed: 0, sent: 0, received: 0,
                                            requests: r.totals.requests.map { _ in 0 }, errors: r.totals.errors.map { _ in 0 }, seconds: window)
            }
            if r.p50 != nil || r.p99 != nil { e.latency = TrafficEdge.Latency(p50: r.p50, p99: r.p99) }
            if !key.cluster.isEmpty { e.cluster = key.cluster }
            e.totalsPending = counters.totalsPending
            byCluster[key.cluster, default: []].append(e)
        }
        var out: [TrafficEdge] = []
        for cluster in byCluster.keys.sorted(by: GoCompat.less) {
            var merged = LiveEdges.merge([byCluster[cluster]!])
            if !cluster.isEmpty { for i in merged.indices { merged[i].cluster = cluster } }
            out += merged
        }
        return out
    }

    /// Per edge, keyed by ``historyKey(_:)``, the rates of a `query_range` answer to
    /// ``PromQL/history(step:)``, oldest first: request rates, or byte rates for edges without
    /// requests. Replicas' series are already summed by the query.
    public static func history(_ range: PrometheusAPIResult) -> [String: [Double]] {
        var requests: [String: [(Double, Double)]] = [:]
        var bytes: [String: [(Double, Double)]] = [:]
        for s in range.series {
            let l = s.labels
            guard let family = l[PromQL.familyLabel], let reporter = l["reporter"], !reporter.isEmpty else { continue }
            let key = historyKey(source: TrafficEdges.name(l["source_workload"] ?? "", l["source_workload_namespace"] ?? ""),
                                 destination: TrafficEdges.name(l["destination_workload"] ?? "", l["destination_workload_namespace"] ?? ""),
                                 service: (l["destination_service"] ?? "").isEmpty ? "unknown" : l["destination_service"]!, reporter: reporter)
            let points = s.samples.compactMap { $0.value.isFinite && $0.value >= 0 ? ($0.time, $0.value) : nil }
            if family == "requests" { requests[key, default: []] += points } else { bytes[key, default: []] += points }
        }
        var out: [String: [Double]] = [:]
        for (key, points) in bytes where requests[key] == nil { out[key] = sumByTime(points) }
        for (key, points) in requests { out[key] = sumByTime(points) }
        return out
    }

    /// Where ``history(_:)`` keeps the points of `edge`'s sparkline:
    /// `source|destination|service|reporter`, the reporter being the one whose rate the
    /// sparkline draws. An edge joined from two reporters (`destination+source`: bytes from
    /// ztunnel, requests from the client's sidecar) draws its requests, so its history is the
    /// second reporter's; it has bytes alone, the first's.
    ///
    /// ```swift
    /// PrometheusEdges.historyKey(edge)   // "sleep.shop|web.shop|web.shop.svc.cluster.local|source" for reporter destination+source with requests
    /// ```
    public static func historyKey(_ edge: TrafficEdge) -> String {
        var reporter = edge.reporter
        if let plus = reporter.firstIndex(of: "+") {
            let requests = edge.rates.map { $0.requests != nil } ?? (edge.requests != nil)
            reporter = String(requests ? reporter[reporter.index(after: plus)...] : reporter[..<plus])
        }
        return historyKey(source: edge.source, destination: edge.destination, service: edge.service, reporter: reporter)
    }

    /// `source|destination|service|reporter`: how an edge is keyed for its sparkline, by the
    /// TUI's rows (with their own reporter) and by ``history(_:)`` (with the series').
    public static func historyKey(source: String, destination: String, service: String, reporter: String) -> String {
        [source, destination, service, reporter].joined(separator: "|")
    }

    /// Series of one edge (two securities, two protocols) added per timestamp, in time order.
    static func sumByTime(_ points: [(Double, Double)]) -> [Double] {
        var byTime: [Double: Double] = [:]
        for (t, v) in points { byTime[t, default: 0] += v }
        return byTime.keys.sorted().map { byTime[$0]! }
    }
}
