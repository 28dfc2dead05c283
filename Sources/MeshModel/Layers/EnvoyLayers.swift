/// Reads one proxy's config dump for what it terminates and originates on a connection.
///
/// ```swift
/// let layers = EnvoyLayers(dump)
/// let hop = layers.inbound(port: 8000, host: "httpbin.default.svc.cluster.local")
/// hop.cell(.http).downstream      // .terminate("HTTP/1.1 (codec AUTO)")
/// let out = layers.outbound(host: "svc-0001.ns-01.svc.cluster.local", port: 8080)
/// out.cell(.tls).upstream         // .originate("Istio mTLS")
/// ```
public struct EnvoyLayers: Sendable {
    public let dump: EnvoyConfigDump
    let listeners: [EnvoyListener]
    let listenerByName: [String: Int]
    let clusterByName: [String: EnvoyCluster]
    let routeByName: [String: EnvoyRouteConfiguration]
    let endpointsByCluster: [String: EnvoyClusterLoadAssignment]

    public init(_ dump: EnvoyConfigDump) {
        self.dump = dump
        listeners = dump.listeners.filter { $0.state == .static || $0.state == .active }
        var byName: [String: Int] = [:]
        for (i, l) in listeners.enumerated() where byName[l.name] == nil { byName[l.name] = i }
        listenerByName = byName
        var clusters: [String: EnvoyCluster] = [:]
        for c in dump.clusters where c.state != .warming && c.state != .error && clusters[c.name] == nil { clusters[c.name] = c }
        clusterByName = clusters
        var routes: [String: EnvoyRouteConfiguration] = [:]
        for r in dump.routeConfigs where routes[r.name] == nil { routes[r.name] = r.configuration }
        routeByName = routes
        var eps: [String: EnvoyClusterLoadAssignment] = [:]
        for e in dump.endpointConfigs where eps[e.clusterName] == nil { eps[e.clusterName] = e.assignment }
        endpointsByCluster = eps
    }

    var hasListeners: Bool { dump.sectionsPresent.contains(.listeners) }
    var hasClusters: Bool { dump.sectionsPresent.contains(.clusters) }

    public func listener(named name: String) -> EnvoyListener? { listenerByName[name].map { listeners[$0] } }
    public func cluster(named name: String) -> EnvoyCluster? { clusterByName[name] }

    static func describe(_ l: EnvoyListener) -> String {
        if l.isInternal { return "\(l.name) (internal listener)" }
        let addr = l.address?.description ?? "no address"
        return l.name.isEmpty ? addr : "\(l.name) (\(addr))"
    }

    // MARK: Inbound

