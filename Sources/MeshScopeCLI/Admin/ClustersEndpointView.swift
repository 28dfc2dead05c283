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

    @Option(name: .customLong("interval"), help: "Seconds between --previous-clusters-file and --clusters-file (live: take two samples this far apart).")
    public var interval: Double?

    public init() {}

    public func validate() throws {
        if previousClustersFile != nil {
            guard clustersFile != nil else { throw ValidationError("--previous-clusters-file needs --clusters-file") }
            guard interval != nil else { throw ValidationError("--previous-clusters-file and --interval go together") }
        }
        if clustersFile != nil, interval != nil, previousClustersFile == nil {
            throw ValidationError("--previous-clusters-file and --interval go together")
        }
        try IntervalOption.validate(interval)
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
        let clusters = try decode(try InputFile.read(path), name: InputFile.displayName(path))
        var before: (EnvoyClusters, String)?
        if let previous {
            guard let interval, interval.isFinite, interval > 0 else { throw CLIError(.usage, "--interval must be a finite number of seconds above 0, got \(interval.map { String($0) } ?? "none")") }
            before = (try decode(try InputFile.read(previous), name: InputFile.displayName(previous)), InputFile.displayName(previous))
        }
        render(clusters, name: InputFile.displayName(path), previous: before, interval: interval, filters: filters, output: output)
    }

    /// `/clusters` bytes (text or JSON) from a file or a pod; `name` names them in messages.
    static func decode(_ bytes: [UInt8], name: String) throws(CLIError) -> EnvoyClusters {
        try AdminInput.decode(bytes: bytes, name: name) { bytes throws(AdminDecodeError) in try EnvoyClusters.decode(bytes) }
    }

    /// The table (or istioctl's JSON) of decoded `/clusters`; rates when an earlier sample and the interval are given.
    static func render(_ clusters: EnvoyClusters, name: String, previous: (EnvoyClusters, String)?, interval: Double?,
                       filters: EndpointHostFilter, output: OutputOptions) {
        let rates = previous.flatMap { p in interval.map { EndpointHostsTable.Rates(previous: p.0, interval: $0) } }
        output.emit(table: EndpointHostsTable.build(clusters, filter: filters, envoyAddresses: output.isWide, rates: rates),
                    data: clusters.outputNode(filter: filters), jsonIndent: 4)
        if let previous { AdminInput.warn(name: previous.1, previous.0.malformed) }
        AdminInput.warn(name: name, clusters.malformed)
    }

    /// Runs with the options as parsed by a command.
    public static func run(_ options: ClustersEndpointOptions, filters: EndpointHostFilter, output: OutputOptions) throws(CLIError) {
        guard let path = options.clustersFile else { throw CLIError(.usage, "--clusters-file is required") }
        try run(path: path, previous: options.previousClustersFile, interval: options.interval, filters: filters, output: output)
    }
}
