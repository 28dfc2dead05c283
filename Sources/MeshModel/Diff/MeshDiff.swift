/// One side of a whole-mesh diff: every proxy's resources (Envoy or ztunnel dump, keyed by
/// `pod.namespace`) and the Kubernetes objects, already decoded. Sources fill it (a live
/// cluster, the demo, a snapshot file); the comparison itself is pure.
///
/// ```swift
/// var side = MeshDiffSide()
/// side.proxies["productpage-v1-7d4b9.bookinfo"] = EnvoyDiffSource.resources(dump)
/// side.objects = KubernetesDiffSource.resources(objects)
/// ```
public struct MeshDiffSide: Sendable {
    public var proxies: [String: [DiffResource]] = [:]
    public var objects: [DiffResource] = []
    /// Proxies whose dump could not be read, and why: neither added, removed nor compared.
    public var unreadable: [String: String] = [:]
    public init() {}
}

/// What changed between two meshes: proxies that appeared or went away, per-proxy config
/// changes by resource type, and Kubernetes object changes by `group/version/Kind` and
/// `namespace/name` (managedFields, resourceVersion, status and the like are noise).
public struct MeshDiffResult: Sendable {
    public var addedProxies: [String] = []
    public var removedProxies: [String] = []
    /// Proxies on both sides whose config differs, with their diffs, by name.
    public var changedProxies: [(proxy: String, diff: ConfigDiffResult)] = []
    public var unchangedProxies = 0
    /// Proxies on both sides but unreadable on at least one, with why.
    public var notCompared: [(proxy: String, reason: String)] = []
    public var objects: ConfigDiffResult
    public var labels: (old: String, new: String) = ("a", "b")

    public var hasDifferences: Bool {
        !addedProxies.isEmpty || !removedProxies.isEmpty || !changedProxies.isEmpty || objects.hasDifferences
    }
}

/// Compares two meshes with the semantic diff: each proxy present on both sides through
/// ``ConfigDiff/compare(_:_:options:)``, the Kubernetes objects likewise.
///
/// ```swift
/// let result = MeshDiff.compare(before, after)
/// print(MeshDiff.render(result))
/// // PROXIES: 1 added, 0 removed, 1 changed, 17 unchanged
/// // + svc-0002-v1-7f9c4d6b8-x2x9z.demo-00
/// // ~ svc-0001-v1-5c8d9b7f6-q8w2p.demo-00: cluster +1 -1, endpoint +1 -1
/// ```
public enum MeshDiff {
    /// Certificates rotate by themselves, so proxy secrets are left out unless `options.types` names them.
    public static let defaultProxyTypes: Set<String> = Set(EnvoyDiffSource.types + ZtunnelDiffSource.types).subtracting(["secret"])

    public static func compare(_ a: MeshDiffSide, _ b: MeshDiffSide, options: DiffOptions = DiffOptions()) -> MeshDiffResult {
        var proxyOptions = options
        if proxyOptions.types == nil { proxyOptions.types = defaultProxyTypes }
        var objectOptions = options
        objectOptions.detectRenames = false
        var result = MeshDiffResult(objects: ConfigDiff.compare(a.objects, b.objects, options: objectOptions))
        let names = Set(a.proxies.keys).union(a.unreadable.keys)
        let newNames = Set(b.proxies.keys).union(b.unreadable.keys)
        result.removedProxies = names.subtracting(newNames).sorted()
        result.addedProxies = newNames.subtracting(names).sorted()
        for proxy in names.intersection(newNames).sorted() {
            guard let x = a.proxies[proxy], let y = b.proxies[proxy] else {
                result.notCompared.append((proxy, a.unreadable[proxy] ?? b.unreadable[proxy] ?? "no dump"))
                continue
            }
            let d = ConfigDiff.compare(x, y, options: proxyOptions)
            if d.hasDifferences { result.changedProxies.append((proxy, d)) } else { result.unchangedProxies += 1 }
        }
        return result
    }

