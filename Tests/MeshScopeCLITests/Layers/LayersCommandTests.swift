import Foundation
import MeshModel
import MeshTestSupport
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
        // Without --ip the chain depends on the destination IP: main_internal's matcher maps
        // 10.104.171.68 (httpbin's VIP) to the HTTP chain, workload IPs to direct-http/direct-tcp.
        #expect(j.stdout.contains("\"summary\": \"terminate+originate if to 10.104.171.68/32, else terminate or —\""), "\(j.stdout)")
        #expect(j.stdout.contains("\"condition\": \"to 10.104.171.68/32\""))
        let bad = await MeshScopeMain.invoke(["layers", "--file", Fixtures.path("envoy/waypoint/config_dump.json")])
        #expect(bad.code == 2)
    }

    @Test func ztunnelPath() async throws {
        let r = await MeshScopeMain.invoke(["layers", "--ztunnel", Fixtures.path("ztunnel/config_dump.json"), "--from", "sleep-7656cf8794-lxcmx.default", "--to", "details.bookinfo.svc.cluster.local:9080"])
        #expect(r.code == 0)
        #expect(r.stdout.contains("waypoint /10.96.65.117:15008 = bookinfo/namespace-istio-waypoint"))
    }
}

/// `layers --file` on a hand-written sidecar in Istio's HBONE-accepting shape
/// (``SidecarDumps/hboneSidecar(routeUpgrade:panicThreshold:health:)``).
@Suite struct LayersSidecarCommandTests {
    func file() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("layers-sidecar-\(UUID().uuidString).json").path
        try Data(SidecarDumps.hboneSidecar().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func inboundHBONEPortShowsTheConnectRoute() async throws {
        let path = try file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = await MeshScopeMain.invoke(["layers", "--file", path, "--inbound", "15008"])
        #expect(r.code == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("HBONE  terminate [") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("TLS    terminate [") })
        #expect(r.stdout.contains("] listener: connect_terminate (0.0.0.0:15008)\n"))
        #expect(r.stdout.contains("] filter chain: connect_terminate: #0\n"))
        #expect(r.stdout.contains("] route: CONNECT route #0 (connect_matcher) in default (inline) / default → cluster main_internal; connect_config"))
        #expect(!r.stdout.contains("missing:"))
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func unnamedPortRowsStateTheCondition() async throws {
        let path = try file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = await MeshScopeMain.invoke(["layers", "--file", path, "--inbound", "7777"])
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\nHTTP   terminate+originate if HTTP, else — ["), "\(r.stdout)")
        let j = await MeshScopeMain.invoke(["layers", "--file", path, "--inbound", "7777", "-o", "json"])
        let doc = try JSONDocument(bytes: Array(j.stdout.utf8))
        let http = doc.root["hops"]?[0]?["layers"]?["HTTP"]
        #expect(http?["condition"]?.string == "HTTP")
        #expect(http?["otherwise"]?[0]?.string == "none")
    }

    @Test func outboundWithoutHealthyHostStops() async throws {
        let path = try file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = await MeshScopeMain.invoke(["layers", "--file", path, "--outbound", "ratings.bookinfo.svc.cluster.local:9080"])
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(stops: 503 UH)"), "\(r.stdout)")
        #expect(r.stdout.contains("   stops here: 503 UH (no healthy upstream): cluster outbound|9080||ratings.bookinfo.svc.cluster.local has 0 healthy of 1 endpoints (1 UNHEALTHY)\n"))
        let j = await MeshScopeMain.invoke(["layers", "--file", path, "--outbound", "ratings.bookinfo.svc.cluster.local:9080", "-o", "json"])
        let doc = try JSONDocument(bytes: Array(j.stdout.utf8))
        #expect(doc.root["hops"]?[0]?["stop"]?["flag"]?.string == "UH")
        #expect(doc.root["hops"]?[0]?["stop"]?["status"]?.int == 503)
    }
}
