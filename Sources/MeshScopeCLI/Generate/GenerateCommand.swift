import ArgumentParser
import Foundation
import MeshGen

/// `meshscope generate` (hidden): deterministic large inputs for benchmarks and scale tests.
public struct GenerateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate synthetic Envoy and ztunnel dumps and Istio metrics (for benchmarks).",
        shouldDisplay: false,
        subcommands: [GenerateEnvoyDump.self, GenerateZtunnelDump.self, GenerateZtunnelMetrics.self])

    public init() {}

    /// Writes to `-o FILE` (atomically) or stdout.
    static func emit(_ bytes: [UInt8], to path: String?) throws(CLIError) {
        guard let path, path != "-" else {
            Console.current.write(bytes)
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError(.unavailable, "\(path): cannot write: \(error.localizedDescription)")
        }
    }
}

struct GenerateZtunnelDump: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ztunnel-dump", abstract: "A ztunnel /config_dump.")

    @Option(name: .long, help: "Number of workloads.")
    var workloads: Int = 1_000

    @Option(name: .long, help: "Number of services (workloads are spread over them).")
    var services: Int = 200

    @Option(name: .long, help: "list (current ztunnel) or map (older, keyed by address).")
    var layout: ZtunnelDumpGenerator.Layout = .list

    @Option(name: .long, help: "Seed; the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
        let bytes = ZtunnelDumpGenerator.generate(.init(workloads: workloads, services: services, layout: layout, seed: seed))
        try GenerateCommand.emit(bytes, to: output)
    }
}

struct GenerateZtunnelMetrics: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ztunnel-metrics", abstract: "Istio metrics in Prometheus text.")

    @Option(name: .long, help: "Number of series lines.")
    var series: Int = 1_000

    @Option(name: .long, help: "ztunnel (TCP families) or envoy (adds istio_requests_total).")
    var flavor: MetricsGenerator.Flavor = .ztunnel

    @Option(name: .long, help: "Advance every counter this many steps (two ticks make a pair of samples).")
    var tick: Int = 0

    @Option(name: .long, help: "Seed; the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
        let bytes = MetricsGenerator.generate(.init(series: series, flavor: flavor, seed: seed, tick: tick))
        try GenerateCommand.emit(bytes, to: output)
    }
}

extension ZtunnelDumpGenerator.Layout: ExpressibleByArgument {}
extension MetricsGenerator.Flavor: ExpressibleByArgument {}

struct GenerateEnvoyDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envoy-dump",
        abstract: "A sidecar's /config_dump?include_eds for a generated mesh (~25 KB per service at the defaults)."
    )

    @Option(help: "Number of services.") var services = 100
    @Option(help: "Ports per service.") var ports = 2
    @Option(help: "Pods per service.") var replicas = 2
    @Option(help: "Seed; the same seed gives the same mesh.") var seed: UInt64 = 42
    @Flag(help: "Leave out the endpoints (EDS) section.") var noEds = false
    /// For the diff benchmark: the same mesh with this percentage of services moved
    /// (new cluster IP and pod IPs), so a second dump differs from the first in ~P% of resources.
    @Option(help: .hidden) var mutatePercent: Double = 0
    /// For the diff benchmark: as captured after a later push (new version_info and last_updated).
    @Flag(help: .hidden) var laterPush = false
    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard services >= 1, ports >= 1, replicas >= 1 else {
            throw ValidationError("--services, --ports and --replicas must be at least 1")
        }
    }

    func run() throws {
        var mesh = SyntheticMesh(services: services, portsPerService: ports, replicas: replicas, seed: seed)
        if mutatePercent > 0 { DiffBenchmarkMutation.apply(&mesh, percent: mutatePercent) }
        var gen = EnvoyDumpGenerator(mesh: mesh)
        gen.includeEDS = !noEds
        if laterPush { DiffBenchmarkMutation.laterPush(&gen) }
        let certs = try CertificateFactory(trustDomain: mesh.trustDomain)
        let svc = mesh.services[0]
        gen.certificates = (try certs.leafPEM(namespace: svc.namespace, serviceAccount: svc.name, serial: seed), certs.rootPEM)
        try GenerateCommand.emit(gen.generate(), to: output)
    }
}
