import Foundation
import MeshModel
import MeshScopeCLI
import Testing

@Suite struct DiffCommandTests {
    let a = Fixtures.path("envoy/sidecar/config_dump.json")
    let b = Fixtures.path("envoy/sidecar/config_dump_changed.json")

    @Test func tableOutput() async throws {
        let r = await MeshScopeMain.invoke(["diff", a, b])
        #expect(r.code == 0)
        #expect(r.stderr == "")
        #expect(r.stdout.hasPrefix("""
            TYPE          ADDED   REMOVED   CHANGED   UNCHANGED
            cluster       0       0         1         0
            listener      0       0         2         1
            route         0       0         1         0
            virtualhost   0       0         1         0

            ~ cluster inbound-vip|9080|http|ratings.default.svc.cluster.local → inbound-vip|9999|http|ratings.default.svc.cluster.local
              changed: eds_cluster_config, name
            --- a/cluster/inbound-vip|9080|http|ratings.default.svc.cluster.local
            +++ b/cluster/inbound-vip|9999|http|ratings.default.svc.cluster.local
            """))
        #expect(r.stdout.contains("+name: inbound-vip|9999|http|ratings.default.svc.cluster.local\n"))
        #expect(!r.stdout.contains("\u{1B}["))  // not a terminal: no colour
    }

    @Test func exitCodeOption() async throws {
        #expect(await MeshScopeMain.invoke(["diff", "--exit-code", a, b]).code == 3)
        let same = await MeshScopeMain.invoke(["diff", "--exit-code", a, a])
        #expect(same.code == 0)
        #expect(same.stdout.hasSuffix("No differences.\n"))
    }

    @Test func jsonOutputAndTypeFilter() async throws {
        let r = await MeshScopeMain.invoke(["diff", "-o", "json", "--type", "listeners", a, b])
        #expect(r.code == 0)
        let doc = try JSONDocument(r.stdout)
        #expect(doc.root["summary"]?.count == 1)
        #expect(doc.root["resources"]?.elements.compactMap { $0["name"]?.string } == ["connect_terminate", "main_internal"])
        #expect(doc.root["resources"]?[1]?["paths"]?[0]?.string
            == "filter_chains[name=inbound-vip|9080||details.default.svc.cluster.local-http].filters[name=envoy.filters.network.http_connection_manager].typed_config.stat_prefix")
        let yaml = await MeshScopeMain.invoke(["diff", "-o", "yaml", "--type", "cluster", a, b])
        #expect(yaml.stdout.contains("previousName: inbound-vip|9080|http|ratings.default.svc.cluster.local\n"))
    }

    @Test func contextOption() async throws {
        let r = await MeshScopeMain.invoke(["diff", "--context", "0", "--type", "listener", a, b])
        #expect(r.stdout.contains("@@ -365 +365 @@\n-      stat_prefix: inbound_0.0.0.0_9080\n+      stat_prefix: inbound_0.0.0.0_9999\n"))
        #expect(r.stdout.contains("@@ -76 +75,0 @@\n-      use_remote_address: false\n"))
        #expect(!r.stdout.contains(" stat_prefix: inbound_0.0.0.0_15006"))
    }

    @Test func istiodComparison() async throws {
        let r = await MeshScopeMain.invoke(["diff", "--istiod", a, a])
        #expect(r.code == 0)
        #expect(r.stdout == "Clusters Match\nListeners Match\nRoutes Match (RDS last loaded at Mon, 04 Mar 2024 08:37:44 UTC)\n")
        let d = await MeshScopeMain.invoke(["diff", "--istiod", "--exit-code", a, b])
        #expect(d.code == 3)
        #expect(d.stdout.hasPrefix("Clusters Don't Match\n"))
    }

    @Test func ztunnelDumps() async throws {
        let z = Fixtures.path("ztunnel/config_dump.json")
        let r = await MeshScopeMain.invoke(["diff", z, z])
        #expect(r.code == 0)
        #expect(r.stdout.hasPrefix("TYPE       ADDED   REMOVED   CHANGED   UNCHANGED\nworkload   0       0         0         "))
    }

    @Test func badInput() async throws {
        let missing = await MeshScopeMain.invoke(["diff", a, "/nonexistent/x.json"])
        #expect(missing.code == 1)
        #expect(missing.stderr == "meshscope: /nonexistent/x.json: no such file\n")
        let garbage = await MeshScopeMain.invoke(["diff", a, "-"], stdin: Array("{\"configs\": [".utf8))
        #expect(garbage.code == 1)
        #expect(garbage.stderr.hasPrefix("meshscope: <stdin>: not valid JSON: "))
        let other = await MeshScopeMain.invoke(["diff", a, "-"], stdin: Array(#"{"kind":"Pod"}"#.utf8))
        #expect(other.code == 1)
        #expect(other.stderr.contains("neither an Envoy config dump"))
        let mixed = await MeshScopeMain.invoke(["diff", a, Fixtures.path("ztunnel/config_dump.json")])
        #expect(mixed.code == 1)
        #expect(mixed.stderr.contains("is an Envoy config dump but"))
    }

    @Test func usageErrors() async throws {
        #expect(await MeshScopeMain.invoke(["diff", a]).code == 2)
        #expect(await MeshScopeMain.invoke(["diff", "--context", "-1", a, b]).code == 2)
        let t = await MeshScopeMain.invoke(["diff", "--type", "nope", a, b])
        #expect(t.code == 2)
        #expect(t.stderr.contains("--type nope"))
    }
}

/// The benchmark's inputs: `generate envoy-dump --mutate-percent` moves ~1% of services.
@Suite struct DiffBenchmarkInputTests {
    @Test func mutatedDumpDiffersInTheMovedServicesOnly() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meshscope-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        #expect(await MeshScopeMain.invoke(["generate", "envoy-dump", "--services", "120", "-o", a]).code == 0)
        #expect(await MeshScopeMain.invoke(["generate", "envoy-dump", "--services", "120", "--mutate-percent", "2", "-o", b]).code == 0)
        let r = await MeshScopeMain.invoke(["diff", "-o", "json", "--type", "cluster", "--type", "endpoint", "--type", "listener", a, b])
        #expect(r.code == 0)
        let doc = try JSONDocument(r.stdout)
        let summary = Dictionary(uniqueKeysWithValues: doc.root["summary"]!.elements.map { ($0["type"]!.string!, $0) })
        // Services 25, 75 (every 50th, offset 25) move: their endpoints change, clusters do not.
        #expect(summary["cluster"]?["changed"]?.int == 0)
        let endpoints = doc.root["resources"]!.elements.filter { $0["type"]?.string == "endpoint" }.compactMap { $0["name"]?.string }
        #expect(!endpoints.isEmpty)
        #expect(endpoints.allSatisfy { $0.contains("svc-0025.") || $0.contains("svc-0075.") })
        // TCP listeners are named after the VIP: renamed, and paired as such.
        for l in doc.root["resources"]!.elements where l["type"]?.string == "listener" {
            #expect(l["previousName"]?.string?.hasPrefix("172.20.0.") == true)
            #expect(l["name"]?.string?.hasPrefix("172.120.0.") == true)
        }
    }
}
