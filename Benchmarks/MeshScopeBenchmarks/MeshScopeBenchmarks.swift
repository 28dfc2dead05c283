import Foundation
import Benchmark
import MeshGen
import MeshModel

// In-process benchmarks on generated inputs: `swift package benchmark` (see docs/benchmarks.md).
// Whole-command comparisons against peers (jq, python3) are in Benchmarks/compare.sh.

/// A sidecar dump of a generated mesh: 400 services ≈ 10 MB, so one iteration stays
/// well under a second in release builds and the harness can take many samples.
nonisolated(unsafe) let dump: [UInt8] = EnvoyDumpGenerator(mesh: SyntheticMesh(services: 400, portsPerService: 2, replicas: 3)).generate()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal],
        maxDuration: .seconds(5), maxIterations: 50)

    Benchmark("JSON tape parse (10 MB dump)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONDocument(bytes: dump))
        }
    }

    Benchmark("config_dump decode (10 MB dump)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try EnvoyConfigDump(bytes: dump))
        }
    }

    Benchmark("cluster table build + render") { benchmark in
        let decoded = try EnvoyConfigDump(bytes: dump)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(ClusterView.table(ClusterView.clusters(decoded)).render())
        }
    }

    Benchmark("JSON write, protoJSON keys (10 MB dump)") { benchmark in
        let doc = try JSONDocument(bytes: dump)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(JSONWriter.bytes(.json(doc.root), indent: 4, keyStyle: .protoJSON))
        }
    }

    // istioctl analyze's checks over 10,000 generated objects (services, deployments,
    // VirtualServices, DestinationRules, Gateways, Sidecars, AuthorizationPolicies); each
    // iteration builds the shared index afresh, as a new refresh or `check -f` run would.
    Benchmark("config findings (10,000 objects)", configuration: .init(maxIterations: 20)) { benchmark in
        let kube = ConfigObjectsGenerator.kubeFacts(objects: 10_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var fresh = kube
            fresh.locations = [:]  // a changed list drops the cached index
            blackHole(FindingsEngine.evaluate(MeshFacts(now: Date(), kube: fresh), rules: FindingRules.config))
        }
    }

    Benchmark("YAML write (10 MB dump)", configuration: .init(maxIterations: 5)) { benchmark in
        let doc = try JSONDocument(bytes: dump)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(YAMLWriter.string(.json(doc.root)))
        }
    }
}
