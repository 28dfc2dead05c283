/// Where a ``MeshState``'s edges (counters, rates, latency) came from, for the header and
/// `connections`: the proxies' own stats, scraped through the API server, or a Prometheus
/// that already scrapes them. When Prometheus was asked for and could not serve, `message`
/// says why in one line and the edges are scraped instead.
///
/// ```swift
/// state.metrics.summary   // "metrics: prometheus svc/istio-system/prometheus:9090 (rate 1m)"
/// ```
public struct MetricsOrigin: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case scrape, prometheus
    }

    public var kind: Kind
    /// The Prometheus in use or tried: a URL or `svc/NAMESPACE/NAME:PORT`.
    public var prometheus: String?
    /// Seconds `rate()` looked back (Prometheus edges only).
    public var window: Double?
    /// Why Prometheus is not in use, or what its last answer warned about.
    public var message: String?
    /// PromQL queries sent for the last refresh.
    public var queries = 0
    /// The counters have answered but the latency query (P50/P99) not yet, for under a second:
    /// a one-shot reader (`connections` without `--watch`) waits for it; the edges are shown
    /// without P50/P99 when it does not come by then.
    public var latencyPending = false
    /// The rates have answered but the totals query not yet (``TrafficEdge/totalsPending``):
    /// the first round after Prometheus is taken up asks the rates first, so the edges show
    /// at once; OPEN, REQUESTS, ERRORS and the other totals follow.
    public var totalsPending = false
    /// What ``summary`` says while ``totalsPending``.
    public static let totalsPendingMessage = "totals pending (Prometheus is still computing the totals query)"
    /// Why the edges have no P50/P99 although Prometheus answers: the latency query failed,
    /// or has not answered yet (at thousands of proxies `histogram_quantile` takes seconds).
    public var latencyMessage: String?

    public init(kind: Kind = .scrape, prometheus: String? = nil, window: Double? = nil, message: String? = nil) {
        self.kind = kind
        self.prometheus = prometheus
        self.window = window
        self.message = message
    }

    /// One line: `metrics: scraped`, `metrics: prometheus URL (rate 1m)`,
    /// `metrics: prometheus URL (rate 1m) · totals pending (…)`,
    /// `metrics: scraped (prometheus URL: connection refused)`.
    public var summary: String {
        switch kind {
        case .prometheus:
            let w = window.map { " (rate " + PromQL(window: $0).range + ")" } ?? ""
            return "metrics: prometheus \(prometheus ?? "")\(w)" + (message.map { " · " + $0 } ?? "")
                + (totalsPending ? " · " + MetricsOrigin.totalsPendingMessage : "") + (latencyMessage.map { " · " + $0 } ?? "")
        case .scrape:
            guard let message else { return "metrics: scraped" }
            return "metrics: scraped (" + (prometheus.map { "prometheus \($0): " } ?? "") + message + ")"
        }
    }
}
