import ArgumentParser
import MeshModel

/// Options that let `meshscope proxy-config endpoint` read a live `/clusters` capture instead of
/// a config dump. Embed with `@OptionGroup var clusters: ClustersEndpointOptions`.
public struct ClustersEndpointOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("clusters-file"),
            help: "Envoy /clusters output (text or ?format=json), or - for stdin: live host health and per-host stats.")
    public var clustersFile: String?

    @Option(name: .customLong("previous-clusters-file"), help: "An earlier /clusters capture of the same proxy, for rates in -o wide.")
    public var previousClustersFile: String?

    @Option(name: .customLong("interval"), help: "Seconds between --previous-clusters-file and --clusters-file.")
    public var interval: Double?

    public init() {}

    public func validate() throws {
        if previousClustersFile != nil || interval != nil {
            guard clustersFile != nil else { throw ValidationError("--previous-clusters-file and --interval need --clusters-file") }
            guard previousClustersFile != nil, let interval else {
                throw ValidationError("--previous-clusters-file and --interval go together")
            }
            guard interval > 0 else { throw ValidationError("--interval must be a positive number of seconds") }
        }
    }
}

/// The live endpoint view of `proxy-config endpoint --clusters-file`: istioctl's
/// ENDPOINT/STATUS/OUTLIER CHECK/CLUSTER table from `/clusters`, with per-host stats in `-o wide`
/// and istioctl's `-o json|yaml` (the matching cluster statuses).
///
/// ```swift
/// if let path = clusters.clustersFile {
///     try ClustersEndpointView.run(path: path, filters: EndpointHostFilter(port: port), output: output)
/// }
/// ```
public enum ClustersEndpointView {
    public static func run(path: String, previous: String? = nil, interval: Double? = nil,
                           filters: EndpointHostFilter, output: OutputOptions) throws(CLIError) {
        let clusters = try AdminInput.decode(path) { bytes throws(AdminDecodeError) in try EnvoyClusters.decode(bytes) }
        var rates: EndpointHostsTable.Rates?
        var before: EnvoyClusters?
        if let previous {
            guard let interval, interval > 0 else { throw CLIError(.usage, "--interval must be a positive number of seconds") }
            let b = try AdminInput.decode(previous) { bytes throws(AdminDecodeError) in try EnvoyClusters.decode(bytes) }
            rates = EndpointHostsTable.Rates(previous: b, interval: interval)
            before = b
        }
        output.emit(table: EndpointHostsTable.build(clusters, filter: filters, envoyAddresses: output.isWide, rates: rates),
                    data: clusters.outputNode(filter: filters), jsonIndent: 4)
        if let previous, let before { AdminInput.warn(previous, before.malformed) }
        AdminInput.warn(path, clusters.malformed)
    }

    /// Runs with the options as parsed by a command.
    public static func run(_ options: ClustersEndpointOptions, filters: EndpointHostFilter, output: OutputOptions) throws(CLIError) {
        guard let path = options.clustersFile else { throw CLIError(.usage, "--clusters-file is required") }
        try run(path: path, previous: options.previousClustersFile, interval: options.interval, filters: filters, output: output)
    }
}
