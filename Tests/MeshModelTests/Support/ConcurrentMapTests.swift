import Foundation
import MeshGen
import MeshTestSupport
@testable import MeshModel
import Testing

/// `concurrentMap` is `map` on every core: the same elements in the same order, whatever the
/// count and chunk size.
@Suite struct ConcurrentMapTests {
    @Test(arguments: [0, 1, 2, 7, 63, 64, 65, 1_000, 10_007])
    func sameAsMapInOrder(count: Int) async throws {
        let input = Array(0..<count)
        for minimumChunk in [1, 3, 64, 100_000] {
            let out = try await onOwnThread { input.concurrentMap(minimumChunk: minimumChunk) { "\($0 * 3 + 1)" } }
            #expect(out == input.map { "\($0 * 3 + 1)" }, "count \(count), minimum chunk \(minimumChunk)")
        }
    }

    @Test func chunksCoverEveryElementOnceInOrder() {
        for total in [0, 1, 5, 16, 17, 1_000, 6_040] {
            for minimum in [0, 1, 4, 64, 10_000] {
                for cores in [1, 2, 8] {
                    let chunks = ConcurrentChunks(count: total, minimumChunk: minimum, cores: cores)
                    #expect(chunks.count >= 1 && chunks.count <= cores * 4)
                    var next = 0
                    for c in 0..<chunks.count {
                        let r = chunks.range(c)
                        #expect(r.lowerBound == next)
                        // No chunk under the minimum, unless everything fits in one.
                        #expect(chunks.count == 1 || r.count >= min(max(1, minimum), total))
                        next = r.upperBound
                    }
                    #expect(next == total, "total \(total), minimum \(minimum), cores \(cores)")
                }
            }
        }
    }

    @Test func negativeCountsAndChunksDoNotTrap() {
        let chunks = ConcurrentChunks(count: -5, minimumChunk: -1, cores: -3)
        #expect(chunks.count == 1)
        #expect(chunks.range(0) == 0..<0)
    }
}

/// The engine runs its rules on every core; the report must be the one running them one at a
/// time gives: the same findings, the same rules evaluated and not evaluated, in rule order.
@Suite struct FindingsEngineParallelTests {
    struct Broken: Error, CustomStringConvertible { var description: String { "odd data" } }

    @Test func parallelRulesGiveTheSequentialReport() async throws {
        let failing = FindingRule(code: "MS9999", severity: .error, title: "Always fails", reads: []) { _, _ in throw Broken() }
        var rules = FindingRules.all
        rules.insert(failing, at: rules.count / 2)
        let ruleList = rules
        let facts = MeshFacts(now: Date(timeIntervalSince1970: 1_795_000_000), kube: ConfigObjectsGenerator.kubeFacts(objects: 1_250))
        let (all, singles) = try await onOwnThread {
            (FindingsEngine.evaluate(facts, rules: ruleList, parallel: true), ruleList.map { FindingsEngine.evaluate(facts, rules: [$0]) })
        }
        func unlinked(_ fs: [Finding]) -> [Finding] { fs.map { var f = $0; f.related = []; return f } }
        let expected = unlinked(singles.flatMap(\.findings)).sorted(by: FindingsEngine.order)
        #expect(unlinked(all.findings) == expected)
        #expect(all.findings.count > 100)
        #expect(all.evaluated == singles.flatMap(\.evaluated))
        #expect(all.notEvaluated == singles.flatMap(\.notEvaluated))
        #expect(!all.notEvaluated.isEmpty)  // the runtime rules: no proxies in these facts
        let failed = try #require(all.findings.first { $0.code == FindingsEngine.ruleFailedCode })
        #expect(failed.message == "MS9999 Always fails: odd data")
        #expect(failed.evidence.map(\.text) == ["odd data"])
    }
}
