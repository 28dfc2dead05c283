import Foundation
import MeshModel

/// Server-side apply field ownership, good enough to behave like the API server for
/// ownership, conflicts and removal of fields a manager stops applying.
///
/// Simplifications against the real structured-merge-diff: every list is atomic (owned
/// and replaced as a whole, no `k:{...}` keyed items), and there is no schema defaulting
/// beyond what ``FakeDefaults`` adds. Field paths are lists of member names.
enum FieldOwnership {
    typealias Path = [String]

    /// One `metadata.managedFields` entry.
    struct Manager: Sendable {
        var manager: String
        var operation: String  // "Apply" or "Update"
        var apiVersion: String
        var time: String
        var fields: Set<Path>
    }

    /// Paths that are identity, not content: never owned.
    static let identity: Set<Path> = [["apiVersion"], ["kind"], ["metadata", "name"], ["metadata", "namespace"]]

    /// Server-owned metadata the client may not set through apply.
    static let serverMetadata = ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink", "deletionTimestamp"]

    /// The leaf paths of an object: scalars, lists (atomic) and empty maps.
    static func leaves(_ tree: JSONTree, prefix: Path = []) -> Set<Path> {
        var out = Set<Path>()
        collect(tree, prefix, &out)
        return out.subtracting(identity)
    }

    private static func collect(_ tree: JSONTree, _ prefix: Path, _ out: inout Set<Path>) {
        if case .object(let o) = tree, !o.isEmpty {
            for (k, v) in o {
                if prefix == ["metadata"] && serverMetadata.contains(k) { continue }
                if prefix.isEmpty && k == "status" { continue }
                collect(v, prefix + [k], &out)
            }
        } else if !prefix.isEmpty {
            out.insert(prefix)
        }
    }

    // MARK: fieldsV1

    static func decodeManagers(_ object: JSONTree) -> [Manager] {
        guard let list = object["metadata"]?["managedFields"]?.arrayValue else { return [] }
        return list.compactMap { e in
            guard let m = e["manager"]?.string else { return nil }
            return Manager(manager: m, operation: e["operation"]?.string ?? "Update", apiVersion: e["apiVersion"]?.string ?? "",
                           time: e["time"]?.string ?? "", fields: decodeFields(e["fieldsV1"] ?? .object(JSONObject()), prefix: []))
        }
    }

    static func decodeFields(_ tree: JSONTree, prefix: Path) -> Set<Path> {
        guard case .object(let o) = tree else { return [] }
        var out = Set<Path>()
        if o.isEmpty, !prefix.isEmpty { out.insert(prefix) }
        for (k, v) in o {
            if k == "." { out.insert(prefix); continue }
            if k.hasPrefix("f:") {
                out.formUnion(decodeFields(v, prefix: prefix + [String(k.dropFirst(2))]))
            } else if !prefix.isEmpty {
                // Keyed list items (k:/v:/i:) belong to a list we treat as atomic.
                out.insert(prefix)
            }
        }
        return out
    }

