/// Where an HTTP connection manager takes CONNECT requests (HBONE's tunnel), read the way
/// Envoy reads it.
///
/// A CONNECT request has no path: only a route with `connect_matcher` matches it. The
/// CONNECT upgrade must be enabled, on the route (`route.upgrade_configs`) or, when the route
/// says nothing of CONNECT, on the HCM (`upgrade_configs`): a route's entry overrides the
/// HCM's, and `enabled: false` turns it off. With `connect_config` on the route's CONNECT
/// upgrade the proxy ends the tunnel and sends its payload upstream as plain TCP (waypoints'
/// and sidecars' `connect_terminate`); without it the CONNECT request itself is proxied on.
///
/// ```swift
/// let c = ConnectRoute.find(hcm, routes: [:])
/// c?.terminates      // true: connect_config on the route's CONNECT upgrade
/// c?.enabledOn       // "route"
/// c?.route.cluster   // "main_internal"
/// ```
struct ConnectRoute {
    var routeConfig: EnvoyRouteConfiguration
    /// How the route config was found: "inline" or "RDS".
    var source: String
    var virtualHost: EnvoyVirtualHost
    var route: EnvoyRoute
    var index: Int
    /// "route" or "HCM": which `upgrade_configs` enables CONNECT.
    var enabledOn: String
    /// `connect_config` on the route's CONNECT upgrade: the tunnel ends here.
    var terminates: Bool

    var routeLabel: String { route.name.isEmpty ? "#\(index)" : route.name }

    /// The first route of `hcm` that takes CONNECT with the upgrade enabled; nil when none does
    /// (or the route config is RDS and not in `routes`).
    static func find(_ hcm: EnvoyHTTPConnectionManager, routes: [String: EnvoyRouteConfiguration]) -> ConnectRoute? {
        let rc: EnvoyRouteConfiguration
        let source: String
        if let inline = hcm.routeConfig {
            (rc, source) = (inline, "inline")
        } else if let name = hcm.rdsRouteConfigName, let r = routes[name] {
            (rc, source) = (r, "RDS")
        } else {
            return nil
        }
        let onHCM = connectEntries(hcm.json["upgrade_configs"]).last.map { $0["enabled"]?.bool ?? true } ?? false
        for vh in rc.virtualHosts {
            for (i, r) in vh.routes.enumerated() where r.match.hasConnectMatcher && r.action == .route {
                let own = connectEntries(r.json["route"]?["upgrade_configs"]).last
                let enabled = own.map { $0["enabled"]?.bool ?? true } ?? onHCM
                guard enabled else { continue }
                let terminates = own.map { $0["connect_config"] != nil } ?? false
                return ConnectRoute(routeConfig: rc, source: source, virtualHost: vh, route: r, index: i,
                                    enabledOn: own != nil ? "route" : "HCM", terminates: terminates)
            }
        }
        return nil
    }

    /// `upgrade_configs` entries for CONNECT (Envoy compares the type case-insensitively).
    static func connectEntries(_ list: JSONValue?) -> [JSONValue] {
        list?.elements.filter { ($0["upgrade_type"]?.string ?? "").uppercased() == "CONNECT" } ?? []
    }

    /// Evidence for the HCM: where the upgrade is enabled.
    var filterEvidence: Evidence {
        Evidence(.filter, "\(EnvoyFilter.httpConnectionManagerName) with upgrade_configs CONNECT on the \(enabledOn)")
    }

    /// Evidence for the route: its match, cluster and what happens to the tunnel.
    var routeEvidence: Evidence {
        let target = route.cluster ?? route.weightedClusters.map(\.name).joined(separator: ",")
        let how = terminates ? "connect_config: the tunnel ends here, its payload goes on as TCP" : "no connect_config: the CONNECT request is proxied on"
        return Evidence(.route, "CONNECT route \(routeLabel) (connect_matcher) in \(routeConfig.name) (\(source)) / \(virtualHost.name) → cluster \(target.isEmpty ? "?" : target); \(how)")
    }
}

