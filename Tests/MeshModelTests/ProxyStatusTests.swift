import Foundation
import Testing
@testable import MeshModel

@Suite struct ProxyStatusTests {
    static let now = Timestamp.parse("2024-06-01T12:00:00Z")!

    /// A CSDS response as istiod sends istioctl: one ClientConfig per proxy.
    static func response(istiod: String, _ proxies: [(id: String, cluster: String, version: String, types: [(String, String)])]) -> String {
        let resources = proxies.map { p in
            let configs = p.types.map { #"{"typeUrl": "\#($0.0)", "configStatus": "\#($0.1)"}"# }.joined(separator: ", ")
            return #"{"@type": "type.googleapis.com/envoy.service.status.v3.ClientConfig", "node": {"id": "\#(p.id)", "metadata": {"CLUSTER_ID": "\#(p.cluster)", "ISTIO_VERSION": "\#(p.version)"}}, "genericXdsConfigs": [\#(configs)]}"#
        }.joined(separator: ", ")
        let identifier = #"{\"Component\":\"istiod\",\"ID\":\"\#(istiod)\",\"Info\":{\"version\":\"1.1\"}}"#
        return #"{"versionInfo": "1.1", "resources": [\#(resources)], "typeUrl": "type.googleapis.com/envoy.service.status.v3.ClientConfig", "controlPlane": {"identifier": "\#(identifier)"}}"#
    }

    static let all5: [(String, String)] = [
        (XdsType.cluster, "STALE"), (XdsType.listener, "SYNCED"), (XdsType.route, "NOT_SENT"),
        (XdsType.endpoint, "SYNCED"), (XdsType.extensionConfig, "SYNCED"),
    ]

    static func proxies(_ documents: [String]) throws -> [ProxySyncStatus] {
        var out: [ProxySyncStatus] = []
        for d in documents {
            let s = IstiodSyncz.decode(try JSONDocument(d))
            #expect(s.issues.isEmpty)
            out += s.proxies
        }
        return ProxyStatusView.select(out)
    }

    static let columns = ["NAME", "CLUSTER", "ISTIOD", "VERSION", "SUBSCRIBED TYPES"]

    /// proxy-status.txt: two proxies on one istiod.
    @Test func singleIstiod() throws {
        let input = Self.response(istiod: "istiod1", [("proxy2", "cluster2", "1.20", Self.all5), ("proxy1", "cluster1", "1.20", Self.all5)])
        let out = ProxyStatusView.table(try Self.proxies([input]), verbose: false, now: Self.now).render()
        TableParity.expectSame(out, try Fixtures.text("istiod/expected/proxy-status.txt"), columns: Self.columns)
    }

    /// proxy-status-multi.txt: four istiods, one proxy each; proxy4 subscribes to nothing.
    @Test func multipleIstiods() throws {
        let inputs = [
            Self.response(istiod: "istiod3", [("proxy3", "cluster3", "1.20", Self.all5)]),
            Self.response(istiod: "istiod1", [("proxy1", "cluster1", "1.20", Self.all5)]),
            Self.response(istiod: "istiod4", [("proxy4", "cluster4", "1.20", [])]),
            Self.response(istiod: "istiod2", [("proxy2", "cluster2", "1.19", Self.all5)]),
        ]
        let out = ProxyStatusView.table(try Self.proxies(inputs), verbose: false, now: Self.now).render()
        TableParity.expectSame(out, try Fixtures.text("istiod/expected/proxy-status-multi.txt"), columns: Self.columns)
        // The same four as one input: an object keyed by istiod name.
        let byName = "{" + ["istiod1", "istiod2", "istiod3", "istiod4"].enumerated().map { k, name in
            "\"\(name)\": \(inputs[[1, 3, 0, 2][k]])"
        }.joined(separator: ", ") + "}"
        let one = IstiodSyncz.decode(try JSONDocument(byName))
        #expect(one.shape == .byIstiod)
        #expect(ProxyStatusView.table(ProxyStatusView.select(one.proxies), verbose: false, now: Self.now).render() == out)
    }

    /// proxy-status-multi-verbose.txt is the -v 1 rendering of proxy-status.json.
    @Test func verboseFromTheJSONFixture() throws {
        let syncz = IstiodSyncz.decode(try JSONDocument(bytes: try Fixtures.bytes("istiod/expected/proxy-status.json")))
        #expect(syncz.shape == .discoveryResponse)
        #expect(syncz.proxies.map(\.istiod) == ["istiod1"])
        let out = ProxyStatusView.table(ProxyStatusView.select(syncz.proxies), verbose: true, now: Self.now).render()
        TableParity.expectSame(
            out, try Fixtures.text("istiod/expected/proxy-status-multi-verbose.txt"),
            columns: ["NAME", "CLUSTER", "CDS", "ECDS", "EDS", "LDS", "RDS", "ISTIOD", "VERSION"])
    }

    /// `-o json` of proxy-status.json's own input is that document (istioctl prints the response).
    @Test func jsonOutputIsTheResponse() throws {
        let fixture = try Fixtures.bytes("istiod/expected/proxy-status.json")
        let syncz = IstiodSyncz.decode(try JSONDocument(bytes: fixture))
        let printed = JSONWriter.bytes(ProxyStatusView.output(syncz.proxies), indent: 4, keyStyle: .protoJSON)
        let a = try JSONSerialization.jsonObject(with: Data(printed)) as! NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(fixture)) as! NSDictionary
        #expect(a == b)
    }

