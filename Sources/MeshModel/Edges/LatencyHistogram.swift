/// Request latency as Istio's `istio_request_duration_milliseconds` histogram counts it:
/// cumulative counts per upper bound (`le`), and the quantiles Prometheus's
/// `histogram_quantile` reads from them, so edges scraped from the proxies and edges from
/// PromQL show the same P50/P99 for the same buckets.
///
/// ```swift
/// var h = LatencyHistogram()
/// h.add(le: 10, 50); h.add(le: 25, 90); h.add(le: .infinity, 100)
/// h.quantile(0.5)    // 10: the 50th request is the last one of the first bucket
/// ```
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bound (milliseconds, `+Inf` last) and the observations at or below it, sorted.
    public private(set) var buckets: [(le: Double, count: Double)] = []

    /// More distinct bounds than any real exporter writes (Istio's default has 20): a
    /// hostile text with thousands of `le` values keeps at most this many.
    public static let maxBuckets = 64

    public init() {}

    public static func == (a: LatencyHistogram, b: LatencyHistogram) -> Bool {
        a.buckets.count == b.buckets.count && zip(a.buckets, b.buckets).allSatisfy { $0.le == $1.le && $0.count == $1.count }
    }

    public var isEmpty: Bool { buckets.isEmpty }

    /// Adds `count` observations to the bucket `le` (replicas' and series' buckets add up).
    public mutating func add(le: Double, _ count: Double) {
        guard !le.isNaN, count.isFinite else { return }
        if let i = buckets.firstIndex(where: { $0.le == le }) {
            buckets[i].count += count
            return
        }
        guard buckets.count < LatencyHistogram.maxBuckets else { return }
        let at = buckets.firstIndex { $0.le > le } ?? buckets.count
        buckets.insert((le, count), at: at)
    }

    /// Every bucket of `other` added.
    public mutating func add(_ other: LatencyHistogram) {
        for b in other.buckets { add(le: b.le, b.count) }
    }

    /// `le="2.5"`, `le="+Inf"`: nil for a bound that is not a number.
    public static func bound(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf", "inf", "+inf": return .infinity
        default:
            guard let v = Double(text), !v.isNaN else { return nil }
            return v
        }
    }

    /// The `q` quantile (0…1) as Prometheus's `histogram_quantile` computes it: the bucket
    /// where the rank `q × count` falls, interpolated linearly inside it (from 0 for the
    /// first bucket); the highest finite bound when the rank falls in `+Inf`. Nil without a
    /// `+Inf` bucket or observations (Prometheus's NaN), as a quantile nobody measured.
    public func quantile(_ q: Double) -> Double? {
        guard q >= 0, q <= 1, buckets.count >= 2, let last = buckets.last, last.le == .infinity else { return nil }
        // Counts are cumulative; a smaller count after a larger one (series scraped at
        // different moments) is raised to it, as Prometheus does.
        var counts = buckets.map(\.count)
        for i in counts.indices.dropFirst() where counts[i] < counts[i - 1] { counts[i] = counts[i - 1] }
        let total = counts[counts.count - 1]
        guard total > 0 else { return nil }
        var rank = q * total
        guard let b = counts.firstIndex(where: { $0 >= rank }) else { return nil }
        if b == buckets.count - 1 { return buckets[b - 1].le }
        if b == 0 && buckets[0].le <= 0 { return buckets[0].le }
        let start = b == 0 ? 0 : buckets[b - 1].le
        let end = buckets[b].le
        var count = counts[b]
        if b > 0 {
            count -= counts[b - 1]
            rank -= counts[b - 1]
        }
        guard count > 0 else { return end }
        return start + (end - start) * (rank / count)
    }

    /// p50 and p99, nil when neither can be computed.
    public var latency: TrafficEdge.Latency? {
        let p50 = quantile(0.5), p99 = quantile(0.99)
        return p50 == nil && p99 == nil ? nil : TrafficEdge.Latency(p50: p50, p99: p99)
    }
}
