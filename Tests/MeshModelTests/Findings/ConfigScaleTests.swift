import Foundation
import MeshGen
@testable import MeshModel
import Testing

/// The config rules stay near linear in the number of objects: the shared index makes every
/// look-up a dictionary read, so four times the objects costs about four times the time.
@Suite struct ConfigScaleTests {
    func seconds(_ objects: Int) -> (Double, FindingsReport) {
        let kube = ConfigObjectsGenerator.kubeFacts(objects: objects)
        var best = Double.infinity
        var report = FindingsReport()
        for _ in 0..<2 {
            var fresh = kube
            fresh.locations = [:]
            let start = Date()
            report = FindingsEngine.evaluate(MeshFacts(now: Date(), kube: fresh), rules: FindingRules.config)
            best = min(best, Date().timeIntervalSince(start))
        }
        return (best, report)
    }

    @Test func tenThousandObjectsNearLinear() {
        let (small, _) = seconds(2_500)
        let (large, report) = seconds(10_000)
        // Linear is 4×; every pair compared would be 16×. Generous for a loaded debug build.
        #expect(large / max(small, 0.001) < 9, "2,500 objects: \(small)s, 10,000 objects: \(large)s")
        let counts = Dictionary(grouping: report.findings, by: { $0.istioCode ?? "" }).mapValues(\.count)
        // 1,852 apps: every 50th VirtualService routes to subset v3 (38), every 40th Service has
        // an unnamed port (47), no app deploys v2 (1,852 subsets select nothing).
        #expect(counts["IST0101"] == 38)
        #expect(counts["IST0118"] == 47)
        #expect(counts["IST0173"] == 1_852)
        #expect(report.notEvaluated.isEmpty)
    }

    @Test func indexIsBuiltOncePerSetOfObjects() {
        var kube = ConfigObjectsGenerator.kubeFacts(objects: 200)
        let first = ConfigIndex.of(kube)
        #expect(ConfigIndex.of(kube) === first)
        let copy = kube
        kube.services.removeAll()
        #expect(ConfigIndex.of(kube) !== first)
        #expect(ConfigIndex.of(kube).registry.count == 0)
        #expect(ConfigIndex.of(copy) === first)
    }
}
