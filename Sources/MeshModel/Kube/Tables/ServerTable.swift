/// The API server's own rendering of a list (`meta.k8s.io/v1` `Table`), which is where
/// `kubectl get` takes its columns from for every kind: built-in printers (Deployments'
/// READY, UP-TO-DATE, AVAILABLE), CRDs' `additionalPrinterColumns`, aggregated APIs.
///
/// Asked for with ``acceptHeader``; a server (or proxy) that cannot render tables answers
/// plain JSON instead, which ``isTable(_:)`` tells apart.
///
/// ```json
/// {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "7"},
///  "columnDefinitions": [{"name": "Name", "type": "string", "format": "name", "priority": 0}, …],
///  "rows": [{"cells": ["web", "2/2", 2, 2, "5m"], "object": {"kind": "PartialObjectMetadata", "metadata": {…}}}]}
/// ```
public struct ServerTable: Sendable {
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: String
        public var format: String
        /// 0: always shown; more: only with `-o wide`.
        public var priority: Int

        public init(name: String, type: String = "string", format: String = "", priority: Int = 0) {
            self.name = name
            self.type = type
            self.format = format
            self.priority = priority
        }
    }

    public struct Row: Sendable {
        /// Each cell as kubectl prints it.
        public var cells: [String]
        /// From the row's object (`includeObject=Metadata`, the default): for `-A`.
        public var namespace: String?
    }

    public var columns: [Column]
    public var rows: [Row]
    public var continueToken: String?
    public var resourceVersion: String

    /// kubectl's Accept header for `get`: Table v1, then v1beta1, then plain JSON.
    public static let acceptHeader = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

    /// True for a `Table` document (v1 or v1beta1), false for anything else (plain JSON).
    public static func isTable(_ v: JSONValue) -> Bool {
        guard v.member(exactly: "kind")?.string == "Table", let api = v.member(exactly: "apiVersion")?.string else { return false }
        return api == "meta.k8s.io/v1" || api == "meta.k8s.io/v1beta1"
    }

    public init(columns: [Column], rows: [Row], continueToken: String? = nil, resourceVersion: String = "") {
        self.columns = columns
        self.rows = rows
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }

    /// Decodes a `Table`; missing parts are empty (a server sends no columns with an empty
    /// watch table, and kubectl prints nothing for it).
    public init(_ v: JSONValue) {
        columns = (v.member(exactly: "columnDefinitions")?.array ?? []).map { c in
            Column(name: c.member(exactly: "name")?.string ?? "", type: c.member(exactly: "type")?.string ?? "",
                   format: c.member(exactly: "format")?.string ?? "", priority: c.member(exactly: "priority")?.int ?? 0)
        }
        rows = (v.member(exactly: "rows")?.array ?? []).map { r in
            Row(cells: (r.member(exactly: "cells")?.array ?? []).map(ServerTable.cellText),
                namespace: r.member(exactly: "object")?.member(exactly: "metadata")?.member(exactly: "namespace")?.string)
        }
        let meta = v.member(exactly: "metadata")
        continueToken = meta?.member(exactly: "continue")?.string.flatMap { $0.isEmpty ? nil : $0 }
        resourceVersion = meta?.member(exactly: "resourceVersion")?.string ?? ""
    }

    /// A cell as kubectl's `printTable` writes it: null is empty, a string stops at its first
    /// line break (with `...`), anything else as Go's `fmt.Sprint` prints the decoded value.
    public static func cellText(_ v: JSONValue) -> String {
        switch v.kind {
        case .null: return ""
        case .string:
            let s = v.string ?? ""
            guard let cut = s.firstIndex(where: { $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" || $0 == "\r\n" }) else { return s }
            return String(s[..<cut]) + "..."
        default: return goPrint(v)
        }
    }

    /// `fmt.Sprint` of a JSON value decoded into `interface{}`: `[a b]`, `map[k:v]` (keys sorted).
    static func goPrint(_ v: JSONValue) -> String {
        switch v.kind {
        case .null: return "<nil>"
        case .string: return v.string ?? ""
        case .array: return "[" + v.elements.map(goPrint).joined(separator: " ") + "]"
        case .object:
            let pairs = v.members.map { ($0.0, goPrint($0.1)) }.sorted { GoCompat.less($0.0, $1.0) }
            return "map[" + pairs.map { "\($0.0):\($0.1)" }.joined(separator: " ") + "]"
        default: return v.rawText
        }
    }

    /// Pages of one list joined (kubectl prints them as one table).
    public mutating func append(_ page: ServerTable) {
        if columns.isEmpty { columns = page.columns }
        rows += page.rows
        continueToken = page.continueToken
        resourceVersion = page.resourceVersion
    }
}

extension KubeTables {
    /// The server's table as kubectl prints it: headers upper-cased, columns with a priority
    /// only in wide output, NAMESPACE first with `-A` (from each row's object).
    public static func server(_ t: ServerTable, allNamespaces: Bool) -> Table {
        let columns = t.columns.map { Table.Column($0.name.uppercased(), wideOnly: $0.priority > 0) }
        let rows = t.rows.map { row -> [String] in
            // Short rows (a server with fewer cells than columns) get empty cells; long ones are cut.
            Array(row.cells.prefix(columns.count)) + Array(repeating: "", count: max(0, columns.count - row.cells.count))
        }
        return withNamespace(Table(columns: columns, rows: rows, layout: layout), t.rows.map { $0.namespace ?? "" }, allNamespaces)
    }
}