/// A listener that ends HBONE: it terminates TLS (usually mTLS) and, in an HTTP connection
/// manager, CONNECT (``ConnectRoute``); the tunnelled connection goes to `inner`, the internal
/// listener the CONNECT route's cluster delivers to.
struct HBONEEntry {
    var listener: EnvoyListener
    var chain: EnvoyFilterChain
    var chainIndex: Int
    var hcm: EnvoyHTTPConnectionManager
    var connect: ConnectRoute
    /// The internal listener the tunnel's payload reaches (nil when the dump does not say).
    var inner: EnvoyListener?
    /// How `inner` was found (evidence text).
    var innerHow: Evidence?

    var chainLabel: String { chain.name.isEmpty ? "#\(chainIndex)" : "\(chain.name) (#\(chainIndex))" }
}

extension EnvoyLayers {
    /// The listener (not internal) whose HTTP connection manager terminates CONNECT: Istio's
    /// `connect_terminate` on waypoints and on sidecars that accept HBONE, or any Envoy
    /// configured the same way.
    func hboneEntry() -> HBONEEntry? {
        for l in listeners where !l.isInternal {
            for (i, chain) in l.filterChains.enumerated() {
                for f in chain.filters {
                    guard let hcm = f.httpConnectionManager, let c = ConnectRoute.find(hcm, routes: routeByName), c.terminates else { continue }
                    var entry = HBONEEntry(listener: l, chain: chain, chainIndex: i, hcm: hcm, connect: c)
                    (entry.inner, entry.innerHow) = innerListener(for: c.route.cluster)
                    return entry
                }
            }
        }
        return nil
    }

    /// The internal listener a cluster delivers to: its endpoints' `envoy_internal_address`;
    /// else, when the cluster is not in the dump, the internal listener of the same name
    /// (Istio names them alike: `main_internal`); else the internal listener with a
    /// `filter_chain_matcher` (a waypoint's).
    func innerListener(for cluster: String?) -> (EnvoyListener?, Evidence?) {
        if let name = cluster, let c = clusterByName[name] {
            let endpoints = (endpointsByCluster[name] ?? c.loadAssignment)?.localities.flatMap(\.endpoints) ?? []
            for e in endpoints {
                if case .internal(let l?, _) = e.address, let found = listener(named: l) {
                    return (found, Evidence(.endpoint, "\(name) → internal listener \(l)"))
                }
            }
        }
        if let name = cluster, let l = listener(named: name), l.isInternal {
            let how = clusterByName[name] == nil
                ? "cluster \(name) is not in the dump; Istio's cluster of that name delivers to the internal listener of the same name"
                : "cluster \(name) delivers to the internal listener of the same name"
            return (l, Evidence(.assumption, how))
        }
        if let l = listeners.first(where: { $0.isInternal && $0.filterChainMatcher != nil }) {
            return (l, Evidence(.assumption, "cluster \(cluster ?? "?") delivers to internal listener \(l.name)"))
        }
        return (nil, nil)
    }

    /// Sets TCP, TLS and HBONE downstream for a connection that arrives on the HBONE listener.
    func terminateHBONE(_ e: HBONEEntry, into hop: inout HopLayers) {
        let l = e.listener
        let chainEv = Evidence(.filterChain, "\(l.name): \(e.chainLabel)")
        hop.set(.tcp, downstream: .terminate("port \(l.address?.portNumber ?? .valid(0))"), [Evidence(.listener, EnvoyLayers.describe(l)), chainEv])
        if let ts = e.chain.transportSocket {
            let s = TransportSocketSummary(ts)
            if case .downstreamTLS = s.kind {
                hop.set(.tls, downstream: .terminate(s.tlsDetail), [chainEv, Evidence(.transportSocket, s.evidenceText)])
            } else {
                hop.set(.tls, downstream: .none, [chainEv, Evidence(.transportSocket, s.evidenceText)])
            }
        } else {
            hop.set(.tls, downstream: .none, [chainEv])
        }
        var ev = [chainEv, e.connect.filterEvidence, e.connect.routeEvidence]
        if let how = e.innerHow { ev.append(how) }
        hop.set(.hbone, downstream: .terminate("CONNECT on \(l.name)"), ev)
    }
}
