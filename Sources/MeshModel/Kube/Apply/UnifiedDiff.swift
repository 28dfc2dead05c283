/// A line diff in unified format (`diff -u`), from Myers' O(ND) algorithm.
///
/// ```swift
/// UnifiedDiff.render(old: "a\nb\n", new: "a\nc\n", oldLabel: "live", newLabel: "applied")
/// // --- live
/// // +++ applied
/// // @@ -1,2 +1,2 @@
/// //  a
/// // -b
/// // +c
/// ```
public enum UnifiedDiff {
    public enum Edit: Sendable, Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// Edits turning `old` into `new`, shortest first (Myers), removals before additions.
    public static func edits(_ old: [String], _ new: [String]) -> [Edit] {
        let n = old.count, m = new.count
        let max = n + m
        if max == 0 { return [] }
        let offset = max
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        var found = false
        for d in 0...max {
            trace.append(v)
            var k = -d
            while k <= d {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, old[x] == new[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m { found = true; break }
                k += 2
            }
            if found { break }
        }
        // Walk the trace backwards to recover the path.
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let prevK: Int
            if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = v[offset + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                edits.append(.same(old[x - 1]))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == prevX {
                    edits.append(.added(new[y - 1]))
                } else {
                    edits.append(.removed(old[x - 1]))
                }
            }
            x = prevX
            y = prevY
        }
        return edits.reversed()
    }

    /// Unified diff text with `context` lines around changes; empty when equal.
    public static func render(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        let e = edits(a, b)
        guard e.contains(where: { if case .same = $0 { false } else { true } }) else { return "" }
        var out = "--- \(oldLabel)\n+++ \(newLabel)\n"
        // Positions (old line, new line) before each edit.
        var positions: [(Int, Int)] = []
        var oi = 0, ni = 0
        for edit in e {
            positions.append((oi, ni))
            switch edit {
            case .same: oi += 1; ni += 1
            case .removed: oi += 1
            case .added: ni += 1
            }
        }
        var i = 0
        while i < e.count {
            guard case .same = e[i] else {
                // A hunk starts `context` lines before this change and runs until `context`
                // unchanged lines follow the last change (merging changes closer than 2×context).
                let start = Swift.max(0, i - context)
                var end = i
                var lastChange = i
                while end < e.count {
                    if case .same = e[end] {
                        if end - lastChange > 2 * context { break }
                    } else {
                        lastChange = end
                    }
                    end += 1
                }
                end = Swift.min(e.count, lastChange + context + 1)
                var oldCount = 0, newCount = 0
                var body = ""
                for edit in e[start..<end] {
                    switch edit {
                    case .same(let l): body += " \(l)\n"; oldCount += 1; newCount += 1
                    case .removed(let l): body += "-\(l)\n"; oldCount += 1
                    case .added(let l): body += "+\(l)\n"; newCount += 1
                    }
                }
                let (os, ns) = positions[start]
                out += "@@ -\(range(os, oldCount)) +\(range(ns, newCount)) @@\n" + body
                i = end
                continue
            }
            i += 1
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        // diff -u numbers lines from 1; an empty range names the line before it.
        if count == 0 { return "\(start),0" }
        return count == 1 ? "\(start + 1)" : "\(start + 1),\(count)"
    }

    private static func lines(_ s: String) -> [String] {
        var parts = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }
}
