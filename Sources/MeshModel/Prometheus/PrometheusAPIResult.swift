import Foundation

/// What Prometheus's HTTP API (`/api/v1/query`, `/api/v1/query_range`, `/api/v1/series`)
/// answered, decoded from the JSON tape. Thanos, Mimir and VictoriaMetrics answer the same shape.
///
/// ```swift
/// let r = try PrometheusAPIResult.decode(Array(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1700000000,"2.5"]}]}}"#.utf8))
/// r.series[0].labels["a"]     // "b"
/// r.series[0].samples[0].value // 2.5
/// ```
public struct PrometheusAPIResult: Sendable, Equatable {
    public enum ResultType: String, Sendable, Equatable {
        case vector, matrix, scalar, string
        /// `/api/v1/series`: label sets only.
        case series
    }

    public struct Sample: Sendable, Equatable {
        /// Unix seconds.
        public var time: Double
        public var value: Double

        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// One series: its labels (`__name__` included when the query kept it) and its samples
    /// (one for an instant vector, many for a range).
    public struct Series: Sendable, Equatable {
        public var labels: [String: String]
        public var samples: [Sample]

        public init(labels: [String: String], samples: [Sample]) {
            self.labels = labels
            self.samples = samples
        }

        /// The last sample's value (an instant vector has only one).
        public var value: Double? { samples.last?.value }
    }

    public var resultType: ResultType
    public var series: [Series]
    /// `warnings` of a partial answer (a store of a Thanos query that did not respond).
    public var warnings: [String]

    public init(resultType: ResultType, series: [Series], warnings: [String] = []) {
        self.resultType = resultType
        self.series = series
        self.warnings = warnings
    }

    /// Decodes a response body. `{"status":"error"}` bodies (which Prometheus sends with 4xx
    /// and 5xx codes) become a ``PrometheusAPIError`` with its `errorType` and `error`, so a
    /// caller can show the server's reason whatever the status code.
    public static func decode(_ body: [UInt8]) throws(PrometheusAPIError) -> PrometheusAPIResult {
        guard body.count <= InputLimits.current.maxDocumentBytes else {
            throw PrometheusAPIError(.badResponse, "response of \(body.count) bytes is over the \(InputLimits.current.maxDocumentBytes)-byte limit")
        }
        // The usual answer (a compact instant vector) in one pass; anything else, or anything
        // unusual in it, through the general JSON decoder below.
        if let vector = PrometheusVectorScanner.scan(body) { return vector }
        return try decodeGeneric(body)
    }

    /// ``decode(_:)`` through the general JSON tape, whatever the shape (the reference the
    /// one-pass ``PrometheusVectorScanner`` is tested against).
    static func decodeGeneric(_ body: [UInt8]) throws(PrometheusAPIError) -> PrometheusAPIResult {
        let doc: JSONDocument
        do { doc = try JSONDocument(bytes: body) } catch {
            let start = String(decoding: body.prefix(80), as: UTF8.self)
            throw PrometheusAPIError(.badResponse, "not a Prometheus API response (\(error.description)): \(TerminalText.escaped(start))")
        }
        let root = doc.root
        guard root.isObject, let status = root["status"]?.string else {
            throw PrometheusAPIError(.badResponse, "not a Prometheus API response: no \"status\"")
        }
        let warnings = (root["warnings"]?.array ?? []).compactMap(\.string)
        if status != "success" {
            let type = root["errorType"]?.string ?? "error"
            let message = root["error"]?.string ?? "status \"\(status)\""
            throw PrometheusAPIError(.server(type), "\(type): \(message)")
        }
        guard let data = root["data"] else { throw PrometheusAPIError(.badResponse, "success without \"data\"") }
        var strings = LabelStrings()
        if data.isArray {
            // /api/v1/series: a list of label sets.
            var out: [Series] = []
            for item in data.elements {
                guard let labels = labels(item, &strings) else { throw PrometheusAPIError(.badResponse, "series entry is not an object of strings at \(item.path)") }
                out.append(Series(labels: labels, samples: []))
            }
            return PrometheusAPIResult(resultType: .series, series: out, warnings: warnings)
        }
        guard let typeText = data["resultType"]?.string, let type = ResultType(rawValue: typeText), type != .series else {
            throw PrometheusAPIError(.badResponse, "unknown resultType \(data["resultType"]?.rawText ?? "(none)")")
        }
        guard let result = data["result"] else { throw PrometheusAPIError(.badResponse, "no data.result") }
        switch type {
        case .scalar, .string:
            guard let s = sample(result) else { throw PrometheusAPIError(.badResponse, "bad \(type.rawValue) result at \(result.path)") }
            return PrometheusAPIResult(resultType: type, series: [Series(labels: [:], samples: [s])], warnings: warnings)
        case .vector, .matrix:
            guard result.isArray else { throw PrometheusAPIError(.badResponse, "data.result is not a list") }
            var out: [Series] = []
            out.reserveCapacity(result.count)
            for item in result.elements {
                guard let metric = item.member(exactly: "metric"), let labels = labels(metric, &strings) else {
                    throw PrometheusAPIError(.badResponse, "result entry without a \"metric\" object at \(item.path)")
                }
                var samples: [Sample] = []
                if type == .vector {
                    guard let v = item.member(exactly: "value"), let s = sample(v) else {
                        throw PrometheusAPIError(.badResponse, "vector entry without a [time, \"value\"] pair at \(item.path)")
                    }
                    samples = [s]
                } else {
                    guard let values = item.member(exactly: "values"), values.isArray else {
                        throw PrometheusAPIError(.badResponse, "matrix entry without \"values\" at \(item.path)")
                    }
                    samples.reserveCapacity(values.count)
                    for v in values.elements {
                        guard let s = sample(v) else { throw PrometheusAPIError(.badResponse, "bad [time, \"value\"] pair at \(v.path)") }
                        samples.append(s)
                    }
                }
                out.append(Series(labels: labels, samples: samples))
            }
            return PrometheusAPIResult(resultType: type, series: out, warnings: warnings)
        case .series:
            throw PrometheusAPIError(.badResponse, "unknown resultType")
        }
    }

