import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope check`: what is wrong in the mesh, most severe first, with the evidence. Runs
/// the findings engine over a live cluster, the demo (`--demo check`), or a snapshot.
///
/// ```
/// meshscope --demo check
/// meshscope check --snapshot mesh.json.gz -o json --fail-on warning
/// ```
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Say what is wrong in the mesh: findings with evidence, most severe first.",
        discussion: """
            Reads Kubernetes objects, istiod's sync state, every Envoy's /clusters and two stats \
            reads (--stats-interval apart), ztunnel state and metrics, and config dumps (all of \
            them with --dumps all; by default only when the mesh has at most 200 Envoys). A rule \
            whose inputs the source lacks is listed as not evaluated, with the reason. Exit \
            status: 0 when no finding is at or above --fail-on (default error), 3 when there is \
            one, 1 when the source cannot be read, 2 for usage errors. docs/findings.md lists \
            every rule.
            """)

    @OptionGroup var source: SourceOptions
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

    @Option(name: .customLong("rbac-denied-rate"), help: ArgumentHelp("RBAC denials per second on one proxy above which it is a finding.", valueName: "rate"))
    var rbacDeniedRate: Double = 0.1

    public init() {}

    public func validate() throws {
        if Self.failSeverity(failOn) == nil && failOn != "none" { throw ValidationError("--fail-on: expected info, warning, error or none") }
        if !["auto", "all", "none"].contains(dumps) { throw ValidationError("--dumps: expected auto, all or none") }
        for (name, v) in [("--stats-interval", statsInterval), ("--stale-grace", staleGrace), ("--cert-expiry", certExpiryDays),
                          ("--error-ratio", errorRatio), ("--min-rate", minRate), ("--rbac-denied-rate", rbacDeniedRate)] where !(v.isFinite && v >= 0) {
            throw ValidationError("\(name) must be a number of at least 0")
        }
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
        o.rbacDeniedRate = rbacDeniedRate
        return o
    }

    var filter: FindingsFilter {
        let codes = Set((code ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })
        let ns = source.connection.allNamespaces ? nil : source.connection.namespace
        return FindingsFilter(minimumSeverity: severity, codes: codes, namespace: ns)
    }

    public func run() async throws {
        let fixedNow = try clock.now.map { _ in try clock.date() }
        let dumpPolicy: MeshFactsCollector.Options.Dumps = dumps == "all" ? .all : dumps == "none" ? .none : .auto(limit: 200)
        let collectOptions = MeshFactsCollector.Options(dumps: dumpPolicy, statsInterval: statsInterval, concurrency: source.concurrency)
        let facts = try await source.withSource { s in
            await MeshFactsCollector.collect(source: s, options: collectOptions, now: { fixedNow ?? Date() })
        }
        let report = FindingsEngine.evaluate(facts, options: options)
        let shown = report.findings.filter(filter.includes)
        Self.print(report, shown: shown, format: output.output)
        if let threshold = Self.failSeverity(failOn), shown.contains(where: { $0.severity >= threshold }) { throw ExitCode(3) }
    }

    static func print(_ report: FindingsReport, shown: [Finding], format: OutputFormat) {
        let console = Console.current
        switch format {
        case .table, .short, .wide:
            if shown.isEmpty {
                console.write("No findings.\n")
            } else {
                console.write(FindingsOutput.table(shown).render(wide: format == .wide))
            }
            console.write(FindingsOutput.footer(report, shown: shown))
        case .json: console.write(JSONWriter.bytes(FindingsOutput.document(report, shown: shown), indent: 2))
        case .yaml: console.write(YAMLWriter.string(FindingsOutput.document(report, shown: shown)))
        }
    }
}

extension FindingSeverity: ExpressibleByArgument {}
