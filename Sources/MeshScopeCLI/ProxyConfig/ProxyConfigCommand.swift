import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope proxy-config` (alias `pc`): istioctl's proxy-config views of an Envoy
/// `/config_dump`, read from a file.
public struct ProxyConfigCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "proxy-config",
        abstract: "Show an Envoy config dump the way istioctl proxy-config does.",
        discussion: """
        Reads the output of Envoy's /config_dump admin endpoint (use ?include_eds for \
        endpoints) from --file, or from stdin with --file -. Tables match istioctl's \
        byte for byte; -o wide adds meshscope's extra columns; -o json|yaml print the \
        resources as istioctl does.
        """,
        subcommands: [
            ProxyConfigCluster.self, ProxyConfigListener.self, ProxyConfigRoute.self, ProxyConfigEndpoint.self,
            ProxyConfigSecret.self, ProxyConfigBootstrap.self, ProxyConfigEcds.self, ProxyConfigAll.self,
        ],
        aliases: ["pc"]
    )

    public init() {}
}

/// `POD[.NS]` (live, through the source: a cluster, the demo, a snapshot) or `--file PATH|-`.
struct ProxyConfigFileOption: ParsableArguments {
    @Argument(help: ArgumentHelp("Read the config dump live from this pod's Envoy (POD or POD.NAMESPACE).", valueName: "pod"))
    var pod: String?

    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Envoy /config_dump JSON file, or - for stdin.", valueName: "path"))
    var file: String?

    @OptionGroup var source: SourceOptions

    func validate() throws { try LiveOrFile.validate(file: file, pod: pod, what: "the config dump") }

    /// The file, or the pod's `/config_dump?include_eds`; decoded the same way.
    func load() async throws -> ProxyConfigDump {
        if let file { return try ProxyConfigDump.load(file) }
        let (bytes, name) = try await source.fetch(pod!, .configDump)
        return try ProxyConfigDump.decode(bytes, source: name)
    }
}

struct ProxyConfigCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Clusters: SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE, DESTINATION RULE.",
        aliases: ["clusters", "c"]
    )

    @OptionGroup var input: ProxyConfigFileOption
    @OptionGroup var output: OutputOptions
    @Option(help: "Filter clusters by substring of the Service FQDN field.") var fqdn = ""
    @Option(help: "Filter clusters by Port field.") var port = 0
    @Option(help: "Filter clusters by substring of the Subset field.") var subset = ""
    @Option(help: "Filter clusters by Direction field.") var direction = ""

    func run() async throws {
        let loaded = try await input.load()
        let dump = loaded.dump
        try loaded.require(!dump.clusters.isEmpty, "no clusters in the dump")
        let filter = ClusterFilter(fqdn: fqdn, port: port, subset: subset, direction: direction)
        let wide = output.output == .wide
        let clusters = ClusterView.clusters(dump, filter: filter, includeWarming: wide)
        ProxyConfigPrinter.emit(output.output, json: { .clusters(clusters) }) { ClusterView.table(clusters, options: .init(wide: $0)) }
        try loaded.finish(needed: [.clusters])
    }
}

struct ProxyConfigListener: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listener",
        abstract: "Listeners: ADDRESSES, PORT, MATCH, DESTINATION (TYPE with --no-verbose).",
        aliases: ["listeners", "l"]
    )

    @OptionGroup var input: ProxyConfigFileOption
    @OptionGroup var output: OutputOptions
    @Option(help: "Filter listeners by address field.") var address = ""
    @Option(help: "Filter listeners by Port field.") var port = 0
    @Option(help: "Filter listeners by type field (HTTP, TCP, HTTP+TCP, UNKNOWN).") var type = ""
    @Flag(inversion: .prefixedNo, help: "One row per filter chain with MATCH and DESTINATION (istioctl's default).")
    var verbose = true

    func run() async throws {
        let loaded = try await input.load()
        let dump = loaded.dump
        try loaded.require(!dump.listeners.isEmpty, "no listeners in the dump")
        let wide = output.output == .wide
        let listeners = ListenerView.listeners(dump, filter: ListenerFilter(address: address, port: port, type: type), includeAllStates: wide)
        ProxyConfigPrinter.emit(output.output, json: { .listeners(listeners) }) {
            ListenerView.table(listeners, verbose: verbose, options: .init(wide: $0))
        }
        try loaded.finish(needed: [.listeners])
    }
}

struct ProxyConfigRoute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Routes: NAME, VHOST NAME, DOMAINS, MATCH, VIRTUAL SERVICE (VIRTUAL HOSTS with --no-verbose).",
        aliases: ["routes", "r"]
    )

    @OptionGroup var input: ProxyConfigFileOption
    @OptionGroup var output: OutputOptions
    @Option(help: "Filter routes by route name field.") var name = ""
    @Flag(inversion: .prefixedNo, help: "One row per route with VHOST NAME, DOMAINS, MATCH (istioctl's default).")
    var verbose = true

    func run() async throws {
        let loaded = try await input.load()
        let dump = loaded.dump
        try loaded.require(!dump.routeConfigs.isEmpty, "no route configs in the dump")
        let routes = RouteView.routeConfigs(dump, name: name)
        ProxyConfigPrinter.emit(output.output, json: { .routes(routes) }) { RouteView.table(routes, verbose: verbose, options: .init(wide: $0)) }
        try loaded.finish(needed: [.routes])
    }
}

struct ProxyConfigEndpoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoint",
        abstract: "Endpoints: from a dump's EDS section (NAME, STATUS, LOCALITY, CLUSTER), or live hosts from /clusters.",
        discussion: """
            With --file, needs a dump taken with /config_dump?include_eds. With --clusters-file, reads Envoy's             /clusters output (text or ?format=json) as istioctl does for a live pod: ENDPOINT, STATUS,             OUTLIER CHECK, CLUSTER, and per-host stats in -o wide.
            """,
        aliases: ["endpoints", "ep"]
    )

    @Argument(help: ArgumentHelp("Read the pod's Envoy /clusters?format=json live, as istioctl does (POD or POD.NAMESPACE).", valueName: "pod"))
    var pod: String?
    @Option(name: [.customShort("f"), .long], help: ArgumentHelp("Envoy /config_dump JSON file, or - for stdin.", valueName: "path"))
    var file: String?
    @OptionGroup var clusters: ClustersEndpointOptions
    @OptionGroup var source: SourceOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Filter endpoints by address (as printed: ip:port).") var address = ""
    @Option(help: "Filter endpoints by port.") var port = 0
    @Option(help: "Filter endpoints by cluster name.") var cluster = ""
    @Option(help: "Filter endpoints by health status (HEALTHY, UNHEALTHY, ...).") var status = ""

    var filter: EndpointFilter { EndpointFilter(address: address, port: port, cluster: cluster, status: status) }

    func validate() throws {
        let given = [pod != nil, file != nil, clusters.clustersFile != nil].filter { $0 }.count
        guard given == 1 else {
            throw ValidationError("give either --file (a config dump), --clusters-file (/clusters output) or POD[.NAMESPACE] (live /clusters)")
        }
        if clusters.interval != nil, clusters.previousClustersFile == nil, pod == nil {
            throw ValidationError("--interval without --previous-clusters-file takes two live samples: give POD[.NAMESPACE]")
        }
    }

    func run() async throws {
        let hostFilter = EndpointHostFilter(
            address: address.isEmpty ? nil : address, port: port == 0 ? nil : UInt32(port),
            cluster: cluster.isEmpty ? nil : cluster, status: status.isEmpty ? nil : status)
        if let pod {
            // istioctl reads /clusters for a live pod; --interval samples it twice for rates.
            let (samples, name) = try await source.withSource { s in
                let ref = PodReference(pod, defaultNamespace: source.defaultNamespace(s))
                var samples = [try await s.admin(ref, .clusters)]
                if let interval = clusters.interval {
                    try await Task.sleep(nanoseconds: IntervalOption.nanoseconds(interval))
                    samples.append(try await s.admin(ref, .clusters))
                }
                return (samples, ref.description)
            }
            let current = try ClustersEndpointView.decode(samples.last!, name: name)
            var previous: (EnvoyClusters, String)?
            if samples.count > 1 { previous = (try ClustersEndpointView.decode(samples[0], name: name), name) }
            ClustersEndpointView.render(current, name: name, previous: previous, interval: clusters.interval, filters: hostFilter, output: output)
            return
        }
        guard let file else {
            try ClustersEndpointView.run(clusters, filters: hostFilter, output: output)
            return
        }
        let loaded = try ProxyConfigDump.load(file)
        let dump = loaded.dump
        if dump.sectionValues[.endpoints] == nil {
            loaded.warn("the dump has no endpoints section (capture /config_dump?include_eds to include EDS)")
        }
        let assignments = EndpointView.assignments(dump, filter: filter)
        // Rows are plain values, so another source (the /clusters output) can feed this table.
        ProxyConfigPrinter.emit(output.output, json: { .endpoints(assignments) }) {
            EndpointView.table(rows: EndpointView.rows(assignments), options: .init(wide: $0))
        }
        try loaded.finish(needed: [.endpoints])
    }
}

struct ProxyConfigSecret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret",
        abstract: "SDS secrets: RESOURCE NAME, TYPE, STATUS, VALID CERT, SERIAL NUMBER, NOT AFTER, NOT BEFORE.",
        discussion: "Private keys are never printed: -o json|yaml show them redacted as Envoy does.",
        aliases: ["secrets", "s"]
    )

    @OptionGroup var input: ProxyConfigFileOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var clock: ClockOption

    func run() async throws {
        let loaded = try await input.load()
        let dump = loaded.dump
        try loaded.require(dump.sectionValues[.secrets] != nil, "no secrets section in the dump")
        if !ProxyConfigPrinter.isStructured(output.output), !SecretView.hasDynamicSecrets(dump) {
            ProxyConfigPrinter.write(SecretView.noSecretsMessage)
        } else {
            try ProxyConfigPrinter.emit(output.output, json: { .secrets(dump.sectionValues[.secrets]!) }) { wide in
                SecretView.table(SecretView.items(dump, inlineStrings: wide), now: try clock.date(), options: .init(wide: wide))
            }
        }
        try loaded.finish(needed: [.secrets])
    }
}

struct ProxyConfigBootstrap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "The bootstrap config (-o json, the default, or yaml), or the version summary (-o short).",
        aliases: ["b"]
    )

    @OptionGroup var input: ProxyConfigFileOption
    @Option(name: [.short, .long], help: "Output format: json (default), yaml, or short/table for the version summary.")
    var output: OutputFormat = .json

    func run() async throws {
        let loaded = try await input.load()
        let dump = loaded.dump
        try loaded.require(dump.bootstrap?.json != nil, "no bootstrap in the dump")
        if ProxyConfigPrinter.isStructured(output) {
            ProxyConfigPrinter.write(ProxyConfigJSON.bootstrap(dump.sectionValues[.bootstrap]!), format: output)
        } else {
            ProxyConfigPrinter.write(VersionSummaryView.table(dump.bootstrap!, wide: output == .wide).render())
        }
        try loaded.finish(needed: [.bootstrap])
    }
}

struct ProxyConfigEcds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecds",
        abstract: "Extension configs (ECDS): ECDS NAME, TYPE.",
        aliases: ["ec"]
    )

    @OptionGroup var input: ProxyConfigFileOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let loaded = try await input.load()
        let dump = loaded.dump
        try loaded.require(dump.sectionValues[.ecds] != nil, "no ECDS section in the dump")
        ProxyConfigPrinter.emit(output.output, json: { .ecds(dump) }) { EcdsView.table(EcdsView.extensionConfigs(dump), options: .init(wide: $0)) }
        try loaded.finish(needed: [.ecds])
    }
}

struct ProxyConfigAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Version summary, then the cluster, listener, route, secret and endpoint tables.",
        discussion: "-o json|yaml print the whole dump.",
        aliases: ["a"]
    )

    @OptionGroup var input: ProxyConfigFileOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var clock: ClockOption
    @Flag(help: "Precede each table with a ------ CLUSTER INFO ------ style header.") var withHeaders = false
    @Flag(inversion: .prefixedNo, help: "Verbose listener and route tables (istioctl's default).") var verbose = true
    @Option(help: "Filter clusters by substring of the Service FQDN field.") var fqdn = ""
    @Option(help: "Filter clusters by Direction field.") var direction = ""
    @Option(help: "Filter clusters by substring of the Subset field.") var subset = ""
    @Option(help: "Filter clusters, listeners and endpoints by port.") var port = 0
    @Option(help: "Filter listeners and endpoints by address.") var address = ""
    @Option(help: "Filter listeners by type field.") var type = ""
    @Option(help: "Filter routes by route name field.") var name = ""

    func run() async throws {
        let loaded = try await input.load()
        let dump = loaded.dump
        switch output.output {
        case .json:
            Console.current.write(ProxyConfigJSON.wholeDump(dump))
            try loaded.finish(needed: [])
        case .yaml:
            Console.current.write(ProxyConfigJSON.wholeDumpYAML(dump))
            try loaded.finish(needed: [])
        default:
            var filters = ProxyConfigAllView.Filters()
            filters.cluster = ClusterFilter(fqdn: fqdn, port: port, subset: subset, direction: direction)
            filters.listener = ListenerFilter(address: address, port: port, type: type)
            filters.routeName = name
            filters.endpoint = EndpointFilter(address: address, port: port)
            filters.verbose = verbose
            let rendered = ProxyConfigAllView.render(dump, filters: filters, now: try clock.date(), withHeaders: withHeaders, wide: output.output == .wide)
            Console.current.write(rendered.text)
            for m in rendered.missing { loaded.warn(m.reason) }
            try loaded.finish(needed: [.bootstrap, .clusters, .listeners, .routes, .secrets, .endpoints])
        }
    }
}
