import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope check`: what is wrong in the mesh, most severe first, with the evidence. Runs
/// the findings engine over a live cluster, the demo (`--demo check`), a snapshot, saved
/// admin outputs, or manifests (`-f DIR`: alone, or laid over a cluster so a change is
/// checked before it is applied).
///
/// ```
/// meshscope --demo check
/// meshscope check --snapshot mesh.json.gz -o json --fail-on warning
/// meshscope check -f k8s/ -o wide
/// ```
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Say what is wrong in the mesh: findings with evidence, most severe first.",
        discussion: """
            -f FILE_OR_DIR checks manifests (YAML or JSON, directories recursively, - for stdin): \
            alone, as istioctl analyze --use-kube=false does, or laid over the cluster's objects \
            when a source is named (--demo, --snapshot, --context, --kubeconfig), so a change is \
            checked before it is applied; unreadable documents are listed on stderr and make the \
            exit status 1. -f also takes saved admin outputs (config dumps, /clusters, ztunnel \
            dumps, syncz). Otherwise reads Kubernetes objects, istiod's sync state, every Envoy's /clusters and two stats \
            reads (--stats-interval apart), ztunnel state and metrics, and config dumps (all of \
            them with --dumps all; by default only when the mesh has at most 200 Envoys). A rule \
            whose inputs the source lacks is listed as not evaluated, with the reason. On a \
            cluster, without -n or -A, the findings are those of the kubeconfig context's \
            namespace when it names one (as istioctl analyze), else of every namespace. Exit \
            status: 0 when no finding is at or above --fail-on (default error), 3 when there is \
            one, 1 when the source cannot be read, 2 for usage errors. docs/findings.md lists \
            every rule.
            """)

    @OptionGroup var source: SourceOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Manifests to check (a YAML/JSON file, a directory, - for stdin), or saved admin outputs (a config dump, /clusters?format=json, a ztunnel dump, istiod's /debug/syncz; [POD.NAMESPACE=]PATH). Repeatable.", valueName: "path"))
    var file: [String] = []
    @OptionGroup var output: OutputOptions
    @OptionGroup var clock: ClockOption

    @Option(help: ArgumentHelp("Show findings of this severity and worse: info, warning or error.", valueName: "severity"))
    var severity: FindingSeverity = .info

    @Option(help: ArgumentHelp("Only these codes, comma-separated (MS0101,MS0205).", valueName: "codes"))
    var code: String?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 3 when a shown finding is this severe or worse: info, warning, error, or none.", valueName: "severity"))
    var failOn: String = "error"

    @Option(help: ArgumentHelp("Config dumps to read: auto (when at most 200 Envoys), all, or none.", valueName: "which"))
    var dumps: String = "auto"

    @Option(name: .customLong("stats-interval"), help: ArgumentHelp("Seconds between the two stats reads on a live source (0: one read, no rate rules).", valueName: "seconds"))
    var statsInterval: Double = 2

    @Option(name: .customLong("stale-grace"), help: ArgumentHelp("Seconds a proxy may be STALE, or lack CDS/LDS, before it is a finding.", valueName: "seconds"))
    var staleGrace: Double = 30

    @Option(name: .customLong("cert-expiry"), help: ArgumentHelp("Warn about certificates expiring within this many days.", valueName: "days"))
    var certExpiryDays: Double = 7

    @Option(name: .customLong("error-ratio"), help: ArgumentHelp("Share of failed requests or connections (0.1 = 10%) above which a cluster or edge is a finding.", valueName: "ratio"))
    var errorRatio: Double = 0.1

    @Option(name: .customLong("min-rate"), help: ArgumentHelp("Requests per second below which failure shares are not judged.", valueName: "rate"))
    var minRate: Double = 0.1

    @Option(name: .customLong("min-requests"), help: ArgumentHelp("Requests an edge's rate window must hold for its failure share to be judged by rates (fewer: by the totals since start).", valueName: "count"))
    var minRequests: Double = 20

    @Option(name: .customLong("rbac-denied-rate"), help: ArgumentHelp("RBAC denials per second on one proxy above which it is a finding.", valueName: "rate"))
    var rbacDeniedRate: Double = 0.1

    public init() {}

    public func validate() throws {
        if Self.failSeverity(failOn) == nil && failOn != "none" { throw ValidationError("--fail-on: expected info, warning, error or none") }
        if !["auto", "all", "none"].contains(dumps) { throw ValidationError("--dumps: expected auto, all or none") }
        for (name, v) in [("--stats-interval", statsInterval), ("--stale-grace", staleGrace), ("--cert-expiry", certExpiryDays),
                          ("--error-ratio", errorRatio), ("--min-rate", minRate), ("--min-requests", minRequests), ("--rbac-denied-rate", rbacDeniedRate)] where !(v.isFinite && v >= 0) {
            throw ValidationError("\(name) must be a number of at least 0")
        }
        let dumps = CheckManifests.split(file).dumps
        if !dumps.isEmpty, source.snapshot != nil { throw ValidationError("give either --file (admin outputs) or --snapshot, not both") }
        if statsInterval > 600 { throw ValidationError("--stats-interval must be at most 600 seconds") }
        if errorRatio > 1 { throw ValidationError("--error-ratio is a share: at most 1") }
    }

    static func failSeverity(_ s: String) -> FindingSeverity? { FindingSeverity(rawValue: s) }

    var options: FindingOptions {
        var o = FindingOptions()
        o.staleGrace = staleGrace
        o.certificateExpiryWarning = certExpiryDays * 86_400
        o.errorRatio = errorRatio
        o.minimumRate = minRate
        o.minimumRequests = minRequests
        o.rbacDeniedRate = rbacDeniedRate
        return o
    }

    var filter: FindingsFilter {
        let codes = Set((code ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })
        let ns = source.connection.allNamespaces ? nil : source.connection.namespace
        return FindingsFilter(minimumSeverity: severity, codes: codes, namespace: ns)
    }

    public func run() async throws {
        // On a cluster: the context's namespace unless -n/-A say otherwise, as istioctl
        // analyze does (files alone have no context to take one from).
        let inputs = CheckManifests.split(file)
        var scoped = self
        if inputs.dumps.isEmpty && (inputs.manifests.isEmpty || CheckManifests.hasClusterSource(source)) {
            scoped.source = source.inContextNamespace()
        }
        try await scoped.evaluate(inputs)
    }

    func evaluate(_ inputs: (manifests: [String], dumps: [String])) async throws {
        let fixedNow = try clock.now.map { _ in try clock.date() }
        let dumpPolicy: MeshFactsCollector.Options.Dumps = dumps == "all" ? .all : dumps == "none" ? .none : .auto(limit: 200)
        let collectOptions = MeshFactsCollector.Options(dumps: dumpPolicy, statsInterval: statsInterval, concurrency: source.concurrency)
        let manifests = inputs.manifests.isEmpty ? nil
            : ManifestFacts.load(paths: inputs.manifests, namespace: source.connection.namespace ?? "default", stdin: { (try? InputFile.read("-")) ?? [] })
        var facts: MeshFacts
        var rules = FindingRules.all
        if !inputs.dumps.isEmpty || (manifests != nil && !CheckManifests.hasClusterSource(source)) {
            if inputs.dumps.isEmpty {
                // Files alone: only the rules that read objects can say anything.
                facts = MeshFacts(now: fixedNow ?? Date(), kube: manifests?.facts)
                rules = CheckManifests.fileRules(rules)
            } else {
                facts = try CheckFiles.facts(inputs.dumps, now: fixedNow ?? Date(), kube: manifests?.facts)
            }
        } else {
            facts = try await source.withSource(snapshotKeep: MeshFactsCollector.snapshotKeep(collectOptions)) { s in
                // A snapshot is judged as of when it was taken: its certificates and STALE ages then.
                let at = fixedNow ?? s.info.takenAt
                return await MeshFactsCollector.collect(source: s, options: collectOptions, now: { at ?? Date() })
            }
            // The files replace the cluster's objects of the same kind, namespace and name.
            if let manifests, let kube = facts.kube { facts.kube = ManifestFacts.merge(manifests.facts, over: kube) }
        }
        let report = FindingsEngine.evaluate(facts, rules: rules, options: options, parallel: true)
        let shown = report.findings.filter(filter.includes)
        let console = Console.current
        for p in manifests?.problems ?? [] { console.error(p.description) }
        let skipped = FindingRules.all.filter { r in !rules.contains { $0.code == r.code } }
        Self.print(report, shown: shown, format: output.output, manifests: manifests.map { ($0, skipped) })
        if manifests?.problems.isEmpty == false { throw ExitCode(1) }
        if let threshold = Self.failSeverity(failOn), shown.contains(where: { $0.severity >= threshold }) { throw ExitCode(3) }
    }

    static func print(_ report: FindingsReport, shown: [Finding], format: OutputFormat, manifests: (ManifestFacts, skipped: [FindingRule])? = nil) {
        let console = Console.current
        var document: JSONTree {
            let doc = FindingsOutput.document(report, shown: shown)
            guard let manifests, case .object(var members) = doc else { return doc }
            members["manifests"] = CheckManifests.node(manifests.0, skippedRules: manifests.skipped)
            return .object(members)
        }
        switch format {
        case .table, .short, .wide:
            if shown.isEmpty {
                console.write("No findings.\n")
            } else {
                console.write(FindingsOutput.table(shown).render(wide: format == .wide))
            }
            console.write(FindingsOutput.footer(report, shown: shown))
            if let manifests { console.write(CheckManifests.summary(manifests.0, skippedRules: manifests.skipped.count)) }
        case .json: console.write(JSONWriter.bytes(document, indent: 2))
        case .yaml: console.write(YAMLWriter.string(document))
        }
    }
}

extension FindingSeverity: ExpressibleByArgument {}
