/// Line diffs in unified format (`diff -u`), computed with Myers' O(ND) algorithm.
///
/// ```swift
/// UnifiedDiff.hunks(old: "a\nb\nc\n", new: "a\nB\nc\n", context: 1)
/// // @@ -1,3 +1,3 @@
/// //  a
/// // -b
/// // +B
/// //  c
/// ```
/// Hunk ranges follow GNU diff: `-start,count`, with `,count` left out when it is 1 and
/// `start` the line before when the count is 0. A last line without a newline is followed
/// by `\ No newline at end of file`.
public enum UnifiedDiff {
    public enum Edit: Sendable, Equatable {
        case equal(old: Int, new: Int)
        case delete(old: Int)
        case insert(new: Int)
    }

    /// Above this many differing lines the middle of the texts is shown as one replaced
    /// block instead of a minimal diff (Myers keeps O(D²) state).
    public static let maxEditDistance = 2_000

    /// Lines of `text`, each with its `\n` (the last one may lack it).
    public static func lines(_ text: String) -> [Substring] {
        // Scan UTF-8 code units: `\n` never occurs inside a multi-byte scalar.
        var out: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let next = utf8.index(after: i)
            if utf8[i] == 0x0A {
                out.append(text[start..<next])
                start = next
            }
            i = next
        }
        if start != utf8.endIndex { out.append(text[start...]) }
        return out
    }

    /// The unified hunks between two texts; empty when they are equal.
    public static func hunks(old: String, new: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        return render(edits(a, b), a, b, context: max(0, context))
    }

    /// A whole unified diff with `---`/`+++` headers (what `apply --dry-run` shows for a
    /// changed object); empty when the texts are equal.
    public static func render(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3) -> String {
        let body = hunks(old: old, new: new, context: context)
        return body.isEmpty ? "" : "--- \(oldLabel)\n+++ \(newLabel)\n" + body
    }

    // MARK: Myers

    /// A shortest edit script from `a` to `b`.
    public static func edits<T: Hashable>(_ a: [T], _ b: [T]) -> [Edit] {
        // Intern to Ints: comparisons in the inner loop are then cheap.
        var table: [T: Int] = [:]
        let ai = a.map { x in table[x] ?? { let n = table.count; table[x] = n; return n }() }
        let bi = b.map { x in table[x] ?? { let n = table.count; table[x] = n; return n }() }
        var prefix = 0
        while prefix < ai.count, prefix < bi.count, ai[prefix] == bi[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < ai.count - prefix, suffix < bi.count - prefix, ai[ai.count - 1 - suffix] == bi[bi.count - 1 - suffix] { suffix += 1 }
        var out: [Edit] = []
        out.reserveCapacity(max(ai.count, bi.count))
        for k in 0..<prefix { out.append(.equal(old: k, new: k)) }
        let midA = Array(ai[prefix..<(ai.count - suffix)])
        let midB = Array(bi[prefix..<(bi.count - suffix)])
        if let script = myers(midA, midB) {
            for e in script {
                switch e {
                case .equal(let o, let n): out.append(.equal(old: o + prefix, new: n + prefix))
                case .delete(let o): out.append(.delete(old: o + prefix))
                case .insert(let n): out.append(.insert(new: n + prefix))
                }
            }
        } else {
            for k in midA.indices { out.append(.delete(old: k + prefix)) }
            for k in midB.indices { out.append(.insert(new: k + prefix)) }
        }
        for k in 0..<suffix { out.append(.equal(old: ai.count - suffix + k, new: bi.count - suffix + k)) }
        return out
    }

    /// Forward Myers with the V vectors kept per step for backtracking; nil past the limit.
    static func myers(_ a: [Int], _ b: [Int]) -> [Edit]? {
        let n = a.count
        let m = b.count
        if n == 0 { return (0..<m).map { .insert(new: $0) } }
        if m == 0 { return (0..<n).map { .delete(old: $0) } }
        let maxD = min(n + m, maxEditDistance)
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...maxD {
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            var k = -d
            while k <= d {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m {
                    found = true
                    break outer
                }
                k += 2
            }
        }
        guard found else { return nil }
        // Backtrack: trace[d] holds V before step d, as a window from k = -d-1 to d+1.
        var script: [Edit] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let window = trace[d]
            func vAt(_ k: Int) -> Int { window[k + d + 1] }
            let k = x - y
            let prevK: Int
            if d == 0 {
                prevK = 0
            } else if k == -d || (k != d && vAt(k - 1) < vAt(k + 1)) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = d == 0 ? 0 : vAt(prevK)
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                x -= 1
                y -= 1
                script.append(.equal(old: x, new: y))
            }
            if d > 0 {
                if x == prevX {
                    script.append(.insert(new: prevY))
                } else {
                    script.append(.delete(old: prevX))
                }
            }
            x = prevX
            y = prevY
        }
        return script.reversed()
    }

    // MARK: Hunks

    static func render(_ edits: [Edit], _ a: [Substring], _ b: [Substring], context: Int) -> String {
        let changed = edits.indices.filter { if case .equal = edits[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return "" }
        // Group changes whose gap of equal lines is at most 2 * context.
        var groups: [(Int, Int)] = []
        var start = changed[0]
        var end = changed[0]
        for i in changed.dropFirst() {
            if i - end - 1 > 2 * context {
                groups.append((start, end))
                start = i
            }
            end = i
        }
        groups.append((start, end))
        var out = ""
        for (s, e) in groups {
            let lo = max(0, s - context)
            let hi = min(edits.count - 1, e + context)
            var oldStart = -1, oldCount = 0, newStart = -1, newCount = 0
            // Positions of the hunk in each file, for empty ranges too.
            var oldPos = 0, newPos = 0
            for i in 0..<lo {
                switch edits[i] {
                case .equal: oldPos += 1; newPos += 1
                case .delete: oldPos += 1
                case .insert: newPos += 1
                }
            }
            var body = ""
            for i in lo...hi {
                switch edits[i] {
                case .equal(let o, _):
                    if oldStart < 0 { oldStart = oldPos + oldCount }
                    if newStart < 0 { newStart = newPos + newCount }
                    oldCount += 1; newCount += 1
                    line(" ", a[o], into: &body)
                case .delete(let o):
                    if oldStart < 0 { oldStart = oldPos + oldCount }
                    oldCount += 1
                    line("-", a[o], into: &body)
                case .insert(let n):
                    if newStart < 0 { newStart = newPos + newCount }
                    newCount += 1
                    line("+", b[n], into: &body)
                }
            }
            if oldStart < 0 { oldStart = oldPos }
            if newStart < 0 { newStart = newPos }
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
        }
        return out
    }

    private static func line(_ mark: String, _ text: Substring, into out: inout String) {
        out += mark
        out += text
        if !text.hasSuffix("\n") { out += "\n\\ No newline at end of file\n" }
    }

    /// GNU/difflib range: 1-based start, count omitted when 1, start-1 when empty.
    static func range(_ start: Int, _ count: Int) -> String {
        switch count {
        case 0: return "\(start),0"
        case 1: return "\(start + 1)"
        default: return "\(start + 1),\(count)"
        }
    }
}