    /// A connection arriving for `port` (and, when given, the service `host` or the
    /// destination IP in `attrs`). A listener bound to the port takes it; the HBONE listener
    /// (``hboneEntry()``, Istio's `connect_terminate` on 15008) ends the tunnel and hands the
    /// payload to its internal listener (`main_internal`); a waypoint takes every service port
    /// that way; a sidecar takes the others on `virtualInbound` (15006), iptables' target.
    public func inbound(port: Int, host: String? = nil, attrs given: ConnectionAttributes = ConnectionAttributes(),
                        name: String = "proxy", kind: HopKind = .proxy) -> HopLayers {
        var hop = HopLayers(name: name, kind: kind)
        var attrs = given
        attrs.destinationPort = port
        guard hasListeners, !listeners.isEmpty else {
            hop.lack("listeners section: the dump has no listeners, so nothing says which layers are terminated")
            for layer in TrafficLayer.allCases { hop.set(layer, downstream: .unknown("no listeners in the dump")) }
            if hasClusters { hop.note(Evidence(.input, "clusters section present (\(clusterByName.count) clusters)")) }
            return hop
        }
        let hbone = hboneEntry()
        let matcherListener = listeners.first { $0.isInternal && $0.filterChainMatcher != nil }
        let virtual = listeners.first(where: { $0.name == "virtualInbound" }) ?? listeners.first(where: { $0.address?.port == 15006 })
        let bound = listeners.first { !$0.isInternal && $0.address?.port == port && $0.bindToPort && !$0.useOriginalDst }
        if let bound, bound.name != hbone?.listener.name {
            hop.note(Evidence(.listener, "\(EnvoyLayers.describe(bound)) is bound to port \(port)"))
            analyze(listener: bound, attrs: attrs, host: host, hop: &hop)
            return hop
        }
        if let hbone {
            // The HBONE port itself, or a service port of a proxy that takes services only
            // through the tunnel (a waypoint: no virtualInbound).
            let tunnelPort = bound != nil
            if tunnelPort || matcherListener != nil || virtual == nil {
                terminateHBONE(hbone, into: &hop)
                guard let inner = hbone.inner else {
                    let cluster = hbone.connect.route.cluster ?? "?"
                    hop.lack("the internal listener cluster \(cluster) delivers to")
                    hop.set(.http, downstream: .unknown("the listener the tunnel's payload reaches (through cluster \(cluster)) is not in the dump"))
                    hop.set(.tcp, upstream: .unknown("the listener the tunnel's payload reaches is not in the dump"))
                    return hop
                }
                var inside = attrs
                if tunnelPort {
                    inside.destinationPort = nil
                    hop.note(Evidence(.assumption, "the tunnelled connection's destination (the CONNECT authority, IP:port) picks the chain of \(inner.name)"))
                }
                analyze(listener: inner, attrs: inside, host: host, hop: &hop, viaHBONE: true)
                return hop
            }
        }
        if let inner = matcherListener {
            hop.lack("listener connect_terminate")
            hop.set(.hbone, downstream: .unknown("\(inner.name) is an internal listener, reached through an HBONE-terminating listener (connect_terminate) that is not in the dump"),
                    [Evidence(.missing, "listener connect_terminate")])
            hop.set(.tls, downstream: .unknown("the HBONE listener that terminates mTLS is not in the dump"))
            hop.set(.tcp, downstream: .unknown("the listener that accepts the connection is not in the dump"))
            analyze(listener: inner, attrs: attrs, host: host, hop: &hop, viaHBONE: true)
            return hop
        }
        if let virtual {
            hop.note(Evidence(.assumption, "inbound traffic is redirected to \(EnvoyLayers.describe(virtual)) (Istio's iptables capture); the original destination port \(port) picks the chain"))
            analyze(listener: virtual, attrs: attrs, host: host, hop: &hop)
            if let hbone, let inner = hbone.inner {
                hop.alternatives.append("if tunnelled in HBONE (port \(hbone.listener.address?.port ?? 15008)): \(hbone.listener.name) ends the tunnel and \(inner.name) picks the chain for port \(port)")
            }
            return hop
        }
        hop.lack("a listener for inbound port \(port): none is bound to it, and there is no virtualInbound (15006) or internal listener with a filter_chain_matcher")
        hop.set(.tcp, downstream: .unknown("no listener takes port \(port)"))
        return hop
    }

    // MARK: Outbound

