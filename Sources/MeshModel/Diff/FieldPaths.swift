/// The field paths where two normalized values differ, e.g.
/// `filter_chains[name=default].filters[name=envoy.filters.network.tcp_proxy].typed_config.stat_prefix`.
///
/// Added or removed subtrees are named once (their root), not field by field. Lists whose
/// elements have an identity (a name, category and name, an address) are matched by it,
/// whatever their order: one inserted extension is one added path, not a shift of every
/// position after it. Ordered lists with identities also report elements that moved
/// (filters run in order, so a reorder is a change). Lists without identities are matched by
/// position after aligning equal elements.
public enum FieldPaths {
    public static func between(_ a: DiffNode, _ b: DiffNode) -> [String] {
        changes(a, b).map(\.path)
    }

    /// Each differing path with what happened there (for grouped, counted summaries).
    public static func changes(_ a: DiffNode, _ b: DiffNode) -> [FieldChange] {
        var out: [FieldChange] = []
        walk(a, b, "", &out)
        return out
    }

    private static func join(_ prefix: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x40 }
        let part = plain ? key : "[\"\(key)\"]"
        if prefix.isEmpty { return part }
        return plain ? prefix + "." + part : prefix + part
    }

    private static func walk(_ a: DiffNode, _ b: DiffNode, _ path: String, _ out: inout [FieldChange]) {
        if a == b { return }
        switch (a, b) {
        case (.object(let ma), .object(let mb)):
            var i = 0, j = 0
            while i < ma.count || j < mb.count {
                if j == mb.count || (i < ma.count && ma[i].key < mb[j].key) {
                    out.append(FieldChange(join(path, ma[i].key), .removed)); i += 1
                } else if i == ma.count || mb[j].key < ma[i].key {
                    out.append(FieldChange(join(path, mb[j].key), .added)); j += 1
                } else {
                    walk(ma[i].value, mb[j].value, join(path, ma[i].key), &out)
                    i += 1; j += 1
                }
            }
        case (.array(let ea, let ia?), .array(let eb, let ib?)) where !isPositional(ia) && !isPositional(ib):
            byIdentity(ea, ia, eb, ib, path, &out)
        case (.array(let ea, _), .array(let eb, _)):
            if ea.count == eb.count {
                for k in ea.indices { walk(ea[k], eb[k], path + "[\(k)]", &out) }
                return
            }
            // Align equal elements, then pair up what was replaced position by position.
            let edits = UnifiedDiff.edits(ea.map(\.canonicalText), eb.map(\.canonicalText))
            var deleted: [Int] = []
            var inserted: [Int] = []
            func flush() {
                let paired = min(deleted.count, inserted.count)
                for k in 0..<paired { walk(ea[deleted[k]], eb[inserted[k]], path + "[\(inserted[k])]", &out) }
                for k in deleted.dropFirst(paired) { out.append(FieldChange(path + "[\(k)]", .removed)) }
                for k in inserted.dropFirst(paired) { out.append(FieldChange(path + "[\(k)]", .added)) }
                deleted.removeAll()
                inserted.removeAll()
            }
            for e in edits {
                switch e {
                case .equal: flush()
                case .delete(let o): deleted.append(o)
                case .insert(let n): inserted.append(n)
                }
            }
            flush()
        default:
            out.append(FieldChange(path.isEmpty ? "." : path, .changed))
        }
    }

    /// Elements paired by identity. Order-free lists arrive sorted by identity, so common
    /// elements are in the same order on both sides; in ordered lists, the common elements
    /// outside the longest run kept in order are reported as moved.
    private static func byIdentity(_ ea: [DiffNode], _ ia: [String], _ eb: [DiffNode], _ ib: [String], _ path: String,
                                   _ out: inout [FieldChange]) {
        if isAscending(ia) && isAscending(ib) {
            // Both sorted (order-free lists): one merge walk, paths in identity order.
            var i = 0, j = 0
            while i < ea.count || j < eb.count {
                if j == eb.count || (i < ea.count && ia[i] < ib[j]) {
                    out.append(FieldChange(path + "[\(ia[i])]", .removed)); i += 1
                } else if i == ea.count || ib[j] < ia[i] {
                    out.append(FieldChange(path + "[\(ib[j])]", .added)); j += 1
                } else {
                    walk(ea[i], eb[j], path + "[\(ia[i])]", &out)
                    i += 1; j += 1
                }
            }
            return
        }
        var indexA: [String: Int] = [:], indexB: [String: Int] = [:]
        for (k, id) in ia.enumerated() where indexA[id] == nil { indexA[id] = k }
        for (k, id) in ib.enumerated() where indexB[id] == nil { indexB[id] = k }
        let commonA = ia.filter { indexB[$0] != nil }
        let commonB = ib.filter { indexA[$0] != nil }
        var moved = Set<String>()
        if commonA != commonB {
            for e in UnifiedDiff.edits(commonA, commonB) {
                if case .insert(let n) = e { moved.insert(commonB[n]) }
            }
        }
        for id in ia where indexB[id] == nil { out.append(FieldChange(path + "[\(id)]", .removed)) }
        for (k, id) in ib.enumerated() {
            guard let ka = indexA[id] else {
                out.append(FieldChange(path + "[\(id)]", .added))
                continue
            }
            if moved.contains(id) { out.append(FieldChange(path + "[\(id)]", .moved)) }
            walk(ea[ka], eb[k], path + "[\(id)]", &out)
        }
    }

    private static func isAscending(_ ids: [String]) -> Bool {
        zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// Identities made from positions (elements without a name) do not pair across sides.
    private static func isPositional(_ ids: [String]) -> Bool {
        ids.enumerated().allSatisfy { $0.element == String($0.offset) }
    }
}

/// One differing path and what happened there.
public struct FieldChange: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Only in B.
        case added
        /// Only in A.
        case removed
        /// In both, with another value.
        case changed
        /// An element of an ordered list that is in both but at another place among the others.
        case moved
    }

    public var path: String
    public var kind: Kind

    public init(_ path: String, _ kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String { "\(path) (\(kind.rawValue))" }
}
