import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope diff A B`: the semantic diff of two Envoy (or two ztunnel) config dumps;
/// `diff --proxy POD1 --proxy POD2` of two proxies read through a source; `diff --istiod
/// --proxy POD` of istiod's view against the proxy's; whole meshes (two sources).
public struct DiffCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two config dumps resource by resource, without the noise.",
        discussion: """
            A and B are Envoy /config_dump files or ztunnel /config_dump files (both of the same \
            kind; - reads stdin). Resources are matched by type and name and compared after \
            normalization: version_info, last_updated, nonces, the order of order-free lists, \
            v2/v2alpha vs v3 type URLs and camelCase vs snake_case keys are not differences \
            (--include-noise shows them). Key material is never printed. \
            --istiod compares istiod's /debug/config_dump?proxyID= (A) with the proxy's config \
            dump (B) the way istioctl proxy-status POD does. Live (a cluster, --demo): --proxy POD1 \
            --proxy POD2 compares two proxies' /config_dump; --istiod --proxy POD compares istiod's \
            /debug/config_dump?proxyID=POD.NS with the proxy's. Exit status: 0 (also when there \
            are differences, unless --exit-code), 1 bad input, 2 usage, 3 differences with --exit-code.
            """)

    @Argument(help: ArgumentHelp("The old dump (with --istiod: istiod's config dump for the proxy).", valueName: "A"))
    var old: String?

    @Argument(help: ArgumentHelp("The new dump (with --istiod: the proxy's config dump).", valueName: "B"))
    var new: String?

    @Option(name: .long, help: ArgumentHelp("A proxy read live (POD or POD.NAMESPACE): twice to compare two proxies, once with --istiod.", valueName: "pod"))
    var proxy: [String] = []

    @OptionGroup var source: SourceOptions

    @Option(name: [.customShort("U"), .long], help: ArgumentHelp("Lines of context in the unified diffs (default 3; 7 with --istiod, as istioctl). A number given to --context means the same.", valueName: "n"))
    var unified: Int?

    /// `-U/--unified`, or a number given to `--context` (the unified-context flag's older
    /// name; `--context NAME` is the kubeconfig context, as in every live command).
    var context: Int? { unified ?? source.connection.context.flatMap { Int($0) } }

    /// Whether `--context` was a number of lines rather than a kubeconfig context.
    var usesContextAsLines: Bool { unified == nil && source.connection.context.flatMap { Int($0) } != nil }

    @Option(name: .long, help: ArgumentHelp("Only this resource type: \((EnvoyDiffSource.types + ZtunnelDiffSource.types).joined(separator: ", ")). Repeatable.", valueName: "type"))
    var type: [String] = []

    @Flag(name: .long, help: "Also show noise: versions, timestamps, list order, key spelling, type URL versions.")
    var includeNoise = false

    @Flag(name: .long, help: "Compare istiod's view (A) with the proxy's (B), printed as istioctl proxy-status POD does.")
    var istiod = false

    @Flag(name: .long, help: "Exit with status 3 when there are differences.")
    var exitCode = false

    @Option(name: [.short, .long], help: "Output format: table (the diff text with a summary), json or yaml (the structured diff).")
    var output: DiffOutputFormat = .table

    public init() {}

    static let typeAliases: [String: String] = [
        "clusters": "cluster", "listeners": "listener", "routes": "route", "endpoints": "endpoint", "secrets": "secret",
        "workloads": "workload", "services": "service", "policies": "policy", "scopedroutes": "scopedroute",
    ]

    public func validate() throws {
        guard (context ?? 0) >= 0 else { throw ValidationError("--context must be 0 or more") }
        switch (old, new, proxy.count) {
        case (.some, .some, 0): break
        case (.some, .some, 1) where !istiod: break  // one proxy out of two snapshots
        case (nil, nil, 2) where !istiod: break
        case (nil, nil, 1) where istiod: break
        case (_, _, 0): throw ValidationError("give two dumps A B, or --proxy POD1 --proxy POD2 (live), or --istiod --proxy POD")
        default: throw ValidationError(istiod ? "--istiod compares A B files, or one --proxy POD live" : "--proxy compares two proxies: give it twice, without files")
        }
        let known = Set(EnvoyDiffSource.types + ZtunnelDiffSource.types)
        for t in type where !known.contains(Self.typeAliases[t] ?? t) {
            throw ValidationError("--type \(t): expected one of \(known.sorted().joined(separator: ", "))")
        }
    }

    public func run() async throws {
        let console = Console.current
        let color = console.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        var live = source
        if usesContextAsLines { live.connection.context = nil }
        if istiod, let pod = proxy.first {
            let differs = try await ProxyStatusCompare.run(pod, source: live, context: context ?? 7, color: color, exitCode: exitCode)
            if exitCode && differs { throw ExitCode(3) }
            return
        }
        let (a, b): (DiffInput, DiffInput)
        if proxy.count == 2 {
            (a, b) = try await Self.loadLive(proxy[0], proxy[1], source: live)
        } else if let old, let new {
            if proxy.count == 1 {
                guard MeshDiffCLI.isSnapshot(old) && MeshDiffCLI.isSnapshot(new) else {
                    throw CLIError(.usage, "--proxy POD with A B picks one proxy out of two snapshot files; \(MeshDiffCLI.isSnapshot(old) ? new : old) is not a snapshot")
                }
                (a, b) = try await Self.loadFromSnapshots(old, new, proxy: proxy[0], namespace: source.connection.namespace)
            } else if MeshDiffCLI.isSnapshot(old) && MeshDiffCLI.isSnapshot(new) {
                var options = DiffOptions(includeNoise: includeNoise, context: context ?? 3)
                if !type.isEmpty { options.types = Set(type.map { Self.typeAliases[$0] ?? $0 }) }
                let (x, y) = (try await MeshDiffCLI.openSnapshot(old), try await MeshDiffCLI.openSnapshot(new))
                let differs = try await MeshDiffCLI.run(x, y, options: options, format: output)
                await x.close()
                await y.close()
                if exitCode && differs { throw ExitCode(3) }
                return
            } else {
                (a, b) = try DiffInput.loadBoth(old, new)
            }
        } else {
            throw CLIError(.usage, "give two dumps A B, or --proxy POD1 --proxy POD2")
        }
        if istiod {
            guard case .envoy(let istiodDump) = a.kind, case .envoy(let envoyDump) = b.kind else {
                throw CLIError(.badInput, "--istiod compares two Envoy config dumps; \(a.kind.isEnvoy ? b.source : a.source) is a ztunnel dump")
            }
            let text = IstiodEnvoyComparison.render(istiod: istiodDump, envoy: envoyDump, context: context ?? 7, color: color)
            console.writeStyled(text)
            try a.finish()
            try b.finish()
            if exitCode && text.contains("Don't Match") { throw ExitCode(3) }
            return
        }
        let resources: ([DiffResource], [DiffResource])
        switch (a.kind, b.kind) {
        case (.envoy(let x), .envoy(let y)): resources = (EnvoyDiffSource.resources(x), EnvoyDiffSource.resources(y))
        case (.ztunnel(let x), .ztunnel(let y)): resources = (ZtunnelDiffSource.resources(x), ZtunnelDiffSource.resources(y))
        default:
            throw CLIError(.badInput, "\(a.source) is \(a.kind.describe) but \(b.source) is \(b.kind.describe): compare dumps of the same kind")
        }
        var options = DiffOptions(includeNoise: includeNoise, context: context ?? 3)
        if !type.isEmpty { options.types = Set(type.map { Self.typeAliases[$0] ?? $0 }) }
        var result = ConfigDiff.compare(resources.0, resources.1, options: options)
        result.labels = proxy.count == 2 ? (a.source, b.source) : ("a", "b")
        switch output {
        case .table: console.writeStyled(DiffPrinter.render(result, DiffPrinter.Options(color: color)))
        case .json: console.write(JSONWriter.bytes(DiffPrinter.structured(result)))
        case .yaml: console.write(YAMLWriter.string(DiffPrinter.structured(result)))
        }
        try a.finish()
        try b.finish()
        if exitCode && result.hasDifferences { throw ExitCode(3) }
    }
}

