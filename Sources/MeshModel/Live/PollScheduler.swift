import Foundation

/// The polling plan of the live store as a pure state machine: given the sources that exist
/// and what happened to each fetch, it says what to fetch now. No clocks, no network: time is
/// passed in (seconds on any monotonic scale), so every rule is unit-testable.
///
/// Rules:
/// - periodic sources are due once per `interval`, aligned to rounds so a round's results
///   arrive together and become one snapshot;
/// - the Envoy config dump is fetched only when marked dirty (first sight, istiod's sync
///   state for the proxy changed, the pod changed);
/// - at most `maxConcurrent` fetches run at once; the rest wait in order of due time;
/// - a failing source backs off exponentially (`interval × 2^(failures−1)`, at most
///   `maxBackoff`); other sources are not affected.
///
/// ```swift
/// var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 8))
/// s.setSources([LiveSource(proxy: "shop/web-0", endpoint: .stats)], now: 0)
/// let fetches = s.next(now: 0)          // [shop/web-0 stats]
/// s.finished(fetches[0], now: 0.1, error: nil)
/// ```
public struct PollScheduler: Sendable {
    public struct Config: Sendable, Equatable {
        public var interval: Double
        public var maxConcurrent: Int
        public var maxBackoff: Double

        public init(interval: Double = 2, maxConcurrent: Int = 16, maxBackoff: Double = 30) {
            self.interval = max(0.05, interval)
            self.maxConcurrent = max(1, maxConcurrent)
            self.maxBackoff = max(self.interval, maxBackoff)
        }
    }

    struct Entry {
        var due: Double?
        var inFlight = false
        var failures = 0
        var status = SourceStatus()
        /// Attempted at least once (success or failure).
        var settled = false
    }

    public let config: Config
    private var entries: [LiveSource: Entry] = [:]
    private var inFlight = 0

    public init(config: Config = Config()) { self.config = config }

    /// Replaces the set of sources (proxies come and go). New sources are due now; removed
    /// ones are forgotten (a fetch still in flight is ignored when it finishes).
    public mutating func setSources(_ sources: some Sequence<LiveSource>, now: Double) {
        var next: [LiveSource: Entry] = [:]
        for s in sources {
            next[s] = entries[s] ?? Entry(due: now)
        }
        inFlight = next.values.reduce(0) { $0 + ($1.inFlight ? 1 : 0) }
        entries = next
    }

    /// Asks for a fresh config dump of `proxy` (its sync state or its pod changed).
    public mutating func markDirty(proxy: String, now: Double) {
        let key = LiveSource(proxy: proxy, endpoint: .configDump)
        guard var e = entries[key] else { return }
        if e.due == nil || e.due! > now { e.due = e.failures > 0 ? max(now, e.due ?? now) : now }
        entries[key] = e
    }

    /// Fetches to start now, oldest due first, within the concurrency limit; they are marked in flight.
    public mutating func next(now: Double) -> [LiveSource] {
        let free = config.maxConcurrent - inFlight
        guard free > 0 else { return [] }
        var due: [(Double, LiveSource)] = []
        for (s, e) in entries where !e.inFlight {
            if let d = e.due, d <= now { due.append((d, s)) }
        }
        due.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        let chosen = due.prefix(free).map(\.1)
        for s in chosen { entries[s]!.inFlight = true }
        inFlight += chosen.count
        return chosen
    }

    /// Records the outcome of a fetch; `error` is a one-line reason.
    public mutating func finished(_ source: LiveSource, now: Double, wallClock: Date = Date(), error: String?) {
        guard var e = entries[source], e.inFlight else { return }
        e.inFlight = false
        inFlight -= 1
        e.settled = true
        if let error {
            e.failures += 1
            if e.status.failingSince == nil || !e.status.isFailing { e.status.failingSince = wallClock }
            e.status.state = .failing(reason: error)
            e.status.consecutiveFailures = e.failures
            e.due = now + backoff(failures: e.failures)
        } else {
            e.failures = 0
            e.status.state = .ok
            e.status.lastSuccess = wallClock
            e.status.failingSince = nil
            e.status.consecutiveFailures = 0
            e.due = source.endpoint.isPeriodic ? nextRound(after: now) : nil
        }
        entries[source] = e
    }

    /// Backoff after `failures` consecutive failures: the interval, doubled per failure, capped.
    public func backoff(failures: Int) -> Double {
        min(config.maxBackoff, config.interval * pow(2, Double(max(0, failures - 1))))
    }

    /// The next round boundary: a multiple of the interval, at least half an interval away,
    /// so a fetch that finished late does not run twice in a row.
    func nextRound(after now: Double) -> Double {
        let i = config.interval
        var t = (now / i).rounded(.down) * i + i
        if t - now < i / 2 { t += i }
        return t
    }

    public func status(_ s: LiveSource) -> SourceStatus? { entries[s]?.status }

    public var statuses: [LiveSource: SourceStatus] { entries.mapValues(\.status) }

    public var inFlightCount: Int { inFlight }

    /// Every source has been tried at least once.
    public var allSettled: Bool { entries.values.allSatisfy(\.settled) }

    /// When the next fetch becomes due (nil when nothing is scheduled).
    public var nextDue: Double? { entries.values.compactMap { $0.inFlight ? nil : $0.due }.min() }

    public var sources: [LiveSource] { Array(entries.keys) }
}
