import Testing
import MeshModel
import MeshGen

@Suite struct LayersFixtureTests {
    func layers(_ path: String) throws -> EnvoyLayers { EnvoyLayers(try EnvoyConfigDump(bytes: try Fixtures.bytes(path))) }

    /// Checked with jq: main_internal's filter_chain_matcher maps 10.104.171.68 port 8000 to
    /// chain `inbound-vip|8000||httpbin.default.svc.cluster.local-http` (#0), whose HCM has the
    /// inline route config of the same service, vhost `inbound|http|8000`, route `default` →
    /// cluster `inbound-vip|8000|http|httpbin.default.svc.cluster.local` with transport socket
    /// `internal_upstream`; the dump has no connect_terminate listener and no EDS for that cluster.
    @Test func waypointHTTPTerminatedOnMainInternal() throws {
        let hop = try layers("envoy/waypoint/config_dump.json").inbound(port: 8000, host: "httpbin.default.svc.cluster.local")
        let texts = hop.evidence.map(\.description)
        #expect(texts.contains("filter chain: main_internal: inbound-vip|8000||httpbin.default.svc.cluster.local-http (#0)"))
        #expect(texts.contains("route config: inbound-vip|8000|http|httpbin.default.svc.cluster.local (inline)"))
        #expect(texts.contains("route: default (prefix /) → inbound-vip|8000|http|httpbin.default.svc.cluster.local"))
        #expect(texts.contains("cluster: inbound-vip|8000|http|httpbin.default.svc.cluster.local (EDS)"))
        #expect(texts.contains("transport socket: internal_upstream (InternalUpstreamTransport), inner raw_buffer"))
        #expect(texts.contains("assumption: chain taken when destination IP in 10.104.171.68/32"))
        #expect(hop.cell(.http).downstream == .terminate("HTTP (AUTO)"))
        #expect(hop.cell(.http).upstream == .originate("HTTP/1.1"))
        guard case .unknown = hop.cell(.hbone).downstream else { Issue.record("HBONE entry must be unknown: connect_terminate is not in the dump"); return }
        guard case .unknown = hop.cell(.hbone).upstream else { Issue.record("no endpoints: origination unknown"); return }
        #expect(hop.missing.contains("listener connect_terminate") || texts.contains("missing: listener connect_terminate"))
    }

    @Test func waypointDestinationIPPicksDirectChains() throws {
        let l = try layers("envoy/waypoint/config_dump.json")
        let listener = try #require(l.listener(named: "main_internal"))
        var a = ConnectionAttributes(destinationIP: "192.168.195.248", destinationPort: 800)
        a.applicationProtocols = ["h2c"]
        #expect(FilterChainSelection.select(listener, a).map(\.label) == ["direct-http (#3)"])
        a.applicationProtocols = []
        #expect(FilterChainSelection.select(listener, a).map(\.label) == ["direct-tcp (#2)"])
        // Unknown IP: every outcome for port 8000, each with its condition.
        let all = FilterChainSelection.select(listener, ConnectionAttributes(destinationPort: 8000))
        #expect(all.first?.label == "inbound-vip|8000||httpbin.default.svc.cluster.local-http (#0)")
        #expect(all.first?.conditions == ["destination IP in 10.104.171.68/32"])
    }

    /// envoy/sidecar is a waypoint-shaped dump: connect_terminate on 0.0.0.0:15008 with a
    /// DownstreamTlsContext (require_client_certificate, SDS `default`, roots `ROOTCA`, ALPN h2)
    /// and CONNECT upgrade; main_internal's matcher maps 10.96.1.201:9080 to the details chain;
    /// connect_originate tunnels with tcp_proxy tunneling_config to cluster connect_originate.
    @Test func connectTerminateTerminatesHBONEandMTLS() throws {
        let hop = try layers("envoy/sidecar/config_dump.json").inbound(port: 9080, host: "details.default.svc.cluster.local")
        #expect(hop.cell(.tls).downstream == .terminate("mTLS"))
        #expect(hop.cell(.hbone).downstream == .terminate("CONNECT on connect_terminate"))
        #expect(hop.cell(.tcp).downstream == .terminate("port 15008"))
        let texts = hop.evidence.map(\.description)
        #expect(texts.contains("transport socket: tls (DownstreamTlsContext), require_client_certificate, cert SDS default, roots SDS ROOTCA, ALPN h2"))
        #expect(texts.contains("filter chain: main_internal: inbound-vip|9080||details.default.svc.cluster.local-http (#0)"))
        // The chain's cluster is not in this dump: said, not guessed.
        #expect(hop.missing.contains("cluster inbound-vip|9080|http|details.default.svc.cluster.local"))
    }

