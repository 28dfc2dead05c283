/// A filter or search pattern: a case-insensitive regular expression, with a fast path
/// for plain text; a leading `!` inverts it (rows that do *not* match).
///
/// ```swift
/// let m = try TextMatcher("!outbound")     // everything but outbound clusters
/// m.accepts("inbound|8080||")              // true
/// try TextMatcher("^10\\.").ranges(in: "10.0.0.1")  // one range: "10."
/// ```
public struct TextMatcher: @unchecked Sendable {
    // Regex<AnyRegexOutput> is immutable once built; it is only read here.
    public let pattern: String
    public let inverted: Bool
    private let literal: [UInt8]?
    private let regex: Regex<AnyRegexOutput>?

    public struct InvalidPattern: Error, Sendable, CustomStringConvertible {
        public var pattern: String
        public var message: String
        public var description: String { "invalid regex \"\(pattern)\": \(message)" }
    }

    public init(_ text: String) throws(InvalidPattern) {
        pattern = text
        var body = Substring(text)
        inverted = body.hasPrefix("!")
        if inverted { body = body.dropFirst() }
        let metachars: Set<Character> = ["\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}"]
        if !body.contains(where: { metachars.contains($0) }) {
            literal = Array(body.lowercased().utf8)
            regex = nil
        } else {
            literal = nil
            do {
                regex = try Regex(String(body)).ignoresCase()
            } catch {
                throw InvalidPattern(pattern: String(body), message: "\(error)")
            }
        }
    }

    /// The lowercased bytes of a plain-text (non-regex) pattern, for ``RowIndex`` scans;
    /// nil for regexes and for text whose lowercase form is not plain ASCII folding.
    public var literalBytes: [UInt8]? {
        guard let literal, literal.allSatisfy({ $0 < 0x80 }) else { return nil }
        return literal
    }

    /// Whether the pattern is empty (matches everything).
    public var isEmpty: Bool { literal?.isEmpty ?? false }

    /// Whether `text` matches (inversion applied).
    public func accepts(_ text: String) -> Bool { matches(text) != inverted }

    /// Whether `text` contains the pattern (inversion not applied).
    public func matches(_ text: String) -> Bool {
        if let literal {
            if literal.isEmpty { return true }
            return TextMatcher.containsFolded(text, literal)
        }
        guard let regex else { return true }
        return (try? regex.firstMatch(in: text)) != nil
    }

    /// Where the pattern occurs in `text` (for highlighting); empty for inverted patterns.
    public func ranges(in text: String) -> [Range<String.Index>] {
        guard !inverted else { return [] }
        if let literal {
            guard !literal.isEmpty else { return [] }
            var out: [Range<String.Index>] = []
            let lowered = text.lowercased()
            // Lowercasing can change lengths outside ASCII; only map ranges back when it did not.
            guard lowered.utf8.count == text.utf8.count else { return [] }
            let hay = Array(lowered.utf8)
            var i = 0
            while i + literal.count <= hay.count {
                if hay[i] == literal[0], hay[i..<(i + literal.count)].elementsEqual(literal) {
                    let lo = text.utf8.index(text.utf8.startIndex, offsetBy: i)
                    let hi = text.utf8.index(lo, offsetBy: literal.count)
                    out.append(lo..<hi)
                    i += literal.count
                } else {
                    i += 1
                }
            }
            return out
        }
        guard let regex else { return [] }
        return text.matches(of: regex).map(\.range).filter { !$0.isEmpty }
    }

    static func containsFolded(_ text: String, _ needle: [UInt8]) -> Bool {
        var t = text
        return t.withUTF8 { hay in
            let n = needle.count
            guard hay.count >= n else { return false }
            let first = needle[0]
            var i = 0
            let last = hay.count - n
            while i <= last {
                var c = hay[i]
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c == first {
                    var k = 1
                    while k < n {
                        var d = hay[i + k]
                        if d >= 0x41 && d <= 0x5A { d |= 0x20 }
                        if d != needle[k] { break }
                        k += 1
                    }
                    if k == n { return true }
                }
                i += 1
            }
            return false
        } || (text.utf8.contains { $0 >= 0x80 } && text.lowercased().contains(String(decoding: needle, as: UTF8.self)))
    }
}
