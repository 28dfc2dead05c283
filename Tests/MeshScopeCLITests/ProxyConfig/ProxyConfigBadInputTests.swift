import Foundation
import Testing
@testable import MeshScopeCLI

/// Bad input: one stderr line naming the file and where, exit 1; good sections still print.
@Suite struct ProxyConfigBadInputTests {
    /// Writes `contents` to a fresh temporary file and returns its path.
    private func temp(_ contents: String, name: String = "dump.json") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meshscope-pc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url.path
    }

    private func run(_ args: [String]) async -> (code: Int32, stdout: String, stderr: String) {
        await MeshScopeMain.invoke(["proxy-config"] + args)
    }

    private func expectOneLineError(_ r: (code: Int32, stdout: String, stderr: String), _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.code == 1, sourceLocation: sourceLocation)
        #expect(r.stdout == "", sourceLocation: sourceLocation)
        #expect(r.stderr == expected + "\n", sourceLocation: sourceLocation)
    }

    @Test func notJSON() async throws {
        let path = try temp("this is not json")
        expectOneLineError(await run(["cluster", "--file", path]), "meshscope: \(path): not valid JSON: invalid literal at byte 1 (line 1, column 2)")
    }

    @Test func truncatedJSON() async throws {
        let path = try temp(#"{"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "static_clusters": [{"#)
        let r = await run(["cluster", "--file", path])
        expectOneLineError(r, "meshscope: \(path): not valid JSON: unexpected end of input at byte 101 (line 1, column 102) in $.configs[0].static_clusters[0]")
    }

    @Test func jsonThatIsNotADump() async throws {
        let obj = try temp(#"{"foo": 1}"#)
        expectOneLineError(await run(["all", "--file", obj]), "meshscope: \(obj): not an Envoy config dump: no \"configs\" array (keys: \"foo\") at $")
        let arr = try temp("[1, 2, 3]")
        expectOneLineError(await run(["listener", "--file", arr]), "meshscope: \(arr): not an Envoy config dump: expected an object with a \"configs\" array, found an array at $")
    }

    @Test func emptyFile() async throws {
        let path = try temp("")
        expectOneLineError(await run(["route", "--file", path]), "meshscope: \(path): empty input")
        let blank = try temp("  \n\n")
        expectOneLineError(await run(["route", "--file", blank]), "meshscope: \(blank): empty input")
    }

    @Test func directory() async throws {
        let dir = FileManager.default.temporaryDirectory.path
        expectOneLineError(await run(["cluster", "--file", dir]), "meshscope: \(dir): is a directory, not a file")
    }

    @Test func missingFile() async throws {
        let path = "/nonexistent/meshscope/dump.json"
        expectOneLineError(await run(["cluster", "--file", path]), "meshscope: \(path): no such file")
    }

    @Test func missingFileOptionIsUsage() async throws {
        let r = await run(["cluster"])
        #expect(r.code == 2)
        #expect(r.stderr.contains("--file"))
    }

    /// A config of unknown type is kept, warned about, and the rest prints: exit 0.
    @Test func unknownTypeWarnsAndOthersPrint() async throws {
        let routes = try String(decoding: Fixtures.bytes("envoy/routes/empty-gateway/config_dump.json"), as: UTF8.self)
        let withUnknown = routes.replacingOccurrences(of: #""configs": ["#, with: #""configs": [{"@type": "type.googleapis.com/envoy.admin.v3.FancyNewConfigDump", "things": []},"#)
        let path = try temp(withUnknown)
        let r = await run(["route", "--file", path])
        #expect(r.code == 0)
        #expect(r.stdout == (try Fixtures.text("envoy/routes/empty-gateway/expected/routes.txt")))
        #expect(r.stderr == "meshscope: \(path): warning: unknown config type envoy.admin.v3.FancyNewConfigDump; kept as raw JSON at $.configs[0]\n")
    }

    /// A section of the wrong shape: the others print; stderr names it and its JSON path.
    @Test func wrongShapeSection() async throws {
        let dump = #"""
        {"configs": [
          {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "dynamic_active_clusters": "oops"},
          {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "static_route_configs": [{"route_config": {"virtual_hosts": [{"name": "backend", "domains": ["*"], "routes": [{"match": {"prefix": "/healthz/ready"}, "route": {"cluster": "agent"}}]}]}}]}
        ]}
        """#
        let path = try temp(dump)
        // The route view does not need clusters: it prints and warns, exit 0.
        let r = await run(["route", "--file", path])
        #expect(r.code == 0)
        #expect(r.stdout == "NAME     VHOST NAME     DOMAINS     MATCH               VIRTUAL SERVICE\n         backend        *           /healthz/ready*     \n")
        #expect(r.stderr == "meshscope: \(path): warning: clusters: dynamic_active_clusters is a string, not an array at $.configs[0].dynamic_active_clusters\n")
        // `all` needs the clusters: the good tables print, then the error; exit 1.
        let all = await run(["all", "--file", path])
        #expect(all.code == 1)
        #expect(all.stdout.contains("backend        *           /healthz/ready*"))
        let errLines = all.stderr.split(separator: "\n")
        #expect(errLines.last == "meshscope: \(path): clusters: dynamic_active_clusters is a string, not an array at $.configs[0].dynamic_active_clusters")
        #expect(errLines.contains("meshscope: \(path): warning: no clusters in the dump"))
        // The cluster view has nothing left to show.
        let clusters = await run(["cluster", "--file", path])
        #expect(clusters.code == 1)
        #expect(clusters.stderr.hasSuffix("meshscope: \(path): no clusters in the dump\n"))
    }

    @Test func sectionMissingForTheView() async throws {
        let path = Fixtures.path("envoy/routes/empty-gateway/config_dump.json")
        expectOneLineError(await run(["cluster", "--file", path]), "meshscope: \(path): no clusters in the dump")
        expectOneLineError(await run(["secret", "--file", path]), "meshscope: \(path): no secrets section in the dump")
        expectOneLineError(await run(["bootstrap", "--file", path]), "meshscope: \(path): no bootstrap in the dump")
        expectOneLineError(await run(["ecds", "--file", path]), "meshscope: \(path): no ECDS section in the dump")
        let ep = await run(["endpoint", "--file", path])
        #expect(ep.code == 0)
        #expect(ep.stdout == "NAME     STATUS     LOCALITY     CLUSTER\n")
        #expect(ep.stderr.contains("warning: the dump has no endpoints section"))
    }

    @Test func badOutputFormatIsUsage() async throws {
        let r = await run(["cluster", "--file", Fixtures.path("envoy/waypoint/config_dump.json"), "-o", "xml"])
        #expect(r.code == 2)
    }
}
