import Foundation
import MeshClient
import MeshModel

/// `MeshBench check FILE [--dumps all]`: `meshscope check` on a snapshot, timed in its parts
/// (opening the snapshot, gathering the facts, running the rules), with peak RSS: the numbers
/// for docs/benchmarks.md ("Findings"). Take the snapshot first:
///
///     meshscope --demo --demo-services 2000 --demo-replicas 3 snapshot -o /tmp/big.json.gz
///     .build/release/MeshBench check /tmp/big.json.gz
enum CheckBench {
    static func run(path: String, dumps: MeshFactsCollector.Options.Dumps) async throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        // As `check` opens it: keeping only what the facts read.
        let options = MeshFactsCollector.Options(dumps: dumps)
        let source = try await SnapshotMeshSource.open(path: path, keeping: MeshFactsCollector.snapshotKeep(options))
        let t1 = clock.now
        let facts = await MeshFactsCollector.collect(source: source, options: options)
        let t2 = clock.now
        let report = FindingsEngine.evaluate(facts, parallel: true)
        let t3 = clock.now
        func f(_ d: Duration) -> String { String(format: "%.2f s", seconds(d)) }
        say("check \(path): kept \(source.index.bytes.count / 1_000_000) MB (left out: \(TerminalText.escaped(source.leftOut?.sorted().joined(separator: ", ") ?? "nothing, read whole"))); \(facts.proxies.count) Envoys, \(facts.sync?.count ?? 0) synced proxies, \(facts.edges?.count ?? 0) edges")
        say("  open \(f(t1 - t0)) · facts \(f(t2 - t1)) · rules \(f(t3 - t2)) · total \(f(t3 - t0)) · peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB")
        say("  \(FindingsOutput.summary(report.findings)); \(report.notEvaluated.count) rules not evaluated")
    }
}
