/// One capture of Envoy's stats: `/stats` (text), `/stats?format=json`, or the Prometheus text
/// of `/stats/prometheus`. Counters, gauges and text readouts are ``stats``; histograms keep
/// their percentile summaries.
///
/// ```swift
/// let s = try StatsSnapshot.decode(Array("server.live: 1\nserver.uptime: 42\n".utf8))
/// s.stat("server.uptime")?.value   // .integer(42)
/// ```
public struct StatsSnapshot: Sendable, Equatable {
    public enum Format: String, Sendable { case text, json, prometheus }

    public var format: Format
    /// In input order.
    public var stats: [Stat]
    public var histograms: [HistogramSummary]
    /// Text lines that did not parse (skipped; the rest is kept).
    public var malformed: MalformedLines

    public init(format: Format, stats: [Stat] = [], histograms: [HistogramSummary] = [], malformed: MalformedLines = MalformedLines()) {
        self.format = format
        self.stats = stats
        self.histograms = histograms
        self.malformed = malformed
    }

    /// Linear lookup; build a dictionary when looking up many.
    public func stat(_ name: String) -> Stat? { stats.first { $0.name == name } }
    public func histogram(_ name: String) -> HistogramSummary? { histograms.first { $0.name == name } }

    /// Decodes any of the three forms: `{` starts JSON; a first line of `# …` or one without
    /// `: ` is Prometheus text; otherwise Envoy's `name: value` text.
    public static func decode(_ bytes: [UInt8]) throws(AdminDecodeError) -> StatsSnapshot {
        switch detectFormat(bytes) {
        case nil: throw AdminDecodeError("empty input")
        case .json?:
            let doc: JSONDocument
            do { doc = try JSONDocument(bytes: bytes) } catch { throw AdminDecodeError(error) }
            do { return try decodeJSON(doc.root) } catch { throw AdminDecodeError(error) }
        case .prometheus?: return try decodePrometheus(bytes)
        case .text?: return try decodeText(bytes)
        }
    }

    public static func detectFormat(_ bytes: [UInt8]) -> Format? {
        guard let first = ByteText.firstSignificantByte(bytes) else { return nil }
        if first == 0x7B { return .json }
        if first == 0x23 { return .prometheus }
        // The first non-blank line: Envoy text always has `: ` after the name; a Prometheus
        // sample is `name{labels} value` or `name value`.
        var start = 0
        while start < bytes.count && (bytes[start] == 0x0A || bytes[start] == 0x0D || bytes[start] == 0x20 || bytes[start] == 0x09) {
            start += 1
        }
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        let line = bytes[start..<end]
        var i = line.startIndex
        while i + 1 < line.endIndex {
            if line[i] == 0x3A && line[i + 1] == 0x20 { return .text }
            i += 1
        }
        if line.contains(0x7B) { return .prometheus }
        if let space = line.lastIndex(of: 0x20), Double(String(decoding: line[(space + 1)...], as: UTF8.self)) != nil {
            return .prometheus
        }
        return .text
    }
}

/// A counter, gauge or text readout.
public struct Stat: Sendable, Equatable {
    public var name: String
    public var kind: StatKind
    public var value: StatValue

    public init(name: String, kind: StatKind, value: StatValue) {
        self.name = name
        self.kind = kind
        self.value = value
    }
}

public enum StatKind: String, Sendable, Equatable {
    case counter, gauge, text
}

public enum StatValue: Sendable, Equatable {
    /// What Envoy keeps for counters and gauges.
    case integer(UInt64)
    /// Prometheus samples, and JSON numbers beyond 2^64 or with a fraction.
    case real(Double)
    /// A text readout.
    case text(String)

    public var doubleValue: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        case .text: nil
        }
    }

    /// As a table shows it: integers exactly, reals without a needless `.0`.
    public var display: String {
        switch self {
        case .integer(let v): return String(v)
        case .real(let v):
            if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
            if v.isNaN { return "NaN" }
            if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
            return String(v)
        case .text(let s): return s
        }
    }
}

/// A histogram's percentiles, as `/stats` summarises it: for each supported quantile the
/// value over the last flush interval and over the proxy's life (nil when Envoy printed `nan`).
public struct HistogramSummary: Sendable, Equatable {
    public struct Quantile: Sendable, Equatable {
        /// Percentile, 0-100 (`P99.9` is 99.9).
        public var percentile: Double
        public var interval: Double?
        public var cumulative: Double?

        public init(percentile: Double, interval: Double?, cumulative: Double?) {
            self.percentile = percentile
            self.interval = interval
            self.cumulative = cumulative
        }
    }

    public var name: String
    /// Empty when Envoy printed `No recorded values`.
    public var quantiles: [Quantile]

    /// A histogram whose every value is `nan` has recorded nothing: the text form says
    /// `No recorded values`, the JSON form prints nulls; both become no quantiles.
    public init(name: String, quantiles: [Quantile]) {
        self.name = name
        self.quantiles = quantiles.allSatisfy { $0.interval == nil && $0.cumulative == nil } ? [] : quantiles
    }

    public func quantile(_ percentile: Double) -> Quantile? { quantiles.first { $0.percentile == percentile } }

    /// `P50=1.06751 P90=5.08316 P99=7.0055 P100=8.1` from cumulative values, or
    /// `No recorded values`.
    public var display: String {
        let shown = quantiles.filter { [50, 90, 99, 100].contains($0.percentile) }
        guard !quantiles.isEmpty else { return "No recorded values" }
        return shown.map { "P\(HistogramSummary.number($0.percentile))=\($0.cumulative.map(HistogramSummary.number) ?? "nan")" }
            .joined(separator: " ")
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
