import ArgumentParser
import Foundation
import MeshModel

/// `meshscope ztunnel-config edges`: workload-to-workload traffic from Istio's standard
/// metrics, with per-second rates from two samples.
struct ZtunnelEdgesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edges",
        abstract: "Traffic edges (connections, bytes, requests) from ztunnel or Envoy Istio metrics.",
        discussion: """
            --file is Prometheus text from ztunnel's :15020/metrics or a sidecar's /stats/prometheus. \
            With --previous (an earlier sample) and --interval (seconds between them), rates per \
            second are added; a counter that went down was reset and counts from zero. \
            Malformed lines are skipped and counted on stderr.
            """)

    @Option(name: [.short, .long], help: ArgumentHelp("Metrics text: a path, or - for stdin.", valueName: "path"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("An earlier sample of the same metrics.", valueName: "path"))
    var previous: String?

    @Option(name: .long, help: ArgumentHelp("Seconds between --previous and --file.", valueName: "seconds"))
    var interval: Double?

    @Option(name: .long, help: "Who exported the metrics: auto, ztunnel or envoy (decides what an unknown security policy means).")
    var origin: TrafficEdges.Origin = .auto

    @Option(name: .long, help: "Only edges from or to this namespace.")
    var namespace: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if previous != nil && interval == nil { throw ValidationError("--previous needs --interval (seconds between the samples)") }
        if interval != nil && previous == nil { throw ValidationError("--interval needs --previous") }
        try IntervalOption.validate(interval)
    }

    func run() throws {
        let current = try Self.parse(file)
        let before = try previous.map(Self.parse)
        var edges = TrafficEdges.build(current: current, previous: before, interval: interval, origin: origin)
        if let namespace {
            let suffix = "." + namespace
            edges = edges.filter { $0.source.hasSuffix(suffix) || $0.destination.hasSuffix(suffix) }
        }
        output.emit(table: TrafficEdges.table(edges), data: TrafficEdges.output(edges))
    }

    /// Parses one metrics file; malformed lines are reported, never fatal.
    static func parse(_ path: String) throws(CLIError) -> PrometheusText {
        let text = PrometheusText.parse(try InputFile.read(path))
        if text.malformedCount > 0, let first = text.malformed.first {
            Console.current.error(
                "meshscope: \(InputFile.displayName(path)): skipped \(text.malformedCount) malformed line\(text.malformedCount == 1 ? "" : "s") (first at line \(first.line): \(first.reason))")
        }
        return text
    }
}

extension TrafficEdges.Origin: ExpressibleByArgument {}
