/// Prints ``JSONTree`` trees as YAML the way istioctl does (Go's `sigs.k8s.io/yaml`
/// over yaml.v2): keys in yaml.v2's order, block sequences not indented under their key,
/// strings quoted only where a YAML reader would take them for something else.
///
/// ```swift
/// YAMLWriter.string(.object(["port": .string("80"), "name": .string("web")]))
/// // name: web
/// // port: "80"
/// ```
public enum YAMLWriter {
    public static func string(_ node: JSONTree, keyStyle: KeyStyle = .preserve) -> String {
        var out = ""
        emitTop(Node(node, keyStyle: keyStyle, parentKey: nil, opaque: false), into: &out)
        return out
    }

    /// A uniform view over constructed and parsed values.
    private enum Node {
        case scalar(String)  // already rendered
        case map([(String, Node)])
        case seq([Node])

        init(_ node: JSONTree, keyStyle: KeyStyle, parentKey: String?, opaque: Bool) {
            switch node {
            case .null: self = .scalar("null")
            case .bool(let b): self = .scalar(b ? "true" : "false")
            case .number(let n): self = .scalar(n)
            case .string(let s): self = .scalar(YAMLWriter.quote(s))
            case .array(let items):
                self = .seq(items.map { Node($0, keyStyle: keyStyle, parentKey: parentKey, opaque: opaque) })
            case .object(let pairs):
                self = .map(YAMLWriter.sorted(pairs.map { ($0.0, Node($0.1, keyStyle: keyStyle, parentKey: $0.0, opaque: opaque)) }))
            case .json(let v): self = Node(v, keyStyle: keyStyle, parentKey: parentKey, opaque: opaque)
            }
        }

        init(_ v: JSONValue, keyStyle: KeyStyle, parentKey: String?, opaque: Bool) {
            switch v.kind {
            case .null: self = .scalar("null")
            case .bool, .number: self = .scalar(v.rawText)
            case .string: self = .scalar(YAMLWriter.quote(v.string ?? ""))
            case .array:
                self = .seq(v.elements.map { Node($0, keyStyle: keyStyle, parentKey: parentKey, opaque: opaque) })
            case .object:
                var pairs: [(String, Node)] = []
                for (k, child) in v.members {
                    let childOpaque = opaque || keyStyle.isOpaque(key: k, parentKey: parentKey)
                    pairs.append((opaque ? k : keyStyle.convert(k), Node(child, keyStyle: keyStyle, parentKey: k, opaque: childOpaque)))
                }
                self = .map(YAMLWriter.sorted(pairs))
            }
        }
    }

    private static func emitTop(_ node: Node, into out: inout String) {
        switch node {
        case .scalar(let s): out += s + "\n"
        case .map(let pairs) where pairs.isEmpty: out += "{}\n"
        case .seq(let items) where items.isEmpty: out += "[]\n"
        case .map(let pairs): emitMap(pairs, indent: 0, firstIndented: false, into: &out)
        case .seq(let items): emitSeq(items, indent: 0, firstIndented: false, into: &out)
        }
    }

    private static func emitMap(_ pairs: [(String, Node)], indent: Int, firstIndented: Bool, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (n, (k, v)) in pairs.enumerated() {
            if n > 0 || !firstIndented { out += pad }
            out += quote(k) + ":"
            switch v {
            case .scalar(let s): out += scalarAfterIndicator(s, indent: indent)
            case .map(let p) where p.isEmpty: out += " {}\n"
            case .seq(let i) where i.isEmpty: out += " []\n"
            case .map(let p):
                out += "\n"
                emitMap(p, indent: indent + 2, firstIndented: false, into: &out)
            case .seq(let i):
                out += "\n"
                emitSeq(i, indent: indent, firstIndented: false, into: &out)
            }
        }
    }

    private static func emitSeq(_ items: [Node], indent: Int, firstIndented: Bool, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (n, item) in items.enumerated() {
            if n > 0 || !firstIndented { out += pad }
            out += "-"
            switch item {
            case .scalar(let s): out += scalarAfterIndicator(s, indent: indent)
            case .map(let p) where p.isEmpty: out += " {}\n"
            case .seq(let i) where i.isEmpty: out += " []\n"
            case .map(let p):
                out += " "
                emitMap(p, indent: indent + 2, firstIndented: true, into: &out)
            case .seq(let i):
                out += " "
                emitSeq(i, indent: indent + 2, firstIndented: true, into: &out)
            }
        }
    }

