import Foundation

/// Turns a seed into a hostile variant: byte-level damage that ignores the format, and
/// structure-aware edits that keep the document parseable so the decoder gets past its
/// parser and into the code that interprets values.
struct Mutator {
    enum Format: Sendable { case json, yaml, text, binary }

    var format: Format
    /// Whether huge numbers (``KnownIssue/rateFormatTraps``) may be written.
    var hugeNumbers: Bool
    /// Deepest nesting a mutation writes.
    var maxNesting: Int
    /// Whether YAML aliases may be multiplied into a bomb.
    var aliasBombs: Bool

    init(_ format: Format, config: FuzzConfig) {
        self.format = format
        hugeNumbers = config.generates(.rateFormatTraps)
        maxNesting = config.generates(.deepNesting) ? 20_000 : KnownIssue.shallowNesting
        aliasBombs = config.generates(.yamlAliasBombs)
    }

    /// One to four mutations of `input`; `other` is a second seed for splicing.
    func mutate(_ input: [UInt8], other: [UInt8], _ rng: inout FuzzRandom) -> [UInt8] {
        var out = input
        for _ in 0...rng.below(4) {
            let structured = format != .binary && rng.chance(60)
            if structured, let s = structure(out, &rng) {
                out = s
            } else {
                out = bytes(out, other: other, &rng)
            }
        }
        return out
    }

    // MARK: Byte level

    func bytes(_ input: [UInt8], other: [UInt8], _ rng: inout FuzzRandom) -> [UInt8] {
        var b = input
        let at = rng.below(b.count + 1)
        switch rng.below(11) {
        case 0 where !b.isEmpty:  // bit flips
            for _ in 0...rng.below(4) { let i = rng.below(b.count); b[i] ^= UInt8(1) << UInt8(rng.below(8)) }
        case 1:  // insert random or interesting bytes
            let interesting: [UInt8] = [0, 0x1B, 0x7F, 0xFF, 0x80, 0x22, 0x7B, 0x5B, 0x3A, 0x2C, 0x0A, 0x5C, 0x7C, 0x20]
            b.insert(contentsOf: (0...rng.below(8)).map { _ in rng.chance(50) ? rng.pick(interesting) : UInt8(truncatingIfNeeded: rng.next()) }, at: at)
        case 2 where !b.isEmpty:  // delete a range
            let n = min(b.count - min(at, b.count - 1), 1 + rng.below(rng.chance(80) ? 16 : 4_096))
            b.removeSubrange(min(at, b.count - 1)..<(min(at, b.count - 1) + n))
        case 3 where !b.isEmpty:  // duplicate a range
            let start = rng.below(b.count), n = min(b.count - start, 1 + rng.below(256))
            let chunk = Array(b[start..<(start + n)])
            for _ in 0...rng.below(rng.chance(10) ? 64 : 2) { b.insert(contentsOf: chunk, at: min(at, b.count)) }
        case 4 where !other.isEmpty:  // splice two seeds
            let cut = rng.below(other.count)
            b = Array(b.prefix(at)) + Array(other[cut...])
        case 5:  // truncate
            b = Array(b.prefix(at))
        case 6:  // a number replaced by a boundary value
            b = replaceNumber(b, &rng)
        case 7:  // control characters
            b.insert(contentsOf: rng.pick(HostileTokens.controlSequences), at: at)
        case 8:  // invalid UTF-8
            b.insert(contentsOf: rng.pick(HostileTokens.invalidUTF8), at: at)
        case 9:  // deep nesting
            let n = 1 + rng.below(maxNesting)
            b.insert(contentsOf: Array(repeating: rng.pick([0x5B, 0x7B]), count: n), at: at)
        default:  // a long string or a grapheme
            let s = rng.chance(30) ? HostileTokens.longString(&rng) : rng.pick(HostileTokens.graphemes)
            b.insert(contentsOf: Array(s.utf8), at: at)
        }
        return b
    }

    func numberToken(_ rng: inout FuzzRandom) -> String {
        if hugeNumbers && rng.chance(40) { return rng.pick(HostileTokens.hugeNumbers) }
        if rng.chance(15) { return rng.pick(HostileTokens.nonNumbers) }
        return rng.pick(HostileTokens.numbers)
    }

    /// Replaces one run of digits (with its sign, point and exponent) by a boundary value.
    func replaceNumber(_ b: [UInt8], _ rng: inout FuzzRandom) -> [UInt8] {
        var runs: [Range<Int>] = []
        var i = 0
        while i < b.count, runs.count < 4_096 {
            if isDigit(b[i]) {
                var j = i
                while j < b.count, isDigit(b[j]) || b[j] == 0x2E || b[j] == 0x65 || b[j] == 0x45 || ((b[j] == 0x2B || b[j] == 0x2D) && j > i && (b[j - 1] | 0x20) == 0x65) { j += 1 }
                let start = i > 0 && b[i - 1] == 0x2D ? i - 1 : i
                runs.append(start..<j)
                i = j
            } else {
                i += 1
            }
        }
        guard !runs.isEmpty else { return b }
        var out = b
        out.replaceSubrange(rng.pick(runs), with: Array(numberToken(&rng).utf8))
        return out
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    // MARK: Structure aware

    func structure(_ input: [UInt8], _ rng: inout FuzzRandom) -> [UInt8]? {
        switch format {
        case .json: JSONMutator(mutator: self).mutate(input, &rng)
        case .yaml: LineMutator(mutator: self, yaml: true).mutate(input, &rng)
        case .text: LineMutator(mutator: self, yaml: false).mutate(input, &rng)
        case .binary: nil
        }
    }

    /// A hostile string value: control characters, a long name, graphemes, separators.
    func hostileText(_ rng: inout FuzzRandom, jsonEscaped: Bool) -> String {
        switch rng.below(6) {
        case 0: jsonEscaped ? rng.pick(HostileTokens.jsonEscapes) : String(decoding: rng.pick(HostileTokens.controlSequences), as: UTF8.self)
        case 1: HostileTokens.longString(&rng)
        case 2: rng.pick(HostileTokens.graphemes)
        case 3: rng.pick(["", " ", "|", "||||", "outbound|9080||", "a.b.c.d.e", ":", "::", "[::1]:80", "%", "\\", "/", "*"])
        case 4: "evil" + (jsonEscaped ? #"\u001b]0;PWNED\u0007\u001b[2J"# : "\u{1B}]0;PWNED\u{07}\u{1B}[2J")
        default: numberToken(&rng)
        }
    }
}
