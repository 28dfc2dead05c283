import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope ztunnel-config`: istioctl's `ztunnel-config` over a saved `/config_dump`,
/// plus `edges` from ztunnel's (or Envoy's) Istio metrics.
public struct ZtunnelConfigCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ztunnel-config",
        abstract: "Show a ztunnel's workloads, services, policies, certificates and connections.",
        discussion: """
            Reads ztunnel's /config_dump (port 15000), in the older address-keyed layout or the \
            current list layout, and prints the tables istioctl ztunnel-config prints. \
            `edges` reads ztunnel's :15020/metrics (or Envoy's /stats/prometheus) instead.
            """,
        subcommands: [
            ZtunnelWorkloadCommand.self, ZtunnelServiceCommand.self, ZtunnelPolicyCommand.self,
            ZtunnelCertificateCommand.self, ZtunnelConnectionsCommand.self, ZtunnelAllCommand.self, ZtunnelEdgesCommand.self,
        ],
        aliases: ["zc"]
    )

    public init() {}
}

/// Options every dump view takes.
struct ZtunnelDumpOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Read live from this ztunnel pod (POD or POD.NAMESPACE); without it and without --file, a ztunnel is picked (the one on --node if given).", valueName: "ztunnel-pod"))
    var pod: String?

    @Option(name: [.short, .long], help: ArgumentHelp("ztunnel /config_dump output: a path, or - for stdin.", valueName: "path"))
    var file: String?

    @OptionGroup var source: SourceOptions

    /// `-n/--namespace` (the connection flag) doubles as the namespace filter, as in istioctl.
    var namespace: String? { source.connection.namespace }

    @Option(name: .long, help: "Only this workload (pod name).")
    var workloadName: String?

    @Option(name: .long, help: "Only workloads on this node (live: also reads the ztunnel on this node).")
    var node: String?

    @Option(name: .long, help: "Only the workload with this IP.")
    var address: String?

    @OptionGroup var output: OutputOptions

    func filter(direction: ZtunnelFilter.Direction? = nil) -> ZtunnelFilter {
        ZtunnelFilter(namespace: namespace, workloadName: workloadName, node: node, address: address, direction: direction)
    }

    func validate() throws {
        if file != nil && pod != nil { throw ValidationError("give either ZTUNNEL_POD[.NAMESPACE] or --file, not both") }
    }

    /// Loads the dump (the file, or a ztunnel's `/config_dump` through the source), prints
    /// the view, then reports problems (exit 1 if any).
    func run(_ body: (ZtunnelIndex, OutputOptions) throws -> Void) async throws {
        let loaded: LoadedInput<ZtunnelDump>
        if let file {
            loaded = try ZtunnelInput.load(file)
        } else {
            let (bytes, name) = try await source.withSource { s in
                let ref = try await Self.ztunnel(pod, node: node, source: s, defaultNamespace: source.defaultNamespace(s))
                return (try await s.admin(ref, .ztunnelConfigDump), ref.description)
            }
            loaded = try ZtunnelInput.load(bytes: bytes, name: name)
        }
        try body(ZtunnelIndex(loaded.value), output)
        try Problems.finish(loaded.problems)
    }

    /// The ztunnel to read, as istioctl picks it: the pod given (a name without `.NS` is
    /// looked up among the ztunnels, which live in istio-system, not in `-n`), else the
    /// ztunnel on `node`, else the first ztunnel.
    static func ztunnel(_ pod: String?, node: String?, source: any MeshSource, defaultNamespace: String) async throws -> PodReference {
        if let pod, pod.contains(".") { return PodReference(pod, defaultNamespace: defaultNamespace) }
        let ztunnels = try await source.proxies(.ztunnel)
        if let pod {
            if let z = ztunnels.first(where: { $0.name == pod }) { return PodReference(name: z.name, namespace: z.namespace) }
            return PodReference(pod, defaultNamespace: defaultNamespace)
        }
        if let node {
            guard let z = ztunnels.first(where: { $0.node == node }) else {
                let nodes = ztunnels.map(\.node).filter { !$0.isEmpty }
                throw CLIError(.badInput, "no ztunnel runs on node \(node)\(nodes.isEmpty ? "" : " (ztunnels run on \(nodes.joined(separator: ", ")))")")
            }
            return PodReference(name: z.name, namespace: z.namespace)
        }
        // istio-system's pods refused: say so, not "no ztunnel".
        guard let z = ztunnels.first else { throw CLIError(controlPlane: await source.controlPlaneMissing(.ztunnel)) }
        return PodReference(name: z.name, namespace: z.namespace)
    }
}

/// istioctl prints ztunnel JSON with four-space indents.
let ztunnelJSONIndent = 4

struct ZtunnelWorkloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload", abstract: "Workloads ztunnel knows: address, node, waypoint, protocol.",
        aliases: ["workloads", "w"])

    @OptionGroup var options: ZtunnelDumpOptions

    func run() async throws {
        try await options.run { index, out in
            let selected = ZtunnelViews.workloads(index, filter: options.filter())
            out.emit(
                table: ZtunnelViews.workloadTable(selected, index: index),
                data: .array(selected.map { .json($0.raw) }), jsonIndent: ztunnelJSONIndent)
        }
    }
}

struct ZtunnelServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service", abstract: "Services ztunnel knows: VIPs, waypoint, healthy endpoints.",
        aliases: ["services", "svc", "s"])

    @OptionGroup var options: ZtunnelDumpOptions

    func run() async throws {
        try await options.run { index, out in
            let selected = ZtunnelViews.services(index, filter: options.filter())
            out.emit(
                table: ZtunnelViews.serviceTable(selected, index: index),
                data: .array(selected.map { .json($0.raw) }), jsonIndent: ztunnelJSONIndent)
        }
    }
}

struct ZtunnelPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Authorization policies ztunnel enforces.", aliases: ["policies", "pol", "p"])

    @OptionGroup var options: ZtunnelDumpOptions

    func run() async throws {
        try await options.run { index, out in
            let selected = ZtunnelViews.policies(index, filter: options.filter())
            out.emit(table: ZtunnelViews.policyTable(selected), data: .array(selected.map { .json($0.raw) }), jsonIndent: ztunnelJSONIndent)
        }
    }
}

struct ZtunnelCertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "ztunnel's certificates: chain, state, serial, validity.",
        aliases: ["certificates", "certs", "cert"])

    @OptionGroup var options: ZtunnelDumpOptions
    @OptionGroup var clock: ClockOption

    func run() async throws {
        let now = try clock.date()
        try await options.run { index, out in
            let selected = ZtunnelViews.certificates(index, filter: options.filter())
            out.emit(
                table: ZtunnelViews.certificateTable(ZtunnelViews.certificateRows(selected), now: now),
                data: .array(selected.map { .json($0.raw) }), jsonIndent: ztunnelJSONIndent)
        }
    }
}

struct ZtunnelConnectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections", abstract: "Open connections of the workloads on ztunnel's node.", aliases: ["cons"])

    @OptionGroup var options: ZtunnelDumpOptions

    @Option(name: .long, help: "Only inbound or outbound connections.")
    var direction: ZtunnelFilter.Direction?

    @Flag(name: .long, help: "Show IP addresses instead of service and workload names.")
    var raw = false

    func run() async throws {
        try await options.run { index, out in
            let states = ZtunnelViews.workloadStates(index, filter: options.filter())
            let rows = ZtunnelViews.connectionRows(states, index: index, direction: direction, raw: raw)
            out.emit(table: ZtunnelViews.connectionTable(rows), data: .array(states.map { .json($0.raw) }), jsonIndent: ztunnelJSONIndent)
        }
    }
}

extension ZtunnelFilter.Direction: ExpressibleByArgument {}

struct ZtunnelAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Workloads, services, policies, certificates and connections.")

    @OptionGroup var options: ZtunnelDumpOptions
    @OptionGroup var clock: ClockOption

    @Flag(name: .long, help: "Title each section (------ WORKLOAD INFO ------).")
    var withHeaders = false

    func run() async throws {
        let now = try clock.date()
        try await options.run { index, out in
            let filter = options.filter()
            switch out.output {
            case .table, .short, .wide:
                let sections = ZtunnelViews.allSections(index, filter: filter, now: now)
                Console.current.write(ZtunnelViews.renderAll(sections, withHeaders: withHeaders, wide: out.isWide))
            case .json, .yaml:
                let data = allData(index, filter: filter)
                out.emit(table: Table(columns: []), data: data, jsonIndent: ztunnelJSONIndent)
            }
        }
    }

    /// The whole dump as given (what istioctl prints); with filters, the filtered sections.
    func allData(_ index: ZtunnelIndex, filter: ZtunnelFilter) -> JSONTree {
        let dump = index.dump
        if filter.isEmpty, let root = dump.root { return .json(root) }
        var pairs: [(String, JSONTree)] = [
            ("workloads", .array(ZtunnelViews.workloads(index, filter: filter).map { .json($0.raw) })),
            ("services", .array(ZtunnelViews.services(index, filter: filter).map { .json($0.raw) })),
            ("policies", .array(ZtunnelViews.policies(index, filter: filter).map { .json($0.raw) })),
            ("certificates", .array(ZtunnelViews.certificates(index, filter: filter).map { .json($0.raw) })),
        ]
        let states = ZtunnelViews.workloadStates(index, filter: filter)
        pairs.append((
            "workloadState",
            states.allSatisfy { !$0.key.isEmpty } ? .object(states.map { ($0.key, .json($0.raw)) }) : .array(states.map { .json($0.raw) })))
        if let s = dump.staticConfig { pairs.append(("staticConfig", .json(s))) }
        if let v = dump.version { pairs.append(("version", .json(v.raw))) }
        if let c = dump.config { pairs.append(("config", .json(c))) }
        for (k, v) in dump.otherSections { pairs.append((k, .json(v))) }
        return .object(pairs)
    }
}
