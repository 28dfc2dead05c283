import ArgumentParser
import Foundation
import MeshModel

/// `meshscope proxy-status`: istioctl's proxy-status over saved istiod sync status.
public struct ProxyStatusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "proxy-status",
        abstract: "Which istiod each proxy is connected to, and whether its xDS types are in sync.",
        discussion: """
            --file takes istiod's /debug/syncz (port 15014) or a CSDS DiscoveryResponse of \
            ClientConfigs (istioctl proxy-status -o json); give it once per istiod. Name the istiod \
            with NAME=PATH when the file does not (syncz never does; the file name is used). \
            -v 1 shows every xDS type: SYNCED, STALE, ERROR (with the age of the last push when \
            known), NOT SENT, IGNORED. --connections adds istiod's /debug/connections to -o wide.
            """,
        aliases: ["ps"])

    @Option(name: [.short, .long], help: ArgumentHelp("Sync status of one istiod: [NAME=]PATH, or - for stdin. Repeatable.", valueName: "path"))
    var file: [String]

    @Option(name: [.customShort("v"), .long], help: "1 for a column per xDS type.")
    var verbosity: Int = 0

    @Option(name: .long, help: "Only proxies of this namespace.")
    var namespace: String?

    @Option(name: .long, help: ArgumentHelp("istiod's /debug/connections, for ADDRESS and CONNECTED in -o wide. Repeatable.", valueName: "path"))
    var connections: [String] = []

    @OptionGroup var output: OutputOptions
    @OptionGroup var clock: ClockOption

    public init() {}

    public func validate() throws {
        if file.isEmpty { throw ValidationError("give at least one --file") }
    }

    public func run() throws {
        let now = try clock.date()
        var proxies: [ProxySyncStatus] = []
        var problems: [String] = []
        for spec in file {
            let (name, path) = Self.split(spec)
            let display = InputFile.displayName(path)
            let (doc, parseProblems) = try ZtunnelInput.parseJSON(path)
            problems += parseProblems
            let syncz = IstiodSyncz.decode(doc, istiod: name ?? Self.defaultName(path))
            proxies += syncz.proxies
            problems += syncz.issues.map { "\(display): \($0)" }
        }
        var clients: [String: IstiodConnections.Client]?
        if !connections.isEmpty {
            var all = IstiodConnections()
            for path in connections {
                let (doc, parseProblems) = try ZtunnelInput.parseJSON(path)
                problems += parseProblems
                let c = IstiodConnections.decode(doc)
                all.clients += c.clients
                problems += c.issues.map { "\(InputFile.displayName(path)): \($0)" }
            }
            clients = all.byProxyID
        }
        let selected = ProxyStatusView.select(proxies, namespace: namespace)
        if selected.isEmpty && problems.isEmpty {
            throw CLIError(.badInput, "no proxies found (checked \(file.count) istiod\(file.count == 1 ? "" : "s"))")
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
