import Testing
import MeshModel
import MeshTestSupport

/// Sidecars in Istio's shapes (``SidecarDumps``): HBONE accepted on 15008 with the CONNECT
/// upgrade enabled on the route, unnamed inbound ports on the catch-all chains, and an
/// outbound cluster without a healthy host. Expected values are read off the dump text.
@Suite struct LayersSidecarTests {
    func layers(_ json: String = SidecarDumps.hboneSidecar()) throws -> EnvoyLayers {
        EnvoyLayers(try EnvoyConfigDump(bytes: Array(json.utf8)))
    }

    /// connect_terminate (0.0.0.0:15008, one unnamed chain with a DownstreamTlsContext that
    /// requires a client certificate) routes CONNECT (`connect_matcher`) to cluster
    /// main_internal with `upgrade_configs: [{upgrade_type: CONNECT, connect_config: {}}]` on
    /// the route; the HCM has no upgrade_configs. Cluster main_internal's endpoint is the
    /// internal listener main_internal, whose chains are picked by destination port: 9080 →
    /// HTTP (inline route → inbound|9080||), 9091 → tcp_proxy.
    @Test func connectRouteOnSidecarTerminatesHBONE() throws {
        let hop = try layers().inbound(port: 15008)
        #expect(hop.cell(.hbone).downstream == .terminate("CONNECT on connect_terminate"))
        #expect(hop.cell(.tls).downstream == .terminate("mTLS"))
        #expect(hop.cell(.tcp).downstream == .terminate("port 15008"))
        let texts = hop.evidence.map(\.description)
        let hboneEvidence = hop.cell(.hbone).evidence.map { hop.evidence[$0].description }
        #expect(hboneEvidence.contains("filter chain: connect_terminate: #0"), "\(hboneEvidence)")
        #expect(hboneEvidence.contains("filter: envoy.filters.network.http_connection_manager with upgrade_configs CONNECT on the route"))
        #expect(hboneEvidence.contains("route: CONNECT route #0 (connect_matcher) in default (inline) / default → cluster main_internal; connect_config: the tunnel ends here, its payload goes on as TCP"), "\(hboneEvidence)")
        #expect(hboneEvidence.contains("endpoint: main_internal → internal listener main_internal"))
        #expect(hop.cell(.tcp).evidence.map { hop.evidence[$0].description }.contains("listener: connect_terminate (0.0.0.0:15008)"))
        #expect(texts.contains("listener: main_internal (internal listener)"))
        #expect(texts.contains("filter chain: main_internal: inbound|9080|| (#0)"))
        // No route is missing: the CONNECT route is the one that matches.
        #expect(hop.missing.isEmpty, "\(hop.missing)")
        #expect(hop.stop == nil)
        // What the tunnel carries depends on its destination port (the CONNECT authority).
        #expect(hop.cell(.http).summary == "terminate+originate if port 9080, else —")
        #expect(hop.alternatives.contains { $0.hasPrefix("if destination port not 9080|9091") || $0.hasPrefix("if destination port = 9091: chain inbound|9091|| (#1)") }, "\(hop.alternatives)")
    }