    @Test func dumpWithoutListenersSaysSo() throws {
        let hop = try layers("envoy/endpoints/config_dump.json").inbound(port: 8080)
        #expect(hop.missing == ["listeners section: the dump has no listeners, so nothing says which layers are terminated"])
        #expect(hop.cell(.tcp).downstream == .unknown("no listeners in the dump"))
    }
}

@Suite struct LayersGeneratedTests {
    static let dump: EnvoyConfigDump = {
        let gen = EnvoyDumpGenerator(mesh: SyntheticMesh(services: 3, portsPerService: 2, replicas: 2))
        return try! EnvoyConfigDump(bytes: gen.generate())
    }()

    @Test func outboundTCPServiceOriginatesIstioMTLS() {
        let hop = EnvoyLayers(Self.dump).outbound(host: "svc-0001.ns-1.svc.cluster.local", port: 8080, name: "client")
        let d = LayersDiagram(hops: [hop])
        #expect(d.table.render(wide: false) == """
            LAYER  client
            TCP    terminate+originate [3,4,6]
            TLS    originate [4,6,7,8,9]
            HTTP   — [4,5]
            HBONE  —

            """)
        #expect(hop.cell(.tls).upstream == .originate("Istio mTLS, SNI outbound_.8080_._.svc-0001.ns-1.svc.cluster.local"))
        #expect(hop.evidence.map(\.description).contains("endpoint: 2 of 2 endpoints carry tlsMode: istio metadata"))
        #expect(hop.evidence[1].description == "listener: virtualOutbound (use_original_dst) hands the connection to 172.20.0.1_8080 (172.20.0.1:8080)")
    }

    @Test func inboundTerminatesMTLSOnVirtualInbound() {
        let hop = EnvoyLayers(Self.dump).inbound(port: 8080, name: "server")
        #expect(hop.cell(.tls).downstream == .terminate("mTLS"))
        #expect(hop.cell(.tcp).upstream == .originate("original destination"))
        #expect(hop.evidence.map(\.description).contains("filter chain: virtualInbound: inbound|8080|| (#0)"))
        #expect(hop.evidence.map(\.description).contains("assumption: chain taken when transport protocol = tls"))
    }

    @Test func unmatchedDestinationNamesThePassthrough() {
        let hop = EnvoyLayers(Self.dump).outbound(host: "10.9.9.9", port: 5555, name: "client")
        #expect(hop.evidence.first?.description == "listener: no listener for 10.9.9.9:5555 or 0.0.0.0:5555, so the connection stays on virtualOutbound")
        #expect(hop.evidence.map(\.description).contains("cluster: PassthroughCluster (ORIGINAL_DST)"))
    }
}

@Suite struct LayersPathTests {
    @Test func ambientPathWithAndWithoutWaypoint() throws {
        var inputs = MeshPathInputs()
        inputs.ztunnel = ZtunnelDump.decode(try JSONDocument(bytes: try Fixtures.bytes("ztunnel/config_dump.json")))
        // details.bookinfo's pod has workload waypoint /10.96.65.117 = bookinfo/namespace-istio-waypoint.
        let withWP = try MeshPath.build(inputs, from: "sleep-7656cf8794-lxcmx.default", to: "details.bookinfo.svc.cluster.local:9080")
        #expect(withWP.map(\.name) == ["sleep-7656cf8794-lxcmx app", "ztunnel on ambient-worker2", "namespace-istio-waypoint-d94944bf6-z89g2 waypoint",
                                       "ztunnel on ambient-worker2", "details-v1-698d88b-dqrbr app"])
        #expect(withWP[1].cell(.hbone).upstream == .originate("CONNECT to waypoint"))
        // httpbin.default's pod speaks TCP: plaintext, no HBONE; the default namespace has allow-nothing.
        let tcp = try MeshPath.build(inputs, from: "sleep-7656cf8794-lxcmx.default", to: "httpbin.default.svc.cluster.local:8000")
        #expect(tcp[1].cell(.hbone).upstream == .none)
        #expect(tcp[2].cell(.tcp).downstream == .passthrough("not captured: protocol TCP"))
        #expect(tcp[2].evidence.map(\.description).contains("policy: default/allow-nothing: Allow, scope Namespace, 0 rules (allows nothing)"))
        #expect(tcp.last?.cell(.tcp).downstream == .terminate("port 80"))
    }
}
