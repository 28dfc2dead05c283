import Foundation

/// What a run of the rules found, and which rules could not run.
public struct FindingsReport: Sendable {
    public struct NotEvaluated: Sendable, Hashable {
        public var code: String
        public var title: String
        public var reason: String
    }

    /// Sorted: most severe first, then by code, then by the objects named.
    public var findings: [Finding] = []
    public var notEvaluated: [NotEvaluated] = []
    /// Codes of the rules that ran.
    public var evaluated: [String] = []

    public init() {}

    public func count(_ severity: FindingSeverity) -> Int {
        findings.reduce(0) { $0 + ($1.severity == severity ? 1 : 0) }
    }
}

/// Runs rules over facts. Pure: the TUI calls it off the render path after a refresh, the
/// CLI once.
public enum FindingsEngine {
    /// The code of the finding that says a rule failed on odd data.
    public static let ruleFailedCode = "MS0000"

    /// `parallel`: the rules are independent and pure, so a one-shot `check` runs them on
    /// every core (outcomes gathered in the rules' order: the report a loop gives). The TUI's
    /// re-evaluation after each refresh and the apply preview stay on one thread, leaving the
    /// other core to the render loop.
    public static func evaluate(_ facts: MeshFacts, rules: [FindingRule] = FindingRules.all,
                                options: FindingOptions = FindingOptions(), parallel: Bool = false) -> FindingsReport {
        var report = FindingsReport()
        let outcomes = parallel ? rules.concurrentMap { rule in outcome(of: rule, facts, options) }
                                : rules.map { rule in outcome(of: rule, facts, options) }
        for (rule, outcome) in zip(rules, outcomes) {
            switch outcome {
            case .notEvaluated(let reason):
                report.notEvaluated.append(.init(code: rule.code, title: rule.title, reason: reason))
            case .found(let findings):
                report.findings += findings
                report.evaluated.append(rule.code)
            case .failed(let error):
                report.findings.append(Finding(
                    code: ruleFailedCode, severity: .warning, title: "Rule could not be evaluated",
                    objects: [], message: "\(rule.code) \(rule.title): \(error)",
                    evidence: [FindingEvidence("rule \(rule.code)", error)]))
            }
        }
        link(&report.findings)
        report.findings.sort(by: order)
        return report
    }

    /// What running one rule gave.
    enum Outcome: Sendable {
        case notEvaluated(String)
        case found([Finding])
        /// The error, as text.
        case failed(String)
    }

    static func outcome(of rule: FindingRule, _ facts: MeshFacts, _ options: FindingOptions) -> Outcome {
        if let missing = rule.reads.sorted().first(where: { !facts.has($0) }) { return .notEvaluated(facts.reasonMissing(missing)) }
        do { return .found(try rule.evaluate(facts, options)) } catch { return .failed("\(error)") }
    }

    static func order(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.code != b.code { return a.code < b.code }
        return a.id < b.id
    }

    /// Findings of different rules that name the same object, or share a join key
    /// (``Finding/joins``: the destination Service a missing subset, a route to a missing
    /// cluster and an edge's errors are about), point at each other, so the TUI can group a
    /// config mistake with the runtime failure it causes. Indexed by object and key, so
    /// linear in findings (not pairwise).
    ///
    /// A group of at most ``fullLinks`` findings links every pair. A larger one is a key many
    /// findings share: an object (a namespace) links nothing then, but a join key still links
    /// through one representative per code (the first by id), so each finding gains at most
    /// one related id per other code. On a mesh where 6,000 proxies route to the missing
    /// `outbound|…|v2|inventory…` cluster, `MS1101 VirtualService faults/inventory` names one
    /// of the 6,000 MS0204s, and each MS0204 names the MS1101: bounded by the number of rules,
    /// not quadratic in the findings.
    static func link(_ findings: inout [Finding]) {
        var byKey: [String: [Int]] = [:]
        var joinKeys: Set<String> = []
        for (i, f) in findings.enumerated() {
            for o in Set(f.objects.map(\.description) + f.joins) { byKey[o, default: []].append(i) }
            joinKeys.formUnion(f.joins)
        }
        var related = [Set<String>](repeating: [], count: findings.count)
        for (key, indices) in byKey where indices.count > 1 {
            if indices.count <= fullLinks {
                for i in indices {
                    for j in indices where j != i && findings[j].code != findings[i].code {
                        related[i].insert(findings[j].id)
                    }
                }
            } else if joinKeys.contains(key) {
                var representative: [String: String] = [:]  // code → the least id of that code
                for i in indices {
                    let f = findings[i]
                    if let r = representative[f.code], r <= f.id { continue }
                    representative[f.code] = f.id
                }
                guard representative.count > 1 else { continue }
                for i in indices {
                    for (code, id) in representative where code != findings[i].code { related[i].insert(id) }
                }
            }
        }
        for i in findings.indices where !related[i].isEmpty { findings[i].related = related[i].sorted() }
    }

    /// Findings one key may link pairwise; see ``link(_:)``.
    static let fullLinks = 16
}