    /// `cluster +1 -1 ~2`: a proxy's changes per resource type, for the overview line.
    public static func counts(_ d: ConfigDiffResult) -> String {
        d.summaries.filter(\.hasDifferences).map { s in
            ([s.added > 0 ? "+\(s.added)" : nil, s.removed > 0 ? "-\(s.removed)" : nil, s.changed > 0 ? "~\(s.changed)" : nil]
                .compactMap { $0 }).reduce(s.type) { $0 + " " + $1 }
        }.joined(separator: ", ")
    }

    /// The overview (proxies added, removed, changed with their per-type counts; the
    /// Kubernetes summary table), then each changed proxy's diff and the objects' diffs.
    public static func render(_ r: MeshDiffResult, _ options: DiffPrinter.Options = DiffPrinter.Options()) -> String {
        var out = overview(r, options)
        for (p, d) in r.changedProxies {
            out += "\n=== proxy \(p)\n"
            out += proxy(p, d, r, options)
        }
        if r.objects.hasDifferences {
            var objects = r.objects
            objects.labels = r.labels
            out += "\n=== Kubernetes objects\n"
            out += DiffPrinter.render(objects, DiffPrinter.Options(color: options.color, summary: false)).dropFirst()
        }
        if !r.hasDifferences { out += "\nNo differences.\n" }
        return out
    }

    /// One changed proxy's diffs, headers labelled `A/POD/type/name`.
    public static func proxy(_ name: String, _ d: ConfigDiffResult, _ r: MeshDiffResult, _ options: DiffPrinter.Options = DiffPrinter.Options()) -> String {
        var labelled = d
        labelled.labels = ("\(r.labels.old)/\(name)", "\(r.labels.new)/\(name)")
        return String(DiffPrinter.render(labelled, DiffPrinter.Options(color: options.color, summary: false)).dropFirst())
    }

    /// The first part of ``render(_:_:)``: proxies added, removed and changed (with their
    /// per-type counts), then the Kubernetes summary table.
    public static func overview(_ r: MeshDiffResult, _ options: DiffPrinter.Options = DiffPrinter.Options()) -> String {
        var out = "PROXIES: \(r.addedProxies.count) added, \(r.removedProxies.count) removed, \(r.changedProxies.count) changed, \(r.unchangedProxies) unchanged"
        out += r.notCompared.isEmpty ? "\n" : ", \(r.notCompared.count) not compared\n"
        for p in r.addedProxies { out += DiffPrinter.paint("+ \(p)\n", DiffPrinter.green, options) }
        for p in r.removedProxies { out += DiffPrinter.paint("- \(p)\n", DiffPrinter.red, options) }
        for (p, d) in r.changedProxies { out += DiffPrinter.paint("~ \(p): \(counts(d))\n", DiffPrinter.bold, options) }
        for (p, why) in r.notCompared { out += "? \(p): not compared: \(why)\n" }
        out += "\nKUBERNETES OBJECTS\n"
        out += DiffPrinter.summaryTable(r.objects).render()
        return out
    }

    /// `-o json|yaml`: `{proxies: {added, removed, unchanged, changed: [{proxy, summary, resources}], notCompared}, objects: {summary, resources}}`.
    public static func structured(_ r: MeshDiffResult) -> JSONTree {
        .object([
            ("proxies", .object([
                ("added", .array(r.addedProxies.map(JSONTree.string))),
                ("removed", .array(r.removedProxies.map(JSONTree.string))),
                ("unchanged", .int(r.unchangedProxies)),
                ("changed", .array(r.changedProxies.map { p, d in
                    guard case .object(let members) = DiffPrinter.structured(d) else { return .null }
                    return .object([("proxy", .string(p))] + members)
                })),
                ("notCompared", .array(r.notCompared.map { .object([("proxy", .string($0.proxy)), ("reason", .string($0.reason))]) })),
            ])),
            ("objects", DiffPrinter.structured(r.objects)),
        ])
    }
}
