import Foundation
import MeshModel

/// Traffic edges from Prometheus instead of the proxies: ``PromQL``'s three aggregated
/// queries, joined by ``PrometheusEdges``. The live store asks the two counter queries every
/// refresh while Prometheus answers (and scrapes the proxies again when it does not; with
/// ``MeshStore/Options/ratesFirst`` its first round asks the rates alone, the totals after), and the
/// latency query beside them at most once per scrape interval, joining its last answer in.
///
/// ```swift
/// let metrics = PrometheusMetrics(client: prom, queries: PromQL(scrapeInterval: 15, refresh: 2))
/// let sample = try await metrics.edges()
/// sample.edges.count; sample.window   // 60
/// ```
public final class PrometheusMetrics: Sendable {
    public let client: PrometheusClient
    public let queries: PromQL

    public init(client: PrometheusClient, queries: PromQL) {
        self.client = client
        self.queries = queries
    }

    /// What one refresh read.
    public struct Sample: Sendable {
        public var edges: [TrafficEdge]
        /// Seconds the rates cover.
        public var window: Double
        /// The server's `warnings` (a partial answer), deduplicated.
        public var warnings: [String]
        public var queries: Int
        public var at: Date
        /// The counters the edges were built from, read per report, kept so a latency answer
        /// arriving later is joined without asking for (or reading) the counters again.
        var counters: PrometheusEdges.Reports
        /// The counters' `warnings`, deduplicated.
        var counterWarnings: [String]
        /// The latency answer joined in (nil: none yet, or the histogram query failed).
        public var latency: PrometheusAPIResult?
        /// Read from the rates alone (``PrometheusMetrics/rates(at:latency:)``): the totals are
        /// still to come (``PrometheusMetrics/joining(_:totals:)``), and the edges say so.
        public var totalsPending: Bool { counters.totalsPending }
    }

    public var name: String { client.target.description }

    /// How long the latency query may take. `histogram_quantile` over every proxy's duration
    /// buckets is the heaviest of the three (4–8 s at 6,000 proxies, where the counters take
    /// under one): it runs apart from the counters, so it gets its own, longer bound.
    public var latencyTimeout: Double { min(60, max(20, client.timeout * 5)) }

    /// Rates, totals and latency, all three answered (latency optional: a Prometheus without
    /// the histogram, or failing on it, still has edges). The edges are built once, from all three.
    public func edges() async throws(PrometheusError) -> Sample {
        let at = Date()
        let client = self.client
        let q = queries
        async let rates = Result(awaiting: { () async throws(PrometheusError) in try await client.query(q.rates, at: at) })
        async let totals = Result(awaiting: { () async throws(PrometheusError) in try await client.query(q.totals, at: at) })
        async let latency = Result(awaiting: { () async throws(PrometheusError) in try await self.latency(at: at) })
        let r = try await rates.get(), t = try await totals.get()
        return try sample(rates: r, totals: t, latency: try? await latency.get(), at: at, queries: 3)
    }

    /// The counters alone (rates and totals, two queries at once): the edges without P50/P99
    /// unless `latency` (an earlier answer to ``PromQL/latency``) is given. The live store
    /// asks this every refresh and the latency beside it, at its own pace
    /// (``latency(at:)``), so the edges never wait for the slow histogram query.
    public func counters(at: Date = Date(), latency: PrometheusAPIResult? = nil) async throws(PrometheusError) -> Sample {
        let client = self.client
        let q = queries
        async let rates = Result(awaiting: { () async throws(PrometheusError) in try await client.query(q.rates, at: at) })
        async let totals = Result(awaiting: { () async throws(PrometheusError) in try await client.query(q.totals, at: at) })
        let r = try await rates.get(), t = try await totals.get()
        return try sample(rates: r, totals: t, latency: latency, at: at, queries: 2)
    }

    /// The rates alone (one query), the totals pending: the edges with their rates and
    /// ``TrafficEdge/totalsPending``. Alone, the rates query answers in about half the time
    /// it takes beside the totals on a loaded Prometheus (2.4 s instead of 4.1–4.5 s at 6,000
    /// proxies), so a first round asks it first and the totals right after
    /// (``totals(at:)``, ``joining(_:totals:)``).
    public func rates(at: Date = Date(), latency: PrometheusAPIResult? = nil) async throws(PrometheusError) -> Sample {
        let r = try await client.query(queries.rates, at: at)
        return try sample(counters: PrometheusEdges.reports(rates: r), warnings: r.warnings, latency: latency, at: at, queries: 1)
    }

