/// The field paths where two normalized values differ, e.g.
/// `filter_chains[name=default].filters[0].typed_config.stat_prefix`.
///
/// Added or removed subtrees are named once (their root), not field by field. Order-free
/// lists are matched by element identity; ordered lists by position after aligning equal
/// elements (so one inserted filter does not shift every path after it).
public enum FieldPaths {
    public static func between(_ a: DiffNode, _ b: DiffNode) -> [String] {
        var out: [String] = []
        walk(a, b, "", &out)
        return out
    }

    private static func join(_ prefix: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x40 }
        let part = plain ? key : "[\"\(key)\"]"
        if prefix.isEmpty { return plain ? part : part }
        return plain ? prefix + "." + part : prefix + part
    }

    private static func walk(_ a: DiffNode, _ b: DiffNode, _ path: String, _ out: inout [String]) {
        if a == b { return }
        switch (a, b) {
        case (.object(let ma), .object(let mb)):
            var i = 0, j = 0
            while i < ma.count || j < mb.count {
                if j == mb.count || (i < ma.count && ma[i].key < mb[j].key) {
                    out.append(join(path, ma[i].key)); i += 1
                } else if i == ma.count || mb[j].key < ma[i].key {
                    out.append(join(path, mb[j].key)); j += 1
                } else {
                    walk(ma[i].value, mb[j].value, join(path, ma[i].key), &out)
                    i += 1; j += 1
                }
            }
        case (.array(let ea, let ia?), .array(let eb, let ib?)) where !isPositional(ia) && !isPositional(ib):
            // Order-free lists with identities: pair by identity (both sorted by it).
            var i = 0, j = 0
            while i < ea.count || j < eb.count {
                if j == eb.count || (i < ea.count && ia[i] < ib[j]) {
                    out.append(path + "[\(ia[i])]"); i += 1
                } else if i == ea.count || ib[j] < ia[i] {
                    out.append(path + "[\(ib[j])]"); j += 1
                } else {
                    walk(ea[i], eb[j], path + "[\(ia[i])]", &out)
                    i += 1; j += 1
                }
            }
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
                for k in deleted.dropFirst(paired) { out.append(path + "[\(k)]") }
                for k in inserted.dropFirst(paired) { out.append(path + "[\(k)]") }
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
            out.append(path.isEmpty ? "." : path)
        }
    }

    /// Identities made from positions (elements without a name) do not pair across sides.
    private static func isPositional(_ ids: [String]) -> Bool {
        ids.enumerated().allSatisfy { $0.element == String($0.offset) }
    }
}