extension DiffCommand {
    /// Two proxies' `/config_dump`, read at once through the source, decoded as files are.
    /// `diff A.json B.json --proxy POD[.NS]`: that proxy's config dump in each snapshot.
    static func loadFromSnapshots(_ old: String, _ new: String, proxy: String, namespace: String?) async throws -> (DiffInput, DiffInput) {
        let x = try await MeshDiffCLI.openSnapshot(old)
        let y = try await MeshDiffCLI.openSnapshot(new)
        defer { Task { await x.close(); await y.close() } }
        func dump(_ s: any MeshSource, _ file: String) async throws -> DiffInput {
            let ref = PodReference(proxy, defaultNamespace: namespace ?? s.info.namespace)
            let request: AdminRequest = (try? await s.proxies())?.first { $0.name == ref.name && $0.namespace == ref.namespace }?.kind == .ztunnel
                ? .ztunnelConfigDump : .configDump
            do {
                return try DiffInput.decode(try await s.admin(ref, request), source: "\(file) \(ref)")
            } catch let e as MeshSourceError {
                throw CLIError(.badInput, "\(file): \(e.message)")
            }
        }
        return (try await dump(x, old), try await dump(y, new))
    }

    static func loadLive(_ first: String, _ second: String, source: SourceOptions) async throws -> (DiffInput, DiffInput) {
        let (x, y, nx, ny) = try await source.withSource { s in
            let ra = PodReference(first, defaultNamespace: source.defaultNamespace(s))
            let rb = PodReference(second, defaultNamespace: source.defaultNamespace(s))
            async let a = s.admin(ra, .configDump)
            async let b = s.admin(rb, .configDump)
            return (try await a, try await b, ra.description, rb.description)
        }
        return (try DiffInput.decode(x, source: nx), try DiffInput.decode(y, source: ny))
    }
}

