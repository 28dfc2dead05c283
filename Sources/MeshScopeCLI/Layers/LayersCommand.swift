import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope layers`: which hop terminates and originates TCP, TLS, HTTP and HBONE, with
/// the configuration that says so.
public struct LayersCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Which hop terminates TCP, TLS, HTTP and HBONE, and which config says so.",
        discussion: """
            One proxy: --file DUMP with --inbound PORT (or HOST:PORT / IP:PORT) or --outbound \
            HOST:PORT. A path: --ztunnel ZDUMP --from POD[.NS] --to HOST:PORT, with --proxy \
            POD.NS=DUMP for each sidecar or waypoint whose config dump you have. Without --ztunnel \
            and --proxy, --from/--to read the mesh live (cluster, --demo): only the dumps on the \
            path are fetched. --via-ingress starts at the ingress gateway. The table has a \
            column per hop and a row per layer; [n] points into the evidence list below it. See \
            docs/layers.md.
            """)

    @Option(name: .long, help: ArgumentHelp("An Envoy /config_dump (or - for stdin).", valueName: "path"))
    var file: String?
    @Option(name: .long, help: ArgumentHelp("Connections arriving for PORT, HOST:PORT or IP:PORT.", valueName: "port"))
    var inbound: String?
    @Option(name: .long, help: ArgumentHelp("The app connecting to HOST:PORT (service name or IP).", valueName: "host:port"))
    var outbound: String?
    @Option(name: .long, help: ArgumentHelp("Destination IP (service VIP) for --outbound/--inbound.", valueName: "ip"))
    var ip: String?
    @Option(name: .long, help: "Request path for route matching.")
    var path: String = "/"
    @Option(name: .long, help: ArgumentHelp("ztunnel /config_dump, for --from/--to.", valueName: "path"))
    var ztunnel: String?
    @Option(name: .long, help: ArgumentHelp("Source workload: POD or POD.NAMESPACE.", valueName: "pod"))
    var from: String?
    @Option(name: .long, help: ArgumentHelp("Destination: HOST:PORT (service or VIP) or POD_IP:PORT.", valueName: "host:port"))
    var to: String?
    @Option(name: .long, help: ArgumentHelp("A proxy's dump for the path: POD.NAMESPACE=PATH. Repeatable.", valueName: "pod.ns=path"))
    var proxy: [String] = []
    @Flag(name: .long, help: "Start at the ingress gateway (--from names it, else the istio=ingressgateway pod); the client is outside the mesh.")
    var viaIngress = false

    @OptionGroup var source: SourceOptions

    /// `--from/--to` without dump files: read the mesh through the source.
    var isLive: Bool { file == nil && ztunnel == nil && proxy.isEmpty }

    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        if file != nil {
            if (inbound == nil) == (outbound == nil) { throw ValidationError("with --file give exactly one of --inbound or --outbound") }
            if from != nil || to != nil { throw ValidationError("--from/--to chain a path; use them without --file") }
        } else {
            if to == nil || (from == nil && !(viaIngress && isLive)) {
                throw ValidationError("give --file with --inbound/--outbound, or --from and --to (live, or with --ztunnel and/or --proxy)")
            }
        }
        if output.output == .yaml || output.output == .wide { throw ValidationError("layers prints -o table or -o json") }
        // Ports are checked here so a bad one is a usage error before any file or cluster is read.
        do {
            if let inbound { _ = try Self.hostPort(inbound, option: "--inbound", portOnly: true) }
            if let outbound { _ = try Self.hostPort(outbound, option: "--outbound", portOnly: false) }
        } catch {
            throw ValidationError(error.message)
        }
        if let to {
            do { _ = try MeshPath.hostPort(to) } catch { throw ValidationError(error.message) }
        }
    }

    public func run() async throws {
        var hops: [HopLayers] = []
        var problems: [String] = []
        if isLive, let to {
            let live = try await LayersLive.run(source: source, from: from, to: to, ingress: viaIngress)
            hops = live.hops
            problems = live.problems
        } else if let file {
            let loaded = try ProxyConfigDump.load(file)
            for w in loaded.dump.warnings { problems.append("\(loaded.source): \(w.description)") }
            let layers = EnvoyLayers(loaded.dump)
            let name = loaded.source
            if let inbound {
                let (host, port) = try Self.hostPort(inbound, option: "--inbound", portOnly: true)
                var attrs = ConnectionAttributes()
                attrs.destinationIP = ip ?? host.flatMap { IPAddress.isLiteral($0) ? $0 : nil }
                let svcHost = host.flatMap { IPAddress.isLiteral($0) ? nil : $0 }
                hops = [layers.inbound(port: port, host: svcHost, attrs: attrs, name: "\(name) inbound :\(port)")]
            } else if let outbound {
                let (host, port) = try Self.hostPort(outbound, option: "--outbound", portOnly: false)
                hops = [layers.outbound(host: host ?? "", port: port, ip: ip, path: path, name: "\(name) outbound \(outbound)")]
            }
        } else if let from, let to {
            var inputs = MeshPathInputs()
            if let ztunnel {
                let z = try ZtunnelInput.load(ztunnel)
                problems += z.problems
                inputs.ztunnel = z.value
            }
            for spec in proxy {
                guard let eq = spec.firstIndex(of: "=") else { throw CLIError(.usage, "--proxy: expected POD.NAMESPACE=PATH, got \(spec)") }
                let key = String(spec[..<eq])
                let loaded = try ProxyConfigDump.load(String(spec[spec.index(after: eq)...]))
                for w in loaded.dump.warnings { problems.append("\(loaded.source): \(w.description)") }
                inputs.proxies[key] = loaded.dump
            }
            do {
                hops = try MeshPath.build(inputs, from: from, to: to, ingress: viaIngress)
            } catch {
                throw CLIError(.usage, error.message)
            }
        }
        let diagram = LayersDiagram(hops: hops)
        let console = Console.current
        switch output.output {
        case .json: console.write(JSONWriter.bytes(diagram.json, indent: 2, keyStyle: .preserve))
        default: console.write(diagram.text)
        }
        let missing = hops.flatMap(\.missing)
        for m in missing { console.error("meshscope: warning: missing: \(m)") }
        try Problems.finish(problems)
    }

    /// `PORT`, `HOST:PORT`, `[v6]:PORT`, the port in 1...65535 (``PortNumber``): `99999999999`,
    /// `-1`, `0` or `65536` are usage errors naming the flag and the value.
    static func hostPort(_ s: String, option: String, portOnly: Bool) throws(CLIError) -> (String?, Int) {
        func port<S: StringProtocol>(_ text: S) throws(CLIError) -> Int {
            guard let p = PortNumber(text: text).number, p > 0 else {
                throw CLIError(.usage, "\(option): port must be 1-65535, got \(text.isEmpty ? "nothing" : String(text))\(text == s ? "" : " in \(s)")")
            }
            return p
        }
        if portOnly, !s.contains(":") { return (nil, try port(s)) }
        guard let colon = s.lastIndex(of: ":") else {
            throw CLIError(.usage, "\(option): expected \(portOnly ? "PORT or " : "")HOST:PORT, got \(s)")
        }
        let port = try port(s[s.index(after: colon)...])
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
