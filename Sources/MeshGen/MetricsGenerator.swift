/// Generates Prometheus text of Istio's standard metrics as ztunnel (`:15020/metrics`) or
/// Envoy (`/stats/prometheus`) serve them. Pure and deterministic; `tick` advances every
/// counter by a fixed per-series increment, so two ticks make a known pair of samples.
///
/// ```swift
/// let now = MetricsGenerator.generate(.init(series: 1_000, tick: 1))
/// let before = MetricsGenerator.generate(.init(series: 1_000, tick: 0))
/// ```
public enum MetricsGenerator {
    public enum Flavor: String, Sendable, CaseIterable { case ztunnel, envoy }

    public struct Options: Sendable {
        /// Sample lines to write (comment lines not counted).
        public var series: Int
        public var flavor: Flavor
        public var seed: UInt64
        public var tick: Int

        public init(series: Int, flavor: Flavor = .ztunnel, seed: UInt64 = 1, tick: Int = 0) {
            self.series = max(0, series)
            self.flavor = flavor
            self.seed = seed
            self.tick = max(0, tick)
        }
    }

    /// The counter families written, in order; Envoy adds `istio_requests_total` (one series
    /// per edge for 200 and, for every tenth edge, one for 503).
    static func families(_ flavor: Flavor) -> [(name: String, help: String)] {
        var f = [
            ("istio_tcp_connections_opened_total", "The total number of TCP connections opened"),
            ("istio_tcp_connections_closed_total", "The total number of TCP connections closed"),
            ("istio_tcp_received_bytes_total", "The size of total bytes received during request in case of a TCP connection"),
            ("istio_tcp_sent_bytes_total", "The size of total bytes sent during response in case of a TCP connection"),
        ]
        if flavor == .envoy { f.append(("istio_requests_total", "Total requests")) }
        return f
    }

    /// Counter values of one edge at a tick: a base plus `tick` times an increment.
    public struct EdgeCounters: Sendable, Equatable {
        public var opened: Int, closed: Int, received: Int, sent: Int, requests: Int, errors: Int
    }

    public static func counters(edge e: Int, seed: UInt64, tick: Int) -> EdgeCounters {
        var rng = SeededRandom(seed: seed &* 0x100000001B3 &+ UInt64(e))
        let opened = 100 + rng.next(below: 10_000)
        let closed = opened - rng.next(below: 50)
        let received = 1_000 + rng.next(below: 10_000_000)
        let sent = 1_000 + rng.next(below: 50_000_000)
        let requests = 1_000 + rng.next(below: 100_000)
        let errors = e % 10 == 0 ? 1 + rng.next(below: 100) : 0
        let step = 1 + rng.next(below: 20)
        return EdgeCounters(
            opened: opened + tick * step, closed: closed + tick * step, received: received + tick * step * 1_500,
            sent: sent + tick * step * 9_000, requests: requests + tick * step * 10, errors: errors + (errors > 0 ? tick : 0))
    }

    /// Source and destination workload numbers of an edge (unique per edge).
    public static func endpoints(_ e: Int) -> (source: Int, destination: Int) { (e % 1_000, e / 1_000) }

    public static func generate(_ o: Options) -> [UInt8] {
        let families = families(o.flavor)
        let perEdge = families.count
        let edges = (o.series + perEdge - 1) / max(perEdge, 1)
        var w = ByteWriter(capacity: o.series * 420 + 4096)
        var written = 0
        for (k, family) in families.enumerated() {
            w.write("# HELP \(family.name) \(family.help)\n# TYPE \(family.name) counter\n")
            var e = 0
            while e < edges && written < o.series {
                let c = counters(edge: e, seed: o.seed, tick: o.tick)
                switch k {
                case 0: line(&w, family.name, e, o, code: nil, value: c.opened)
                case 1: line(&w, family.name, e, o, code: nil, value: c.closed)
                case 2: line(&w, family.name, e, o, code: nil, value: c.received)
                case 3: line(&w, family.name, e, o, code: nil, value: c.sent)
                default:
                    line(&w, family.name, e, o, code: "200", value: c.requests - c.errors)
                    if c.errors > 0 && written + 1 < o.series {
                        written += 1
                        line(&w, family.name, e, o, code: "503", value: c.errors)
                    }
                }
                written += 1
                e += 1
            }
        }
        return w.bytes
    }

    static func line(_ w: inout ByteWriter, _ name: String, _ e: Int, _ o: Options, code: String?, value: Int) {
        let (s, d) = endpoints(e)
        let sns = "ns-\(s % 20)"
        let dns = "ns-\(d % 20)"
        w.write(name)
        w.write("{reporter=\"")
        w.write(o.flavor == .ztunnel ? (e % 2 == 0 ? "destination" : "source") : "destination")
        // The labels the edges view reads, as ztunnel and Envoy spell them (the full set has a
        // dozen more canonical/app/version/cluster labels; they only add bytes).
        w.write("\",source_workload=\"client-\(s)\",source_workload_namespace=\"\(sns)\",source_principal=\"spiffe://cluster.local/ns/\(sns)/sa/client-\(s)\"")
        w.write(",destination_service=\"server-\(d).\(dns).svc.cluster.local\",destination_workload=\"server-\(d)\",destination_workload_namespace=\"\(dns)\"")
        w.write(",destination_principal=\"spiffe://cluster.local/ns/\(dns)/sa/server-\(d)\"")
        w.write(",request_protocol=\"\(code == nil ? "tcp" : "http")\"")
        if let code { w.write(",response_code=\"\(code)\"") }
        w.write(",response_flags=\"-\",connection_security_policy=\"\(e % 7 == 0 ? "unknown" : "mutual_tls")\"} ")
        w.write(value)
        w.write("\n")
    }
}
