import Foundation

/// One thing meshscope polls: an admin endpoint of one proxy (or of istiod).
///
/// ```swift
/// let s = LiveSource(proxy: "bookinfo/productpage-v1-7c9f8", endpoint: .stats)
/// s.description   // "bookinfo/productpage-v1-7c9f8 stats"
/// ```
public struct LiveSource: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Endpoint: String, Sendable, Hashable, CaseIterable, Comparable {
        /// Envoy `/stats/prometheus`.
        case stats
        /// Envoy `/clusters?format=json`.
        case clusters
        /// Envoy `/config_dump?include_eds`: fetched when istiod's sync state or the pod changes.
        case configDump = "config_dump"
        /// ztunnel `/config_dump` (admin port).
        case ztunnelDump = "ztunnel_config_dump"
        /// ztunnel `:15020/metrics`.
        case ztunnelMetrics = "ztunnel_metrics"
        /// istiod `/debug/syncz`.
        case syncz
        /// istiod `/debug/connections`.
        case connections
        /// Envoy `/stats?format=json` (Envoy's own names): a focused proxy's Stats tab, read
        /// by the store every refresh beside the scheduler's plan.
        case statsJSON = "stats_json"

        /// Path (with query) and port of the endpoint.
        public var request: (port: Int, path: String) {
            switch self {
            case .stats: (15000, "/stats/prometheus")
            case .clusters: (15000, "/clusters?format=json")
            case .configDump: (15000, "/config_dump?include_eds")
            case .ztunnelDump: (15000, "/config_dump")
            case .ztunnelMetrics: (15020, "/metrics")
            case .syncz: (15014, "/debug/syncz")
            case .connections: (15014, "/debug/connections")
            case .statsJSON: (15000, "/stats?format=json")
            }
        }

        /// Polled every refresh interval (the config dump is fetched on change only).
        public var isPeriodic: Bool { self != .configDump }

        public static func < (a: Endpoint, b: Endpoint) -> Bool { a.rawValue < b.rawValue }
    }

    /// `namespace/pod`.
    public var proxy: String
    public var endpoint: Endpoint

    public init(proxy: String, endpoint: Endpoint) {
        self.proxy = proxy
        self.endpoint = endpoint
    }

    public var description: String { "\(proxy) \(endpoint.rawValue)" }

    public static func < (a: LiveSource, b: LiveSource) -> Bool { (a.proxy, a.endpoint) < (b.proxy, b.endpoint) }
}

/// How one source is doing, for the status line and `connections` warnings.
///
/// ```swift
/// status.summary(now: now)   // "ok", "stale since 10:00:04 (failing: HTTP 500 …)", "pending"
/// ```
public struct SourceStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Not fetched yet.
        case pending
        case ok
        /// The last attempt failed; data (if any) is from ``SourceStatus/lastSuccess``.
        case failing(reason: String)
    }

    public var state: State = .pending
    public var lastSuccess: Date?
    /// When the current run of failures started.
    public var failingSince: Date?
    public var consecutiveFailures = 0

    public init() {}

    public var isOK: Bool { state == .ok }
    public var isFailing: Bool { if case .failing = state { true } else { false } }

    public func summary(now: Date) -> String {
        switch state {
        case .pending: return "pending"
        case .ok: return "ok"
        case .failing(let reason):
            let attempts = consecutiveFailures > 1 ? " (\(consecutiveFailures) attempts)" : ""
            if let last = lastSuccess {
                return "stale since \(Timestamp.rfc3339(last)): failing: \(reason)\(attempts)"
            }
            return "failing: \(reason)\(attempts)"
        }
    }
}
