import Foundation

/// MS0201–MS0204: what each Envoy's config dump says about the config it holds: resources
/// stuck warming, listeners Envoy rejected, routes to clusters it does not have.
enum EnvoyStateRules {
    static let all: [FindingRule] = [warmingClusters, warmingListeners, listenerErrors, missingRouteCluster]

    /// Envoys with a dump, in a stable order.
    static func dumps(_ facts: MeshFacts) -> [(ProxyFacts, EnvoyConfigDump)] {
        facts.proxies.values.compactMap { p in p.dump.map { (p, $0) } }.sorted { $0.0.proxyID < $1.0.proxyID }
    }

    // MARK: MS0201, MS0202

    static let warmingClusters: FindingRule = FindingRule(code: "MS0201", severity: .warning, title: "Clusters stuck warming", reads: [.configDumps]) { facts, _ in
        dumps(facts).compactMap { p, dump in
            let names = dump.clusters.filter { $0.state == .warming }.map(\.name)
            guard !names.isEmpty else { return nil }
            return warmingClusters.finding(
                [RuntimeObjects.proxy(p.proxyID)],
                "\(p.proxyID) has \(names.count) cluster\(names.count == 1 ? "" : "s") warming (\(Listing.names(names))): they wait for endpoints (EDS) or secrets (SDS) and take no traffic yet",
                evidence: names.prefix(5).map { FindingEvidence("\(p.proxyID) config_dump dynamic_warming_clusters", $0) },
                link: RuntimeLinks.proxy(p.proxyID, tab: "clusters"))
        }
    }

    static let warmingListeners: FindingRule = FindingRule(code: "MS0202", severity: .warning, title: "Listeners stuck warming", reads: [.configDumps]) { facts, _ in
        dumps(facts).compactMap { p, dump in
            let names = dump.listeners.filter { $0.state == .warming }.map(\.name)
            guard !names.isEmpty else { return nil }
            return warmingListeners.finding(
                [RuntimeObjects.proxy(p.proxyID)],
                "\(p.proxyID) has \(names.count) listener\(names.count == 1 ? "" : "s") warming (\(Listing.names(names))): they wait for routes (RDS) or secrets (SDS) and do not accept connections yet",
                evidence: names.prefix(5).map { FindingEvidence("\(p.proxyID) config_dump dynamic_listeners warming_state", $0) },
                link: RuntimeLinks.proxy(p.proxyID, tab: "listeners"))
        }
    }

    // MARK: MS0203

    static let listenerErrors: FindingRule = FindingRule(code: "MS0203", severity: .error, title: "Listener rejected by Envoy", reads: [.configDumps]) { facts, _ in
        dumps(facts).flatMap { p, dump in
            dump.listeners.filter { $0.state == .error }.map { l in
                listenerErrors.finding(
                    [RuntimeObjects.proxy(p.proxyID), FindingObject(kind: "Listener", name: p.proxyID + " " + l.name)],
                    "\(p.proxyID) rejected listener \(l.name): \(l.errorDetails ?? "no details given")",
                    evidence: [FindingEvidence("\(p.proxyID) config_dump dynamic_listeners \(l.name) error_state", l.errorDetails ?? "error_state")],
                    link: RuntimeLinks.proxy(p.proxyID, tab: "listeners"))
            }
        }
    }

    // MARK: MS0204

    static let missingRouteCluster: FindingRule = FindingRule(code: "MS0204", severity: .error, title: "Route points at a cluster that does not exist",
                                                 reads: [.configDumps], evaluate: missingRouteClusterFindings)

    /// Requests matching such a route get 503 with response flag NC. A dump without its
    /// clusters section (cut short, filtered) cannot tell and is skipped.
    static func missingRouteClusterFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        var out: [Finding] = []
        for (p, dump) in dumps(facts) where !dump.clusters.isEmpty && !dump.damagedSections.contains(.clusters) {
            let clusters = Set(dump.clusters.map(\.name))
            // Missing cluster → the routes (route config / virtual host / route) that name it.
            var missing: [String: [String]] = [:]
            var order: [String] = []
            for rc in dump.routeConfigs where rc.state != .error {
                for vh in rc.configuration.virtualHosts {
                    for (i, r) in vh.routes.enumerated() {
                        let targets = (r.cluster.map { [$0] } ?? []) + r.weightedClusters.map(\.name)
                        for t in targets where !t.isEmpty && !clusters.contains(t) {
                            if missing[t] == nil { order.append(t) }
                            let routeName = r.name.isEmpty ? "routes[\(i)]" : r.name
                            missing[t, default: []].append("\(rc.name) / \(vh.name) / \(routeName)")
                        }
                    }
                }
            }
            for cluster in order {
                let routes = missing[cluster] ?? []
                out.append(missingRouteCluster.finding(
                    [RuntimeObjects.proxy(p.proxyID), FindingObject(kind: "Route", name: p.proxyID + " " + cluster)],
                    "\(p.proxyID) routes to cluster \(cluster), which it does not have: requests on \(Listing.names(routes)) get 503 NC",
                    evidence: routes.prefix(5).map { FindingEvidence("\(p.proxyID) config_dump dynamic_route_configs \($0)", "cluster: \(cluster)") }
                        + [FindingEvidence("\(p.proxyID) config_dump clusters", "\(clusters.count) clusters, none named \(cluster)")],
                    link: RuntimeLinks.with(RuntimeLinks.proxy(p.proxyID, tab: "routes"), flows: FlowQuery(flags: ["NC"], pod: p.proxyID)))
                    .joining(Finding.destinationKey(cluster: cluster)))
            }
        }
        return out
    }
}
