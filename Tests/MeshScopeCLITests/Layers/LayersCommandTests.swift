import Testing
@testable import MeshScopeCLI

@Suite struct LayersCommandTests {
    @Test func waypointInboundTable() async throws {
        let r = await MeshScopeMain.invoke(["layers", "--file", Fixtures.path("envoy/waypoint/config_dump.json"), "--inbound", "httpbin.default.svc.cluster.local:8000"])
        #expect(r.code == 0)
        #expect(r.stdout.contains("HTTP   terminate+originate [5,6,10]"))
        #expect(r.stdout.contains("[5] filter chain: main_internal: inbound-vip|8000||httpbin.default.svc.cluster.local-http (#0)"))
        #expect(r.stderr.contains("missing: listener connect_terminate"))
    }

    @Test func jsonAndUsageErrors() async throws {
        let j = await MeshScopeMain.invoke(["layers", "--file", Fixtures.path("envoy/waypoint/config_dump.json"), "--inbound", "8000", "-o", "json"])
        #expect(j.code == 0)
        #expect(j.stdout.contains("\"summary\": \"terminate+originate\""))
        let bad = await MeshScopeMain.invoke(["layers", "--file", Fixtures.path("envoy/waypoint/config_dump.json")])
        #expect(bad.code == 2)
    }

    @Test func ztunnelPath() async throws {
        let r = await MeshScopeMain.invoke(["layers", "--ztunnel", Fixtures.path("ztunnel/config_dump.json"), "--from", "sleep-7656cf8794-lxcmx.default", "--to", "details.bookinfo.svc.cluster.local:9080"])
        #expect(r.code == 0)
        #expect(r.stdout.contains("waypoint /10.96.65.117:15008 = bookinfo/namespace-istio-waypoint"))
    }
}
