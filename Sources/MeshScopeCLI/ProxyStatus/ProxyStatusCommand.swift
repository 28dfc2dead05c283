import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope proxy-status`: istioctl's proxy-status over istiod's sync status (live from
/// every istiod, or saved with --file), and `proxy-status POD[.NS]`: istiod's view of one
/// proxy's config against the proxy's own.
public struct ProxyStatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "proxy-status",
        abstract: "Which istiod each proxy is connected to, and whether its xDS types are in sync.",
        discussion: """
            --file takes istiod's /debug/syncz (port 15014) or a CSDS DiscoveryResponse of \
            ClientConfigs (istioctl proxy-status -o json); give it once per istiod. Name the istiod \
            with NAME=PATH when the file does not (syncz never does; the file name is used). \
            -v 1 shows every xDS type: SYNCED, STALE, ERROR (with the age of the last push when \
            known), NOT SENT, IGNORED. --connections adds istiod's /debug/connections to -o wide. \
            Without --file, every istiod's /debug/syncz is read live (and /debug/connections for \
            -o wide), for the proxies of the kubeconfig context's namespace when the context \
            names one (-A for every proxy, -n NS for one namespace). With POD[.NAMESPACE], istiod's /debug/config_dump?proxyID=POD.NS is compared \
            with the proxy's /config_dump: Clusters, Listeners, Routes Match or Don't Match, \
            without istioctl's spurious differences.
            """,
        aliases: ["ps"])

    @Argument(help: ArgumentHelp("Compare istiod's config for this proxy with the proxy's own (POD or POD.NAMESPACE).", valueName: "pod"))
    var pod: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Sync status of one istiod: [NAME=]PATH, or - for stdin. Repeatable.", valueName: "path"))
    var file: [String] = []

    @Option(name: [.customShort("v"), .long], help: "1 for a column per xDS type.")
    var verbosity: Int = 0

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: ArgumentHelp("istiod's /debug/connections, for ADDRESS and CONNECTED in -o wide. Repeatable.", valueName: "path"))
    var connections: [String] = []

    @OptionGroup var output: OutputOptions
    @OptionGroup var clock: ClockOption

    public init() {}

    public func validate() throws {
        if pod != nil && !file.isEmpty { throw ValidationError("give either POD[.NAMESPACE] or --file, not both") }
        if pod != nil && !connections.isEmpty { throw ValidationError("--connections goes with the sync status table, not with POD") }
    }

    public func run() async throws {
        if let pod {
            try await ProxyStatusCompare.run(pod, source: source, exitCode: false)
            return
        }
        // One (name, syncz bytes) per istiod, and their /debug/connections.
        var syncz: [(name: String, display: String, bytes: [UInt8])] = []
        var conns: [(display: String, bytes: [UInt8])] = []
        // Live: the context's namespace unless -n/-A say otherwise; files: -n alone.
        let source = file.isEmpty ? self.source.inContextNamespace() : self.source
        let namespace = source.connection.namespace
        if file.isEmpty {
            let wide = output.output == .wide
            (syncz, conns) = try await source.withSource { s in
                let istiods = try await s.proxies(.istiod)
                // istio-system's pods refused: say so, not "no istiod".
                guard !istiods.isEmpty else { throw CLIError(controlPlane: await s.controlPlaneMissing(.istiod)) }
                var syncz: [(name: String, display: String, bytes: [UInt8])] = []
                var conns: [(display: String, bytes: [UInt8])] = []
                for i in istiods {
                    let ref = PodReference(name: i.name, namespace: i.namespace)
                    syncz.append((i.name, ref.description, try await s.admin(ref, .syncz)))
                    if wide { conns.append((ref.description, try await s.admin(ref, .connections))) }
                }
                return (syncz, conns)
            }
        } else {
            for spec in file {
                let (name, path) = Self.split(spec)
                syncz.append((name ?? Self.defaultName(path), InputFile.displayName(path), try InputFile.read(path)))
            }
            for path in connections { conns.append((InputFile.displayName(path), try InputFile.read(path))) }
        }
        let now = try clock.date()
        var proxies: [ProxySyncStatus] = []
        var problems: [String] = []
        for (name, display, bytes) in syncz {
            let (doc, parseProblems) = try ZtunnelInput.parseJSON(bytes: bytes, name: display)
            problems += parseProblems
            let decoded = IstiodSyncz.decode(doc, istiod: name)
            proxies += decoded.proxies
            problems += decoded.issues.map { "\(display): \($0)" }
        }
        var clients: [String: IstiodConnections.Client]?
        if !conns.isEmpty {
            var all = IstiodConnections()
            for (display, bytes) in conns {
                let (doc, parseProblems) = try ZtunnelInput.parseJSON(bytes: bytes, name: display)
                problems += parseProblems
                let c = IstiodConnections.decode(doc)
                all.clients += c.clients
                problems += c.issues.map { "\(display): \($0)" }
            }
            clients = all.byProxyID
        }
        let selected = ProxyStatusView.select(proxies, namespace: namespace)
        if selected.isEmpty && problems.isEmpty {
            throw CLIError(.badInput, "no proxies found (checked \(syncz.count) istiod\(syncz.count == 1 ? "" : "s"))")
        }
        output.emit(
            table: ProxyStatusView.table(selected, verbose: verbosity > 0, now: now, connections: clients),
            data: ProxyStatusView.output(selected), jsonIndent: 4, keyStyle: .protoJSON)
        try Problems.finish(problems)
    }

    /// `istiod-1=/tmp/syncz.json` → ("istiod-1", path); a plain path has no name.
    static func split(_ spec: String) -> (String?, String) {
        guard let eq = spec.firstIndex(of: "="), !spec[..<eq].contains("/"), eq != spec.startIndex else { return (nil, spec) }
        return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
    }

    /// The file name without directory and extension (`istiod-1.json` → `istiod-1`).
    static func defaultName(_ path: String) -> String {
        if path == "-" { return "istiod" }
        let base = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }
}
