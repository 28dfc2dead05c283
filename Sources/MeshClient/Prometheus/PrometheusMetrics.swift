import Foundation
import MeshModel

/// Traffic edges from Prometheus instead of the proxies: ``PromQL``'s three aggregated
/// queries per refresh (run at once), joined by ``PrometheusEdges``. The live store asks it
/// every refresh while it answers, and scrapes the proxies again when it does not.
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
    }

    public var name: String { client.target.description }

    public func edges() async throws(PrometheusError) -> Sample {
        let client = self.client
        let q = queries
        let at = Date()
        async let rates = Result(awaiting: { () async throws(PrometheusError) in try await client.query(q.rates, at: at) })
        async let totals = Result(awaiting: { () async throws(PrometheusError) in try await client.query(q.totals, at: at) })
        async let latency = Result(awaiting: { () async throws(PrometheusError) in try await client.query(q.latency, at: at) })
        let r = try await rates.get(), t = try await totals.get()
        // Latency is a bonus: a Prometheus without the histogram (or failing on it) still has edges.
        let l = try? await latency.get()
        do {
            let edges = try PrometheusEdges.build(rates: r, totals: t, latency: l)
            var warnings: [String] = []
            for w in r.warnings + t.warnings + (l?.warnings ?? []) where !warnings.contains(w) { warnings.append(w) }
            return Sample(edges: edges, window: q.window, warnings: warnings, queries: 3, at: at)
        } catch {
            throw PrometheusError(.badResponse, "\(client.target): \(error.message)")
        }
    }
}

extension PrometheusMetrics {
    /// The last `seconds` of per-edge rates, `points` samples (one `query_range`), for the
    /// sparklines' history at start.
    public func history(seconds: Double = 3600, points: Int = 60) async throws(PrometheusError) -> [String: [Double]] {
        let end = Date()
        let step = max(1, (seconds / Double(max(1, points))).rounded())
        let r = try await client.queryRange(queries.history, start: end.addingTimeInterval(-seconds), end: end, step: step)
        return PrometheusEdges.history(r)
    }
}

extension Result where Failure == PrometheusError {
    init(awaiting body: () async throws(PrometheusError) -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
