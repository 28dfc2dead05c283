/// The `changed:` line of a resource diff: every path when they fit on one line, else the
/// paths grouped by their longest common prefix that still fits, with list elements folded
/// into `[…]` and each group counted by what happened in it.
///
/// Two bootstraps whose Envoy builds differ by a hundred extensions would otherwise print
/// one line of tens of thousands of characters; the unified diff below it still has every
/// detail, so this line only has to say where to look.
///
/// ```swift
/// ChangedPathSummary.line(changes)
/// // "node.extensions[…] (212 paths: 106 added, 106 changed), node.id, node.user_agent_build_version"
/// ```
public enum ChangedPathSummary {
    /// Longest line returned, in characters.
    public static let maxWidth = 240

    public static func line(_ changes: [FieldChange], width: Int = maxWidth) -> String {
        let width = max(width, 40)
        var full = ""
        for (n, c) in changes.enumerated() {
            if n > 0 { full += ", " }
            full += c.path
            if full.count > width { break }
        }
        if full.count <= width { return full }

        // Start from the first segment, then split groups one segment deeper, in order,
        // as long as the line still fits.
        let segments = changes.map { split($0.path) }
        var root = Group(key: "", first: "", depth: 0)
        for (i, c) in changes.enumerated() { root.add(i, c.kind) }
        var groups = children(root, segments, changes)
        var length = rendered(groups, width: width).count
        var progress = true
        while progress && length <= width {
            progress = false
            var i = 0
            while i < groups.count {
                let g = groups[i]
                guard g.total > 1, g.members.contains(where: { segments[$0].count > g.depth }) else { i += 1; continue }
                let next = children(g, segments, changes)
                let delta = rendered(next, width: width).count - text(g, width: width).count
                guard length + delta <= width else { i += 1; continue }
                groups.replaceSubrange(i...i, with: next)
                length += delta
                progress = true
                i += next.count
            }
        }
        return length <= width ? rendered(groups, width: width) : cut(groups, width: width)
    }

    struct Group {
        var key: String
        var first: String
        var depth: Int
        var members: [Int] = []
        var counts: [FieldChange.Kind: Int] = [:]
        var total: Int { members.count }

        mutating func add(_ i: Int, _ kind: FieldChange.Kind) {
            members.append(i)
            counts[kind, default: 0] += 1
        }
    }

    /// `g`'s members grouped one segment deeper (list elements folded into `[…]`), in order.
    static func children(_ g: Group, _ segments: [[String]], _ changes: [FieldChange]) -> [Group] {
        var order: [Group] = []
        var index: [String: Int] = [:]
        for m in g.members {
            var key = g.key
            if g.depth < segments[m].count {
                let s = segments[m][g.depth]
                key += s.hasPrefix("[") ? "[…]" : s
            }
            let n = index[key] ?? {
                order.append(Group(key: key, first: changes[m].path, depth: g.depth + 1))
                index[key] = order.count - 1
                return order.count - 1
            }()
            order[n].add(m, changes[m].kind)
        }
        return order
    }

    static func text(_ g: Group, width: Int) -> String {
        guard g.total > 1 else { return g.first.count > width ? String(g.first.prefix(width - 1)) + "…" : g.first }
        let parts = FieldChange.Kind.allCases.compactMap { k in g.counts[k].map { "\($0) \(k.rawValue)" } }
        let key = g.key.count > width / 2 ? String(g.key.prefix(width / 2 - 1)) + "…" : g.key
        return parts.count == 1 ? "\(key) (\(parts[0]))" : "\(key) (\(g.total) paths: \(parts.joined(separator: ", ")))"
    }

    static func rendered(_ groups: [Group], width: Int) -> String {
        groups.map { text($0, width: width) }.joined(separator: ", ")
    }

    /// The groups that fit, then how many paths the rest hold.
    static func cut(_ groups: [Group], width: Int) -> String {
        var out = ""
        var rest = groups.reduce(0) { $0 + $1.total }
        for (n, g) in groups.enumerated() {
            let t = text(g, width: width)
            defer { rest -= g.total }
            let tail = ", … (\(groups.count - n) more groups, \(rest) paths)"
            let candidate = out.isEmpty ? t : out + ", " + t
            let needsTail = n < groups.count - 1
            if candidate.count + (needsTail ? tail.count : 0) > width {
                if out.isEmpty { return String(t.prefix(max(width - tail.count, 10))) + tail }
                return out + tail
            }
            out = candidate
        }
        return out
    }

    /// `a.b[name=x].c["k.y"]` → `a`, `.b`, `[name=x]`, `.c`, `["k.y"]` (dots inside brackets
    /// are part of the element's name).
    static func split(_ path: String) -> [String] {
        var out: [String] = []
        var current = ""
        var depth = 0
        for ch in path {
            if depth == 0, ch == "." || ch == "[", !current.isEmpty {
                out.append(current)
                current = ""
            }
            if ch == "[" { depth += 1 } else if ch == "]", depth > 0 { depth -= 1 }
            current.append(ch)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
