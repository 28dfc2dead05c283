import Foundation
import MeshModel
import MeshScopeCLI
import Testing

/// Hostile text in the data never reaches the terminal as control characters, and one
/// huge value cannot blow up a table; `-o json` keeps the data exact.
@Suite struct TerminalInjectionTests {
    static let evil = "evil\u{1B}]0;PWNED\u{7}\u{1B}[2J"

    /// Nothing below 0x20 but `\n`, no DEL, no C1, no bidi override.
    static func isInert(_ s: String) -> Bool {
        !s.unicodeScalars.contains { $0 != "\n" && TerminalText.isUnsafe($0) }
    }

    static func write(_ text: String, _ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "meshscope-inject-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func dump(clusterName: String) -> String {
        var name: [UInt8] = []
        JSONWriter.appendString(clusterName, to: &name)
        return """
        {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
          "dynamic_active_clusters": [{"cluster": {"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster",
            "name": \(String(decoding: name, as: UTF8.self)), "type": "EDS"}}]}]}
        """
    }

    @Test func clusterNameWithEscapesIsInertInTableAndWideAndExactInJSON() async throws {
        let path = try Self.write(Self.dump(clusterName: Self.evil), "dump.json")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        for format in ["table", "wide"] {
            let r = await MeshScopeMain.invoke(["pc", "cluster", "--file", path, "-o", format])
            #expect(r.code == 0, "\(r.stderr)")
            #expect(Self.isInert(r.stdout) && Self.isInert(r.stderr))
            #expect(r.stdout.contains(#"evil\u001b]0;PWNED\u0007\u001b[2J"#), "\(r.stdout)")
        }
        let json = await MeshScopeMain.invoke(["pc", "cluster", "--file", path, "-o", "json"])
        #expect(Self.isInert(json.stdout))
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.first?["name"] as? String == Self.evil)
        let yaml = await MeshScopeMain.invoke(["pc", "cluster", "--file", path, "-o", "yaml"])
        #expect(Self.isInert(yaml.stdout))
        #expect(yaml.stdout.contains(#"evil\x1B]0;PWNED\x07\x1B[2J"#), "\(yaml.stdout)")
    }

    @Test func anErrorIsAlwaysOneInertLine() async throws {
        let r = await MeshScopeMain.invoke(["pc", "cluster", "--file", "/nonexistent/a\nb\u{1B}[2J\u{9B}c.json"])
        #expect(r.code != 0)
        #expect(Self.isInert(r.stderr))
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(#"a\nb\u001b[2J\u009bc.json"#), "\(r.stderr)")
    }

    /// One 10 MB stat name: the table stays small and fast (it padded every row to 10 MB).
    @Test func tenMegabyteStatNameIsCutInTheTable() async throws {
        let name = String(repeating: "s", count: 10_000_000)
        let stats = "\(name): 1\n" + (0..<200).map { "cluster.c\($0).upstream_rq_total: \($0)\n" }.joined()
        let path = try Self.write(stats, "stats.txt")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let start = Date()
        let r = await MeshScopeMain.invoke(["stats", "--file", path])
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains(String(repeating: "s", count: 255) + "…"))
        #expect(r.stdout.utf8.count < 202 * 400, "\(r.stdout.utf8.count) bytes")
        #expect(elapsed < 5, "took \(elapsed) s")
        let json = await MeshScopeMain.invoke(["stats", "--file", path, "-o", "json"])
        #expect(json.stdout.contains(name))
    }
}
