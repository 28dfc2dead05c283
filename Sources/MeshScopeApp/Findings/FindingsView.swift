import Foundation
import MeshModel
import TerminalUI

/// `:findings` (`:check`, `!` from anywhere): what the rules found, most severe first, with
/// the selected finding's evidence in a pane below. A finding another rule's finding is
/// related to (a config mistake and the runtime failure on the same object) sits indented
/// under it; the rules that could not run on this source follow, with the reason. Enter opens
/// the view and row a finding's link points at; `l` (the keymap's flows key) opens the flows
/// of a finding about failing requests (``FindingLink/flows``: the edge or destination and
/// the status or flag it is about) on top.
///
/// ```
/// SEVERITY  CODE      IST  OBJECT                            MESSAGE
/// ERROR     MS0101    -    Proxy reviews-v2-5b6.bookinfo     reviews-v2-5b6.bookinfo has not acknowledged …
/// WARNING   └ MS0402  -    Proxy reviews-v2-5b6.bookinfo     …
/// SKIPPED   MS0207    -    (not evaluated)                   Cluster error rate high: the live store keeps no …
/// ```
public enum FindingsView {
    public static let name = "findings"

    /// One line of the view.
    public enum Row: Sendable {
        /// A finding; `under` is true when it is shown under a finding it is related to.
        case finding(Finding, under: Bool)
        case notEvaluated(FindingsReport.NotEvaluated)
        /// Every rule ran and none found anything.
        case clean(rules: Int)
    }

    /// The rows in order: each finding with the related findings not shown yet indented under
    /// it, then the rules not evaluated.
    public static func rows(_ report: FindingsReport) -> [Row] {
        var out: [Row] = []
        let byID = Dictionary(report.findings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var placed = Set<String>()
        for f in report.findings where !placed.contains(f.id) {
            placed.insert(f.id)
            out.append(.finding(f, under: false))
            for id in f.related where !placed.contains(id) {
                guard let r = byID[id] else { continue }
                placed.insert(id)
                out.append(.finding(r, under: true))
            }
        }
        if report.findings.isEmpty { out.append(.clean(rules: report.evaluated.count)) }
        out += report.notEvaluated.map(Row.notEvaluated)
        return out
    }

    static func cells(_ row: Row) -> [String] {
        func safe(_ s: String) -> String { TerminalText.escaped(s) }
        switch row {
        case .finding(let f, let under):
            var object = f.objects.first.map { safe($0.description) } ?? "-"
            if f.objects.count > 1 { object += " +\(f.objects.count - 1)" }
            return [f.severity.rawValue.uppercased(), (under ? "└ " : "") + f.code, f.istioCode ?? "-", object, safe(f.message)]
        case .notEvaluated(let n):
            return ["SKIPPED", n.code, "-", "(not evaluated)", safe("\(n.title): \(n.reason)")]
        case .clean(let rules):
            return ["OK", "-", "-", "-", "no findings: \(rules) rule\(rules == 1 ? "" : "s") ran and found nothing"]
        }
    }

    public static let spec: TableViewSpec = {
        var spec = TableViewSpec(
            name: FindingsView.name, aliases: ["check", "finding"], title: "Findings",
            keys: [ViewKey(.drill, .enter, "open", command: { data, _, index in
                guard let report = data.findings?.report else { return nil }
                let all = FindingsView.rows(report)
                guard all.indices.contains(index), case .finding(let f, _) = all[index], let link = f.link else { return nil }
                return .goto(link)
            }), ViewKey(.flows, .char("l"), "flows", command: { data, _, index in
                guard let report = data.findings?.report else { return nil }
                let all = FindingsView.rows(report)
                guard all.indices.contains(index), case .finding(let f, _) = all[index], let query = f.link?.flows else { return nil }
                return .goto(FindingLink(view: FlowViews.flows.name, flows: query))
            })],
            cellRole: FindingsView.severityRole, identityColumns: 4, nameColumn: 3,
            describe: { data, _, index in FindingsView.detail(data, index) },
            build: { data in
                guard let snapshot = data.findings else {
                    throw SourceData.Unavailable(description: "evaluating the rules on \(data.name.isEmpty ? "the source" : data.name)…")
                }
                var table = Table(columns: [.init("SEVERITY"), .init("CODE"), .init("IST"), .init("OBJECT"), .init("MESSAGE")])
                table.rows = FindingsView.rows(snapshot.report).map(FindingsView.cells)
                return ViewTable(table)
            })
        spec.preview = { data, _, index in FindingsView.detail(data, index) }
        return spec
    }()

    /// SEVERITY in the theme's error and warning roles; skipped rules dim.
    static let severityRole: @Sendable (String, String) -> Role? = { column, value in
        guard column == "SEVERITY" else { return nil }
        switch value {
        case "ERROR": return .statusError
        case "WARNING": return .statusWarn
        case "OK": return .statusOK
        case "SKIPPED": return .dim
        default: return nil
        }
    }

    /// The pane under the table: the selected finding's message, objects, numbered evidence,
    /// where Enter goes, and the related findings.
    static func detail(_ data: SourceData, _ index: Int) -> String? {
        guard let report = data.findings?.report else { return nil }
        let all = rows(report)
        guard all.indices.contains(index) else { return nil }
        var lines: [String] = []
        switch all[index] {
        case .finding(let f, _):
            lines.append("\(f.code)\(f.istioCode.map { " (\($0))" } ?? "") \(f.severity.rawValue) · \(f.title)")
            lines.append(f.message)
            lines.append("Objects: " + f.objects.map { $0.description + ($0.location.map { " (\($0))" } ?? "") }.joined(separator: ", "))
            if !f.evidence.isEmpty {
                lines.append("Evidence:")
                for (i, e) in f.evidence.enumerated() { lines.append("  [\(i + 1)] \(e.source): \(e.text)") }
            }
            if let link = f.link {
                var target = ":\(link.view)"
                if let row = link.row { target += " \(row)" }
                if let tab = link.tab { target += " (\(tab) tab)" }
                lines.append("Enter opens \(target)")
                if let flows = link.flows { lines.append("l opens :flows \(flows.description)") }
            }
            if !f.related.isEmpty {
                lines.append("Related:")
                let byID = Dictionary(report.findings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                for id in f.related {
                    guard let r = byID[id] else { continue }
                    lines.append("  \(r.severity.rawValue.uppercased()) \(r.code) \(r.message)")
                }
            }
        case .notEvaluated(let n):
            lines = ["\(n.code) not evaluated · \(n.title)", "Reason: \(n.reason)",
                     "A rule whose inputs this source lacks is not evaluated, never passed."]
        case .clean(let rules):
            lines = ["\(rules) rules ran on this data and found nothing."]
        }
        return lines.map { TerminalText.escaped($0) }.joined(separator: "\n") + "\n"
    }
}
