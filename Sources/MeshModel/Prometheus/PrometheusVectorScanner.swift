/// The common answer to an instant query, read in one pass over its bytes:
///
/// ```
/// {"status":"success","data":{"resultType":"vector","result":[{"metric":{"k":"v",…},"value":[1700000000.5,"2.5"]},…]}}
/// ```
///
/// exactly as Prometheus (and Thanos, Mimir) write it: compact, keys in this order. At 6,000
/// proxies each refresh brings ~14 MB of such answers; building a general JSON tape of them
/// first, then walking it, was most of `connections --edges`'s steady CPU. Anything else (a
/// `warnings` list, an escape in a string, whitespace, another key or order, a matrix, an
/// error, a malformed byte) makes ``scan(_:)`` return nil and ``PrometheusAPIResult/decode(_:)``
/// read the body with the general decoder, which gives the same answer or says what is wrong:
/// this path only ever accepts bodies that decoder reads the same way.
///
/// ```swift
/// PrometheusVectorScanner.scan(Array(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8))?.series.count   // 0
/// PrometheusVectorScanner.scan(Array(#"{"status": "success"}"#.utf8))   // nil: not the compact vector shape
/// ```
enum PrometheusVectorScanner {
    static let head = Array(#"{"status":"success","data":{"resultType":"vector","result":["#.utf8)
    static let metricOpen = Array(#"{"metric":{"#.utf8)
    static let valueOpen = Array(#","value":["#.utf8)

    /// The general decoder's bounds (``JSONTapeBuilder``), so this path never accepts a body
    /// it refuses: a string (or number) of 128 MiB or more, more tokens than its tape holds, an
    /// input of 4 GiB or more. Smaller in tests.
    struct Limits {
        var maxStringBytes = JSONTapeBuilder.maxStringBytes
        var maxTokens = JSONTapeBuilder.maxTokens
        var maxInputBytes = 1 << 32
    }

    static func scan(_ body: [UInt8], limits: Limits = Limits()) -> PrometheusAPIResult? {
        // The general decoder refuses documents nested deeper than the limit; this shape is 5 deep.
        guard InputLimits.current.maxJSONDepth >= 5, body.count < limits.maxInputBytes else { return nil }
        return body.withUnsafeBufferPointer { b in
            var s = Cursor(b: b, body: body, limits: limits)
            return s.vector()
        }
    }

    struct Cursor {
        let b: UnsafeBufferPointer<UInt8>
        let body: [UInt8]
        let limits: Limits
        var i = 0
        /// The general decoder's tape entries so far: one per string, number and container
        /// opened, one per container closed.
        var tokens = 0
        var strings = PrometheusAPIResult.LabelStrings()
        /// Labels of the series before: an answer's series carry about as many each, so each
        /// label set is made that size at once instead of growing through every smaller one.
        var lastLabelCount = 0

        init(b: UnsafeBufferPointer<UInt8>, body: [UInt8], limits: Limits) {
            self.b = b
            self.body = body
            self.limits = limits
        }

        /// Counts `n` tokens; false once the general decoder would have refused as many.
        @inline(__always) mutating func count(_ n: Int) -> Bool {
            tokens += n
            return tokens < limits.maxTokens
        }

        @inline(__always) func peek() -> UInt8? { i < b.count ? b[i] : nil }

        /// Consumes `bytes` if they come next.
        @inline(__always) mutating func expect(_ bytes: [UInt8]) -> Bool {
            guard b.count - i >= bytes.count else { return false }
            for k in 0..<bytes.count where b[i + k] != bytes[k] { return false }
            i += bytes.count
            return true
        }

        @inline(__always) mutating func expect(_ byte: UInt8) -> Bool {
            guard i < b.count, b[i] == byte else { return false }
            i += 1
            return true
        }

        /// A string without escapes or control characters (both valid JSON only through the
        /// general decoder): its bytes' range, the cursor after its closing quote.
        @inline(__always) mutating func string() -> Range<Int>? {
            guard expect(0x22) else { return nil }
            let start = i
            while i < b.count {
                let c = b[i]
                if c == 0x22 {
                    guard i - start < limits.maxStringBytes else { return nil }
                    i += 1
                    return start..<(i - 1)
                }
                if c == 0x5C || c < 0x20 { return nil }
                i += 1
            }
            return nil
        }

        /// A JSON number (RFC 8259's grammar, as the general tokenizer reads it), read as the
        /// general decoder reads one (`Double` of its text).
        @inline(__always) mutating func number() -> Double? {
            let start = i
            _ = expect(0x2D)
            if expect(0x30) {} else if !digits() { return nil }
            if expect(0x2E), !digits() { return nil }
            if let c = peek(), c == 0x65 || c == 0x45 {
                i += 1
                if let s = peek(), s == 0x2B || s == 0x2D { i += 1 }
                if !digits() { return nil }
            }
            // The tape keeps a number's length in as many bits as a string's.
            guard i - start < limits.maxStringBytes else { return nil }
            return Double(String(decoding: body[start..<i], as: UTF8.self))
        }

        @inline(__always) mutating func digits() -> Bool {
            let from = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i > from
        }

        mutating func vector() -> PrometheusAPIResult? {
            // `{` "status" "success" "data" `{` "resultType" "vector" "result" `[`
            guard expect(PrometheusVectorScanner.head), count(9) else { return nil }
            var series: [PrometheusAPIResult.Series] = []
            if !expect(0x5D) {
                while true {
                    guard let s = item() else { return nil }
                    series.append(s)
                    if expect(0x2C) { continue }
                    guard expect(0x5D) else { return nil }
                    break
                }
            }
            // `]` `}` `}`
            guard expect(0x7D), expect(0x7D), count(3) else { return nil }
            while let c = peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
            guard i == b.count else { return nil }
            return PrometheusAPIResult(resultType: .vector, series: series)
        }

        /// `{"metric":{…},"value":[t,"v"]}`.
        mutating func item() -> PrometheusAPIResult.Series? {
            // `{` "metric" `{` … `}` "value" `[` number string `]` `}`
            guard expect(PrometheusVectorScanner.metricOpen), count(10) else { return nil }
            var labels = [String: String](minimumCapacity: lastLabelCount)
            if !expect(0x7D) {
                while true {
                    guard let k = string(), expect(0x3A), let v = string(), count(2) else { return nil }
                    // A repeated name keeps its last value, as the general decoder's does.
                    let (name, value) = strings.pair(body, k, v)
                    labels[name] = value
                    if expect(0x2C) { continue }
                    guard expect(0x7D) else { return nil }
                    break
                }
            }
            lastLabelCount = labels.count
            guard expect(PrometheusVectorScanner.valueOpen), let t = number(), expect(0x2C), let v = string(), expect(0x5D), expect(0x7D),
                  let value = PrometheusAPIResult.sampleValue(String(decoding: body[v], as: UTF8.self)) else { return nil }
            return PrometheusAPIResult.Series(labels: labels, samples: [.init(time: t, value: value)])
        }
    }
}
