/// Prometheus text exposition format (what Envoy's `/stats/prometheus`, ztunnel's
/// `:15020/metrics` and istiod's `/metrics` serve), parsed in one pass over the bytes.
///
/// Malformed lines are counted and reported with their line number, never fatal:
/// one bad series must not hide a million good ones.
///
/// ```swift
/// let m = PrometheusText.parse(Array("a_total{x=\"1\"} 3\n".utf8))
/// m.samples[0].name            // "a_total"
/// m.samples[0].label("x")      // "1"
/// m.samples[0].value           // 3
/// ```
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [Label]
        public var value: Double
        /// Milliseconds since the epoch, when the exporter gave one.
        public var timestamp: Int64?

        public func label(_ key: String) -> String? {
            for l in labels where l.name == key { return l.value }
            return nil
        }
    }

    public struct Label: Sendable, Equatable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct Malformed: Sendable, Equatable {
        public var line: Int
        public var reason: String
    }

    public var samples: [Sample] = []
    /// `# TYPE` declarations: metric family name → counter, gauge, histogram, summary, untyped.
    public var types: [String: String] = [:]
    public var help: [String: String] = [:]
    public var malformed: [Malformed] = []
    /// Total number of malformed lines (``malformed`` keeps only the first 100 of them).
    public var malformedCount = 0

    public static func parse(_ bytes: [UInt8]) -> PrometheusText {
        var parser = Parser()
        bytes.withUnsafeBufferPointer { parser.run($0) }
        return parser.result
    }

    public static func parse(_ text: String) -> PrometheusText { parse(Array(text.utf8)) }
}

extension PrometheusText {
    fileprivate struct Parser {
        var result = PrometheusText()
        /// Label names and values repeat across series; interning makes each distinct
        /// string one allocation shared by every sample that carries it.
        var interned: [Int: [(bytes: [UInt8], string: String)]] = [:]

        mutating func intern(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
            let key = Int(truncatingIfNeeded: FNV1a.hash(b, start, end))
            if let bucket = interned[key] {
                for entry in bucket where entry.bytes.count == end - start {
                    var same = true
                    var k = 0
                    while k < entry.bytes.count {
                        if entry.bytes[k] != b[start + k] {
                            same = false
                            break
                        }
                        k += 1
                    }
                    if same { return entry.string }
                }
            }
            let bytes = Array(b[start..<end])
            let s = String(decoding: bytes, as: UTF8.self)
            interned[key, default: []].append((bytes, s))
            return s
        }

        mutating func fail(_ line: Int, _ reason: String) {
            result.malformedCount += 1
            if result.malformed.count < 100 { result.malformed.append(Malformed(line: line, reason: reason)) }
        }

        mutating func run(_ b: UnsafeBufferPointer<UInt8>) {
            ByteText.forEachLine(b) { start, end, lineNo, _ in parseLine(b, start, end, lineNo) }
        }

        @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        @inline(__always) static func isNameChar(_ c: UInt8, first: Bool) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A || (!first && c >= 0x30 && c <= 0x39)
        }

        mutating func parseLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ lineNo: Int) {
            var i = start
            while i < end && Parser.isSpace(b[i]) { i += 1 }
            if i == end { return }
            if b[i] == 0x23 {  // '#'
                parseComment(b, i + 1, end)
                return
            }
            let nameStart = i
            while i < end && Parser.isNameChar(b[i], first: i == nameStart) { i += 1 }
            if i == nameStart {
                fail(lineNo, "expected a metric name")
                return
            }
            let name = intern(b, nameStart, i)
            var labels: [Label] = []
            if i < end && b[i] == 0x7B {  // '{'
                i += 1
                while true {
                    while i < end && Parser.isSpace(b[i]) { i += 1 }
                    if i < end && b[i] == 0x7D {
                        i += 1
                        break
                    }
                    let ls = i
                    while i < end && Parser.isNameChar(b[i], first: i == ls) { i += 1 }
                    if i == ls || i >= end || b[i] != 0x3D {
                        fail(lineNo, "bad label in \(name)")
                        return
                    }
                    let labelName = intern(b, ls, i)
                    i += 1
                    guard i < end && b[i] == 0x22 else {
                        fail(lineNo, "label value of \(labelName) must be quoted")
                        return
                    }
                    i += 1
                    let vs = i
                    var escaped = false
                    while i < end && b[i] != 0x22 {
                        if b[i] == 0x5C {
                            escaped = true
                            i += 1
                        }
                        i += 1
                    }
                    guard i < end else {
                        fail(lineNo, "unterminated label value of \(labelName)")
                        return
                    }
                    let value = escaped ? Parser.unescape(b, vs, i) : intern(b, vs, i)
                    labels.append(Label(labelName, value))
                    i += 1
                    while i < end && Parser.isSpace(b[i]) { i += 1 }
                    if i < end && b[i] == 0x2C { i += 1 }
                }
            }
            while i < end && Parser.isSpace(b[i]) { i += 1 }
            let vs = i
            while i < end && !Parser.isSpace(b[i]) { i += 1 }
            guard vs < i, let value = Parser.parseValue(b, vs, i) else {
                fail(lineNo, vs < i ? "bad value for \(name)" : "missing value for \(name)")
                return
            }
            while i < end && Parser.isSpace(b[i]) { i += 1 }
            var ts: Int64?
            if i < end {
                guard let t = ByteText.int64(b, i, end) else {
                    fail(lineNo, "bad timestamp for \(name)")
                    return
                }
                ts = t
            }
            result.samples.append(Sample(name: name, labels: labels, value: value, timestamp: ts))
        }

        mutating func parseComment(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
            var i = start
            while i < end && Parser.isSpace(b[i]) { i += 1 }
            let ks = i
            while i < end && !Parser.isSpace(b[i]) { i += 1 }
            let keyword = String(decoding: UnsafeBufferPointer(rebasing: b[ks..<i]), as: UTF8.self)
            guard keyword == "TYPE" || keyword == "HELP" else { return }
            while i < end && Parser.isSpace(b[i]) { i += 1 }
            let ns = i
            while i < end && !Parser.isSpace(b[i]) { i += 1 }
            let name = String(decoding: UnsafeBufferPointer(rebasing: b[ns..<i]), as: UTF8.self)
            while i < end && Parser.isSpace(b[i]) { i += 1 }
            let rest = String(decoding: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self)
            if keyword == "TYPE" { result.types[name] = rest } else { result.help[name] = rest }
        }

        static func unescape(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
            var out: [UInt8] = []
            var i = start
            while i < end {
                if b[i] == 0x5C && i + 1 < end {
                    out.append(b[i + 1] == 0x6E ? 0x0A : b[i + 1])
                    i += 2
                } else {
                    out.append(b[i])
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func parseValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
            // Fast path for plain integers, which is nearly every counter.
            if let v = ByteText.int64(b, start, end) { return Double(v) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
            switch text {
            case "+Inf", "Inf": return .infinity
            case "-Inf": return -.infinity
            case "NaN": return .nan
            default: return Double(text)
            }
        }
    }
}
