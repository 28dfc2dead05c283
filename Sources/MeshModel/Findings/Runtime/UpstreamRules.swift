import Foundation

/// MS0205–MS0208: what Envoys say about their upstreams: `/clusters` (host health, outlier
/// ejection) and cluster counters read twice (`upstream_cx_connect_fail`, `upstream_rq_5xx`).
///
/// Every client of a service sees the same broken upstream, so findings are per cluster
/// (one for `outbound|9080||ratings…` however many proxies see it), naming the proxies.
enum UpstreamRules {
    static let all: [FindingRule] = [noHealthyHost, outlierEjected, connectFailures, upstream5xx]

    /// Whether Envoy would send a request to this host: EDS says healthy (or degraded, which
    /// Envoy still uses) and no active health check, outlier detection or removal excludes it.
    static func isUsable(_ h: HostHealth) -> Bool {
        (h.edsHealthStatus == .healthy || h.edsHealthStatus == .unknown || h.edsHealthStatus == .degraded)
            && !h.failedActiveHealthCheck && !h.failedOutlierCheck && !h.excludedViaImmediateHCFail && !h.activeHCTimeout
            && !h.pendingDynamicRemoval
    }

    /// Cluster → the proxies (sorted) whose `/clusters` shows `matches`, with that cluster's status.
    static func byCluster(_ facts: MeshFacts, _ matches: (EnvoyClusterStatus) -> Bool) -> [(cluster: String, seen: [(ProxyFacts, EnvoyClusterStatus)])] {
        var groups: [String: [(ProxyFacts, EnvoyClusterStatus)]] = [:]
        for p in facts.proxiesByID {
            for c in p.clusters?.clusters ?? [] where matches(c) { groups[c.name, default: []].append((p, c)) }
        }
        return groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }

    // MARK: MS0205

    static let noHealthyHost: FindingRule = FindingRule(code: "MS0205", severity: .error, title: "No healthy upstream host", reads: [.upstreams]) { facts, _ in
        // Only outbound clusters: an inbound cluster's one host is the pod itself.
        byCluster(facts) { c in c.name.hasPrefix("outbound|") && !c.hosts.isEmpty && !c.hosts.contains { isUsable($0.health) } }.map { cluster, seen in
            let (first, status) = seen[0]
            return noHealthyHost.finding(
                [FindingObject(kind: "Cluster", name: cluster)],
                "no host of \(cluster) is healthy (0/\(status.hosts.count)) for \(seen.count) prox\(seen.count == 1 ? "y" : "ies") (\(Listing.names(seen.map(\.0.proxyID)))): their requests fail with 503 UH",
                evidence: seen.prefix(3).flatMap { p, c in
                    c.hosts.prefix(3).map { FindingEvidence("\(p.proxyID) /clusters \(cluster)", "\($0.address) health_flags::\($0.health.flags)") }
                },
                link: linkWithFlows(RuntimeLinks.proxy(first.proxyID, tab: "endpoints"), RuntimeLinks.clusterFlows(cluster, flags: ["UH"])))
        }
    }

    static func linkWithFlows(_ link: FindingLink, _ flows: FlowQuery?) -> FindingLink {
        flows.map { RuntimeLinks.with(link, flows: $0) } ?? link
    }

    // MARK: MS0206

    static let outlierEjected: FindingRule = FindingRule(code: "MS0206", severity: .warning, title: "Upstream hosts ejected by outlier detection",
                                            reads: [.upstreams]) { facts, _ in
        byCluster(facts) { c in c.hosts.contains { $0.health.failedOutlierCheck } }.map { cluster, seen in
            let hosts = Set(seen.flatMap { $0.1.hosts.filter { $0.health.failedOutlierCheck }.map(\.address.description) }).sorted()
            return outlierEjected.finding(
                [FindingObject(kind: "Cluster", name: cluster)],
                "\(hosts.count) host\(hosts.count == 1 ? "" : "s") of \(cluster) ejected by outlier detection (\(Listing.names(hosts))) as seen by \(Listing.names(seen.map(\.0.proxyID))): they failed recently",
                evidence: seen.prefix(3).flatMap { p, c in
                    c.hosts.filter { $0.health.failedOutlierCheck }.prefix(3).map {
                        FindingEvidence("\(p.proxyID) /clusters \(cluster)", "\($0.address) health_flags::\($0.health.flags)")
                    }
                },
                link: linkWithFlows(RuntimeLinks.proxy(seen[0].0.proxyID, tab: "endpoints"), RuntimeLinks.clusterFlows(cluster, status: "5xx")))
        }
    }