    static func encodeFields(_ paths: Set<Path>) -> JSONTree {
        var root = JSONTree.object(JSONObject())
        for p in paths.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let keys = p.map { "f:" + $0 }
            if root.value(at: keys) == nil { root.setValue(.object(JSONObject()), at: keys) }
        }
        return root
    }

    static func encodeManagers(_ managers: [Manager]) -> JSONTree {
        .array(managers.filter { !$0.fields.isEmpty }.map { m in
            .object([
                ("manager", .string(m.manager)), ("operation", .string(m.operation)), ("apiVersion", .string(m.apiVersion)),
                ("time", .string(m.time)), ("fieldsType", "FieldsV1"), ("fieldsV1", encodeFields(m.fields)),
            ])
        })
    }

    // MARK: Apply

    struct Conflict: Sendable, Hashable {
        var manager: String
        var apiVersion: String
        var path: Path
    }

    enum ApplyResult {
        case merged(JSONTree)
        case conflicts([Conflict])
    }

    /// Server-side apply of `applied` by `manager` onto `live` (nil: create).
    static func apply(_ applied: JSONTree, onto live: JSONTree?, manager: String, force: Bool, now: String) -> ApplyResult {
        let apiVersion = applied["apiVersion"]?.string ?? ""
        var config = applied
        // The applied configuration's server-owned metadata and status are not the manager's to set.
        if var meta = config["metadata"] {
            for k in serverMetadata { meta[k] = nil }
            config["metadata"] = meta
        }
        config["status"] = nil
        let appliedPaths = leaves(config)
        var managers = live.map(decodeManagers) ?? []
        let base = live ?? .object([("apiVersion", .string(apiVersion)), ("kind", config["kind"] ?? .null), ("metadata", .object(JSONObject()))])

        // What the object would look like with the applied values set.
        var candidate = base
        for p in appliedPaths { candidate.setValue(config.value(at: p), at: p) }

        var conflicts: [Conflict] = []
        for (mi, m) in managers.enumerated() where m.manager != manager {
            for q in m.fields {
                guard appliedPaths.contains(where: { related($0, q) }) else { continue }
                let before = base.value(at: q), after = candidate.value(at: q)
                if !equal(before, after) {
                    if force {
                        managers[mi].fields.remove(q)
                    } else {
                        conflicts.append(Conflict(manager: m.manager, apiVersion: m.apiVersion, path: q))
                    }
                }
            }
        }
        if !conflicts.isEmpty {
            return .conflicts(conflicts.sorted { ($0.manager, $0.path.joined(separator: ".")) < ($1.manager, $1.path.joined(separator: ".")) })
        }

        // Fields this manager applied before and no longer applies are removed, unless someone else owns them too.
        let previous = managers.first(where: { $0.manager == manager && $0.operation == "Apply" })?.fields ?? []
        let othersOwn = managers.filter { !($0.manager == manager && $0.operation == "Apply") }.reduce(into: Set<Path>()) { $0.formUnion($1.fields) }
        var result = candidate
        // Identity is not owned, but it is what the object is.
        for p in identity { if let v = config.value(at: p) { result.setValue(v, at: p) } }
        for p in previous.subtracting(appliedPaths) where !othersOwn.contains(p) && !appliedPaths.contains(where: { $0.starts(with: p) }) {
            remove(p, from: &result)
        }

        if let i = managers.firstIndex(where: { $0.manager == manager && $0.operation == "Apply" }) {
            if managers[i].fields != appliedPaths || !equal(base, result) { managers[i].time = now }
            managers[i].fields = appliedPaths
            managers[i].apiVersion = apiVersion
        } else {
            managers.append(Manager(manager: manager, operation: "Apply", apiVersion: apiVersion, time: now, fields: appliedPaths))
        }
        result.setValue(encodeManagers(managers), at: ["metadata", "managedFields"])
        return .merged(result)
    }

    /// An update (create, PUT, a controller writing) by `manager`: it takes ownership of
    /// every field it changed (all fields on create), and nobody else keeps those.
    static func update(_ new: JSONTree, previous: JSONTree?, manager: String, now: String) -> JSONTree {
        let apiVersion = new["apiVersion"]?.string ?? ""
        var managers = previous.map(decodeManagers) ?? []
        let newLeaves = leaves(new)
        let changed: Set<Path>
        if let previous {
            changed = newLeaves.filter { !equal(previous.value(at: $0), new.value(at: $0)) }
        } else {
            changed = newLeaves
        }
        for i in managers.indices where managers[i].manager != manager || managers[i].operation != "Update" {
            managers[i].fields.subtract(changed)
        }
        if let i = managers.firstIndex(where: { $0.manager == manager && $0.operation == "Update" }) {
            managers[i].fields.formUnion(changed)
            managers[i].time = now
        } else if !changed.isEmpty {
            managers.append(Manager(manager: manager, operation: "Update", apiVersion: apiVersion, time: now, fields: changed))
        }
        // Fields removed by the update are owned by nobody any more.
        for i in managers.indices { managers[i].fields = managers[i].fields.filter { new.value(at: $0) != nil } }
        var out = new
        out.setValue(encodeManagers(managers), at: ["metadata", "managedFields"])
        return out
    }

    /// `.spec.replicas`, as the API server prints field paths.
    static func fieldString(_ p: Path) -> String { "." + p.joined(separator: ".") }

    static func related(_ a: Path, _ b: Path) -> Bool { a.starts(with: b) || b.starts(with: a) }

    static func equal(_ a: JSONTree?, _ b: JSONTree?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?): return x.semanticallyEquals(y)
        default: return false
        }
    }

    /// Removes a path and the maps it leaves empty (metadata itself stays).
    static func remove(_ p: Path, from tree: inout JSONTree) {
        tree.setValue(nil, at: p)
        var parent = Array(p.dropLast())
        while !parent.isEmpty, parent != ["metadata"], let v = tree.value(at: parent), case .object(let o) = v, o.isEmpty {
            tree.setValue(nil, at: parent)
            parent.removeLast()
        }
    }
}
