import Foundation
import MeshScopeCLI
import Testing

/// `stats POD` prefers `/stats?format=json` (Envoy's own names) and falls back to
/// `/stats/prometheus` when the source cannot answer the JSON form: here a snapshot that kept
/// only the Prometheus form (as older snapshots and `--proxies` subsets may).
@Suite struct StatsSnapshotFallbackTests {
    static let prometheus = """
    # TYPE envoy_cluster_upstream_rq_total counter
    envoy_cluster_upstream_rq_total{envoy_cluster_name="outbound|9080||ratings.shop.svc.cluster.local"} 42
    # TYPE envoy_server_live gauge
    envoy_server_live 1

    """

    static func snapshot(_ admin: String) throws -> String {
        let text = Self.prometheus.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        let json = """
        {"meshscopeSnapshot": 1, "metadata": {"takenAt": "2026-10-01T10:00:00Z"},
         "proxies": [{"name": "web-0", "namespace": "shop", "kind": "sidecar", "admin": {\(admin.replacingOccurrences(of: "PROM", with: text))}}]}
        """
        let path = NSTemporaryDirectory() + "meshscope-stats-\(UUID().uuidString.prefix(8)).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func prometheusFormWhenTheJSONFormIsMissing() async throws {
        let path = try Self.snapshot(#""statsPrometheus": {"text": "PROM"}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = await MeshScopeMain.invoke(["stats", "web-0.shop", "--snapshot", path])
        #expect(r.code == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains(["envoy_cluster_upstream_rq_total{envoy_cluster_name=\"outbound|9080||ratings.shop.svc.cluster.local\"}", "42"]), "\(r.stdout)")
        #expect(rows.contains(["envoy_server_live", "1"]))
    }

    @Test func neitherFormNamesTheProxyAndTheRequest() async throws {
        let path = try Self.snapshot(#""serverInfo": {"json": {"state": "LIVE"}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = await MeshScopeMain.invoke(["stats", "web-0.shop", "--snapshot", path])
        #expect(r.code == 1)
        #expect(r.stderr.contains("web-0"), "\(r.stderr)")
        #expect(r.stderr.contains("stats"), "\(r.stderr)")
    }
}
