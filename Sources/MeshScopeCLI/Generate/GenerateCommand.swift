import ArgumentParser
import Foundation
import MeshGen

/// `meshscope generate` (hidden): deterministic large inputs for benchmarks and scale tests.
public struct GenerateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate synthetic ztunnel dumps and Istio metrics (for benchmarks).",
        shouldDisplay: false,
        subcommands: [GenerateZtunnelDump.self, GenerateZtunnelMetrics.self])

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
