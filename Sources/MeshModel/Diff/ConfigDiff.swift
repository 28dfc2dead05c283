import Foundation

/// The semantic diff: resources keyed by type and name, compared after normalization.
///
/// ```swift
/// let a = try EnvoyConfigDump(bytes: oldBytes), b = try EnvoyConfigDump(bytes: newBytes)
/// let result = ConfigDiff.compare(EnvoyDiffSource.resources(a), EnvoyDiffSource.resources(b))
/// result.summaries.first { $0.type == "cluster" }?.changed   // 1
/// print(DiffPrinter.render(result))
/// ```
/// Resources whose bytes are equal are not normalized at all, so diffing two large dumps
/// that mostly agree costs little more than parsing them.
public enum ConfigDiff {
    /// Order of types in summaries and output.
    public static let typeOrder = [
        "bootstrap", "cluster", "listener", "route", "virtualhost", "scopedroute", "endpoint", "secret", "ecds",
        "workload", "service", "policy",
    ]

    public static func compare(_ a: [DiffResource], _ b: [DiffResource], options: DiffOptions = DiffOptions()) -> ConfigDiffResult {
        let keep: (DiffResource) -> Bool = { options.types?.contains($0.type) ?? true }
        let oldByKey = index(a.filter(keep))
        let newByKey = index(b.filter(keep))
        var summaries: [String: DiffTypeSummary] = [:]
        func bump(_ type: String, _ f: (inout DiffTypeSummary) -> Void) {
            var s = summaries[type] ?? DiffTypeSummary(type: type)
            f(&s)
            summaries[type] = s
        }
        var diffs: [ResourceDiff] = []
        // Normalized route configs of changed routes, reused by the virtual host summary.
        var routeNodes: [String: DiffNode] = [:]
        var removed: [DiffResource] = []
        var added: [DiffResource] = []
        for (key, old) in oldByKey.map {
            guard let new = newByKey.map[key] else {
                removed.append(old)
                continue
            }
            if sameBytes(old.rawBytes(includeNoise: options.includeNoise), new.rawBytes(includeNoise: options.includeNoise)) {
                bump(old.type) { $0.unchanged += 1 }
                continue
            }
            let na = old.normalized(includeNoise: options.includeNoise)
            let nb = new.normalized(includeNoise: options.includeNoise)
            if na == nb {
                bump(old.type) { $0.unchanged += 1 }
                continue
            }
            diffs.append(changed(old, new, na, nb, options))
            bump(old.type) { $0.changed += 1 }
            if old.type == "route" {
                routeNodes["a/" + old.key] = na
                routeNodes["b/" + new.key] = nb
            }
        }
        for new in newByKey.order where oldByKey.map[new.key] == nil { added.append(new) }
        removed.sort { $0.key < $1.key }

        if options.detectRenames {
            var pairedOld = Set<String>(), pairedNew = Set<String>()
            for (old, new) in renamePairs(removed, added, options) {
                let na = old.normalized(includeNoise: options.includeNoise)
                let nb = new.normalized(includeNoise: options.includeNoise)
                var d = changed(old, new, na, nb, options)
                d.name = new.name
                d.previousName = old.name
                diffs.append(d)
                bump(old.type) { $0.changed += 1 }
                pairedOld.insert(old.key)
                pairedNew.insert(new.key)
            }
            removed.removeAll { pairedOld.contains($0.key) }
            added.removeAll { pairedNew.contains($0.key) }
        }
        for r in removed {
            let yaml = YAMLWriter.string(r.normalized(includeNoise: options.includeNoise).outputNode())
            diffs.append(ResourceDiff(type: r.type, name: r.name, change: .removed, paths: [],
                                      unified: UnifiedDiff.hunks(old: yaml, new: "", context: options.context)))
            bump(r.type) { $0.removed += 1 }
        }
        for r in added {
            let yaml = YAMLWriter.string(r.normalized(includeNoise: options.includeNoise).outputNode())
            diffs.append(ResourceDiff(type: r.type, name: r.name, change: .added, paths: [],
                                      unified: UnifiedDiff.hunks(old: "", new: yaml, context: options.context)))
            bump(r.type) { $0.added += 1 }
        }
        diffs.sort { typeRank($0.type, $0.name) < typeRank($1.type, $1.name) }
        var types = Set(a.filter(keep).map(\.type)).union(b.filter(keep).map(\.type))
        if types.contains("route") {
            summaries["virtualhost"] = virtualHostSummary(oldByKey.map, newByKey.map, diffs, routeNodes, options)
            types.insert("virtualhost")
        }
        let ordered = types.sorted { typeRank($0, "") < typeRank($1, "") }
        return ConfigDiffResult(summaries: ordered.map { summaries[$0] ?? DiffTypeSummary(type: $0) }, resources: diffs)
    }

