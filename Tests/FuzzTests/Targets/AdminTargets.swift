import Foundation
import MeshModel

/// Envoy admin outputs: `/clusters`, `/stats` (text, JSON, Prometheus), `/certs`, `/server_info`.
extension FuzzTargets {
    /// While ``KnownIssue/rateFormatTraps`` is open, inputs with huge numbers are not run
    /// where a rate or success-rate cell is printed.
    /// Huge numbers already in the seeds (version hashes near UInt64.max in real `/stats`)
    /// are run: the seeds pass. New ones are what mutation wrote.
    static func skipHugeNumbers(_ seeds: [FuzzCase]) -> @Sendable (FuzzCase) -> Bool {
        guard !FuzzConfig.current.generates(.rateFormatTraps) else { return { _ in false } }
        let known = seeds.reduce(into: Set<[UInt8]>()) { $0.formUnion(KnownIssue.hugeNumbers($1.parts)) }
        return { c in !KnownIssue.hugeNumbers(c.parts).isSubset(of: known) }
    }

    static func clustersDecode() -> FuzzTarget {
        FuzzTarget(name: .clustersDecode, seeds: Seeds.clusters(small: false).map { FuzzCase($0) }, formats: [.text], iterations: 250) { c in
            if let clusters = try? EnvoyClusters.decode(c.parts[0]) { _ = clusters }
            return .ok
        }
    }

    static func endpointClusters() -> FuzzTarget {
        let seeds = Seeds.clusters(small: true).map { FuzzCase(parts: [$0, $0]) }
        return FuzzTarget(name: .endpointClusters, seeds: seeds, formats: [.text, .text], iterations: 40, skip: skipHugeNumbers(seeds)) { c in
            let now = CLIHarness.file(.endpointClusters, "clusters.txt", c.parts[0])
            let before = CLIHarness.file(.endpointClusters, "previous.txt", c.parts[1])
            let out = CLIHarness.outputFormat(c)
            var args = ["proxy-config", "endpoint", "--clusters-file", now, "-o", out.flag]
            if c.choose(2, salt: 6) == 0 { args += ["--previous-clusters-file", before, "--interval", "10"] }
            return await CLIHarness.run(args, output: out.kind)
        }
    }

    static func statsDecode() -> FuzzTarget {
        FuzzTarget(name: .statsDecode, seeds: Seeds.stats(small: false).map { FuzzCase($0) }, formats: [.text], iterations: 100) { c in
            if let s = try? StatsSnapshot.decode(c.parts[0]) { _ = s }
            if let s = try? StatsSnapshot.decodePrometheus(c.parts[0]) { _ = s }
            return .ok
        }
    }

    static func stats() -> FuzzTarget {
        let seeds = Seeds.stats(small: true).map { FuzzCase(parts: [$0, $0]) }
        return FuzzTarget(name: .stats, seeds: seeds, formats: [.text, .text], iterations: 40, skip: skipHugeNumbers(seeds)) { c in
            let now = CLIHarness.file(.stats, "stats.txt", c.parts[0]), before = CLIHarness.file(.stats, "previous.txt", c.parts[1])
            let out = CLIHarness.outputFormat(c)
            var args = ["stats", "--file", now, "-o", out.flag]
            if c.choose(3, salt: 7) != 0 { args += ["--previous", before, "--interval", c.choose(2, salt: 8) == 0 ? "10" : "0.5"] }
            if c.choose(4, salt: 9) == 0 { args += ["--filter", "cluster|server"] }
            return await CLIHarness.run(args, output: out.kind)
        }
    }

    static func certs() -> FuzzTarget {
        FuzzTarget(name: .certs, seeds: Seeds.certs.map { FuzzCase($0) }, formats: [.json], iterations: 40) { c in
            _ = try? EnvoyCerts.decode(c.parts[0], now: Date(timeIntervalSince1970: 1_767_225_600))
            let path = CLIHarness.file(.certs, "certs.json", c.parts[0])
            let out = CLIHarness.outputFormat(c)
            return await CLIHarness.run(["certs", "--file", path, "-o", out.flag], output: out.kind)
        }
    }

    static func serverInfo() -> FuzzTarget {
        let seeds = [Seeds.demo.envoyServerInfo(pod: Seeds.sidecarPod, tick: 3)].map { FuzzCase($0) }
        return FuzzTarget(name: .serverInfo, seeds: seeds, formats: [.json], iterations: 400) { c in
            _ = try? EnvoyServerInfo.decode(c.parts[0])
            return .ok
        }
    }
}
