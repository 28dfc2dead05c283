import Benchmark
import MeshGen
import MeshModel

// In-process benchmarks on generated inputs: `swift package benchmark` (see docs/benchmarks.md).
// Peer comparisons (jq, python3) run on whole commands in Benchmarks/compare.sh.

/// A sidecar dump of a generated mesh; 400 services ≈ 10 MB, a size where one
/// iteration stays well under a second in release builds.
nonisolated(unsafe) let dump: [UInt8] = {
    var gen = EnvoyDumpGenerator(mesh: SyntheticMesh(services: 400, portsPerService: 2, replicas: 3))
    gen.includeEDS = true
    return gen.generate()
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxDuration: .seconds(5), maxIterations: 50)

    Benchmark("JSON tape parse (10 MB config_dump)", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONDocument(bytes: dump))
        }
    }

    Benchmark("JSON write protoJSON (10 MB config_dump)") { benchmark in
        let doc = try JSONDocument(bytes: dump)
        benchmark.startMeasurement()
        blackHole(JSONWriter.bytes(.json(doc.root), indent: 4, keyStyle: .protoJSON))
    }
}