    /// The app connecting to `host:port` (a service name or an IP), captured by the sidecar.
    /// `ip` is the destination IP when the caller knows it (service VIP).
    public func outbound(host: String, port: Int, ip: String? = nil, attrs given: ConnectionAttributes = ConnectionAttributes(),
                         path: String = "/", name: String = "proxy", kind: HopKind = .proxy) -> HopLayers {
        var hop = HopLayers(name: name, kind: kind)
        var attrs = given
        attrs.destinationPort = port
        var destIP = ip ?? (IPAddress.isLiteral(host) ? host : nil)
        guard hasListeners, !listeners.isEmpty else {
            hop.lack("listeners section: the dump has no listeners, so the outbound listener and route are unknown")
            hop.set(.tcp, downstream: .unknown("no listeners in the dump"))
            hop.set(.http, downstream: .unknown("no listeners in the dump"))
            let guess = "outbound|\(port)||\(host)"
            if let c = clusterByName[guess] {
                hop.note(Evidence(.input, "cluster \(c.name) exists; which listener and route lead to it is not known"))
                analyzeUpstream(cluster: c.name, http: nil, hop: &hop)
            }
            return hop
        }
        if destIP == nil {
            let wanted = "outbound|\(port)||\(host)"
            if let l = listeners.first(where: { l in l.address?.port == port && l.address?.host != "0.0.0.0" && l.filterChains.contains { $0.filters.contains { $0.tcpProxy?.cluster == wanted } } }) {
                destIP = l.address?.host
                hop.note(Evidence(.input, "destination IP \(destIP ?? "") from listener \(l.name), whose tcp_proxy sends to \(wanted)"))
            }
        }
        attrs.destinationIP = destIP
        let virtual = listeners.first { $0.useOriginalDst }
        let exact = destIP.flatMap { ip in listeners.first { !$0.isInternal && $0.address?.host == ip && $0.address?.port == port } }
        let wildcard = listeners.first { !$0.isInternal && ($0.address?.host == "0.0.0.0" || $0.address?.host == "::") && $0.address?.port == port && $0.name != virtual?.name }
        let chosen: EnvoyListener
        if let virtual {
            let target = exact ?? wildcard ?? virtual
            let how = target.name == virtual.name
                ? "no listener for \(destIP ?? host):\(port) or 0.0.0.0:\(port), so the connection stays on \(virtual.name)"
                : "\(virtual.name) (use_original_dst) hands the connection to \(EnvoyLayers.describe(target))"
            hop.note(Evidence(.listener, how))
            chosen = target
        } else if let l = exact ?? wildcard {
            hop.note(Evidence(.listener, "\(EnvoyLayers.describe(l)) takes \(destIP ?? host):\(port)"))
            chosen = l
        } else {
            hop.lack("an outbound listener for \(destIP ?? host):\(port): no listener on that address or 0.0.0.0:\(port), and no use_original_dst listener")
            hop.set(.tcp, downstream: .unknown("no listener takes \(destIP ?? host):\(port)"))
            return hop
        }
        if destIP == nil { hop.note(Evidence(.input, "destination IP not known (give the service VIP to match IP-specific listeners)")) }
        analyze(listener: chosen, attrs: attrs, host: host, hop: &hop, path: path, outboundPort: port)
        return hop
    }

    // MARK: Chains

    func analyze(listener l: EnvoyListener, attrs: ConnectionAttributes, host: String?, hop: inout HopLayers,
                 viaHBONE: Bool = false, path: String = "/", outboundPort: Int? = nil) {
        var choices = FilterChainSelection.select(l, attrs)
        if choices.count > 1, let host, outboundPort == nil {
            // A service host narrows the chains to those whose cluster serves it.
            let serving = choices.filter { c in c.chain.map { servesHost($0, host) } ?? false }
            if !serving.isEmpty {
                hop.note(Evidence(.input, "chains kept for service \(host): those whose cluster's istio metadata lists it"))
                choices = serving
            }
        }
        guard let choice = choices.first else {
            hop.set(.tcp, downstream: .terminate("then closed: no filter chain matches"), [Evidence(.listener, EnvoyLayers.describe(l)),
                Evidence(.missing, "no filter chain of \(l.name) matches port \(attrs.destinationPort.map(String.init) ?? "?") and there is no default_filter_chain")])
            hop.missing.append("a filter chain of \(l.name) for this connection")
            hop.stopHere(.noRoute, http: false, "no filter chain of \(l.name) matches the connection: Envoy closes it")
            return
        }
        for other in choices.dropFirst() {
            hop.alternatives.append("if \(other.conditions.joined(separator: " and ")): chain \(other.label)\(other.chain.map { " → " + chainSummary($0) } ?? "")")
        }
        let before = hop
        analyzeChain(l, choice, attrs: attrs, host: host, hop: &hop, viaHBONE: viaHBONE, path: path, outboundPort: outboundPort)
        // The chain was picked under conditions on what the client sends: where another
        // reachable chain does otherwise, the cells say so instead of stating one outcome.
        // Chains the dump lacks say nothing about behaviour (they are `missing:` lines).
        if choices.count > 1, !choice.conditions.isEmpty, choice.chain != nil {
            var outcomes = [LayerConditions.Outcome(conditions: choice.conditions, cells: hop.cells)]
            for other in choices.dropFirst() where other.chain != nil {
                var scratch = before
                analyzeChain(l, other, attrs: attrs, host: host, hop: &scratch, viaHBONE: viaHBONE, path: path, outboundPort: outboundPort)
                outcomes.append(LayerConditions.Outcome(conditions: other.conditions, cells: scratch.cells))
            }
            LayerConditions.apply(outcomes, to: &hop)
        }
    }