    /// The same route with `enabled: false` on its CONNECT upgrade: Envoy refuses CONNECT,
    /// so nothing here ends a tunnel.
    @Test func disabledConnectUpgradeIsNoTermination() throws {
        let hop = try layers(SidecarDumps.hboneSidecar(routeUpgrade: #"[{"upgrade_type": "CONNECT", "enabled": false}]"#)).inbound(port: 15008)
        #expect(hop.cell(.hbone).downstream == .none)
        #expect(hop.evidence.first?.description == "listener: connect_terminate (0.0.0.0:15008) is bound to port 15008")
    }

    /// A service port is still taken on virtualInbound (iptables); HBONE is the other way in.
    @Test func servicePortOnVirtualInboundNamesTheTunnel() throws {
        let hop = try layers().inbound(port: 9080)
        #expect(hop.evidence.map(\.description).contains("filter chain: virtualInbound: inbound|9080|| (#0)"))
        #expect(hop.alternatives.contains("if tunnelled in HBONE (port 15008): connect_terminate ends the tunnel and main_internal picks the chain for port 9080"))
    }

    /// Port 7777 has no chain of its own: the catch-alls take it, HTTP (raw_buffer, ALPN
    /// http/1.1 or h2c) on virtualInbound-catchall-http, anything else on the tcp_proxy chain.
    @Test func unnamedInboundPortStatesTheCondition() throws {
        let hop = try layers().inbound(port: 7777)
        let http = hop.cell(.http)
        #expect(http.condition == "HTTP")
        #expect(http.otherwise == ["—"])
        #expect(http.summary == "terminate+originate if HTTP, else —")
        // Both chains accept TCP and send to InboundPassthroughCluster: no condition there.
        #expect(hop.cell(.tcp).summary == "terminate+originate")
        #expect(hop.alternatives.contains { $0.contains("chain virtualInbound (#2) → tcp_proxy → InboundPassthroughCluster") }, "\(hop.alternatives)")
        let d = LayersDiagram(hops: [hop])
        #expect(d.table.render(wide: false).contains("HTTP   terminate+originate if HTTP, else — ["))
    }

    /// The only endpoint of outbound|9080||ratings is UNHEALTHY and healthy_panic_threshold is
    /// 0% (`{}`): Envoy has no host, the request ends with 503 UH and nothing goes upstream.
    @Test func noHealthyHostStopsWithUH() throws {
        let hop = try layers().outbound(host: "ratings.bookinfo.svc.cluster.local", port: 9080)
        let stop = try #require(hop.stop)
        #expect(stop.flag == .noHealthyUpstream)
        #expect(stop.status == 503)
        #expect(stop.description == "503 UH (no healthy upstream): cluster outbound|9080||ratings.bookinfo.svc.cluster.local has 0 healthy of 1 endpoints (1 UNHEALTHY)")
        #expect(hop.cell(.tcp).upstream == .none)
        #expect(hop.cell(.http).upstream == .none)
        #expect(hop.sends(.http) == .originate("HTTP/1.1"))
        #expect(hop.title.hasSuffix("(stops: 503 UH)"))
        #expect(LayersDiagram(hops: [hop]).text.contains("   stops here: 503 UH (no healthy upstream): cluster outbound|9080||ratings.bookinfo.svc.cluster.local"))
        // No endpoint at all is UH too.
        #expect(try layers(SidecarDumps.hboneSidecar(health: [])).outbound(host: "ratings.bookinfo.svc.cluster.local", port: 9080).stop?.flag == .noHealthyUpstream)
    }

    /// Without healthy_panic_threshold Envoy's default is 50%: below it, Envoy balances over
    /// every host, so the request goes on (to an unhealthy host).
    @Test func panicRoutingGoesOn() throws {
        let hop = try layers(SidecarDumps.hboneSidecar(panicThreshold: nil)).outbound(host: "ratings.bookinfo.svc.cluster.local", port: 9080)
        #expect(hop.stop == nil)
        #expect(hop.evidence.map(\.description).contains {
            $0.hasPrefix("endpoint: outbound|9080||ratings.bookinfo.svc.cluster.local: 0 healthy of 1 endpoints (1 UNHEALTHY); below the panic threshold (panic threshold unset: Envoy's default 50%)")
        })
        // One healthy of two: 50% available is not below 50%, the healthy host takes it.
        #expect(try layers(SidecarDumps.hboneSidecar(panicThreshold: nil, health: ["HEALTHY", "UNHEALTHY"]))
            .outbound(host: "ratings.bookinfo.svc.cluster.local", port: 9080).stop == nil)
    }

    /// A host no virtual host serves: 404 NR where the route is looked up.
    @Test func noVirtualHostStopsWithNR() throws {
        let hop = try layers().outbound(host: "reviews.bookinfo.svc.cluster.local", port: 9080)
        #expect(hop.stop?.description == "404 NR (no route): no virtual host of 9080 matches reviews.bookinfo.svc.cluster.local:9080")
        #expect(hop.missing.isEmpty)
    }
}

@Suite struct LayersPathStopTests {
    /// A path whose client sidecar stops the request: the hops after it are marked, and the
    /// next hop still shows what it would do with what the client would have sent.
    @Test func hopsAfterAStopAreNotReached() throws {
        var inputs = MeshPathInputs()
        let dump = try EnvoyConfigDump(bytes: Array(SidecarDumps.hboneSidecar().utf8))
        inputs.proxies["client-0.bookinfo"] = dump
        inputs.proxies["ratings-0.bookinfo"] = dump
        inputs.pods = [MeshPathInputs.Pod(name: "client-0", namespace: "bookinfo", ip: "10.244.0.5", node: "n1", mode: .sidecar),
                       MeshPathInputs.Pod(name: "ratings-0", namespace: "bookinfo", ip: "10.244.0.20", node: "n1", mode: .sidecar)]
        inputs.services = [MeshPathInputs.Service(hostname: "ratings.bookinfo.svc.cluster.local", vip: "10.96.0.6", ports: [9080: 9080],
                                                  endpointIPs: [], notReadyEndpointIPs: ["10.244.0.20"])]
        let hops = try MeshPath.build(inputs, from: "client-0.bookinfo", to: "ratings.bookinfo.svc.cluster.local:9080")
        #expect(hops.map(\.title) == ["client-0 app", "client-0 sidecar (stops: 503 UH)", "ratings-0 sidecar (not reached)", "ratings-0 app (not reached)"])
        #expect(hops[2].notReached == "the request stops at client-0 sidecar (503 UH, no healthy upstream)")
        #expect(hops[2].evidence.map(\.description).contains(
            "assumption: ratings-0.bookinfo is an endpoint of ratings.bookinfo.svc.cluster.local but not ready (Kubernetes), and no endpoint is: the hop a request would reach"))
        // The server's sidecar would take it on virtualInbound, port 9080's chain.
        #expect(hops[2].cell(.tcp).downstream == .terminate("port 15006"))
        #expect(hops.flatMap(\.missing).isEmpty)
    }
}
