import Foundation
import MeshTestSupport
import MeshClient
import MeshGen
import MeshModel
import Testing

/// `check -f DIR` loads manifests in time linear in the objects: four times the objects
/// costs about four times the time (building ``KubeFacts`` one object at a time used to copy
/// the lists on every insert, 16× for 4×).
@Suite struct ManifestScaleTests {
    /// Seconds to load a directory of about `objects` generated objects (best of two), and what loaded.
    static func load(_ objects: Int) throws -> (seconds: Double, facts: ManifestFacts, expected: Int) {
        let dir = NSTemporaryDirectory() + "meshscope-manifest-scale-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for f in ConfigObjectsGenerator.yamlFiles(objects: objects) {
            try Data(f.bytes).write(to: URL(fileURLWithPath: dir + "/" + f.name))
        }
        // Expected from the generator's JSON List, not from the loader.
        let expected = try JSONDocument(bytes: ConfigObjectsGenerator.json(objects: objects)).root["items"].map { Array($0.elements).count } ?? -1
        var best = Double.infinity
        var facts = ManifestFacts()
        for _ in 0..<2 {
            let start = Date()
            facts = ManifestFacts.load(paths: [dir])
            best = min(best, Date().timeIntervalSince(start))
        }
        return (best, facts, expected)
    }

    @Test func loadingIsNearLinear() async throws {
        let small = try await onOwnThread { try Self.load(1_250) }
        let large = try await onOwnThread { try Self.load(10_000) }
        #expect(small.facts.problems.isEmpty && large.facts.problems.isEmpty, "\(large.facts.problems.prefix(3))")
        #expect(small.facts.objectCount == small.expected)
        #expect(large.facts.objectCount == large.expected)
        let kube = large.facts.facts
        #expect(kube.namespaces.count + kube.services.count + kube.objects.values.reduce(0) { $0 + $1.count } == large.expected)
        #expect(kube.locations.count == large.expected)
        // 8× the objects: linear is 8×, quadratic 64×. Generous for a loaded debug build on two cores.
        #expect(large.seconds / max(small.seconds, 0.001) < 24, "1,250 objects: \(small.seconds)s, 10,000 objects: \(large.seconds)s")
    }
}