    /// Scalars arrive rendered; a literal block (multi-line string) carries its lines
    /// after a marker and is indented here, where the depth is known.
    private static func scalarAfterIndicator(_ s: String, indent: Int) -> String {
        guard s.hasPrefix(literalMarker) else { return " " + s + "\n" }
        let body = String(s.dropFirst(literalMarker.count))
        let keepNewline = body.hasSuffix("\n")
        let lines = (keepNewline ? String(body.dropLast()) : body).split(separator: "\n", omittingEmptySubsequences: false)
        let pad = String(repeating: " ", count: indent + 2)
        var out = keepNewline ? " |\n" : " |-\n"
        for line in lines { out += line.isEmpty ? "\n" : pad + line + "\n" }
        return out
    }

    private static let literalMarker = "\u{0}literal\u{0}"

    // MARK: Quoting, after yaml.v2's encoder and emitter

    static func quote(_ s: String) -> String {
        if isObviouslyPlain(s) { return s }
        // Anything a terminal would obey (ESC, C1, bidi overrides) is double-quoted and
        // escaped, so YAML printed to a terminal is inert and still reads back the same.
        if !TerminalText.isInert(s.utf8, keepLayout: true) { return doubleQuoted(s) }
        if s.contains("\n") && !s.contains(where: { $0 == "\t" || $0 == "\r" }) && !s.hasPrefix(" ")
            && !s.unicodeScalars.contains(where: { $0 != "\n" && mustEscape($0) }) {
            return literalMarker + s
        }
        if s.isEmpty || resolvesToNonString(s) { return doubleQuoted(s) }
        if plainAllowed(s) { return s }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || mustEscape($0) }) { return doubleQuoted(s) }
        return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    /// One pass over the bytes for the common case (names, hosts, enum values): letters
    /// first, then letters, digits and `.-_/|`. Such a string can only be mistaken for a
    /// YAML bool or null, which the word check rules out.
    private static func isObviouslyPlain(_ s: String) -> Bool {
        let plain: Bool? = s.utf8.withContiguousStorageIfAvailable { b in
            guard let first = b.first, (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A) else { return false }
            for c in b {
                let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                    || c == 0x2E || c == 0x2D || c == 0x5F || c == 0x2F || c == 0x7C
                if !ok { return false }
            }
            return b.count > 5 || !(yaml11Bools.contains(s) || yamlNulls.contains(s))
        }
        return plain ?? false
    }

    private static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                // What YAML cannot carry raw, and what a terminal would obey, is escaped.
                if !mustEscape(u) && !TerminalText.isUnsafe(u) {
                    out.unicodeScalars.append(u)
                } else if u.value <= 0xFF {
                    out += "\\x" + String(format2: u.value)
                } else {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                }
            }
        }
        return out + "\""
    }

    /// Scalars YAML does not allow unescaped (outside its printable set: C0 but tab and
    /// newline, DEL, C1, U+FFFE/U+FFFF) or reads as line breaks (NEL, LS, PS): written
    /// raw, the output would not parse (or not read back the same); `\x`/`\u` keep them exact.
    static func mustEscape(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0x0A, 0x20...0x7E, 0xA0...0x2027, 0x202A...0xFFFD, 0x10000...: false
        default: true
        }
    }

    private static let yaml11Bools: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]
    private static let yamlNulls: Set<String> = ["~", "null", "Null", "NULL"]

    static func resolvesToNonString(_ s: String) -> Bool {
        if yaml11Bools.contains(s) || yamlNulls.contains(s) { return true }
        if [".inf", ".Inf", ".INF", "+.inf", "-.inf", "+.Inf", "-.Inf", ".nan", ".NaN", ".NAN"].contains(s) { return true }
        if looksNumeric(s) { return true }
        return looksLikeTimestamp(s)
    }

    private static func looksNumeric(_ s: String) -> Bool {
        var t = Substring(s)
        if t.hasPrefix("+") || t.hasPrefix("-") { t = t.dropFirst() }
        if t.isEmpty { return false }
        if t.hasPrefix("0x") { return t.count > 2 && t.dropFirst(2).allSatisfy(\.isHexDigit) }
        if t.hasPrefix("0b") { return t.count > 2 && t.dropFirst(2).allSatisfy { $0 == "0" || $0 == "1" || $0 == "_" } }
        // ints (with yaml 1.1 underscores) and floats like 1.5, .5, 1e3, 1.5e-3
        var sawDigit = false
        var sawDot = false
        var sawExp = false
        var previous: Character = " "
        for ch in t {
            if ch.isASCII && ch.isNumber {
                sawDigit = true
            } else if ch == "_" && !sawExp {
                continue
            } else if ch == "." && !sawDot && !sawExp {
                sawDot = true
            } else if (ch == "e" || ch == "E") && sawDigit && !sawExp {
                sawExp = true
            } else if (ch == "+" || ch == "-") && (previous == "e" || previous == "E") {
            } else {
                return false
            }
            previous = ch
        }
        if sawExp && !(previous.isASCII && previous.isNumber) { return false }
        return sawDigit
    }

    private static func looksLikeTimestamp(_ s: String) -> Bool {
        // yaml.v2 resolves 2006-01-02, 2006-01-02T15:04:05Z and variants to timestamps.
        let u = Array(s.utf8)
        guard u.count >= 10, u[4] == 0x2D, u[7] == 0x2D,
              u[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              u[5..<7].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              u[8..<10].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return false }
        if u.count == 10 { return true }
        let rest = u[10...]
        guard let first = rest.first, first == 0x54 || first == 0x74 || first == 0x20 else { return false }
        return rest.dropFirst().allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x3A || $0 == 0x2E || $0 == 0x5A || $0 == 0x2B || $0 == 0x2D || $0 == 0x20 }
    }

    private static func plainAllowed(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        if first == " " || last == " " { return false }
        let indicators: Set<Unicode.Scalar> = [",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`"]
        if indicators.contains(first) { return false }
        let scalars = Array(s.unicodeScalars)
        if first == "-" || first == "?" || first == ":" {
            if scalars.count == 1 || scalars[1] == " " { return false }
        }
        for (i, c) in scalars.enumerated() {
            if c.value < 0x20 || mustEscape(c) { return false }
            if c == ":" && (i + 1 == scalars.count || scalars[i + 1] == " ") { return false }
            if c == "#" && i > 0 && scalars[i - 1] == " " { return false }
        }
        if s == "-" || s.hasPrefix("---") || s.hasPrefix("...") { return false }
        return true
    }

    // MARK: Key order, after yaml.v2's keyList.Less

    private static func sorted(_ pairs: [(String, Node)]) -> [(String, Node)] {
        pairs.sorted { goYAMLKeyLess($0.0, $1.0) }
    }

    static func goYAMLKeyLess(_ a: String, _ b: String) -> Bool {
        // Fast path: two ASCII keys that differ first at a pair of letters (or where one
        // is a prefix of the other) need no scalar arrays; the rules below give the same
        // answer for them.
        let fast: Bool? = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool? in
                var i = 0
                while i < x.count && i < y.count {
                    let p = x[i]
                    let q = y[i]
                    if p == q {
                        if p >= 0x80 { return nil }
                        i += 1
                        continue
                    }
                    let pl = (p >= 0x61 && p <= 0x7A) || (p >= 0x41 && p <= 0x5A)
                    let ql = (q >= 0x61 && q <= 0x7A) || (q >= 0x41 && q <= 0x5A)
                    if pl && ql { return p < q }
                    return nil
                }
                return x.count < y.count
            } ?? nil
        } ?? nil
        if let fast { return fast }
        return goYAMLKeyLessSlow(a, b)
    }

    private static func goYAMLKeyLessSlow(_ a: String, _ b: String) -> Bool {
        let ar = Array(a.unicodeScalars)
        let br = Array(b.unicodeScalars)
        var i = 0
        while i < ar.count && i < br.count {
            if ar[i] == br[i] {
                i += 1
                continue
            }
            let al = ar[i].properties.isAlphabetic
            let bl = br[i].properties.isAlphabetic
            if al && bl { return ar[i].value < br[i].value }
            if al || bl { return bl }
            var an: Int64 = 0
            var bn: Int64 = 0
            if ar[i] == "0" || br[i] == "0" {
                var j = i - 1
                while j >= 0 && isDigit(ar[j]) {
                    if ar[j] != "0" {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i
            while ai < ar.count && isDigit(ar[ai]) {
                an = an &* 10 &+ Int64(ar[ai].value - 48)
                ai += 1
            }
            var bi = i
            while bi < br.count && isDigit(br[bi]) {
                bn = bn &* 10 &+ Int64(br[bi].value - 48)
                bi += 1
            }
            if an != bn { return an < bn }
            if ai != bi { return ai < bi }
            return ar[i].value < br[i].value
        }
        return ar.count < br.count
    }

    private static func isDigit(_ u: Unicode.Scalar) -> Bool { u.value >= 48 && u.value <= 57 }
}

extension String {
    fileprivate init(format2 v: UInt32) {
        let hex = Array("0123456789ABCDEF")
        self = String([hex[Int(v >> 4) & 0xF], hex[Int(v) & 0xF]])
    }
}
