import Foundation

/// Which findings to show: `meshscope check --severity`, `--code`, `-n`.
public struct FindingsFilter: Sendable, Equatable {
    /// The least severe finding shown.
    public var minimumSeverity: FindingSeverity = .info
    /// Only these codes (empty: all).
    public var codes: Set<String> = []
    /// Only findings naming an object of this namespace (nil: all).
    public var namespace: String?

    public init(minimumSeverity: FindingSeverity = .info, codes: Set<String> = [], namespace: String? = nil) {
        self.minimumSeverity = minimumSeverity
        self.codes = codes
        self.namespace = namespace
    }

    public func includes(_ f: Finding) -> Bool {
        guard f.severity >= minimumSeverity else { return false }
        if !codes.isEmpty, !codes.contains(f.code) { return false }
        if let namespace { return FindingsFilter.namespaces(of: f).contains(namespace) }
        return true
    }

    /// The namespaces a finding's objects live in: an object's own, a proxy ID's
    /// (`name.namespace`), both ends of an edge (`a.ns1 → b.ns2`), a cluster's service host
    /// (`outbound|9080||ratings.bookinfo.svc.cluster.local`), a certificate's holder.
    public static func namespaces(of f: Finding) -> Set<String> {
        var out = Set<String>()
        func proxyNamespace(_ id: Substring) {
            if let dot = id.lastIndex(of: ".") { out.insert(String(id[id.index(after: dot)...])) }
        }
        for o in f.objects {
            if let ns = o.namespace, !ns.isEmpty { out.insert(ns); continue }
            switch o.kind {
            case "Namespace": out.insert(o.name)
            case "Proxy": proxyNamespace(Substring(o.name))
            case "Edge":
                for end in o.name.components(separatedBy: " → ") { proxyNamespace(Substring(end)) }
            case "Cluster":
                // Only a Service's host names a namespace: a ServiceEntry's `api.example.com` does not.
                let host = o.name.split(separator: "|", omittingEmptySubsequences: false).last ?? ""
                if let service = OutboundCluster.service(host: String(host)) { out.insert(service.namespace) }
            case "Certificate", "Listener", "Route":
                // `holder name`: a proxy ID or a ztunnel's `namespace/name`.
                let holder = o.name.split(separator: " ").first ?? ""
                if let slash = holder.firstIndex(of: "/") { out.insert(String(holder[..<slash])) } else { proxyNamespace(holder) }
            default: break
            }
        }
        return out
    }
}

/// `meshscope check`'s outputs: a table (SEVERITY, CODE, OBJECT, MESSAGE; wide adds IST and
/// WHERE: the `file:line` an object was read from, else the TUI view and row), a summary line, the not-evaluated rules, and the JSON/YAML document.
///
/// ```swift
/// print(FindingsOutput.table(report.findings).render())
/// print(FindingsOutput.summary(report))     // "2 errors · 3 warnings · 0 info"
/// ```
public enum FindingsOutput {
    public static func table(_ findings: [Finding]) -> Table {
        // The message is last: the one unaligned cell, however long.
        var t = Table(columns: [.init("SEVERITY"), .init("CODE"), .init("IST", wideOnly: true), .init("OBJECT"), .init("WHERE", wideOnly: true), .init("MESSAGE")])
        t.rows = findings.map { f in
            [f.severity.rawValue.uppercased(), f.code, f.istioCode ?? "-", f.objects.first?.description ?? "-", f.objects.first?.location ?? whereCell(f.link), f.message]
        }
        return t
    }

    /// `:proxies reviews-v2-abc.bookinfo (clusters)`: the TUI view and row a finding opens.
    static func whereCell(_ link: FindingLink?) -> String {
        guard let link else { return "-" }
        var s = ":" + link.view
        if let row = link.row { s += " " + row }
        if let tab = link.tab { s += " (\(tab))" }
        return s
    }

    /// `2 errors · 3 warnings · 1 info`.
    public static func summary(_ findings: [Finding]) -> String {
        func count(_ s: FindingSeverity) -> Int { findings.reduce(0) { $0 + ($1.severity == s ? 1 : 0) } }
        let e = count(.error), w = count(.warning), i = count(.info)
        return "\(e) error\(e == 1 ? "" : "s") · \(w) warning\(w == 1 ? "" : "s") · \(i) info"
    }

    /// The lines under the table: the summary, then each rule not evaluated with its reason.
    public static func footer(_ report: FindingsReport, shown: [Finding]) -> String {
        var s = "\n" + summary(shown) + " (\(report.evaluated.count) rules evaluated)\n"
        if !report.notEvaluated.isEmpty {
            s += "Not evaluated (\(report.notEvaluated.count)):\n"
            var table = Table(columns: [.init("CODE"), .init("RULE"), .init("REASON")])
            table.rows = report.notEvaluated.map { [$0.code, $0.title, $0.reason] }
            s += table.render()
        }
        return s
    }

    public static func document(_ report: FindingsReport, shown: [Finding]) -> JSONTree {
        func count(_ s: FindingSeverity) -> Int { shown.reduce(0) { $0 + ($1.severity == s ? 1 : 0) } }
        return .object([
            ("summary", .object([("error", .int(count(.error))), ("warning", .int(count(.warning))), ("info", .int(count(.info)))])),
            ("findings", .array(shown.map(node))),
            ("notEvaluated", .array(report.notEvaluated.map { .object([("code", .string($0.code)), ("title", .string($0.title)), ("reason", .string($0.reason))]) })),
            ("evaluated", .array(report.evaluated.map(JSONTree.string))),
        ])
    }

    public static func node(_ f: Finding) -> JSONTree {
        var fields: [(String, JSONTree)] = [
            ("id", .string(f.id)),
            ("code", .string(f.code)),
            ("istioCode", f.istioCode.map(JSONTree.string) ?? .null),
            ("severity", .string(f.severity.rawValue)),
            ("title", .string(f.title)),
            ("objects", .array(f.objects.map { o in
                var fields: [(String, JSONTree)] = [("kind", .string(o.kind))]
                if let ns = o.namespace { fields.append(("namespace", .string(ns))) }
                fields.append(("name", .string(o.name)))
                if let l = o.location { fields.append(("location", .string(l))) }
                return .object(fields)
            })),
            ("message", .string(f.message)),
            ("evidence", .array(f.evidence.enumerated().map { i, e in
                .object([("n", .int(i + 1)), ("source", .string(e.source)), ("text", .string(e.text))])
            })),
        ]
        if let link = f.link {
            var l: [(String, JSONTree)] = [("view", .string(link.view))]
            if let row = link.row { l.append(("row", .string(row))) }
            if let tab = link.tab { l.append(("tab", .string(tab))) }
            if let flows = link.flows { l.append(("flows", .string(flows.description))) }
            fields.append(("link", .object(l)))
        }
        if !f.related.isEmpty { fields.append(("related", .array(f.related.map(JSONTree.string)))) }
        return .object(fields)
    }
}
