import MeshModel
import TerminalUI

/// Generic views over any JSON document, written for Envoy `/config_dump` (sections by
/// `@type`, resources in the `static_*` / `dynamic_*` lists) and useful on any JSON file:
/// ztunnel dumps (top-level `workloads`, `services`...), `/clusters?format=json`, etc.
///
/// - `:sections` lists the top-level sections; Enter lists that section's resources.
/// - `:resources` lists every resource of every section (filter across the whole dump).
/// - Enter on a resource opens it in tabs: the JSON tree (folding, search) and its YAML.
public enum DocumentViews {
    public static var all: [TableViewSpec] { [sections, resources] }

    public static let sections = TableViewSpec(
        name: "sections", aliases: ["sec", "dump"], title: "Sections",
        drill: { data, row, index in
            guard let doc = data.document else { return nil }
            let secs = DocumentViews.sectionList(doc.root)
            guard secs.indices.contains(index) else { return nil }
            let section = secs[index]
            return Screen.table(.sectionResources(section: section.name, index: index), data: data, crumb: section.name)
        },
        build: { data in
            let secs = DocumentViews.sectionList(try data.requireDocument().root)
            let table = Table(
                columns: [
                    .init("#", numeric: true), .init("SECTION"), .init("RESOURCES", numeric: true), .init("VERSION"),
                    .init("BYTES", numeric: true), .init("TYPE", wideOnly: true),
                ],
                rows: secs.enumerated().map { i, s in
                    [String(i + 1), s.name, String(s.resources.count), s.version, String(s.value.rawBytes.count), s.type]
                })
            return ViewTable(table, rowValues: secs.map { .json($0.value) })
        })

    public static let resources = TableViewSpec(
        name: "resources", aliases: ["res", "all"], title: "Resources", identityColumns: 3, nameColumn: 1,
        build: { data in
            let secs = DocumentViews.sectionList(try data.requireDocument().root)
            var rows: [[String]] = []
            var values: [JSONTree] = []
            for s in secs {
                for r in s.resources {
                    rows.append([s.name, r.name, r.group, r.version, r.lastUpdated, String(r.value.rawBytes.count)])
                    values.append(.json(r.value))
                }
            }
            let table = Table(
                columns: [.init("SECTION"), .init("NAME"), .init("GROUP"), .init("VERSION"), .init("LAST UPDATED", wideOnly: true), .init("BYTES", numeric: true)],
                rows: rows)
            return ViewTable(table, rowValues: values)
        }
    )

    /// The resources of one section (what Enter on a section opens).
    static func resourcesSpec(section: String, index: Int) -> TableViewSpec {
        TableViewSpec(
            name: "resources", title: section,
            build: { data in
                let secs = DocumentViews.sectionList(try data.requireDocument().root)
                // Sections are matched by name first (stable across reloads), else by position.
                guard let s = secs.first(where: { $0.name == section }) ?? (secs.indices.contains(index) ? secs[index] : nil) else {
                    throw SourceData.Unavailable(description: "section \(section) is no longer in the document")
                }
                let table = Table(
                    columns: [.init("NAME"), .init("GROUP"), .init("VERSION"), .init("LAST UPDATED"), .init("BYTES", numeric: true)],
                    rows: s.resources.map { [$0.name, $0.group, $0.version, $0.lastUpdated, String($0.value.rawBytes.count)] })
                return ViewTable(table, rowValues: s.resources.map { .json($0.value) })
            }
        )
    }

    // MARK: Document structure

    public struct Section: Sendable {
        public var name: String
        /// Full `@type` (without the type.googleapis.com/ prefix), or the JSON kind.
        public var type: String
        public var version: String
        public var value: JSONValue
        public var resources: [Resource]
    }

    public struct Resource: Sendable {
        public var name: String
        /// The list it came from (`dynamic_active_clusters`), or the section's key.
        public var group: String
        public var version: String
        public var lastUpdated: String
        public var value: JSONValue
    }

    /// Sections of an Envoy config dump (`configs` list or v2alpha map), else the root's members.
    public static func sectionList(_ root: JSONValue) -> [Section] {
        if let configs = root.member(exactly: "configs"), configs.isArray || configs.isObject {
            if configs.isArray {
                return configs.elements.enumerated().map { i, c in
                    let type = c.typeName ?? "configs[\(i)]"
                    return Section(name: sectionName(type), type: type, version: c["version_info"]?.string ?? "",
                                   value: c, resources: envoyResources(c))
                }
            }
            return configs.members.map { k, c in
                Section(name: k, type: c.typeName ?? k, version: c["version_info"]?.string ?? "", value: c, resources: envoyResources(c))
            }
        }
        if root.isObject {
            return root.members.map { k, v in
                Section(name: k, type: kindName(v), version: "", value: v, resources: genericResources(v, group: k))
            }
        }
        return [Section(name: "document", type: kindName(root), version: "", value: root, resources: genericResources(root, group: "document"))]
    }

    /// `envoy.admin.v3.ClustersConfigDump` → `Clusters`.
    static func sectionName(_ type: String) -> String {
        var n = Substring(type.split(separator: ".").last ?? Substring(type))
        if n.hasSuffix("ConfigDump") { n = n.dropLast("ConfigDump".count) }
        return n.isEmpty ? type : String(n)
    }

    static func kindName(_ v: JSONValue) -> String {
        switch v.kind {
        case .object: "object(\(v.count))"
        case .array: "array(\(v.count))"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    /// Every list member (`static_clusters`, `dynamic_listeners`...) contributes its
    /// elements; object members (`bootstrap`) are one resource each.
    static func envoyResources(_ section: JSONValue) -> [Resource] {
        var out: [Resource] = []
        for (k, v) in section.members where k != "@type" {
            if v.isArray {
                for (i, e) in v.elements.enumerated() { out.append(resource(e, group: k, index: i)) }
            } else if v.isObject {
                out.append(Resource(name: resourceName(v) ?? k, group: k, version: "", lastUpdated: section["last_updated"]?.string ?? "", value: v))
            }
        }
        return out
    }

    static func genericResources(_ v: JSONValue, group: String) -> [Resource] {
        if v.isArray { return v.elements.enumerated().map { i, e in resource(e, group: group, index: i) } }
        if v.isObject, !v.isEmpty, v.members.allSatisfy({ $0.value.isObject || $0.value.isArray }) {
            return v.members.map { k, e in
                var r = resource(e, group: group, index: 0)
                r.name = k
                return r
            }
        }
        return [Resource(name: group, group: group, version: "", lastUpdated: "", value: v)]
    }

    static func resource(_ e: JSONValue, group: String, index: Int) -> Resource {
        Resource(name: resourceName(e) ?? "#\(index)", group: group, version: e["version_info"]?.string ?? "",
                 lastUpdated: e["last_updated"]?.string ?? "", value: e)
    }

    static let nameKeys = ["name", "cluster_name", "hostname", "identity", "uid", "address"]

    /// The first name-like string within three levels (`cluster.name`,
    /// `active_state.listener.name`, `endpoint_config.cluster_name`...), breadth first.
    static func resourceName(_ v: JSONValue) -> String? {
        var level = [v]
        for _ in 0..<4 {
            var next: [JSONValue] = []
            for n in level where n.isObject {
                for k in nameKeys { if let s = n.member(exactly: k)?.string, !s.isEmpty { return s } }
                for (_, m) in n.members where m.isObject { next.append(m) }
            }
            if next.isEmpty { return nil }
            level = next
        }
        return nil
    }
}

