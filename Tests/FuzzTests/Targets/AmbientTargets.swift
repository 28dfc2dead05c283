import MeshModel

/// ztunnel dumps and metrics, istiod's syncz/CSDS and /debug/connections, and the live
/// decoders that read them for the TUI.
extension FuzzTargets {
    static let zcViews = ["workload", "service", "policy", "certificate", "connections", "all"]

    static func ztunnelConfig() -> FuzzTarget {
        FuzzTarget(name: .ztunnelConfig, seeds: Seeds.ztunnelDumps.map { FuzzCase($0) }, formats: [.json], iterations: 16) { c in
            let path = CLIHarness.file(.ztunnelConfig, "ztunnel.json", c.parts[0])
            let view = zcViews[c.choose(zcViews.count, salt: 10)]
            let out = CLIHarness.outputFormat(c)
            var args = ["ztunnel-config", view, "--file", path, "-o", out.flag]
            if view == "certificate" || view == "all" { args += ["--now", "2026-01-01T00:00:00Z"] }
            if view == "all" && c.choose(2, salt: 11) == 0 { args.append("--with-headers") }
            return await CLIHarness.run(args, output: out.kind)
        }
    }

    static func ztunnelEdges() -> FuzzTarget {
        FuzzTarget(name: .ztunnelEdges, seeds: Seeds.ztunnelMetrics, formats: [.text, .text], iterations: 60, skip: skipHugeNumbers(Seeds.ztunnelMetrics)) { c in
            let now = CLIHarness.file(.ztunnelEdges, "metrics.txt", c.parts[0]), before = CLIHarness.file(.ztunnelEdges, "previous.txt", c.parts[1])
            let out = CLIHarness.outputFormat(c)
            var args = ["ztunnel-config", "edges", "--file", now, "-o", out.flag]
            if c.choose(3, salt: 12) != 0 { args += ["--previous", before, "--interval", "10"] }
            return await CLIHarness.run(args, output: out.kind)
        }
    }

    static func liveDecode() -> FuzzTarget {
        let seeds = Seeds.ztunnelMetrics.map { FuzzCase($0.parts[0]) } + Seeds.istiod.flatMap { $0.parts.map { FuzzCase($0) } }
            + [FuzzCase(Seeds.ztunnelDumps[1]), FuzzCase(Seeds.demo.envoyClustersJSON(pod: Seeds.sidecarPod, tick: 1))]
        return FuzzTarget(name: .liveDecode, seeds: seeds, formats: [.json], iterations: 300) { c in
            for endpoint in LiveSource.Endpoint.allCases { _ = try? LiveDecoded.decode(endpoint, c.parts[0]) }
            return .ok
        }
    }

    static func proxyStatus() -> FuzzTarget {
        FuzzTarget(name: .proxyStatus, seeds: Seeds.istiod, formats: [.json, .json], iterations: 35) { c in
            let syncz = CLIHarness.file(.proxyStatus, "syncz.json", c.parts[0])
            let connections = CLIHarness.file(.proxyStatus, "connections.json", c.parts[1])
            let out = CLIHarness.outputFormat(c)
            var args = ["proxy-status", "--file", syncz, "-o", out.flag, "--now", "2026-01-01T00:00:00Z"]
            if out.flag == "wide" || c.choose(2, salt: 13) == 0 { args += ["--connections", connections] }
            if c.choose(3, salt: 14) == 0 { args += ["-v", "1"] }
            return await CLIHarness.run(args, output: out.kind)
        }
    }
}
