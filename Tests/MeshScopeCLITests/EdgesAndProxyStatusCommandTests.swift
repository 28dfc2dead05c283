import Foundation
import MeshGen
import MeshModel
import Testing
@testable import MeshScopeCLI

@Suite struct EdgesCommandTests {
    @Test func edgesWithRatesFromTwoGeneratedSamples() async throws {
        let before = try TempFiles.write("m0.txt", MetricsGenerator.generate(.init(series: 8, tick: 0)))
        let now = try TempFiles.write("m1.txt", MetricsGenerator.generate(.init(series: 8, tick: 2)))
        let r = await MeshScopeMain.invoke(["ztunnel-config", "edges", "--file", now, "--previous", before, "--interval", "20"])
        #expect(r.code == 0 && r.stderr.isEmpty)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("SOURCE          DESTINATION     SERVICE"))
        #expect(lines[0].hasSuffix("REQUESTS   ERRORS   OPENED/S   CLOSED/S   SENT/S   RECEIVED/S   REQUESTS/S   ERRORS/S"))
        let c0 = MetricsGenerator.counters(edge: 0, seed: 1, tick: 0)
        let c2 = MetricsGenerator.counters(edge: 0, seed: 1, tick: 2)
        let row = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        #expect(row[0...3] == ["client-0.ns-0", "server-0.ns-0", "server-0.ns-0.svc.cluster.local", "plaintext"])
        #expect(row[4...8] == [String(c2.opened - c2.closed), String(c2.opened), String(c2.closed), String(c2.sent), String(c2.received)])
        #expect(row[11] == RateFormat.rate(Double(c2.opened - c0.opened) / 20))
    }

    @Test func malformedLinesAreCountedNotFatal() async throws {
        let path = try TempFiles.write("m.txt", """
            istio_tcp_connections_opened_total{reporter="destination",source_workload="a",source_workload_namespace="x",destination_workload="b",destination_workload_namespace="y",destination_service="b.y.svc.cluster.local",connection_security_policy="mutual_tls"} 4
            istio_tcp_connections_opened_total{reporter="destination" 9
            garbage here
            """)
        let r = await MeshScopeMain.invoke(["ztunnel-config", "edges", "--file", path, "-o", "json"])
        #expect(r.code == 0)
        #expect(r.stderr == "meshscope: \(path): skipped 2 malformed lines (first at line 2: bad label in istio_tcp_connections_opened_total)\n")
        let edges = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(edges.count == 1 && edges[0]["opened"] as? Int == 4 && edges[0]["security"] as? String == "mTLS")
    }

    @Test func intervalWithoutPreviousIsAUsageError() async {
        let r = await MeshScopeMain.invoke(["ztunnel-config", "edges", "--file", "x", "--interval", "10"])
        #expect(r.code == 2)
        #expect(r.stderr.contains("--interval needs --previous"))
        let p = await MeshScopeMain.invoke(["ztunnel-config", "edges", "--file", "x", "--previous", "y"])
        #expect(p.code == 2)
    }
}

@Suite struct ProxyStatusCommandTests {
    static let fixture = Fixtures.path("istiod/expected/proxy-status.json")

    @Test func verboseMatchesIstioctl() async throws {
        let r = await MeshScopeMain.invoke(["proxy-status", "--file", Self.fixture, "-v", "1"])
        #expect(r.code == 0)
        #expect(r.stdout == (try Fixtures.text("istiod/expected/proxy-status-multi-verbose.txt")))
    }

    /// Several istiods, one file each; syncz files name their istiod with NAME=PATH.
    @Test func severalFilesAndNames() async throws {
        func syncz(_ proxy: String, _ cluster: String, _ version: String) -> String {
            #"[{"proxy": "\#(proxy)", "cluster_id": "\#(cluster)", "istio_version": "\#(version)", "proxy_type": "sidecar", "#
                + #""cluster_sent": "1", "cluster_acked": "0", "listener_sent": "1", "listener_acked": "1", "#
                + #""route_sent": "", "endpoint_sent": "1", "endpoint_acked": "1", "extensionconfig_sent": "1", "extensionconfig_acked": "1"}]"#
        }
        let a = try TempFiles.write("a.json", syncz("proxy2", "cluster2", "1.19"))
        let b = try TempFiles.write("istiod3.json", syncz("proxy3", "cluster3", "1.20"))
        let r = await MeshScopeMain.invoke(["proxy-status", "--file", Self.fixture, "--file", "istiod2=\(a)", "--file", b])
        #expect(r.code == 0)
        #expect(r.stdout == """
            NAME       CLUSTER      ISTIOD      VERSION     SUBSCRIBED TYPES
            proxy1     cluster1     istiod1     1.20        5 (CDS,LDS,EDS,RDS,ECDS)
            proxy2     cluster2     istiod2     1.19        5 (CDS,LDS,EDS,RDS,ECDS)
            proxy3     cluster3     istiod3     1.20        5 (CDS,LDS,EDS,RDS,ECDS)

            """)
        let v = await MeshScopeMain.invoke(["proxy-status", "--file", "istiod2=\(a)", "-v", "1"])
        #expect(v.stdout.split(separator: "\n")[1] == "proxy2     cluster2     STALE     SYNCED     SYNCED     SYNCED     NOT SENT     istiod2     1.19")
    }

    @Test func jsonIsTheCSDSResponse() async throws {
        let r = await MeshScopeMain.invoke(["proxy-status", "--file", Self.fixture, "-o", "json"])
        #expect(r.code == 0)
        let got = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! NSDictionary
        let want = try JSONSerialization.jsonObject(with: Data(try Fixtures.bytes("istiod/expected/proxy-status.json"))) as! NSDictionary
        #expect(got == want)
        #expect(r.stdout.hasPrefix("{\n    \"versionInfo\": \"1.1\",\n    \"resources\": ["))
    }

    @Test func aBrokenSecondFileStillShowsTheFirst() async throws {
        let broken = try TempFiles.write("broken.json", #"[{"proxy": "p9", "cluster_id": "c"}, {"proxy": 5}]"#)
        let r = await MeshScopeMain.invoke(["proxy-status", "--file", Self.fixture, "--file", "istiod9=\(broken)"])
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: \(broken): $[1].proxy: expected a string, found a number\n")
        #expect(r.stdout.contains("proxy1     cluster1"))
        #expect(r.stdout.contains("p9"))
    }
}

@Suite struct GenerateCommandTests {
    @Test func generatorsAreDeterministicAndParse() async throws {
        let a = await MeshScopeMain.invoke(["generate", "ztunnel-dump", "--workloads", "300", "--services", "40"])
        let b = await MeshScopeMain.invoke(["generate", "ztunnel-dump", "--workloads", "300", "--services", "40"])
        #expect(a.code == 0 && a.stdout == b.stdout)
        let path = try TempFiles.write("dump.json", a.stdout)
        let w = await MeshScopeMain.invoke(["ztunnel-config", "workload", "--file", path])
        #expect(w.code == 0 && w.stderr.isEmpty)
        #expect(w.stdout.split(separator: "\n").count == 301)
        let s = await MeshScopeMain.invoke(["ztunnel-config", "service", "--file", path])
        #expect(s.stdout.split(separator: "\n").count == 41)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("meshscope-gen-\(UUID().uuidString).txt").path
        let m = await MeshScopeMain.invoke(["generate", "ztunnel-metrics", "--series", "100", "--flavor", "envoy", "-o", out])
        #expect(m.code == 0 && m.stdout.isEmpty)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count == 100)
        let help = await MeshScopeMain.invoke(["--help"])
        #expect(!help.stdout.contains("generate"))
    }
}