    /// What one filter chain of `l` does with the connection.
    func analyzeChain(_ l: EnvoyListener, _ choice: FilterChainChoice, attrs: ConnectionAttributes, host: String?, hop: inout HopLayers,
                      viaHBONE: Bool, path: String, outboundPort: Int?) {
        let chainEv = Evidence(.filterChain, "\(l.name): \(choice.label)")
        if !choice.conditions.isEmpty {
            hop.note(Evidence(.assumption, "chain taken when \(choice.conditions.joined(separator: " and "))"))
        }
        guard let chain = choice.chain else {
            hop.lack("filter chain \(choice.name), named by \(l.name)'s filter_chain_matcher, is not in the listener")
            hop.set(.tcp, downstream: viaHBONE ? nil : .terminate(""), [Evidence(.listener, EnvoyLayers.describe(l)), chainEv])
            hop.set(.http, downstream: .unknown("chain \(choice.name) is not in the dump"))
            return
        }
        if !viaHBONE {
            hop.set(.tcp, downstream: .terminate(l.isInternal ? "internal" : "port \(l.address?.portNumber ?? .valid(0))"), [Evidence(.listener, EnvoyLayers.describe(l)), chainEv])
        } else {
            hop.note(Evidence(.listener, EnvoyLayers.describe(l)))
            hop.note(chainEv)
        }
        // TLS on the downstream side.
        if let ts = chain.transportSocket {
            let s = TransportSocketSummary(ts)
            if case .downstreamTLS = s.kind {
                hop.set(.tls, downstream: .terminate(s.tlsDetail), [chainEv, Evidence(.transportSocket, s.evidenceText)])
            } else if !viaHBONE {
                hop.set(.tls, downstream: .none, [chainEv, Evidence(.transportSocket, s.evidenceText)])
            }
        } else if chain.hasLegacyTLSContext {
            hop.set(.tls, downstream: .terminate("TLS (v2 tls_context)"), [chainEv])
        } else if !viaHBONE {
            let readsSNI = l.listenerFilterNames.contains { $0.hasSuffix("tls_inspector") }
            let tlsOnly = chain.match.transportProtocol == "tls" || !chain.match.serverNames.isEmpty
            if readsSNI && tlsOnly && chain.filters.contains(where: \.isTCPProxy) {
                hop.set(.tls, downstream: .passthrough("SNI read by tls_inspector"), [chainEv, Evidence(.listenerFilter, "envoy.filters.listener.tls_inspector")])
                hop.set(.tls, upstream: .passthrough("forwarded as is"))
            } else {
                hop.set(.tls, downstream: .none, [chainEv])
            }
        }
        let filters = chain.filters
        if let f = filters.first(where: { $0.httpConnectionManager != nil }), let hcm = f.httpConnectionManager {
            let codec = hcm.json["codec_type"]?.string ?? "AUTO"
            var ev = [chainEv, Evidence(.filter, "\(f.name) (codec \(codec)); HTTP filters: \(hcm.httpFilterNames.joined(separator: ", "))")]
            let h2 = hcm.json["http2_protocol_options"] != nil
            hop.set(.http, downstream: .terminate(codec == "HTTP2" ? "h2" : codec == "HTTP1" ? "HTTP/1.1" : h2 ? "HTTP/1.1 or h2 (AUTO)" : "HTTP (AUTO)"), ev)
            ev = []
            route(hcm, host: host, port: outboundPort ?? attrs.destinationPort, path: path, hop: &hop)
        } else if let f = filters.first(where: { $0.tcpProxy != nil }), let tcp = f.tcpProxy {
            hop.set(.http, downstream: .none, [chainEv, Evidence(.filter, "\(f.name) → cluster \(tcp.cluster.isEmpty ? tcp.weightedClusters.map(\.name).joined(separator: ",") : tcp.cluster)")])
            tcpOrigination(tcp, hop: &hop)
        } else {
            let names = filters.map(\.name)
            hop.set(.http, downstream: .unknown("chain has neither http_connection_manager nor tcp_proxy (filters: \(names.isEmpty ? "none" : names.joined(separator: ", ")))"), [chainEv])
            hop.set(.tcp, upstream: .unknown("no terminal filter names an upstream"))
        }
    }

    func chainSummary(_ c: EnvoyFilterChain) -> String {
        if let hcm = c.filters.compactMap(\.httpConnectionManager).first {
            return "HTTP (route \(hcm.rdsRouteConfigName ?? hcm.routeConfig?.name ?? "?"))"
        }
        if let t = c.filters.compactMap(\.tcpProxy).first { return "tcp_proxy → \(t.cluster)" }
        return c.filters.map(\.name).joined(separator: ",")
    }

