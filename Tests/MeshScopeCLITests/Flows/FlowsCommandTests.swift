import Foundation
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

@Suite struct FlowsCommandTests {
    static let waypoint = Fixtures.path("accesslogs/waypoint.log")

    @Test func fileTableAndLegend() async throws {
        let r = await MeshScopeMain.invoke(["flows", "--file", Self.waypoint])
        #expect(r.code == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("TIME") == true)
        #expect(lines.count == 17)
        #expect(r.stderr.isEmpty)
        let filtered = await MeshScopeMain.invoke(["flows", "--file", Self.waypoint, "--to", "10.244.0.32", "-o", "json"])
        let doc = try JSONDocument(filtered.stdout)
        #expect(doc.root["counts"]?["lines"]?.int == 16)
        #expect(doc.root["flows"]?.count == 5)
        #expect(doc.root["flows"]?[0]?["upstreamHost"]?.string == "envoy://connect_originate/10.244.0.32:9080")
    }

    @Test func otherLinesAreCountedAndShownOnce() async throws {
        let good = try Fixtures.text("accesslogs/waypoint.log").split(separator: "\n").prefix(2).joined(separator: "\n")
        let input = good + "\n[2026-11-20 09:00:00.000][15][debug][rbac] enforced denied\n{\"start_time\":\"2026-11-20T09:00:03.100Z\",\"meth\n"
        let r = await MeshScopeMain.invoke(["flows", "-f", "-"], stdin: Array(input.utf8))
        #expect(r.code == 0)
        #expect(r.stdout.split(separator: "\n").count == 3)
        #expect(r.stderr == "meshscope: 2 of 4 lines were not access-log lines (1 bad-json, 1 unknown-format); first: [2026-11-20 09:00:00.000][15][debug][rbac] enforced denied\n")
        let none = await MeshScopeMain.invoke(["flows", "-f", "-"], stdin: Array("hello\nworld\n".utf8))
        #expect(none.code == 1)
        #expect(none.stderr.hasSuffix("meshscope: <stdin>: no line is an access-log line (Envoy TEXT or JSON, or ztunnel)\n"))
    }

    @Test func topFromFile() async throws {
        let r = await MeshScopeMain.invoke(["top", "--file", Fixtures.path("accesslogs/ztunnel.log"), "-o", "json"])
        #expect(r.code == 0, "\(r.stderr)")
        let doc = try JSONDocument(r.stdout)
        // Expected from the log itself: the connections from this productpage pod to details,
        // told apart by client address and byte counts (ztunnel quotes some values, not others).
        let text = try Fixtures.text("accesslogs/ztunnel.log").replacingOccurrences(of: "\"", with: "")
        func field(_ line: Substring, _ key: String) -> String { String(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first { $0.hasPrefix(key + "=") }?.dropFirst(key.count + 1) ?? "") }
        let clients = Set(text.split(separator: "\n").filter { field($0, "src.workload") == "productpage-v1-87d54dd59-c7jts" && field($0, "dst.service") == "details.bookinfo.svc.cluster.local" }
            .map { field($0, "src.addr") + " " + field($0, "bytes_sent") + " " + field($0, "bytes_recv") })
        let rows = try #require(doc.root.array)
        let row = try #require(rows.first { $0["source"]?.string == "productpage-v1-87d54dd59-c7jts.bookinfo" && $0["route"]?.string == "details.bookinfo.svc.cluster.local" })
        #expect(row["requests"]?.int == clients.count)
        #expect(clients.count == 3)
    }

    @Test func badFlags() async {
        let r = await MeshScopeMain.invoke(["flows", "--file", Self.waypoint, "--flag", "XX"])
        #expect(r.code == 2)
        #expect(r.stderr.contains("--flag XX: not a response flag Envoy documents"))
        let s = await MeshScopeMain.invoke(["top", "--file", Self.waypoint, "--status", "6xx"])
        #expect(s.code == 2)
    }

    // MARK: The demo, end to end

