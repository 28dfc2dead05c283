/// Structure-aware edits for line formats (YAML, `/stats`, `/clusters`, Prometheus text):
/// repeat, drop or swap lines, replace a value or a name, indent deeper, and in YAML add
/// anchors and aliases.
struct LineMutator {
    let mutator: Mutator
    let yaml: Bool

    func mutate(_ input: [UInt8], _ rng: inout FuzzRandom) -> [UInt8]? {
        var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        guard !lines.isEmpty else { return nil }
        let i = rng.below(lines.count)
        switch rng.below(yaml ? 7 : 6) {
        case 0:  // a line or block repeated
            let n = min(lines.count - i, 1 + rng.below(8))
            let block = Array(lines[i..<(i + n)])
            for _ in 0...rng.below(rng.chance(10) ? 100 : 2) { lines.insert(contentsOf: block, at: min(lines.count, i + n)) }
        case 1:  // a line dropped, or two swapped
            if rng.chance(50) { lines.remove(at: i) } else { lines.swapAt(i, rng.below(lines.count)) }
        case 2:  // the value after the separator replaced
            lines[i] = replaceValue(lines[i], &rng)
        case 3:  // the name before the separator replaced
            lines[i] = replaceName(lines[i], &rng)
        case 4:  // a number replaced
            lines[i] = mutator.replaceNumber(lines[i], &rng)
        case 5:  // indented deeper or a new key line
            if yaml {
                lines[i] = Array(repeating: 0x20, count: 2 * (1 + rng.below(8))) + lines[i]
            } else {
                lines.insert(Array((mutator.hostileText(&rng, jsonEscaped: false) + ": " + mutator.numberToken(&rng)).utf8), at: i)
            }
        default:  // YAML: anchors and aliases, flow nesting
            lines.insert(contentsOf: yamlExtras(&rng).map { Array($0.utf8) }, at: i)
        }
        return Array(lines.joined(separator: [0x0A]))
    }

    private func separator(_ line: [UInt8]) -> Int? {
        if let c = line.firstIndex(of: 0x3A) { return c }  // "name: value", "a::b::value"
        return line.lastIndex(of: 0x20)  // "metric{…} value"
    }

    private func replaceValue(_ line: [UInt8], _ rng: inout FuzzRandom) -> [UInt8] {
        guard let s = yaml ? line.firstIndex(of: 0x3A) : (line.lastIndex(of: 0x3A) ?? line.lastIndex(of: 0x20)) else { return line }
        let value = rng.chance(50) ? mutator.numberToken(&rng) : mutator.hostileText(&rng, jsonEscaped: false)
        let quoted = yaml && rng.chance(30) ? "\"" + value + "\"" : value
        return Array(line[...s]) + Array((" " + quoted).utf8)
    }

    private func replaceName(_ line: [UInt8], _ rng: inout FuzzRandom) -> [UInt8] {
        guard let s = separator(line) else { return line }
        let start = line.firstIndex { $0 != 0x20 && $0 != 0x2D } ?? 0  // keep YAML indentation and "- "
        guard start <= s else { return line }
        return Array(line[..<start]) + Array(mutator.hostileText(&rng, jsonEscaped: false).utf8) + Array(line[s...])
    }

    private func yamlExtras(_ rng: inout FuzzRandom) -> [String] {
        if mutator.aliasBombs && rng.chance(30) {
            var bomb = ["a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
            for k in 1...9 { bomb.append("a\(k): &a\(k) [" + Array(repeating: "*a\(k - 1)", count: 9).joined(separator: ",") + "]") }
            return bomb
        }
        switch rng.below(4) {
        case 0: return ["x: &anchor {a: 1, b: [1, 2]}", "y: *anchor", "z: *anchor"]
        case 1: return ["<<: *missing"]
        case 2:
            let d = 1 + rng.below(mutator.maxNesting)
            return ["deep: " + String(repeating: "[", count: d) + String(repeating: "]", count: d)]
        default: return ["? " + mutator.hostileText(&rng, jsonEscaped: false), ": !!binary " + mutator.numberToken(&rng)]
        }
    }
}
