/// All resource types discovery found, with kubectl's ways of naming them.
///
/// `lookup` accepts what users type after `kubectl get`: plural (`pods`), singular (`pod`),
/// short name (`po`, `vs`), kind (`Pod`, `VirtualService`), and group-qualified forms
/// (`gateways.gateway.networking.k8s.io`, `gateway.networking.istio.io`).
///
/// ```swift
/// let catalog = try ResourceCatalog.decode(coreV1: coreDoc, groups: [groupDoc])
/// catalog.lookup("vs")?.kind       // "VirtualService"
/// catalog.forKind("Pod", apiVersion: "v1")?.name  // "pods"
/// ```
public struct ResourceCatalog: Sendable {
    public private(set) var resources: [APIResource] = []
    /// Groups in discovery order: earlier groups win ambiguous short names, as in kubectl
    /// (core first, then the server's preferred order).
    public init(_ resources: [APIResource] = []) {
        for r in resources { add(r) }
    }

    public mutating func add(_ r: APIResource) {
        if !resources.contains(where: { $0.group == r.group && $0.version == r.version && $0.name == r.name }) {
            resources.append(r)
        }
    }

    /// The resource for a manifest's `apiVersion` and `kind`.
    public func forKind(_ kind: String, apiVersion: String) -> APIResource? {
        let (group, version) = ResourceCatalog.split(apiVersion: apiVersion)
        return resources.first { $0.kind == kind && $0.group == group && $0.version == version }
    }

    /// Resolves a name typed on the command line. Ambiguous names resolve to the first
    /// match in discovery order (so `gateway` is Istio's networking.istio.io Gateway only if
    /// its group was discovered before gateway.networking.k8s.io, as kubectl does).
    public func lookup(_ typed: String) -> APIResource? {
        let lower = typed.lowercased()
        var name = lower
        var group: String?
        if let dot = lower.firstIndex(of: ".") {
            name = String(lower[..<dot])
            group = String(lower[lower.index(after: dot)...])
        }
        let candidates = resources.filter { r in
            guard let group else { return true }
            return r.group == group || "\(r.version).\(r.group)" == group
        }
        for match in [
            { (r: APIResource) in r.name == name },
            { (r: APIResource) in r.singularName == name },
            { (r: APIResource) in r.shortNames.contains(name) },
            { (r: APIResource) in r.kind.lowercased() == name },
        ] {
            if let r = candidates.first(where: match) { return r }
        }
        return nil
    }

    /// Kinds offered, for "unknown kind" messages: `Pod (v1), VirtualService (networking.istio.io/v1), ...`.
    public func offeredKinds(limit: Int = 40) -> String {
        var seen = Set<String>()
        var names: [String] = []
        for r in resources where seen.insert("\(r.kind) (\(r.apiVersion))").inserted {
            names.append("\(r.kind) (\(r.apiVersion))")
        }
        names.sort()
        if names.count > limit { return names.prefix(limit).joined(separator: ", ") + ", … (\(names.count - limit) more)" }
        return names.joined(separator: ", ")
    }

    /// Resources whose kind matches, in any group or version (for "did you mean" hints).
    public func resources(kind: String) -> [APIResource] { resources.filter { $0.kind == kind } }

    public static func split(apiVersion: String) -> (group: String, version: String) {
        if let slash = apiVersion.lastIndex(of: "/") {
            return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
        }
        return ("", apiVersion)
    }
}

extension ResourceCatalog {
    /// Decodes an `APIResourceList` (`/api/v1`, `/apis/GROUP/VERSION`). Subresources
    /// (`pods/log`, `pods/proxy`) are skipped: they are not kinds.
    public static func decodeResourceList(_ list: JSONValue) throws(JSONShapeError) -> [APIResource] {
        guard let gv = list["groupVersion"]?.string else {
            throw JSONShapeError("expected an APIResourceList with groupVersion", path: list.path)
        }
        let (group, version) = split(apiVersion: gv)
        var out: [APIResource] = []
        for r in (list["resources"] ?? list).elements {
            guard let name = r["name"]?.string, !name.contains("/"), let kind = r["kind"]?.string else { continue }
            out.append(APIResource(
                group: group, version: version, name: name,
                singularName: r["singularName"]?.string ?? "",
                kind: kind,
                namespaced: r["namespaced"]?.bool ?? false,
                verbs: r["verbs"]?.elements.compactMap(\.string) ?? [],
                shortNames: r["shortNames"]?.elements.compactMap(\.string) ?? [],
                categories: r["categories"]?.elements.compactMap(\.string) ?? []
            ))
        }
        return out
    }

    /// The preferred `GROUP/VERSION` of each group in an `APIGroupList` (`/apis`), in order.
    public static func decodeGroupList(_ list: JSONValue) -> [String] {
        var out: [String] = []
        for g in (list["groups"] ?? list).elements {
            if let preferred = g["preferredVersion"]?["groupVersion"]?.string {
                out.append(preferred)
            } else if let first = g["versions"]?.elements.first(where: { _ in true })?["groupVersion"]?.string {
                out.append(first)
            }
        }
        return out
    }
}