    /// The answer to ``PromQL/totals`` at `at` (a rates-first sample's ``Sample/at``).
    public func totals(at: Date) async throws(PrometheusError) -> PrometheusAPIResult {
        try await client.query(queries.totals, at: at)
    }

    /// A rates-first `sample` with the `totals` answer read in: the sample ``counters(at:latency:)``
    /// would have given at the same instant, with the sample's latency.
    public func joining(_ sample: Sample, totals t: PrometheusAPIResult) throws(PrometheusError) -> Sample {
        var s = try self.sample(counters: PrometheusEdges.joining(sample.counters, totals: t), warnings: sample.counterWarnings + t.warnings,
                                latency: sample.latency, at: sample.at, queries: sample.queries + 1)
        s.window = sample.window
        return s
    }

    /// The answer to ``PromQL/latency`` (p50 and p99 per edge), bounded by ``latencyTimeout``.
    public func latency(at: Date = Date()) async throws(PrometheusError) -> PrometheusAPIResult {
        try await client.query(queries.latency, at: at, timeout: latencyTimeout)
    }

    /// `sample`'s counters with `latency` joined in (nil: without latency): only the latency
    /// answer's series are read.
    public func joining(_ sample: Sample, latency: PrometheusAPIResult?) throws(PrometheusError) -> Sample {
        var s = try self.sample(counters: sample.counters, warnings: sample.counterWarnings, latency: latency, at: sample.at, queries: sample.queries)
        s.window = sample.window
        return s
    }

    func sample(rates r: PrometheusAPIResult, totals t: PrometheusAPIResult, latency l: PrometheusAPIResult?, at: Date, queries: Int) throws(PrometheusError) -> Sample {
        try sample(counters: PrometheusEdges.reports(rates: r, totals: t), warnings: r.warnings + t.warnings, latency: l, at: at, queries: queries)
    }

    func sample(counters: PrometheusEdges.Reports, warnings counterWarnings: [String], latency l: PrometheusAPIResult?, at: Date, queries: Int) throws(PrometheusError) -> Sample {
        do {
            let edges = try PrometheusEdges.joined(counters, latency: l, window: self.queries.window)
            var unique: [String] = []
            for w in counterWarnings where !unique.contains(w) { unique.append(w) }
            var warnings = unique
            for w in l?.warnings ?? [] where !warnings.contains(w) { warnings.append(w) }
            return Sample(edges: edges, window: self.queries.window, warnings: warnings, queries: queries, at: at,
                          counters: counters, counterWarnings: unique, latency: l)
        } catch {
            throw PrometheusError(.badResponse, "\(client.target): \(error.message)")
        }
    }
}

extension PrometheusMetrics {
    /// The last `seconds` of per-edge rates in `points` steps (one `query_range`), for the
    /// sparklines' history at start, bounded like the latency query (``latencyTimeout``).
    ///
    /// Few points: a range query's cost grows with its steps as well as with the raw series it
    /// reads. Sixteen (the TUI's TREND column is sixteen cells wide) draw the hour in 225 s
    /// steps, each the average over its step; with an hour of 6,040 targets' data they took
    /// 2.0–3.9 s, sixty one-minute points 6.3–8.1 s.
    public func history(seconds: Double = 3600, points: Int = 16) async throws(PrometheusError) -> [String: [Double]] {
        let end = Date()
        let points = min(max(points, 1), 1_000)
        let seconds = seconds.isFinite && seconds > 0 ? min(seconds, 86_400 * 366) : 3600
        let step = max(1, (seconds / Double(points)).rounded())
        // The first point covers the step before it, so the points cover exactly `seconds`.
        let start = end.addingTimeInterval(-step * Double(points - 1))
        let r = try await client.queryRange(queries.history(step: step), start: start, end: end, step: step, timeout: latencyTimeout)
        return PrometheusEdges.history(r)
    }
}

extension Result where Failure == PrometheusError {
    init(awaiting body: () async throws(PrometheusError) -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
