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
