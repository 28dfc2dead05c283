/// Which endpoints of a service ztunnel would pick, read from its config dump, so a client
/// ztunnel hop can stop the request where ztunnel does: ztunnel load-balances only over
/// healthy endpoints and, for a service that is not passthrough, closes the connection with
/// `no healthy upstream: ADDR` (its `Error::NoHealthyUpstream`) when there is none.
///
/// ```swift
/// let up = ZtunnelUpstream(service: svc, index: index)
/// up.healthy.isEmpty   // true: the client ztunnel stops with UH
/// up.summary           // "0 healthy of 1 endpoints (1 Unhealthy)"
/// ```
struct ZtunnelUpstream {
    var service: ZtunnelService
    /// Each endpoint with the status ztunnel acts on.
    var endpoints: [(endpoint: ZtunnelEndpoint, status: String)]

    init(service: ZtunnelService, index: ZtunnelIndex?) {
        self.service = service
        endpoints = service.endpoints.map { ($0, Self.status($0, index)) }
    }

    /// The endpoint's own status (current ztunnel), else its workload's (older dumps);
    /// `Healthy` when neither says (ztunnel's default). An endpoint whose workload ztunnel
    /// does not know is skipped by ztunnel, so it is `unknown workload` here.
    static func status(_ e: ZtunnelEndpoint, _ index: ZtunnelIndex?) -> String {
        let workload = index?.workload(uid: e.workloadUID)
        if index != nil, workload == nil { return "unknown workload" }
        if !e.status.isEmpty { return e.status }
        if let s = workload?.status, !s.isEmpty { return s }
        return "Healthy"
    }

    /// ztunnel's `loadBalancer.mode` Passthrough: with no endpoint it connects to the
    /// original destination instead of failing.
    var passthrough: Bool {
        service.raw["load_balancer"]?["mode"]?.string?.lowercased() == "passthrough"
    }

    var healthy: [ZtunnelEndpoint] { endpoints.filter { $0.status == "Healthy" }.map(\.endpoint) }

    /// `0 healthy of 2 endpoints (1 Unhealthy, 1 unknown workload)`, or `no endpoints`.
    var summary: String {
        if endpoints.isEmpty { return "no endpoints" }
        var counts: [(String, Int)] = []
        for (_, s) in endpoints where s != "Healthy" {
            if let i = counts.firstIndex(where: { $0.0 == s }) { counts[i].1 += 1 } else { counts.append((s, 1)) }
        }
        let rest = counts.isEmpty ? "" : " (\(counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")))"
        return "\(healthy.count) healthy of \(endpoints.count) endpoints\(rest)"
    }

    /// The first healthy endpoint's workload, else the first endpoint's: the hop a request
    /// goes to, or would go to if ztunnel had a healthy one.
    static func pick(_ service: ZtunnelService, _ index: ZtunnelIndex?) -> ZtunnelEndpoint? {
        let up = ZtunnelUpstream(service: service, index: index)
        return up.healthy.first ?? service.endpoints.first
    }
}