    // MARK: MS0207, MS0208

    static let connectFailures: FindingRule = FindingRule(code: "MS0207", severity: .warning, title: "Upstream connections failing",
                                             reads: [.statsRates]) { facts, options in
        try rateFindings(facts, options, rule: connectFailures, failed: "upstream_cx_connect_fail", total: "upstream_cx_total",
                         what: "connection attempts fail", unit: "conn") { RuntimeLinks.clusterFlows($0, flags: ["UF"]) }
    }

    static let upstream5xx: FindingRule = FindingRule(code: "MS0208", severity: .warning, title: "Upstream answering 5xx", reads: [.statsRates]) { facts, options in
        try rateFindings(facts, options, rule: upstream5xx, failed: "upstream_rq_5xx", total: "upstream_rq_total", what: "requests get 5xx", unit: "rq") {
            RuntimeLinks.clusterFlows($0, status: "5xx")
        }
    }

    /// Per cluster, summed over proxies: the failure share of `failed` against `total` over
    /// each proxy's two stats reads, when the traffic is above ``FindingOptions/minimumRate``.
    /// A counter lower than before (a restart) counts from zero, never negative.
    static func rateFindings(_ facts: MeshFacts, _ options: FindingOptions, rule: FindingRule, failed: String, total: String,
                             what: String, unit: String, flows: (String) -> FlowQuery?) throws -> [Finding] {
        struct Sum { var failed = 0.0, total = 0.0, proxies: [(String, Double, Double)] = [] }
        var sums: [String: Sum] = [:]
        guard let failedAt = ClusterCounters.names.firstIndex(of: failed), let totalAt = ClusterCounters.names.firstIndex(of: total) else {
            throw RuleInputError("no cluster counter named \(failed) or \(total)")
        }
        for p in facts.proxies.values {
            guard p.stats != nil, p.previousStats != nil, let interval = p.statsInterval else { continue }
            guard interval > 0, interval.isFinite else { throw RuleInputError("\(p.proxyID): stats read \(interval) s apart") }
            let a = p.clusterCounters(before: true), b = p.clusterCounters(before: false)
            for (cluster, counters) in b.values {
                let f = delta(counters[failedAt], a.values[cluster]?[failedAt]) / interval
                let t = delta(counters[totalAt], a.values[cluster]?[totalAt]) / interval
                guard f > 0 || t > 0 else { continue }
                sums[cluster, default: Sum()].failed += f
                sums[cluster, default: Sum()].total += t
                sums[cluster, default: Sum()].proxies.append((p.proxyID, f, t))
            }
        }
        var out: [Finding] = []
        for cluster in sums.keys.sorted() {
            guard let s = sums[cluster] else { continue }
            // Local failures (no healthy host) count in 5xx but not in the total that reached a host.
            let attempts = max(s.total, s.failed)
            guard attempts >= options.minimumRate, s.failed / attempts > options.errorRatio else { continue }
            let proxies = s.proxies.filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
            out.append(rule.finding(
                [FindingObject(kind: "Cluster", name: cluster)],
                "\(Listing.percent(s.failed / attempts)) of \(cluster)'s \(what) (\(Listing.rate(s.failed)) of \(Listing.rate(attempts)) \(unit)) over \(Listing.names(proxies.map(\.0)))",
                evidence: proxies.prefix(3).map { id, f, t in
                    FindingEvidence("\(id) /stats cluster.\(cluster).\(failed) (two reads)", "\(Listing.rate(f)) \(failed), \(Listing.rate(t)) \(total)")
                },
                link: proxies.first.map { linkWithFlows(RuntimeLinks.proxy($0.0, tab: "stats"), flows(cluster)) }))
        }
        return out
    }

    static func delta(_ now: Double?, _ before: Double?) -> Double {
        guard let now, now.isFinite else { return 0 }
        guard let before, before.isFinite, before <= now else { return max(0, now) }
        return now - before
    }
}