    func servesHost(_ chain: EnvoyFilterChain, _ host: String) -> Bool {
        var clusters: [String] = []
        for f in chain.filters {
            if let t = f.tcpProxy { clusters.append(t.cluster) }
            if let hcm = f.httpConnectionManager {
                let rc = hcm.routeConfig ?? hcm.rdsRouteConfigName.flatMap { routeByName[$0] }
                clusters += rc?.virtualHosts.flatMap(\.routes).compactMap(\.cluster) ?? []
            }
        }
        return clusters.contains { clusterByName[$0]?.istioServiceHosts.contains(host) ?? false }
    }

    func tcpOrigination(_ tcp: EnvoyTCPProxy, hop: inout HopLayers) {
        let cluster = tcp.cluster.isEmpty ? tcp.weightedClusters.first?.name ?? "" : tcp.cluster
        if let tc = tcp.json["tunneling_config"], tc.isObject {
            hop.set(.hbone, upstream: .originate("CONNECT \(tc["hostname"]?.string ?? "")"),
                    [Evidence(.filter, "tcp_proxy tunneling_config (hostname \(tc["hostname"]?.string ?? "")) → cluster \(cluster)")])
        }
        analyzeUpstream(cluster: cluster, http: nil, hop: &hop)
    }

    // MARK: Routes