public enum DiffOutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, yaml
}

/// One side of a diff: an Envoy or a ztunnel config dump, told apart by its shape.
struct DiffInput {
    enum Kind {
        case envoy(EnvoyConfigDump)
        case ztunnel(ZtunnelDump)

        var isEnvoy: Bool { if case .envoy = self { return true } else { return false } }
        var describe: String { isEnvoy ? "an Envoy config dump" : "a ztunnel config dump" }
    }

    let kind: Kind
    let source: String
    /// Decode problems; `fatal` ones lost part of a section (exit 1 after the output).
    let warnings: [(message: String, fatal: Bool)]

    /// Reads and decodes both sides at once (two 100 MB dumps parse in parallel on two cores).
    /// With `-` on either side the reads stay sequential: stdin is read once.
    static func loadBoth(_ a: String, _ b: String) throws(CLIError) -> (DiffInput, DiffInput) {
        if a == "-" || b == "-" { return (try load(a), try load(b)) }
        let console = Console.current
        let results = DiffLoadResults()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = Console.$current.withValue(console) { () -> Result<DiffInput, CLIError> in
                do throws(CLIError) { return .success(try load(i == 0 ? a : b)) } catch { return .failure(error) }
            }
            results.set(i, r)
        }
        return (try results.get(0).get(), try results.get(1).get())
    }

    static func load(_ path: String) throws(CLIError) -> DiffInput {
        try decode(try InputFile.read(path), source: InputFile.displayName(path))
    }

    /// Decodes either side from bytes read anywhere (a file, a pod through a source).
    static func decode(_ bytes: [UInt8], source: String) throws(CLIError) -> DiffInput {
        let document = try InputFile.jsonDocument(bytes, source: source)
        if document.root.isObject, document.root["configs"] != nil {
            do {
                let dump = try EnvoyConfigDump(document: document)
                return DiffInput(kind: .envoy(dump), source: source, warnings: dump.warnings.map { ($0.description, $0.kind == .wrongShape) })
            } catch {
                throw .badInput(source, error.description)
            }
        }
        let z = ZtunnelDump.decode(document)
        let known = ["workloads", "services", "policies", "certificates", "workloadState", "workload_state"]
        guard document.root.isObject, document.root.members.contains(where: { known.contains($0.key) }) else {
            throw .badInput(source, "neither an Envoy config dump (no \"configs\") nor a ztunnel config dump (no workloads, services or policies)")
        }
        return DiffInput(kind: .ztunnel(z), source: source, warnings: z.issues.map { ($0.description, true) })
    }

    /// Decode problems: the diff of what decoded was printed; they are reported after it (exit 1).
    func finish() throws(CLIError) {
        let fatal = warnings.last { $0.fatal }
        for w in warnings where w.message != fatal?.message {
            Console.current.error("meshscope: \(source): warning: \(w.message)")
        }
        if let fatal { throw .badInput(source, fatal.message) }
    }
}

/// The two loads of ``DiffInput/loadBoth(_:_:)``, filled from two threads.
private final class DiffLoadResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<DiffInput, CLIError>] = [:]

    func set(_ i: Int, _ r: Result<DiffInput, CLIError>) { lock.withLock { results[i] = r } }
    func get(_ i: Int) -> Result<DiffInput, CLIError> { lock.withLock { results[i]! } }
}
