import MeshGen
import MeshModel

/// Envoy config dumps: the decoder, every `proxy-config` view and printer, diff and layers.
extension FuzzTargets {
    static func configDumpDecode() -> FuzzTarget {
        FuzzTarget(name: .configDumpDecode, seeds: Seeds.envoyDumps(small: false).map { FuzzCase($0) }, formats: [.json], iterations: 150) { c in
            _ = try? EnvoyConfigDump(bytes: c.parts[0])
            return .ok
        }
    }

    static let views = ["cluster", "listener", "route", "endpoint", "secret", "bootstrap", "ecds", "all"]

    static func proxyConfig() -> FuzzTarget {
        FuzzTarget(name: .proxyConfig, seeds: Seeds.envoyDumps(small: true).map { FuzzCase($0) }, formats: [.json], iterations: 30) { c in
            let path = CLIHarness.file(.proxyConfig, "dump.json", c.parts[0])
            // Seeds (variant 0) run `all`, which reads any dump; other views need their section.
            let view = c.variant == 0 ? "all" : views[c.choose(views.count, salt: 1)]
            let formats = view == "bootstrap" ? ["short", "wide", "json", "yaml"] : ["table", "wide", "json", "yaml"]
            let out = CLIHarness.outputFormat(c, formats)
            var args = ["proxy-config", view, "--file", path, "-o", out.flag]
            if view == "secret" || view == "all" { args += ["--now", "2026-01-01T00:00:00Z"] }
            if view == "all" && c.choose(2, salt: 2) == 0 { args.append("--with-headers") }
            return await CLIHarness.run(args, output: out.kind)
        }
    }

    static func diff() -> FuzzTarget {
        let sidecar = Seeds.fixture("envoy/sidecar/config_dump.json"), changed = Seeds.fixture("envoy/sidecar/config_dump_changed.json")
        let gen = { (seed: UInt64) in EnvoyDumpGenerator(mesh: SyntheticMesh(services: 2, replicas: 1, namespaces: 2, seed: seed)).generate() }
        let seeds = [FuzzCase(parts: [sidecar, changed]), FuzzCase(parts: [gen(1), gen(2)]),
                     FuzzCase(parts: [Seeds.ztunnelDumps[1], Seeds.ztunnelDumps[3]])]
        return FuzzTarget(name: .diff, seeds: seeds, formats: [.json, .json], iterations: 20) { c in
            let a = CLIHarness.file(.diff, "a.json", c.parts[0]), b = CLIHarness.file(.diff, "b.json", c.parts[1])
            let out = CLIHarness.outputFormat(c, ["table", "json", "yaml"])
            var args = ["diff", a, b, "-o", out.flag]
            if c.choose(3, salt: 3) == 0 { args.append("--include-noise") }
            // --istiod prints istioctl's text whatever -o says.
            let istiod = c.choose(4, salt: 4) == 0
            if istiod { args.append("--istiod") }
            return await CLIHarness.run(args, output: istiod ? .terminal : out.kind)
        }
    }

    static func layers() -> FuzzTarget {
        let seeds = [Seeds.fixture("envoy/waypoint/config_dump.json"), Seeds.fixture("envoy/sidecar/config_dump.json"),
                     Seeds.demoSidecarDump].map { FuzzCase($0) }
        let destinations = [["--inbound", "8000"], ["--inbound", "httpbin.default.svc.cluster.local:8000"], ["--inbound", "9080"],
                            ["--outbound", "reviews.default.svc.cluster.local:9080"], ["--outbound", "productpage:9080", "--path", "/x"],
                            ["--outbound", "10.0.0.1:80", "--ip", "10.0.0.1"], ["--inbound", "15006"]]
        return FuzzTarget(name: .layers, seeds: seeds, formats: [.json], iterations: 30) { c in
            let path = CLIHarness.file(.layers, "dump.json", c.parts[0])
            let out = CLIHarness.outputFormat(c, ["table", "json"])
            return await CLIHarness.run(["layers", "--file", path] + destinations[c.choose(destinations.count, salt: 5)] + ["-o", out.flag], output: out.kind)
        }
    }
}
