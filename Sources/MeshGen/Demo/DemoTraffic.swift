/// Counter values of the demo's traffic as a pure function of time: `tick` is whole seconds
/// since the demo started, `since` the tick the reporting proxy last (re)started, so a
/// restart makes its counters start over from zero like a real Envoy.
///
/// Every counter is `base + rate × tick + jitter(tick)` with `0 ≤ jitter < rate / 2`, which
/// keeps it strictly growing while the per-interval rate moves around its mean.
///
/// ```swift
/// let c = DemoTraffic.counters(demo.edges[0], pod: 0, tick: 10)
/// c.requests   // grows by about edge.rate per tick
/// ```
public enum DemoTraffic {
    public struct Counters: Sendable, Equatable {
        public var requests: Int = 0
        public var errors: Int = 0
        public var requestBytes: Int = 0
        public var responseBytes: Int = 0
        public var opened: Int = 0
        public var closed: Int = 0
        public var received: Int = 0
        public var sent: Int = 0
    }

    /// The body of Envoy's local reply when a cluster has no healthy host.
    public static let noHealthyUpstreamBody = "no healthy upstream"

    /// Counters of `edge` towards its destination pod number `pod` (a replica index), as seen
    /// by a proxy that started at tick `since`.
    public static func counters(_ edge: DemoMesh.Edge, pod: Int, tick: Int, since: Int = 0, http: Bool) -> Counters {
        let key = edge.seed &+ UInt64(pod) &* 0x9E37_79B9
        let t = max(tick, since)
        func raw(_ t: Int, _ salt: UInt64) -> Int { value(key ^ salt, rate: edge.rate, tick: t) }
        var c = Counters()
        if http {
            let total = raw(t, 1) - raw(since, 1)
            c.requests = total
            c.errors = total * edge.errorPermille / 1000
            c.requestBytes = total * 320
            if edge.failsAtClient {
                // Envoy's local reply (`no healthy upstream`; an empty body for NC); no upstream connection is opened.
                c.responseBytes = edge.noHealthyUpstream ? total * DemoTraffic.noHealthyUpstreamBody.utf8.count : 0
            } else {
                c.responseBytes = total * 4_180
                // HTTP/1.1 keep-alive and HTTP/2: about one new connection per 50 requests.
                c.opened = total / 50
                c.closed = max(0, c.opened - 2)
            }
            c.received = c.requestBytes
            c.sent = c.responseBytes
        } else {
            c.opened = raw(t, 2) - raw(since, 2)
            // Connections live about three seconds.
            c.closed = raw(max(since, t - 3), 2) - raw(since, 2)
            c.received = c.opened * 2_300
            c.sent = c.opened * 11_500
        }
        return c
    }

    /// The request latency the demo declares for an edge, in milliseconds: what its proxies'
    /// `istio_request_duration_milliseconds` histograms count (``durationShare(_:atMost:)``).
    /// Requests the client's Envoy answers itself (UH, NC) take well under a millisecond.
    public struct Latency: Sendable, Equatable {
        public var p50: Double
        public var p99: Double
    }

    /// Istio's default duration buckets (milliseconds), `+Inf` aside.
    public static let durationBuckets: [Double] = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
                                                   300_000, 600_000, 1_800_000, 3_600_000]

    /// p50 between 3.5 and 39.5 ms, p99 three to eight times that; neither ever on a bucket
    /// bound, so the bucket a quantile falls in is never a matter of rounding.
    public static func latency(_ edge: DemoMesh.Edge) -> Latency {
        if edge.failsAtClient { return Latency(p50: 0.2, p99: 0.8) }
        let p50 = Double(3 + Int(edge.seed % 37)) + 0.5
        return Latency(p50: p50, p99: p50 * Double(3 + Int((edge.seed >> 16) % 6)) + 0.3)
    }

    /// The share of requests that took at most `ms`: linear from 0 to p50 (half of them),
    /// from p50 to p99 (49%), and from p99 to twice p99 (the last 1%).
    public static func durationShare(_ l: Latency, atMost ms: Double) -> Double {
        let points: [(Double, Double)] = [(0, 0), (l.p50, 0.5), (l.p99, 0.99), (2 * l.p99, 1)]
        for k in 1..<points.count where ms < points[k].0 {
            let (x0, y0) = points[k - 1], (x1, y1) = points[k]
            return y0 + (y1 - y0) * max(0, ms - x0) / (x1 - x0)
        }
        return 1
    }

    /// The mean of that distribution (the histogram's `_sum` per request).
    public static func meanDuration(_ l: Latency) -> Double {
        0.5 * l.p50 / 2 + 0.49 * (l.p50 + l.p99) / 2 + 0.01 * 1.5 * l.p99
    }

    /// A host's share of upstream requests from one source pod (Envoy `/clusters` stats).
    public static func hostRequests(_ edge: DemoMesh.Edge, sourcePod: Int, host: Int, tick: Int, since: Int = 0) -> (total: Int, errors: Int) {
        let key = edge.seed &+ UInt64(sourcePod) &* 0x100_0000_01B3 &+ UInt64(host) &* 0x9E37_79B9
        let rate = max(1, edge.rate / 2)
        let t = max(tick, since)
        let total = value(key, rate: rate, tick: t) - value(key, rate: rate, tick: since)
        return (total, total * edge.errorPermille / 1000)
    }

    /// Monotonic in `tick`: the jitter is below half the rate, so each step adds more than half of it.
    @inline(__always) static func value(_ key: UInt64, rate: Int, tick: Int) -> Int {
        var rng = SeededRandom(seed: key &+ UInt64(truncatingIfNeeded: tick) &* 0xD1B5_4A32_D192_ED03)
        let base = Int(key % 5_000)
        let jitter = rate >= 2 ? rng.next(below: rate / 2) : 0
        return base + rate * tick + jitter
    }
}
