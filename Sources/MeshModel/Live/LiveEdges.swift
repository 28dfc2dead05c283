/// Joins the traffic edges every proxy reports into one mesh-wide list.
///
/// Each proxy's edges come from ``TrafficEdges/build(current:previous:interval:origin:)`` over
/// its own two samples, so a restarted proxy's counter reset stays a local, non-negative rate.
/// Across proxies, one edge (source, destination, service) is reported by several: every
/// replica of the destination, the source's sidecar, ztunnels on both nodes, a waypoint.
/// Replicas of the same reporter kind add up; then, like Kiali, the destination's view wins:
///
/// - security comes from the reporters that know it. Istio's client-side Envoy always says
///   `connection_security_policy="unknown"`; only the server side knows mTLS from plaintext.
///   So a source-reported `unknown` report belongs to the one known-security row of the same
///   edge (it is the same traffic), and stays a row of its own only when nobody else reported
///   the edge (the destination is outside the mesh, or its proxy is not answering);
/// - connection and byte counters come from the best reporter that has them (destination,
///   then source, then any other such as `waypoint`), request counters from the best
///   reporter that counts requests (the waypoint of an ambient edge, whose ztunnels only
///   count bytes).
///
/// ```swift
/// let edges = LiveEdges.merge([sidecarEdges, ztunnelEdges, waypointEdges])
/// ```
public enum LiveEdges {
    struct PairKey: Hashable {
        var source: String, destination: String, service: String
    }

    struct ReportKey: Hashable {
        var reporter: String
        var security: TrafficEdge.Security
    }

    public static func merge(_ perProxy: [[TrafficEdge]]) -> [TrafficEdge] {
        var groups: [PairKey: [ReportKey: TrafficEdge]] = [:]
        for edges in perProxy {
            for e in edges {
                let pair = PairKey(source: e.source, destination: e.destination, service: e.service)
                let report = ReportKey(reporter: e.reporter, security: e.security)
                if var existing = groups[pair]?[report] {
                    add(&existing, e)
                    groups[pair]![report] = existing
                } else {
                    groups[pair, default: [:]][report] = e
                }
            }
        }
        var out: [TrafficEdge] = []
        out.reserveCapacity(groups.count)
        for (_, reports) in groups {
            var known: [TrafficEdge.Security] = []
            for k in reports.keys where k.security != .unknown && !known.contains(k.security) { known.append(k.security) }
            if known.isEmpty {
                out.append(combine(reports.map { ($0.key.reporter, $0.value) }, security: .unknown))
                continue
            }
            for security in known {
                var byReporter: [String: TrafficEdge] = [:]
                for (k, e) in reports where k.security == security { byReporter[k.reporter] = e }
                // With one known security the unknown reports are the same traffic: they fill in
                // reporters the known side lacks (request counts from the source when the
                // destination has none). With several, they cannot be split, and the known
                // reporters already cover every row.
                if known.count == 1 {
                    for (k, e) in reports where k.security == .unknown && byReporter[k.reporter] == nil { byReporter[k.reporter] = e }
                }
                out.append(combine(byReporter.map { ($0.key, $0.value) }, security: security))
            }
        }
        let order = GoCompat.order(out.count) { [out[$0].source, out[$0].destination, out[$0].service, out[$0].security.rawValue] }
        return order.map { out[$0] }
    }

    /// One row from the reports of one edge, one (summed) report per reporter kind.
    static func combine(_ reports: [(String, TrafficEdge)], security: TrafficEdge.Security) -> TrafficEdge {
        let ranked = reports.sorted { TrafficEdges.rank($0.0) != TrafficEdges.rank($1.0) ? TrafficEdges.rank($0.0) < TrafficEdges.rank($1.0) : $0.0 < $1.0 }
        let tcp = ranked.first { carriesBytes($0.1) } ?? ranked[0]
        var edge = tcp.1
        edge.security = security
        if let http = ranked.first(where: { $0.1.requests != nil }), http.0 != tcp.0 {
            let h = http.1
            edge.requests = h.requests
            edge.errors = h.errors
            edge.flags = h.flags
            edge.latency = h.latency
            edge.durations = h.durations
            edge.protocols = Array(Set(edge.protocols + h.protocols)).sorted()
            if var r = edge.rates, let hr = h.rates {
                r.requests = hr.requests
                r.errors = hr.errors
                r.flags = hr.flags
                edge.rates = r
            } else if var r = edge.rates {
                r.requests = nil
                r.errors = nil
                r.flags = [:]
                edge.rates = r
            }
            edge.reporter = tcp.0 + "+" + http.0
        }
        // Principals the chosen reporter did not know (the client side cannot see the peer's).
        for (_, other) in ranked {
            if edge.sourcePrincipal == "unknown" { edge.sourcePrincipal = other.sourcePrincipal }
            if edge.destinationPrincipal == "unknown" { edge.destinationPrincipal = other.destinationPrincipal }
        }
        return edge
    }

    /// A report with connections or bytes: by its totals, or by its rates while the totals
    /// are pending (``TrafficEdge/totalsPending``: they read 0 until they answer).
    static func carriesBytes(_ e: TrafficEdge) -> Bool {
        if e.totalsPending, let r = e.rates { return r.opened > 0 || r.sent > 0 || r.received > 0 }
        return e.opened > 0 || e.sent > 0 || e.received > 0
    }

    /// Sums two reports of the same edge by the same kind of reporter (two replicas).
    static func add(_ a: inout TrafficEdge, _ b: TrafficEdge) {
        a.opened += b.opened
        a.closed += b.closed
        a.sent += b.sent
        a.received += b.received
        a.requests = sum(a.requests, b.requests)
        a.errors = sum(a.errors, b.errors)
        a.flags.merge(b.flags, uniquingKeysWith: +)
        a.totalsPending = a.totalsPending || b.totalsPending
        if !b.durations.isEmpty {
            // Replicas' quantiles do not add up; their buckets do.
            a.durations.add(b.durations)
            a.latency = a.durations.latency
        }
        if a.sourcePrincipal == "unknown" { a.sourcePrincipal = b.sourcePrincipal }
        if a.destinationPrincipal == "unknown" { a.destinationPrincipal = b.destinationPrincipal }
        a.protocols = Array(Set(a.protocols + b.protocols)).sorted()
        switch (a.rates, b.rates) {
        case (let x?, let y?):
            a.rates = TrafficEdge.Rates(opened: x.opened + y.opened, closed: x.closed + y.closed, sent: x.sent + y.sent,
                                        received: x.received + y.received, requests: sum(x.requests, y.requests), errors: sum(x.errors, y.errors),
                                        flags: x.flags.merging(y.flags, uniquingKeysWith: +),
                                        // The shorter window: what the merged rates can vouch for.
                                        seconds: x.seconds.flatMap { a in y.seconds.map { min(a, $0) } })
        case (nil, let y?):
            a.rates = y
        default:
            break
        }
    }

    static func sum(_ a: Double?, _ b: Double?) -> Double? {
        switch (a, b) {
        case (nil, nil): nil
        default: (a ?? 0) + (b ?? 0)
        }
    }
}
