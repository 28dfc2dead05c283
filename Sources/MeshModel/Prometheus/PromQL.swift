/// Every PromQL query meshscope sends, built in one place.
///
/// Each query is aggregated on the server (`sum by (…)` over Istio's edge labels) so what
/// comes back is one series per edge, reporter and security, never the raw per-pod series:
/// at 50,000 proxies the answer stays the size of the edge table. Several families travel in
/// one request, told apart by a `meshscope` label `label_replace` adds, so a refresh costs
/// three queries (rates, totals, latency) whatever the mesh's size.
///
/// ```swift
/// let q = PromQL(window: 60)
/// q.rates     // label_replace(sum by (reporter,…) (rate(istio_tcp_connections_opened_total[1m])), "meshscope", "opened", "", "") or …
/// ```
public struct PromQL: Sendable, Equatable {
    /// The label a query adds to say which family a series is.
    public static let familyLabel = "meshscope"

    /// The labels edges are grouped by: the edge itself, who reported it, its security and
    /// principals, its protocol, and the `cluster` label Thanos and Mimir add per cluster.
    public static let edgeLabels = [
        "reporter", "source_workload", "source_workload_namespace", "destination_workload", "destination_workload_namespace",
        "destination_service", "connection_security_policy", "source_principal", "destination_principal", "request_protocol", "cluster",
    ]

    /// The counter families, with the value each becomes (`opened`, …).
    public static let counters: [(family: String, metric: String)] = [
        ("opened", "istio_tcp_connections_opened_total"),
        ("closed", "istio_tcp_connections_closed_total"),
        ("sent", "istio_tcp_sent_bytes_total"),
        ("received", "istio_tcp_received_bytes_total"),
        ("requests", "istio_requests_total"),
        ("request_bytes", "istio_request_bytes_sum"),
        ("response_bytes", "istio_response_bytes_sum"),
    ]

    public static let durationBucket = "istio_request_duration_milliseconds_bucket"

    /// Seconds `rate()` looks back: four scrape intervals (Prometheus's own advice, so a
    /// missed scrape never empties a rate), at least the refresh interval.
    public var window: Double

    public init(window: Double) {
        self.window = window.isFinite ? min(max(window, 1), 86_400) : 60
    }

    /// The window for a scrape interval and a refresh interval.
    ///
    /// ```swift
    /// PromQL(scrapeInterval: 15, refresh: 2).window   // 60
    /// ```
    public init(scrapeInterval: Double, refresh: Double) {
        self.init(window: max(4 * scrapeInterval, refresh))
    }

    /// `[1m]`, `[90s]`: PromQL's duration syntax for the window.
    public var range: String { PromQL.duration(window) }

    /// `1m`, `90s`, `1h`: PromQL's duration syntax for `seconds` (rounded up).
    static func duration(_ seconds: Double) -> String {
        let s = seconds.isFinite ? Int(min(max(seconds, 1), 86_400 * 366).rounded(.up)) : 60
        if s % 3600 == 0 { return "\(s / 3600)h" }
        if s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }

    static func by(_ extra: [String] = []) -> String { "sum by (" + (edgeLabels + extra).joined(separator: ",") + ")" }

    static func tagged(_ expr: String, _ family: String) -> String {
        "label_replace(\(expr), \"\(familyLabel)\", \"\(family)\", \"\", \"\")"
    }

    /// The extra labels requests are summed by: `response_code` (the error rate is the 5xx,
    /// `0` and 403 share, as ``TrafficEdges/isErrorCode(_:)`` counts) and `response_flags`
    /// (the error rate by Envoy flag: UH, URX, NC…). Both
    /// have a handful of values per edge, so the answer stays the size of the edge table and
    /// the split costs no query of its own.
    static let requestLabels = ["response_code", "response_flags"]

    /// Per-second rates of every counter family over ``window``; requests also by
    /// ``requestLabels``.
    public var rates: String {
        PromQL.counters.map { c in
            let extra = c.family == "requests" ? PromQL.requestLabels : []
            return PromQL.tagged("\(PromQL.by(extra)) (rate(\(c.metric)[\(range)]))", c.family)
        }.joined(separator: " or ")
    }

    /// The counters' current totals (OPENED, CLOSED, OPEN, SENT, … columns).
    public var totals: String {
        PromQL.counters.map { c in
            let extra = c.family == "requests" ? PromQL.requestLabels : []
            return PromQL.tagged("\(PromQL.by(extra)) (\(c.metric))", c.family)
        }.joined(separator: " or ")
    }

    /// p50 and p99 request latency per edge (milliseconds), from the duration histogram.
    public var latency: String {
        [("p50", "0.5"), ("p99", "0.99")].map { name, q in
            PromQL.tagged("histogram_quantile(\(q), \(PromQL.by(["le"])) (rate(\(PromQL.durationBucket)[\(range)])))", name)
        }.joined(separator: " or ")
    }

    /// The labels the history is summed by: those of the TUI's edge key (source, destination,
    /// service, reporter), nothing the sparkline does not tell apart.
    static let historyLabels = ["reporter", "source_workload", "source_workload_namespace", "destination_workload",
                                "destination_workload_namespace", "destination_service"]

    /// For `query_range` at start (the TREND sparklines' history), at one point every `step`
    /// seconds: request rates per edge, and byte rates (sent, received) for TCP edges, each the
    /// average over its whole step (`rate()` over the step, at least ``window``), so the points
    /// cover the range without gaps and a burst between two points is not skipped.
    ///
    /// A range query's cost grows with its steps and with the raw series it reads, so the
    /// history asks few steps (``PrometheusMetrics/history(seconds:points:)``) and sums by
    /// ``historyLabels`` alone.
    ///
    /// ```swift
    /// PromQL(window: 60).history(step: 225)   // label_replace(sum by (reporter,…) (rate(istio_requests_total[225s])), …) or …
    /// ```
    public func history(step: Double) -> String {
        let range = PromQL.duration(max(step.isFinite ? step : window, window))
        let by = "sum by (" + PromQL.historyLabels.joined(separator: ",") + ")"
        // Sent and received apart: `rate()` over both names at once would leave two series with
        // one label set, which Prometheus refuses; they are added per edge when decoded.
        return [("requests", "istio_requests_total"), ("sent", "istio_tcp_sent_bytes_total"), ("received", "istio_tcp_received_bytes_total")]
            .map { family, metric in PromQL.tagged("\(by) (rate(\(metric)[\(range)]))", family) }
            .joined(separator: " or ")
    }

    /// The three queries of one refresh, in the order ``PrometheusEdges/build(rates:totals:latency:window:)`` takes them.
    public var refresh: [String] { [rates, totals, latency] }
}
