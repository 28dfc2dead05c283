/// Traffic between two workloads through one service, as Istio's standard metrics count it
/// (ztunnel's `:15020/metrics` and Envoy's `/stats/prometheus` carry the same families), so
/// ambient and sidecar meshes read alike.
///
/// ```swift
/// let edges = TrafficEdges.build(current: PrometheusText.parse(bytes))
/// edges[0].source        // "sleep.default"
/// edges[0].open          // opened - closed
/// ```
public struct TrafficEdge: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        case mutualTLS = "mTLS"
        case plaintext
        /// Envoy's client side does not know (`connection_security_policy="unknown"`).
        case unknown
    }

    /// `workload.namespace`, or `unknown`.
    public var source: String
    public var destination: String
    /// `destination_service` (a hostname), or `unknown`.
    public var service: String
    public var security: Security
    /// `source` or `destination`: whose counters these are (one reporter per edge, so a
    /// connection seen by both ends is not counted twice).
    public var reporter: String
    public var sourcePrincipal: String
    public var destinationPrincipal: String
    /// `request_protocol` values seen (`tcp`, `http`, `grpc`), sorted.
    public var protocols: [String]

    public var opened: Double = 0
    public var closed: Double = 0
    /// Bytes sent back to the client (`istio_tcp_sent_bytes_total`, or HTTP response bytes).
    public var sent: Double = 0
    /// Bytes received from the client (`istio_tcp_received_bytes_total`, or HTTP request bytes).
    public var received: Double = 0
    /// HTTP/gRPC requests (`istio_requests_total`); nil where the source has none (ztunnel).
    public var requests: Double?
    /// Requests answered 5xx or not at all (`response_code="0"`).
    public var errors: Double?
    /// Requests by Envoy response flag (`response_flags` other than `-`: `UH`, `URX`, `NC`,
    /// comma-joined when several), from the same `istio_requests_total` series; empty where
    /// none was flagged or the source has no such label.
    public var flags: [String: Double] = [:]
    /// Per-second rates between two samples, when there were two.
    public var rates: Rates?
    /// Request latency quantiles, where the source measures them: PromQL's
    /// `histogram_quantile`, or ``durations`` of two scraped samples; nil without the histogram.
    public var latency: Latency?
    /// Scraped edges: the increase of each `istio_request_duration_milliseconds_bucket` over
    /// the interval, kept so replicas' buckets add up before ``latency`` is read from them.
    public var durations = LatencyHistogram()
    /// The `cluster` label of a Prometheus that spans clusters (Thanos, Mimir): which
    /// cluster reported the edge; nil for a single cluster.
    public var cluster: String?
    /// The totals (``opened``, ``closed``, ``sent``, ``received``, ``requests``, ``errors``,
    /// ``flags``) are not known yet: Prometheus's rates answered first and its totals query is
    /// still running. Until it answers those read 0 (``requests`` is non-nil where the rates
    /// count requests) and mean nothing: tables show ``TrafficEdges/pending``, JSON leaves
    /// them out.
    public var totalsPending = false

    /// Connections still open: opened minus closed.
    public var open: Double { opened - closed }

    /// Milliseconds; nil for a quantile with no observations in the window.
    public struct Latency: Sendable, Equatable {
        public var p50: Double?
        public var p99: Double?

        public init(p50: Double?, p99: Double?) {
            self.p50 = p50
            self.p99 = p99
        }
    }

    public struct Rates: Sendable, Equatable {
        public var opened: Double
        public var closed: Double
        public var sent: Double
        public var received: Double
        public var requests: Double?
        public var errors: Double?
        /// Flagged requests per second, by flag (see ``TrafficEdge/flags``).
        public var flags: [String: Double] = [:]
        /// The seconds the rates were measured over, when known: a share of errors among the
        /// handful of requests one short window holds is noise, not a measurement.
        public var seconds: Double? = nil
    }
}
