import Foundation

/// Structure-aware JSON edits: parse, change one node (replace a value, duplicate or drop a
/// member or element, rename a key, nest deeper), write back. Values that JSON cannot
/// carry through `JSONSerialization` (huge numbers, `NaN`, raw escapes, deep nesting) are
/// written as placeholders and substituted in the output text.
struct JSONMutator {
    let mutator: Mutator

    /// Nil when the input is not JSON (the caller falls back to byte mutations).
    func mutate(_ input: [UInt8], _ rng: inout FuzzRandom) -> [UInt8]? {
        guard input.count < 4 << 20,
              let tree = try? JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed]) else { return nil }
        var raws: [String] = []
        var counter = 0
        let target = rng.below(max(1, count(tree)))
        let mutated = edit(tree, target: target, counter: &counter, raws: &raws, &rng)
        guard JSONSerialization.isValidJSONObject([mutated]),
              let data = try? JSONSerialization.data(withJSONObject: mutated, options: [.fragmentsAllowed, .sortedKeys]) else { return nil }
        var text = String(decoding: data, as: UTF8.self)
        for (i, raw) in raws.enumerated() {
            text = text.replacingOccurrences(of: "\"\(placeholder(i))\"", with: raw)
        }
        return Array(text.utf8)
    }

    private func placeholder(_ i: Int) -> String { "@@FUZZRAW\(i)@@" }

    private func count(_ v: Any) -> Int {
        switch v {
        case let d as [String: Any]: 1 + d.values.reduce(0) { $0 + count($1) }
        case let a as [Any]: 1 + a.reduce(0) { $0 + count($1) }
        default: 1
        }
    }

    private func raw(_ s: String, _ raws: inout [String]) -> String {
        raws.append(s)
        return placeholder(raws.count - 1)
    }

    /// Walks in a fixed order (sorted keys) so a seed picks the same node in every process.
    private func edit(_ v: Any, target: Int, counter: inout Int, raws: inout [String], _ rng: inout FuzzRandom) -> Any {
        let here = counter
        counter += 1
        if here == target { return change(v, raws: &raws, &rng) }
        switch v {
        case let d as [String: Any]:
            var out: [String: Any] = [:]
            for k in d.keys.sorted() { out[k] = edit(d[k]!, target: target, counter: &counter, raws: &raws, &rng) }
            return out
        case let a as [Any]:
            return a.map { edit($0, target: target, counter: &counter, raws: &raws, &rng) }
        default:
            return v
        }
    }

    private func change(_ v: Any, raws: inout [String], _ rng: inout FuzzRandom) -> Any {
        switch (v, rng.below(4)) {
        case (var d as [String: Any], 0):  // a member with a hostile key, or a duplicated one
            let keys = d.keys.sorted()
            if let k = keys.isEmpty ? nil : rng.pick(keys), rng.chance(50) {
                d[raw("\"" + mutator.hostileText(&rng, jsonEscaped: true) + "\"", &raws)] = d[k]
                if rng.chance(50) { d[k] = nil }
            } else {
                d[raw("\"" + mutator.hostileText(&rng, jsonEscaped: true) + "\"", &raws)] = rng.pick(["x", 1, [Any](), [String: Any]()] as [Any])
            }
            return d
        case (var d as [String: Any], 1) where !d.isEmpty:  // a member dropped
            d[rng.pick(d.keys.sorted())] = nil
            return d
        case (var a as [Any], 0) where !a.isEmpty:  // an element repeated
            let e = a[rng.below(a.count)]
            for _ in 0...rng.below(rng.chance(10) ? 200 : 3) { a.insert(e, at: rng.below(a.count + 1)) }
            return a
        case (var a as [Any], 1) where !a.isEmpty:  // an element dropped
            a.remove(at: rng.below(a.count))
            return a
        case (let s as String, 0), (let s as String, 1):  // a hostile string
            let h = mutator.hostileText(&rng, jsonEscaped: true)
            let escaped = (try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed])).map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? ""
            return raw("\"" + (rng.chance(50) ? escaped + h : h + escaped) + "\"", &raws)
        case (_, 2):  // nest deeper
            let depth = 1 + rng.below(mutator.maxNesting)
            let inner = (try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "null"
            if rng.chance(50) {
                return raw(String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth), &raws)
            }
            return raw(String(repeating: "{\"a\":", count: depth) + inner + String(repeating: "}", count: depth), &raws)
        default:  // a value of another type or out of range
            switch rng.below(4) {
            case 0: return raw(mutator.numberToken(&rng), &raws)
            case 1: return raw("\"" + mutator.hostileText(&rng, jsonEscaped: true) + "\"", &raws)
            case 2: return raw(rng.pick(["null", "true", "false", "{}", "[]", "\"\"", "[null]", "{\"\":null}"]), &raws)
            default: return raw(rng.chance(50) ? "\"" + String(describing: v).prefix(40).replacingOccurrences(of: "\"", with: "") + "\"" : mutator.numberToken(&rng), &raws)
            }
        }
    }
}