    /// Virtual hosts are compared inside their route config; this counts them by name
    /// (`virtualhost` row of the summary) so a change in one of 4,000 hosts reads as one.
    static func virtualHostSummary(_ old: [String: DiffResource], _ new: [String: DiffResource], _ diffs: [ResourceDiff],
                                   _ cache: [String: DiffNode], _ options: DiffOptions) -> DiffTypeSummary {
        var s = DiffTypeSummary(type: "virtualhost")
        var touched = Set<String>()
        for d in diffs where d.type == "route" {
            let a = d.change == .added ? nil : old["route/" + (d.previousName ?? d.name)]
            let b = d.change == .removed ? nil : new["route/" + d.name]
            touched.insert("route/" + (d.previousName ?? d.name))
            let va = a.map { hosts(cache["a/" + $0.key] ?? $0.normalized(includeNoise: options.includeNoise)) } ?? [:]
            let vb = b.map { hosts(cache["b/" + $0.key] ?? $0.normalized(includeNoise: options.includeNoise)) } ?? [:]
            for (name, host) in va {
                guard let other = vb[name] else { s.removed += 1; continue }
                if other == host { s.unchanged += 1 } else { s.changed += 1 }
            }
            s.added += vb.keys.filter { va[$0] == nil }.count
        }
        for (key, r) in old where r.type == "route" && !touched.contains(key) && new[key] != nil {
            s.unchanged += r.value["virtual_hosts"]?.count ?? 0
        }
        return s
    }

    static func hosts(_ route: DiffNode) -> [String: DiffNode] {
        guard case .array(let items, _)? = route["virtual_hosts"] else { return [:] }
        var out: [String: DiffNode] = [:]
        for (n, h) in items.enumerated() {
            var name = "#\(n)"
            if case .string(let s)? = h["name"] { name = s }
            out[name] = h
        }
        return out
    }

    static func sameBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 } }
    }

    static func typeRank(_ type: String, _ name: String) -> (Int, String, String) {
        (typeOrder.firstIndex(of: type) ?? typeOrder.count, type, name)
    }

    static func changed(_ old: DiffResource, _ new: DiffResource, _ na: DiffNode, _ nb: DiffNode, _ options: DiffOptions) -> ResourceDiff {
        // A key that changed prints as "[redacted, changed]" on the new side, never as bytes.
        let changedSecrets = nb.redactedDigests.subtracting(na.redactedDigests)
        let ya = YAMLWriter.string(na.outputNode())
        let yb = YAMLWriter.string(nb.outputNode(changedSecrets: changedSecrets))
        let changes = FieldPaths.changes(na, nb)
        return ResourceDiff(type: old.type, name: old.name, change: .changed, paths: changes.map(\.path),
                            unified: UnifiedDiff.hunks(old: ya, new: yb, context: options.context), changes: changes)
    }

    /// Resources by key, keeping input order; a key seen twice gets `#2`, `#3`….
    static func index(_ rs: [DiffResource]) -> (map: [String: DiffResource], order: [DiffResource]) {
        var map: [String: DiffResource] = [:]
        map.reserveCapacity(rs.count)
        var order: [DiffResource] = []
        order.reserveCapacity(rs.count)
        for var r in rs {
            if map[r.key] != nil {
                var n = 2
                while map[r.key + "#\(n)"] != nil { n += 1 }
                r.name += "#\(n)"
            }
            map[r.key] = r
            order.append(r)
        }
        return (map, order)
    }

    // MARK: Renames

    /// Removed/added pairs of one type whose names differ in exactly one `|`, `.`, `_`,
    /// `:`, `/` or `-` separated part, where that pairing is the only candidate either way,
    /// and whose normalized YAML keeps at least half its lines.
    static func renamePairs(_ removed: [DiffResource], _ added: [DiffResource], _ options: DiffOptions) -> [(DiffResource, DiffResource)] {
        guard !removed.isEmpty, !added.isEmpty else { return [] }
        var removedBySkeleton: [String: [Int]] = [:]
        var addedBySkeleton: [String: [Int]] = [:]
        for (i, r) in removed.enumerated() { for s in skeletons(r) { removedBySkeleton[s, default: []].append(i) } }
        for (i, r) in added.enumerated() { for s in skeletons(r) { addedBySkeleton[s, default: []].append(i) } }
        var pairs: [(DiffResource, DiffResource)] = []
        var usedOld = Set<Int>(), usedNew = Set<Int>()
        for s in removedBySkeleton.keys.sorted() {
            guard let olds = removedBySkeleton[s], olds.count == 1, let news = addedBySkeleton[s], news.count == 1 else { continue }
            let (o, n) = (olds[0], news[0])
            guard !usedOld.contains(o), !usedNew.contains(n) else { continue }
            let ya = UnifiedDiff.lines(YAMLWriter.string(removed[o].normalized(includeNoise: options.includeNoise).outputNode()))
            let yb = UnifiedDiff.lines(YAMLWriter.string(added[n].normalized(includeNoise: options.includeNoise).outputNode()))
            let common = UnifiedDiff.edits(ya, yb).reduce(0) { if case .equal = $1 { return $0 + 1 } else { return $0 } }
            guard common * 2 >= max(ya.count, yb.count) else { continue }
            usedOld.insert(o)
            usedNew.insert(n)
            pairs.append((removed[o], added[n]))
        }
        return pairs
    }

    static func skeletons(_ r: DiffResource) -> [String] {
        let separators: Set<Character> = ["|", ".", "_", ":", "/", "-", "~"]
        var parts: [String] = [""]
        for ch in r.name {
            if separators.contains(ch) {
                parts.append(String(ch))
                parts.append("")
            } else {
                parts[parts.count - 1].append(ch)
            }
        }
        var out: [String] = []
        for (i, p) in parts.enumerated() where i % 2 == 0 && !p.isEmpty {
            var copy = parts
            copy[i] = "\u{1}"
            out.append(r.type + "\u{0}" + copy.joined())
        }
        return out
    }
}