    /// `/debug/syncz` of a current istiod: per-type nonces with send times and NACKs.
    @Test func synczListWithResources() throws {
        let syncz = #"""
        [
          {"cluster_id": "Kubernetes", "proxy": "productpage-v1-675fc69cf-kkrm2.default", "proxy_type": "sidecar",
           "istio_version": "1.24.0",
           "cluster_sent": "a1", "cluster_acked": "a1",
           "resources": {
             "type.googleapis.com/envoy.config.cluster.v3.Cluster": {"sent": "a1", "acked": "a1", "sentTime": "2024-06-01T11:57:55Z"},
             "type.googleapis.com/envoy.config.listener.v3.Listener": {"sent": "b2", "acked": "b1", "sentTime": "2024-06-01T07:30:00Z"},
             "type.googleapis.com/envoy.config.route.v3.RouteConfiguration": {"sent": "c1", "acked": "c0", "lastError": "NACK: duplicate route", "sentTime": "2024-06-01T11:59:50Z"},
             "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment": {"sentTime": "0001-01-01T00:00:00Z"},
             "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret": {"sent": "d1", "acked": "d1"}
           }},
          {"cluster_id": "Kubernetes", "proxy": "ztunnel-abcde.istio-system", "proxy_type": "ztunnel", "istio_version": "1.24.0",
           "resources": {"type.googleapis.com/istio.workload.Address": {"sent": "w1", "acked": "w1"},
                         "type.googleapis.com/istio.security.Authorization": {"sent": "x1", "acked": "x0"}}},
          {"cluster_id": "Kubernetes", "proxy": "old-proxy.legacy", "proxy_version": "1.1.0",
           "cluster_sent": "n1", "cluster_acked": "n1", "listener_sent": "n2", "route_sent": "n3", "route_acked": "n3"}
        ]
        """#
        let decoded = IstiodSyncz.decode(try JSONDocument(syncz), istiod: "istiod-7d4f")
        #expect(decoded.shape == .syncStatusList && decoded.issues.isEmpty)
        let proxies = ProxyStatusView.select(decoded.proxies)
        #expect(proxies.map(\.proxyID) == ["old-proxy.legacy", "productpage-v1-675fc69cf-kkrm2.default", "ztunnel-abcde.istio-system"])
        #expect(proxies[0].version == "1.1.0*")
        let table = ProxyStatusView.table(proxies, verbose: false, now: Self.now)
        #expect(table.rows.map { $0[4] } == [
            "5 (CDS,LDS,EDS,RDS,ECDS)", "5 (CDS,LDS,EDS,RDS,SDS)", "2 (WADS,WDS)",
        ])
        let verbose = ProxyStatusView.table(proxies, verbose: true, now: Self.now)
        #expect(verbose.columns.map(\.name) == [
            "NAME", "CLUSTER", "CDS", "ECDS", "EDS", "LDS", "RDS", "SDS", "WADS", "WDS", "ISTIOD", "VERSION", "TYPE",
        ])
        #expect(verbose.rows[1] == [
            "productpage-v1-675fc69cf-kkrm2.default", "Kubernetes", "SYNCED (2m5s)", "IGNORED", "NOT SENT", "STALE (4h30m)",
            "ERROR (10s)", "SYNCED", "IGNORED", "IGNORED", "istiod-7d4f", "1.24.0", "sidecar",
        ])
        #expect(verbose.rows[0][2...6] == ["SYNCED", "NOT SENT", "NOT SENT", "STALE", "SYNCED"])
        #expect(verbose.rows[2][8...9] == ["STALE", "SYNCED"])
    }

    @Test func connectionsJoinOnProxyID() throws {
        let doc = try JSONDocument(#"""
        {"totalClients": 2, "clients": [
          {"connectionId": "proxy1-12", "connectedAt": "2024-06-01T10:00:00Z", "address": "10.0.0.5:43210"},
          {"connectionId": "proxy1-3", "connectedAt": "2024-06-01T08:00:00Z", "address": "10.0.0.5:40000"},
          {"connectionId": "ztunnel-x.istio-system-7", "connectedAt": "2024-05-30T12:00:00Z", "address": "10.0.0.9:1"}]}
        """#)
        let c = IstiodConnections.decode(doc)
        #expect(c.total == 2 && c.issues.isEmpty)
        #expect(c.clients.map(\.proxyID) == ["proxy1", "proxy1", "ztunnel-x.istio-system"])
        let byProxy = c.byProxyID
        #expect(byProxy["proxy1"]?.address == "10.0.0.5:43210")
        let input = Self.response(istiod: "istiod1", [("proxy1", "cluster1", "1.20", Self.all5)])
        let table = ProxyStatusView.table(try Self.proxies([input]), verbose: false, now: Self.now, connections: byProxy)
        #expect(table.render(wide: true).hasSuffix("5 (CDS,LDS,EDS,RDS,ECDS)" + String(repeating: " ", count: 14) + "10.0.0.5:43210     120m\n"))
    }

    @Test func somethingElseIsReportedNotGuessed() throws {
        let ztunnel = IstiodSyncz.decode(try JSONDocument(bytes: try Fixtures.bytes("ztunnel/config_dump.json")))
        #expect(ztunnel.proxies.isEmpty)
        #expect(ztunnel.issues.map(\.description) == ["$: not istiod sync status: expected /debug/syncz (a list) or a CSDS DiscoveryResponse"])
        let list = IstiodSyncz.decode(try JSONDocument(#"[{"proxy": "a.b"}, {"name": "x"}]"#))
        #expect(list.proxies.map(\.proxyID) == ["a.b"])
        #expect(list.issues.map(\.description) == [#"$[1]: expected a sync status with a "proxy" field"#])
    }

    @Test func humanDurations() {
        let cases: [(Double, String)] = [
            (-5, "<invalid>"), (-1, "0s"), (0, "0s"), (119, "119s"), (125, "2m5s"), (600, "10m"), (3 * 3600 - 1, "179m"),
            (3 * 3600 + 20 * 60, "3h20m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (50 * 3600, "2d2h"), (8 * 86400, "8d"),
            (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"),
        ]
        for (s, want) in cases { #expect(HumanDuration.format(seconds: s) == want, "\(s)") }
    }
}