    func route(_ hcm: EnvoyHTTPConnectionManager, host: String?, port: Int?, path: String, hop: inout HopLayers) {
        let rc: EnvoyRouteConfiguration
        if let inline = hcm.routeConfig {
            rc = inline
            hop.note(Evidence(.routeConfig, "\(inline.name) (inline)"))
        } else if let name = hcm.rdsRouteConfigName {
            guard let r = routeByName[name] else {
                hop.lack(dump.sectionsPresent.contains(.routes) ? "route config \(name) (RDS) is not in the routes section" : "routes section (route config \(name) via RDS)")
                hop.set(.http, upstream: .unknown("route config \(name) is not in the dump"))
                hop.set(.tcp, upstream: .unknown("route config \(name) is not in the dump"))
                return
            }
            rc = r
            hop.note(Evidence(.routeConfig, "\(name) (RDS)"))
        } else {
            hop.set(.http, upstream: .unknown("scoped routes or no route config"))
            return
        }
        var authority = host ?? "*"
        if let port, host != nil, !(rc.json["ignore_port_in_host_matching"]?.bool ?? false) { authority += ":\(port)" }
        guard let vh = EnvoyLayers.virtualHost(rc.virtualHosts, authority: authority) else {
            hop.note(Evidence(.routeConfig, "\(rc.name): no virtual host's domains match \(authority)"))
            hop.set(.http, upstream: .none)
            hop.stopHere(.noRoute, http: true, "no virtual host of \(rc.name) matches \(authority)")
            return
        }
        hop.note(Evidence(.virtualHost, "\(vh.name) (domains \(vh.domains.prefix(4).joined(separator: ", "))\(vh.domains.count > 4 ? ", …" : "")) matches \(authority)"))
        var picked: EnvoyRoute?
        for (i, r) in vh.routes.enumerated() {
            let m = r.match
            if m.hasConnectMatcher { continue }
            if m.safeRegex != nil || m.legacyRegex != nil || !m.headerNames.isEmpty || r.json["match"]?["query_parameters"] != nil {
                hop.alternatives.append("route \(r.name.isEmpty ? "#\(i)" : r.name) (regex/header/query match, not evaluated) → \(r.cluster ?? "?")")
                continue
            }
            let ok: Bool
            if !m.path.isEmpty { ok = path == m.path }
            else if !m.pathSeparatedPrefix.isEmpty { ok = path == m.pathSeparatedPrefix || path.hasPrefix(m.pathSeparatedPrefix + "/") }
            else { ok = path.hasPrefix(m.prefix) }
            if ok { picked = r; break }
        }
        guard let r = picked else {
            hop.note(Evidence(.virtualHost, "\(vh.name): no route matches path \(path)"))
            hop.set(.http, upstream: .none)
            hop.stopHere(.noRoute, http: true, "no route of virtual host \(vh.name) matches path \(path)")
            return
        }
        let matchText = !r.match.path.isEmpty ? "path \(r.match.path)" : "prefix \(r.match.prefix)"
        switch r.action {
        case .route:
            let clusters = r.cluster.map { [$0] } ?? r.weightedClusters.map(\.name)
            hop.note(Evidence(.route, "\(r.name.isEmpty ? "(unnamed)" : r.name) (\(matchText)) → \(clusters.isEmpty ? "cluster_header \(r.clusterHeader ?? "?")" : clusters.joined(separator: ", "))"))
            guard let c = clusters.first else {
                hop.set(.http, upstream: .unknown("the route picks its cluster from a request header"))
                return
            }
            analyzeUpstream(cluster: c, http: true, hop: &hop)
        case .directResponse, .redirect:
            hop.note(Evidence(.route, "\(r.name) (\(matchText)) answers itself (\(r.action == .redirect ? "redirect" : "direct_response"))"))
            hop.set(.http, upstream: .none)
            hop.set(.tcp, upstream: .none)
        default:
            hop.set(.http, upstream: .unknown("route \(r.name) has no route action"))
        }
    }

    /// Envoy's virtual host choice: exact domain, then the longest `*.suffix`, then the
    /// longest `prefix.*`, then `*`.
    static func virtualHost(_ vhosts: [EnvoyVirtualHost], authority: String) -> EnvoyVirtualHost? {
        let a = authority.lowercased()
        if let v = vhosts.first(where: { $0.domains.contains { $0.lowercased() == a } }) { return v }
        var best: (EnvoyVirtualHost, Int)?
        for v in vhosts {
            for d in v.domains where d.hasPrefix("*") && d.count > 1 && a.hasSuffix(d.dropFirst().lowercased()) && a.count > d.count - 1 {
                if d.count > (best?.1 ?? 0) { best = (v, d.count) }
            }
        }
        if let best { return best.0 }
        for v in vhosts {
            for d in v.domains where d.hasSuffix("*") && d.count > 1 && a.hasPrefix(d.dropLast().lowercased()) {
                if d.count > (best?.1 ?? 0) { best = (v, d.count) }
            }
        }
        if let best { return best.0 }
        return vhosts.first { $0.domains.contains("*") }
    }

    // MARK: Clusters

    func analyzeUpstream(cluster name: String, http: Bool?, hop: inout HopLayers, depth: Int = 0) {
        guard let c = clusterByName[name] else {
            let why = hasClusters ? "cluster \(name) is not in the dump" : "the dump has no clusters section"
            hop.lack(hasClusters ? "cluster \(name)" : "clusters section (needed for cluster \(name))")
            hop.set(.tcp, upstream: .unknown(why))
            hop.set(.tls, upstream: .unknown(why))
            if http == true { hop.set(.http, upstream: .originate("")) }
            // An active cluster missing from a dump that has the clusters section: Envoy has
            // no such cluster. Internal hand-offs (depth > 0) are Istio's own and assumed.
            if hasClusters, depth == 0 {
                hop.stopHere(.noCluster, http: http == true, "cluster \(name) is not among the dump's clusters")
            }
            return
        }
        let clusterEv = Evidence(.cluster, "\(c.name) (\(c.effectiveType))")
        if c.name == "BlackHoleCluster" {
            hop.set(.tcp, upstream: .none, [clusterEv, Evidence(.input, "BlackHoleCluster drops the connection")])
            return
        }
        if depth == 0 {
            let target = c.discoveryType == "ORIGINAL_DST" ? "original destination" : "\(c.effectiveType) endpoints"
            hop.set(.tcp, upstream: .originate(target), [clusterEv])
            if http == true { hop.set(.http, upstream: .originate(EnvoyLayers.upstreamHTTP(c)), [clusterEv]) }
        }
        let endpoints = (endpointsByCluster[c.name] ?? c.loadAssignment)?.localities.flatMap(\.endpoints)
        let tsm = c.transportSocketMatches
        if !tsm.isEmpty {
            tlsFromMatches(c, tsm, endpoints, clusterEv, &hop)
        } else if let ts = c.transportSocket {
            let s = TransportSocketSummary(ts)
            switch s.kind {
            case .upstreamTLS(let cert):
                hop.set(.tls, upstream: .originate(cert ? "mTLS\(s.sni.map { ", SNI \($0)" } ?? "")" : "TLS\(s.sni.map { ", SNI \($0)" } ?? "")"),
                        [clusterEv, Evidence(.transportSocket, s.evidenceText)])
            case .internalUpstream:
                internalUpstream(c, s, endpoints, clusterEv, &hop, depth: depth)
            default:
                if depth == 0 { hop.set(.tls, upstream: .none, [clusterEv, Evidence(.transportSocket, s.evidenceText)]) }
            }
        } else if depth <= 1 {
            hop.set(.tls, upstream: .none, [Evidence(.cluster, "\(c.name): no transport_socket (plaintext)")])
        }
        if depth == 0 { checkHealth(c, endpoints, http: http, clusterEv, &hop) }
    }

    /// Envoy picks a host among the healthy ones (HEALTHY, or UNKNOWN: no health checking);
    /// with none, the request ends here with UH (503 for HTTP). Below the panic threshold
    /// (`common_lb_config.healthy_panic_threshold`: Envoy's default 50% when unset, Istio sets
    /// 0% — no panic — when it sends unready endpoints) Envoy ignores health and balances
    /// over every host. Only a list of endpoints the dump holds is judged.
    func checkHealth(_ c: EnvoyCluster, _ endpoints: [EnvoyLbEndpoint]?, http: Bool?, _ clusterEv: Evidence, _ hop: inout HopLayers) {
        guard let endpoints, c.discoveryType != "ORIGINAL_DST" else { return }
        let healthy = endpoints.filter { ["HEALTHY", "UNKNOWN"].contains($0.healthStatus) }.count
        let degraded = endpoints.filter { $0.healthStatus == "DEGRADED" }.count
        let panicJSON = c.json["common_lb_config"]?["healthy_panic_threshold"]
        let panic = panicJSON.map { $0["value"]?.double ?? 0 } ?? 50
        let panicText = panicJSON == nil ? "panic threshold unset: Envoy's default 50%" : "healthy_panic_threshold \(EnvoyLayers.percent(panic))"
        let states = Dictionary(grouping: endpoints, by: \.healthStatus).map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
        let count = "\(healthy) healthy of \(endpoints.count) endpoints\(states.isEmpty ? "" : " (\(states))")"
        if endpoints.isEmpty {
            hop.set(.tcp, [clusterEv, Evidence(.endpoint, "\(c.name) has no endpoints")])
            hop.stopHere(.noHealthyUpstream, http: http == true, "cluster \(c.name) has no endpoints")
            return
        }
        let available = healthy + degraded
        guard available * 100 < endpoints.count * 100 else { return }
        let availablePercent = Double(available) * 100 / Double(endpoints.count)
        if availablePercent < panic {
            hop.set(.tcp, [clusterEv, Evidence(.endpoint, "\(c.name): \(count); below the panic threshold (\(panicText)) Envoy balances over every host, healthy or not")])
            return
        }
        guard available == 0 else {
            hop.note(Evidence(.endpoint, "\(c.name): \(count)"))
            return
        }
        hop.set(.tcp, [clusterEv, Evidence(.endpoint, "\(c.name): \(count); \(panicText), so no panic routing")])
        hop.stopHere(.noHealthyUpstream, http: http == true, "cluster \(c.name) has \(count)")
    }

    /// `0%`, `50%`, `12.5%`.
    static func percent(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? "\(Int(v))%" : "\(v)%"
    }

    static func upstreamHTTP(_ c: EnvoyCluster) -> String {
        let opts = c.json["typed_extension_protocol_options"]?.member(exactly: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        if let e = opts?["explicit_http_config"] {
            if e["http2_protocol_options"] != nil { return "h2" }
            return "HTTP/1.1"
        }
        if opts?["use_downstream_protocol_config"] != nil { return "as downstream" }
        if c.json["http2_protocol_options"] != nil { return "h2" }
        return "HTTP/1.1"
    }

    func tlsFromMatches(_ c: EnvoyCluster, _ tsm: [(name: String, match: JSONValue?, socket: EnvoyFilter?)], _ endpoints: [EnvoyLbEndpoint]?,
                        _ clusterEv: Evidence, _ hop: inout HopLayers) {
        let tlsMatch = tsm.first { m in m.socket.map { TransportSocketSummary($0).tlsDetail.isEmpty == false } ?? false }
        let desc = tsm.map { m in "\(m.name) (match \(m.match.map { $0.members.map { "\($0.key)=\($0.value.string ?? $0.value.rawText)" }.joined(separator: ",") } ?? "")) → \(m.socket?.name ?? "default")" }.joined(separator: "; ")
        var ev = [clusterEv, Evidence(.transportSocket, "transport_socket_matches: \(desc)")]
        if let t = tlsMatch?.socket { ev.append(Evidence(.transportSocket, TransportSocketSummary(t).evidenceText)) }
        guard let endpoints, !endpoints.isEmpty else {
            hop.set(.tls, upstream: .unknown("depends on each endpoint's tlsMode metadata and the endpoints of \(c.name) are not in the dump"), ev)
            return
        }
        var tlsCount = 0
        for e in endpoints {
            let md = e.transportSocketMatchMetadata
            let first = tsm.first { m in
                guard let match = m.match, match.isObject else { return true }
                return match.members.allSatisfy { kv in md?.member(exactly: kv.key)?.rawText == kv.value.rawText }
            }
            if let s = first?.socket, !TransportSocketSummary(s).tlsDetail.isEmpty { tlsCount += 1 }
        }
        ev.append(Evidence(.endpoint, "\(tlsCount) of \(endpoints.count) endpoints carry tlsMode: istio metadata"))
        let detail = tlsMatch?.socket.map { TransportSocketSummary($0) }
        let sni = detail?.sni.map { ", SNI \($0)" } ?? ""
        if tlsCount == endpoints.count {
            hop.set(.tls, upstream: .originate("Istio mTLS\(sni)"), ev)
        } else if tlsCount == 0 {
            hop.set(.tls, upstream: .none, ev)
        } else {
            hop.set(.tls, upstream: .originate("Istio mTLS to \(tlsCount) of \(endpoints.count) endpoints"), ev)
        }
    }

    func internalUpstream(_ c: EnvoyCluster, _ s: TransportSocketSummary, _ endpoints: [EnvoyLbEndpoint]?, _ clusterEv: Evidence,
                          _ hop: inout HopLayers, depth: Int) {
        let tsEv = Evidence(.transportSocket, s.evidenceText)
        var names: [String] = []
        for e in endpoints ?? [] {
            if case .internal(let l?, _) = e.address, !names.contains(l) { names.append(l) }
        }
        guard !names.isEmpty else {
            let why = "\(c.name) sends to an internal listener (internal_upstream) but its endpoints are not in the dump, so which listener (and whether it tunnels HBONE) is not known"
            hop.set(.hbone, upstream: .unknown(why), [clusterEv, tsEv])
            hop.set(.tls, upstream: .unknown(why), [clusterEv, tsEv])
            return
        }
        let endpointText = (endpoints ?? []).prefix(3).map { $0.address?.description ?? "" }.joined(separator: ", ")
        hop.note(Evidence(.endpoint, "\(c.name) → \(endpointText)"))
        for n in names {
            guard let l = listener(named: n), depth < 2 else {
                hop.lack("internal listener \(n)")
                hop.set(.hbone, upstream: .unknown("internal listener \(n) (where \(c.name) sends) is not in the dump"), [clusterEv, tsEv])
                hop.set(.tls, upstream: .unknown("internal listener \(n) is not in the dump"))
                continue
            }
            hop.note(Evidence(.listener, "\(EnvoyLayers.describe(l)) reached through internal_upstream"))
            guard let tcp = l.filterChains.first?.filters.compactMap(\.tcpProxy).first else {
                hop.set(.hbone, upstream: .unknown("internal listener \(n) has no tcp_proxy"))
                continue
            }
            if let tc = tcp.json["tunneling_config"], tc.isObject {
                hop.set(.hbone, upstream: .originate("CONNECT \(tc["hostname"]?.string ?? "")"),
                        [clusterEv, tsEv, Evidence(.filter, "\(n): tcp_proxy tunneling_config (hostname \(tc["hostname"]?.string ?? "")) → cluster \(tcp.cluster)")])
            } else {
                hop.set(.hbone, upstream: .none, [Evidence(.filter, "\(n): tcp_proxy without tunneling_config → cluster \(tcp.cluster)")])
            }
            analyzeUpstream(cluster: tcp.cluster, http: nil, hop: &hop, depth: depth + 1)
        }
    }
}
