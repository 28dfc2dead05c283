/// Joins the traffic edges every proxy reports into one mesh-wide list.
///
/// Each proxy's edges come from ``TrafficEdges/build(current:previous:interval:origin:)`` over
/// its own two samples, so a restarted proxy's counter reset stays a local, non-negative rate.
/// Across proxies, one edge (source, destination, service, security) is reported by several:
/// every replica of the destination, the source's sidecar, ztunnels on both nodes, a waypoint.
/// For each edge the connection and byte counters come from the best reporter that has them
/// (destination, then source, then any other such as `waypoint`) and the request counters
/// from the best reporter that counts requests; replicas of the same reporter kind add up.
///
/// ```swift
/// let edges = LiveEdges.merge([sidecarEdges, ztunnelEdges, waypointEdges])
/// ```
public enum LiveEdges {
    struct Key: Hashable {
        var source: String, destination: String, service: String, security: TrafficEdge.Security
    }

    struct Group {
        var byReporter: [String: TrafficEdge] = [:]
    }

    public static func merge(_ perProxy: [[TrafficEdge]]) -> [TrafficEdge] {
        var groups: [Key: Group] = [:]
        for edges in perProxy {
            for e in edges {
                let key = Key(source: e.source, destination: e.destination, service: e.service, security: e.security)
                if var existing = groups[key]?.byReporter[e.reporter] {
                    add(&existing, e)
                    groups[key]!.byReporter[e.reporter] = existing
                } else {
                    groups[key, default: Group()].byReporter[e.reporter] = e
                }
            }
        }
        var out: [TrafficEdge] = []
        out.reserveCapacity(groups.count)
        for (_, g) in groups {
            let reporters = g.byReporter.keys.sorted { TrafficEdges.rank($0) != TrafficEdges.rank($1) ? TrafficEdges.rank($0) < TrafficEdges.rank($1) : $0 < $1 }
            let tcp = reporters.first { g.byReporter[$0]!.opened > 0 || g.byReporter[$0]!.sent > 0 || g.byReporter[$0]!.received > 0 } ?? reporters[0]
            var edge = g.byReporter[tcp]!
            if edge.requests == nil, let http = reporters.first(where: { g.byReporter[$0]!.requests != nil }) {
                let h = g.byReporter[http]!
                edge.requests = h.requests
                edge.errors = h.errors
                edge.protocols = Array(Set(edge.protocols + h.protocols)).sorted()
                if var r = edge.rates, let hr = h.rates {
                    r.requests = hr.requests
                    r.errors = hr.errors
                    edge.rates = r
                }
                edge.reporter = tcp + "+" + http
            }
            out.append(edge)
        }
        let order = GoCompat.order(out.count) { [out[$0].source, out[$0].destination, out[$0].service, out[$0].security.rawValue] }
        return order.map { out[$0] }
    }

    /// Sums two reports of the same edge by the same kind of reporter (two replicas).
    static func add(_ a: inout TrafficEdge, _ b: TrafficEdge) {
        a.opened += b.opened
        a.closed += b.closed
        a.sent += b.sent
        a.received += b.received
        a.requests = sum(a.requests, b.requests)
        a.errors = sum(a.errors, b.errors)
        if a.sourcePrincipal == "unknown" { a.sourcePrincipal = b.sourcePrincipal }
        if a.destinationPrincipal == "unknown" { a.destinationPrincipal = b.destinationPrincipal }
        a.protocols = Array(Set(a.protocols + b.protocols)).sorted()
        switch (a.rates, b.rates) {
        case (let x?, let y?):
            a.rates = TrafficEdge.Rates(opened: x.opened + y.opened, closed: x.closed + y.closed, sent: x.sent + y.sent,
                                        received: x.received + y.received, requests: sum(x.requests, y.requests), errors: sum(x.errors, y.errors))
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