    @Test func demoRatingsFailWithNoHealthyUpstream() async throws {
        let r = await MeshScopeMain.invoke(["--demo", "flows", "--to", "ratings", "--status", "503", "-o", "json"])
        #expect(r.code == 0, "\(r.stderr)")
        let doc = try JSONDocument(r.stdout)
        let flows = try #require(doc.root["flows"]?.array)
        #expect(!flows.isEmpty)
        for f in flows {
            #expect(f["status"]?.int == 503)
            #expect(f["flags"]?[0]?["code"]?.string == "UH")
            #expect(f["flags"]?[0]?["explanation"]?.string == "no healthy upstream host (503)")
            #expect(f["responseCodeDetails"]?.string == "no_healthy_upstream")
            #expect(f["destination"]?["name"]?.string == "ratings.bookinfo")
        }
    }

    /// The demo's AuthorizationPolicy denies the client's DELETEs (the model's denied edge):
    /// the destination's sidecar logs each as 403 with its RBAC filter's details naming the
    /// policy's rule and no response flag; the client logs the same request as an upstream 403.
    @Test func demoRBACDenialsAre403WithThePolicy() async throws {
        let mesh = DemoMesh()
        let e = try #require(mesh.edges.first { $0.deniedBy != nil })
        let src = mesh.workloads[e.source], dst = mesh.workloads[e.destination]
        let r = await MeshScopeMain.invoke(["--demo", "flows", "--status", "403", "-o", "json"])
        #expect(r.code == 0, "\(r.stderr)")
        let flows = try #require(try JSONDocument(r.stdout).root["flows"]?.array)
        let details = "rbac_access_denied_matched_policy[ns[\(dst.namespace)]-policy[\(try #require(e.deniedBy))]-rule[0]]"
        var inbound = 0, outbound = 0
        for f in flows {
            #expect(f["status"]?.int == 403)
            #expect(f["flags"]?.array?.isEmpty == true, "\(f)")
            #expect(f["method"]?.string == "DELETE")
            #expect(f["source"]?["name"]?.string == "\(src.name).\(src.namespace)")
            #expect(f["destination"]?["name"]?.string == "\(dst.name).\(dst.namespace)")
            if f["reporter"]?["workload"]?.string == dst.name {
                inbound += 1
                #expect(f["responseCodeDetails"]?.string == details)
                #expect(f["upstreamHost"]?.isNull != false)
            } else {
                outbound += 1
                #expect(f["reporter"]?["workload"]?.string == src.name)
                #expect(f["responseCodeDetails"]?.string == "via_upstream")
            }
        }
        #expect(inbound > 0 && outbound > 0, "\(inbound) inbound, \(outbound) outbound 403s")
    }

    @Test func demoTopShowsThePlaintextClient() async throws {
        let r = await MeshScopeMain.invoke(["--demo", "top", "-n", "bookinfo"])
        #expect(r.code == 0, "\(r.stderr)")
        let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("curl-legacy.legacy") })
        #expect(row.contains("details-v1.bookinfo"))
        #expect(row.contains("100%"))
        #expect(r.stdout.contains("  UH: no healthy upstream host (503)"))
    }

    @Test func demoLogLevels() async throws {
        let mesh = DemoMesh()
        let details = try #require(mesh.pods.first { $0.namespace == "bookinfo" && $0.name.hasPrefix("details-v1-") })
        let ztunnel = try #require(mesh.pods.first { $0.mode == .ztunnel })
        let set = await MeshScopeMain.invoke(["--demo", "log-level", details.id, "--level", "rbac:debug,http:info", "-o", "json"])
        #expect(set.code == 0, "\(set.stderr)")
        let levels = try JSONDocument(set.stdout)
        #expect(levels.root["rbac"]?.string == "debug")
        #expect(levels.root["http"]?.string == "info")
        #expect(levels.root["router"]?.string == "warning")
        let all = await MeshScopeMain.invoke(["--demo", "log-level", details.id, "--level", "debug"])
        #expect(all.stdout.contains("rbac") && !all.stdout.contains("warning"))
        let z = await MeshScopeMain.invoke(["--demo", "log-level", ztunnel.id, "--level", "access:debug,info"])
        #expect(z.code == 0, "\(z.stderr)")
        #expect(z.stdout.contains("access:debug,info"))
        let refused = await MeshScopeMain.invoke(["--demo", "log-level", details.id, "--reset", "--readonly"])
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("refused (--readonly)"))
        let bad = await MeshScopeMain.invoke(["--demo", "log-level", details.id, "--level", "loud"])
        #expect(bad.code == 2)
    }
}
