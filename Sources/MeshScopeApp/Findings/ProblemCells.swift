import Foundation
import MeshModel
import TerminalUI

/// Which object a table's rows are, as findings name objects: the kind, and the cells that
/// make up its name (`Pod` from NAMESPACE and NAME, `Proxy` from the proxy ID, `Edge` from
/// SOURCE, DESTINATION, SERVICE and REPORTER). The row's key is the cells joined with
/// ``separator``, spelled the way ``FindingLink/row`` spells rows of that view, so one
/// subject serves both the problem colouring and Enter on a finding.
///
/// ```swift
/// let subject = RowSubject.of(LiveViews.pods, table: t.table, data: data)
/// subject?.key(["bookinfo", "reviews-v2-5b6", …])   // "bookinfo/reviews-v2-5b6"
/// ```
public struct RowSubject: Sendable, Equatable {
    /// ``FindingObject/kind``: `Pod`, `Proxy`, `Service`, `Namespace`, `Edge`, `Cluster`, or an
    /// Istio kind (`VirtualService`) for the cluster's object lists.
    public var kind: String
    /// The cells (column indices) that name the row; these are the cells drawn as problems.
    public var columns: [Int]
    public var separator: String

    public func key(_ row: [String]) -> String? {
        var parts: [String] = []
        parts.reserveCapacity(columns.count)
        for c in columns {
            guard c < row.count else { return nil }
            parts.append(row[c])
        }
        return parts.joined(separator: separator)
    }

    /// What the rows of `spec` are, when findings can name them. One table for every view, so
    /// views declare nothing: the mesh views by their `:` name, the cluster's Istio object lists
    /// by the resource they list.
    public static func of(_ spec: TableViewSpec, table: Table, data: SourceData) -> RowSubject? {
        func named(_ kind: String, _ names: [String], _ separator: String) -> RowSubject? {
            var cols: [Int] = []
            for n in names {
                guard let i = table.columns.firstIndex(where: { $0.name == n }) else { return nil }
                cols.append(i)
            }
            return RowSubject(kind: kind, columns: cols, separator: separator)
        }
        switch spec.name {
        case "proxies": return RowSubject(kind: "Proxy", columns: [0], separator: "")
        case "pods", "workloads", "zt-workloads": return RowSubject(kind: "Pod", columns: [0, 1], separator: "/")
        case "services", "zt-services": return RowSubject(kind: "Service", columns: [0, 1], separator: "/")
        case "namespaces": return RowSubject(kind: "Namespace", columns: [0], separator: "")
        case "edges": return named("Edge", ["SOURCE", "DESTINATION", "SERVICE", "REPORTER"], "|")
        case "endpoints": return named("Cluster", ["CLUSTER"], "")
        default:
            if spec.name.hasPrefix("pods-") { return RowSubject(kind: "Pod", columns: [0, 1], separator: "/") }
            // `:istio` → a kind's objects: the view is named by the resource it lists.
            if let kind = data.cluster?.resources.first(where: { $0.qualifiedName == spec.name })?.kind,
               table.columns.first?.name == "NAMESPACE", table.columns.count > 1 {
                return RowSubject(kind: kind, columns: [0, 1], separator: "/")
            }
            return nil
        }
    }
}

/// The worst severity of the findings that name each object, keyed by `kind` and the row key
/// of ``RowSubject``: what table views consult to draw a problem's cells in the error or
/// warning role, in every view that shows the object. Built once per report.
///
/// A finding marks the objects it names and the row its link points at; a proxy and its pod
/// are the same workload (`reviews-v2-5b6.bookinfo` is pod `bookinfo/reviews-v2-5b6`), so
/// either marks both, and an outbound Envoy cluster marks the Service it is named after.
public struct ProblemIndex: Sendable {
    private var worst: [String: FindingSeverity] = [:]

    public init() {}

    public init(_ findings: [Finding], linkKinds: [String: String]) {
        for f in findings where f.severity > .info {
            for o in f.objects { mark(o, f.severity) }
            if let link = f.link, let row = link.row, let kind = linkKinds[link.view] { mark(kind, row, f.severity) }
        }
    }

    /// The kind of row each view's links point at (``FindingLink/view`` → ``RowSubject/kind``).
    public static let linkKinds: [String: String] = [
        "proxies": "Proxy", "pods": "Pod", "svc": "Service", "services": "Service", "namespaces": "Namespace", "edges": "Edge",
    ]

    mutating func mark(_ o: FindingObject, _ severity: FindingSeverity) {
        let key = o.namespace.map { $0.isEmpty ? o.name : $0 + "/" + o.name } ?? o.name
        mark(o.kind, key, severity)
    }

    mutating func mark(_ kind: String, _ key: String, _ severity: FindingSeverity) {
        put(kind + "|" + key, severity)
        switch kind {
        case "Proxy":
            // `name.namespace`: namespaces hold no dots, so the last one splits.
            if let dot = key.lastIndex(of: "."), dot != key.startIndex {
                put("Pod|\(key[key.index(after: dot)...])/\(key[..<dot])", severity)
            }
        case "Pod":
            if let slash = key.firstIndex(of: "/") { put("Proxy|\(key[key.index(after: slash)...]).\(key[..<slash])", severity) }
        case "Cluster":
            // `outbound|9080||ratings.bookinfo.svc.cluster.local` is Service bookinfo/ratings: its
            // row in :svc (the `0/1` endpoints) shows the problem too.
            if let s = OutboundCluster(key)?.service { put("Service|\(s.namespace)/\(s.name)", severity) }
        default: break
        }
    }

    private mutating func put(_ key: String, _ severity: FindingSeverity) {
        if let old = worst[key], old >= severity { return }
        worst[key] = severity
    }

    public var isEmpty: Bool { worst.isEmpty }

    public func severity(kind: String, key: String) -> FindingSeverity? { worst[kind + "|" + key] }

    /// The theme role of a row's naming cells: error or warning by the worst finding.
    public func role(_ subject: RowSubject, _ row: [String]) -> Role? {
        guard let key = subject.key(row), let s = severity(kind: subject.kind, key: key) else { return nil }
        return ProblemIndex.role(s)
    }

    public static func role(_ s: FindingSeverity) -> Role? {
        switch s {
        case .error: .statusError
        case .warning: .statusWarn
        case .info: nil
        }
    }
}
