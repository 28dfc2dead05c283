import Foundation
import MeshClient
import MeshModel
@testable import MeshScopeCLI
import Testing

/// `check --snapshot` opens the file keeping only what it reads
/// (``SnapshotMeshSource/open(path:keeping:)``): on the demo's snapshot, plain and gzip, its
/// facts and findings are those of the whole file under every `--dumps`, a read of something
/// left out is answered from the whole file, and a file it cannot keep in part fails as the
/// whole reader says.
@Suite(.serialized) struct CheckKeptSnapshotTests {
    static func demoSnapshot(_ name: String) async throws -> String {
        let path = NSTemporaryDirectory() + "meshscope-kept-\(UUID().uuidString.prefix(8))-" + name
        let taken = await MeshScopeMain.invoke(["--demo", "--demo-services", "0", "snapshot", "-o", path])
        #expect(taken.code == 0, "\(taken.stderr)")
        return path
    }

    static func findings(_ source: SnapshotMeshSource, _ options: MeshFactsCollector.Options, at: Date) async -> [UInt8] {
        let facts = await MeshFactsCollector.collect(source: source, options: options, now: { at })
        let report = FindingsEngine.evaluate(facts, rules: FindingRules.all, options: FindingOptions(), parallel: false)
        return JSONWriter.bytes(FindingsOutput.document(report, shown: report.findings), indent: 2)
    }

    @Test func theKeptPartFindsWhatTheWholeFileFinds() async throws {
        for name in ["demo.json", "demo.json.gz"] {
            let path = try await Self.demoSnapshot(name)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let whole = try await SnapshotMeshSource.open(path: path)
            let at = try #require(whole.info.takenAt)
            // auto(limit: 3): more Envoys than that, so none of the dumps kept is read.
            for dumps: MeshFactsCollector.Options.Dumps in [.auto(limit: 200), .none, .all, .auto(limit: 3)] {
                let options = MeshFactsCollector.Options(dumps: dumps, statsInterval: 2, concurrency: 4)
                let part = try await SnapshotMeshSource.open(path: path, keeping: MeshFactsCollector.snapshotKeep(options))
                let leftOut = try #require(part.leftOut, "\(name) \(dumps): kept in part")
                #expect(leftOut.isSuperset(of: ["certs", "serverInfo", "statsJSON", "istiodConfigDump"]))
                #expect(leftOut.contains("configDump") == (dumps != .all && dumps != .auto(limit: 200)), "\(dumps)")
                let expected = await Self.findings(whole, options, at: at)
                let found = await Self.findings(part, options, at: at)
                #expect(String(decoding: found, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(name) \(dumps)")
                #expect(expected.count > 1000)
            }
        }
    }

    @Test func aReadOfWhatWasLeftOutComesFromTheWholeFile() async throws {
        let path = try await Self.demoSnapshot("demo.json.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = try await SnapshotMeshSource.open(path: path)
        let part = try await SnapshotMeshSource.open(path: path, keeping: MeshFactsCollector.snapshotKeep(.init(dumps: .none)))
        #expect(part.leftOut?.contains("configDump") == true)
        let envoy = try #require(whole.index.proxies.first { $0.kind == "sidecar" })
        // Left out (the dump, certificates), and kept in part (the stats text): the file's bodies.
        for request in [AdminRequest.configDump, .certs, .statsPrometheus, .clusters] {
            let a = try await whole.admin(pod: envoy.name, namespace: envoy.namespace, request: request)
            let b = try await part.admin(pod: envoy.name, namespace: envoy.namespace, request: request)
            #expect(a == b, "\(request)")
        }
        #expect(try part.meshState().edges == whole.meshState().edges)
    }

    @Test func aFileItCannotKeepInPartFailsAsTheWholeReaderSays() async throws {
        let path = try await Self.demoSnapshot("demo.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = path + ".cut.json"
        defer { try? FileManager.default.removeItem(atPath: cut) }
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        func message(_ open: () async throws -> SnapshotMeshSource) async -> String {
            do { _ = try await open(); return "opened" } catch { return "\(error)" }
        }
        let keep = MeshFactsCollector.snapshotKeep(.init())
        let expected = await message { try await SnapshotMeshSource.open(path: cut) }
        #expect(expected != "opened")
        #expect(await message { try await SnapshotMeshSource.open(path: cut, keeping: keep) } == expected)
        let r = await MeshScopeMain.invoke(["check", "--snapshot", cut])
        #expect(r.code != 0 && r.stderr.contains(cut), "\(r.stderr)")
    }
}
