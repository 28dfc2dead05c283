import Foundation
import MeshModel

/// `d`: a resource's key facts as text, the way `kubectl describe` reads.
enum Describe {
    /// A cluster: type, load balancing, transport socket, circuit breakers (config and the
    /// live thresholds from `/clusters`), and its endpoints (EDS and live hosts).
    static func cluster(_ data: SourceData, row: [String], index: Int) -> String? {
        guard let dump = data.envoy else { return nil }
        let list = ClusterView.clusters(dump, includeWarming: true)
        guard list.indices.contains(index) else { return nil }
        let c = list[index]
        var out: [String] = []
        func line(_ k: String, _ v: String) { out.append(k.padding(toLength: 22, withPad: " ", startingAt: 0) + v) }
        line("Name:", c.name)
        line("State:", c.state.rawValue)
        line("Type:", c.effectiveType)
        if let eds = c.edsServiceName { line("EDS service:", eds) }
        line("LB policy:", c.lbPolicy)
        if let t = c.connectTimeout { line("Connect timeout:", t) }
        if let dr = c.istioConfigPath { line("Destination rule:", IstioNaming.renderConfig(dr)) }
        if let ts = c.transportSocket {
            line("Transport socket:", ts.name + (ts.config?.typeName.map { " (\($0))" } ?? ""))
        } else if !c.transportSocketMatchNames.isEmpty {
            line("Transport sockets:", c.transportSocketMatchNames.joined(separator: ", ") + " (by match)")
        } else {
            line("Transport socket:", "none (plaintext)")
        }
        out.append("")
        out.append("Circuit breakers (config):")
        if let thresholds = c.json["circuit_breakers"]?["thresholds"], thresholds.count > 0 {
            for t in thresholds.elements {
                let prio = t["priority"]?.string ?? "DEFAULT"
                let fields = ["max_connections", "max_pending_requests", "max_requests", "max_retries"].map { k in
                    "\(k)=\(t[k]?.uint64.map(String.init) ?? "default")"
                }
                out.append("  \(prio): " + fields.joined(separator: " "))
            }
        } else {
            out.append("  none set (Envoy defaults: 1024 connections, pending, requests; 3 retries)")
        }
        let live = data.hosts?.cluster(named: c.name)
        if let live {
            let b = live.circuitBreakers.defaultPriority
            if let b {
                out.append("  live (/clusters) default: max_connections=\(b.maxConnections) max_pending_requests=\(b.maxPendingRequests) max_requests=\(b.maxRequests) max_retries=\(b.maxRetries)")
            }
        }
        out.append("")
        let eds = EndpointView.rows(EndpointView.assignments(dump, filter: EndpointFilter(cluster: c.name)))
            .filter { $0.clusterName == c.name }
        if let live {
            out.append("Endpoints (live /clusters): \(live.hosts.count)")
            for h in live.hosts {
                let status = h.health.edsHealthStatus.rawValue
                let outlier = h.health.failedOutlierCheck ? " outlier-ejected" : ""
                out.append("  \(h.address)  \(status)\(outlier)  cx_active=\(h.counters.cxActive) rq_total=\(h.counters.rqTotal) rq_error=\(h.counters.rqError)")
            }
        } else if !eds.isEmpty {
            out.append("Endpoints (EDS): \(eds.count)")
            for e in eds { out.append("  \(e.address)  \(e.status)  \(e.locality)") }
        } else if let la = c.loadAssignment {
            let n = la.json["endpoints"]?.elements.reduce(0) { $0 + ($1["lb_endpoints"]?.count ?? 0) } ?? 0
            out.append("Endpoints (inline load assignment): \(n)")
        } else {
            out.append("Endpoints: none in the dump (EDS clusters need /config_dump?include_eds or a /clusters file)")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