    /// A label set: an object of strings (nil for anything else), its names and values read
    /// through `strings`.
    static func labels(_ v: JSONValue, _ strings: inout LabelStrings) -> [String: String]? {
        guard v.isObject else { return nil }
        var out: [String: String] = [:]
        var j = v.index + 1
        let end = v.containerEnd
        while j < end {
            let key = JSONValue(document: v.document, index: j)
            let value = JSONValue(document: v.document, index: j + 1)
            j = value.nextIndex
            guard let s = strings.string(value) else { return nil }
            out[strings.string(key) ?? ""] = s
        }
        return out
    }

    /// The strings of one answer, each made once: an aggregated answer repeats the same
    /// dozen label names and a few hundred values over thousands of series (at 6,000 proxies,
    /// tens of thousands of label strings a refresh, most longer than Swift's 15 inline bytes),
    /// so a value seen before is looked up by its bytes instead of allocated again. Equal labels
    /// then share storage, which also makes comparing them cheap. Bounded by the answer's size.
    struct LabelStrings {
        struct Key: Hashable {
            let bytes: ArraySlice<UInt8>
            func hash(into h: inout Hasher) { bytes.withUnsafeBytes { h.combine(bytes: $0) } }
            static func == (a: Key, b: Key) -> Bool {
                guard a.bytes.count == b.bytes.count else { return false }
                return a.bytes.withUnsafeBytes { x in
                    b.bytes.withUnsafeBytes { y in
                        guard let p = x.baseAddress, let q = y.baseAddress else { return true }   // both empty
                        return memcmp(p, q, x.count) == 0
                    }
                }
            }
        }

        private var known: [Key: String] = [:]
        private var knownPairs: [Key: (name: String, value: String)] = [:]

        /// A label's name and value from a compact `"name":"value"` whose contents are `name`
        /// and `value` (no escapes, so the bytes from the name's first to the value's last
        /// say which pair it is): one look-up per label instead of one per string, the strings
        /// still shared with every other pair that has them.
        mutating func pair(_ body: [UInt8], _ name: Range<Int>, _ value: Range<Int>) -> (name: String, value: String) {
            let key = Key(bytes: body[name.lowerBound..<value.upperBound])
            if let p = knownPairs[key] { return p }
            let p = (string(body, name), string(body, value))
            knownPairs[key] = p
            return p
        }

        /// The string of the unescaped bytes `range` of `body` (a JSON string's contents
        /// without its quotes), as ``JSONValue/string`` reads it.
        mutating func string(_ body: [UInt8], _ range: Range<Int>) -> String {
            let key = Key(bytes: body[range])
            if let s = known[key] { return s }
            let s = JSONValue.decodeString(body, range.lowerBound, range.count, false)
            known[key] = s
            return s
        }

        /// The string `v` holds (nil when it is not a string), as ``JSONValue/string`` reads it.
        mutating func string(_ v: JSONValue) -> String? {
            let e = v.entry
            guard Tape.kind(e) == .string else { return nil }
            // Escaped strings are rare in labels: decoded each time.
            guard !Tape.hasEscapes(e) else { return v.string }
            let start = Tape.offset(e)
            let key = Key(bytes: v.document.bytes[start..<(start + Tape.length(e))])
            if let s = known[key] { return s }
            let s = v.string
            known[key] = s
            return s
        }
    }

    /// `[1700000000.123, "2.5"]`; values are strings so `NaN` and `+Inf` survive JSON.
    static func sample(_ v: JSONValue) -> Sample? {
        guard v.isArray, v.count == 2, let t = v[0]?.double, let text = v[1]?.string, let value = sampleValue(text) else { return nil }
        return Sample(time: t, value: value)
    }

    /// A sample's value text: a number, `NaN`, `+Inf`, `Inf` or `-Inf`.
    static func sampleValue(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text)
        }
    }
}

/// Why a Prometheus answer could not be used: the server's own error (`bad_data`,
/// `execution`, `timeout`, …) or a body that is not its API's JSON.
public struct PrometheusAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `{"status":"error","errorType":…}`.
        case server(String)
        case badResponse
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
