import Foundation
import MeshClient
import MeshModel
@testable import MeshScopeCLI
import Testing

/// `check --snapshot` opens the file keeping only what it reads
/// (``SnapshotMeshSource/open(path:keeping:)``): on the demo's snapshot, plain and gzip, its
/// facts and findings are those of the whole file under every `--dumps`, a read of something
/// left out is answered from the whole file, and a file it cannot keep in part fails as the
/// whole reader says. One snapshot serves every part: taking the demo's is most of the cost.
@Suite struct CheckKeptSnapshotTests {
    static func findings(_ source: SnapshotMeshSource, _ options: MeshFactsCollector.Options, at: Date) async -> [UInt8] {
        let facts = await MeshFactsCollector.collect(source: source, options: options, now: { at })
        let report = FindingsEngine.evaluate(facts, rules: FindingRules.all, options: FindingOptions(), parallel: false)
        return JSONWriter.bytes(FindingsOutput.document(report, shown: report.findings), indent: 2)
    }

    @Test func theKeptPartAnswersAsTheWholeFile() async throws {
        let path = NSTemporaryDirectory() + "meshscope-kept-\(UUID().uuidString.prefix(8)).json"
        let gzip = path + ".gz", cut = path + ".cut.json", tagged = path + ".tagged.gz"
        defer { for p in [path, gzip, cut, tagged] { try? FileManager.default.removeItem(atPath: p) } }
        // meshscope's own gzip (members, the dumps tagged: stepped over when left out), and
        // the same document plain and as one gzip member, which every part is read from.
        let taken = await MeshScopeMain.invoke(["--demo", "--demo-services", "0", "snapshot", "-o", tagged])
        try #require(taken.code == 0, "\(taken.stderr)")
        let members = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tagged)))
        // Every member says its length; the dumps travel in tagged members of their own.
        var tags: [String] = []
        var at = 0
        while at < members.count, let h = GzipMembers.header(members, at: at) {
            if let t = h.tag { tags.append(t) }
            at += h.length
        }
        #expect(at == members.count)
        #expect(tags.filter { SnapshotMemberTag.parse($0)?.keys.contains("configDump") == true }.count >= 10, "\(tags)")
        let bytes = try Gzip.decompress(members)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let gz = try GzipCompressor()
        try Data(try gz.compress(bytes) + gz.finish()).write(to: URL(fileURLWithPath: gzip))

        // The findings: byte for byte the whole file's. Plain and gzip go through the same
        // compactor: every `--dumps` on one, the default on the other (`all` keeps what `auto`
        // keeps on a demo of 36 Envoys; `auto(limit: 3)`: more Envoys, so no dump kept is read).
        // The tagged file's dumps are stepped over unless kept (the first three with `limit: 3`).
        for (file, policies) in [(path, [MeshFactsCollector.Options.Dumps.auto(limit: 200)]),
                                 (gzip, [.auto(limit: 200), .none, .auto(limit: 3)]),
                                 (tagged, [.auto(limit: 200), .none, .auto(limit: 3), .all])] {
            let whole = try await SnapshotMeshSource.open(path: file)
            let at = try #require(whole.info.takenAt)
            for dumps in policies {
                let options = MeshFactsCollector.Options(dumps: dumps, statsInterval: 2, concurrency: 4)
                let part = try await SnapshotMeshSource.open(path: file, keeping: MeshFactsCollector.snapshotKeep(options))
                let leftOut = try #require(part.leftOut, "\(file) \(dumps): kept in part")
                #expect(leftOut.isSuperset(of: ["certs", "serverInfo", "statsJSON", "istiodConfigDump"]))
                #expect(leftOut.contains("configDump") == (dumps == .none || dumps == .auto(limit: 3)), "\(dumps)")
                let expected = await Self.findings(whole, options, at: at)
                let found = await Self.findings(part, options, at: at)
                #expect(String(decoding: found, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(file) \(dumps)")
                #expect(expected.count > 1000)
            }
        }

        // A read of what was left out (the dump, certificates) or kept in part (the stats
        // text) gives the file's body, a member stepped over too.
        for file in [gzip, tagged] {
            let whole = try await SnapshotMeshSource.open(path: file)
            let part = try await SnapshotMeshSource.open(path: file, keeping: MeshFactsCollector.snapshotKeep(.init(dumps: .none)))
            #expect(part.leftOut?.contains("configDump") == true)
            let envoy = try #require(whole.index.proxies.first { $0.kind == "sidecar" })
            for request in [AdminRequest.configDump, .certs, .statsPrometheus, .clusters] {
                let a = try await whole.admin(pod: envoy.name, namespace: envoy.namespace, request: request)
                let b = try await part.admin(pod: envoy.name, namespace: envoy.namespace, request: request)
                #expect(a == b, "\(file) \(request)")
            }
            #expect(try part.meshState().edges == whole.meshState().edges)
        }

        // A file it cannot keep in part fails with the whole reader's message.
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: cut))
        func message(_ open: () async throws -> SnapshotMeshSource) async -> String {
            do { _ = try await open(); return "opened" } catch { return "\(error)" }
        }
        let expected = await message { try await SnapshotMeshSource.open(path: cut) }
        #expect(expected != "opened")
        #expect(await message { try await SnapshotMeshSource.open(path: cut, keeping: MeshFactsCollector.snapshotKeep(.init())) } == expected)
        let r = await MeshScopeMain.invoke(["check", "--snapshot", cut])
        #expect(r.code != 0 && r.stderr.contains(cut), "\(r.stderr)")
    }
}
