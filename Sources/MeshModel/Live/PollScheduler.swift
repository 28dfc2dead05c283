import Foundation

/// The polling plan of the live store as a pure state machine: given the sources that exist
/// and what happened to each fetch, it says what to fetch now. No clocks, no network: time is
/// passed in (seconds on any monotonic scale), so every rule is unit-testable.
///
/// Rules:
/// - periodic sources are due once per `interval`, aligned to rounds so a round's results
///   arrive together and become one snapshot;
/// - the Envoy config dump is fetched only for *focused* proxies (``setFocus(_:now:)``: the
///   ones someone reads a dump of), when they become focused and again when marked dirty
///   (istiod's sync state for the proxy changed, the pod changed), after every due periodic
///   source, with at most `maxConcurrentDumps` of them in flight. Nothing reads an unfocused
///   proxy's dump (snapshots collect dumps themselves), and at 6,000 proxies fetching them
///   all cost two minutes of a core at startup and again on every istiod push;
/// - with a request budget (`maxRequestsPerSecond`), unfocused Envoys' stats are polled every
///   ``statsEvery`` rounds and their `/clusters` every ``clustersEvery`` rounds, each source in
///   its own slot (a stable hash), so every round costs about the same and the steady polling
///   stays within the budget however large the mesh; the first sweep is not held back, so
///   the live tables are whole as fast as the concurrency allows. Without a budget, or on a
///   mesh small enough, stats are polled every round;
/// - `/clusters` (per-host upstream stats, read for one proxy at a time: the TUI's Endpoints
///   tab, `connections --hosts`) is polled every round only for *focused* proxies
///   (``setFocus(_:now:)``); for the others every `unfocusedClustersEvery` rounds, after the
///   round's sources, with at most `maxConcurrentSlow` in flight, so they never hold up a
///   round or ``allSettled``. A newly focused proxy's `/clusters` is due at once;
/// - at most `maxConcurrent` fetches run at once; the rest wait in order of due time;
/// - a failing source backs off exponentially (`interval × 2^(failures−1)`, at most
///   `maxBackoff`); other sources are not affected;
/// - a source the authorizer refused (`finished(…, refused: true)`) is not due again: a
///   403 is the same answer every time, and a blind retry loop on it is load for nothing.
///
/// Every operation costs O(log n) per source it starts or finishes (due sources wait in two
/// heaps), so a mesh of thousands of proxies is planned in microseconds per fetch.
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
        /// Config dumps in flight at once (within `maxConcurrent`).
        public var maxConcurrentDumps: Int
        /// Unfocused proxies' `/clusters` are polled every this many rounds (1: every round,
        /// like every other periodic source).
        public var unfocusedClustersEvery: Int
        /// Unfocused `/clusters` fetches in flight at once (within `maxConcurrent`).
        public var maxConcurrentSlow: Int
        /// Steady-state admin requests per second for unfocused Envoys (nil: no budget).
        /// Four fifths go to stats, one fifth to `/clusters`.
        public var maxRequestsPerSecond: Double?

        public init(interval: Double = 2, maxConcurrent: Int = 16, maxBackoff: Double = 30, maxConcurrentDumps: Int? = nil,
                    unfocusedClustersEvery: Int = 1, maxConcurrentSlow: Int? = nil, maxRequestsPerSecond: Double? = nil) {
            self.interval = max(0.05, interval)
            self.maxConcurrent = max(1, maxConcurrent)
            self.maxBackoff = max(self.interval, maxBackoff)
            self.maxConcurrentDumps = min(self.maxConcurrent, max(1, maxConcurrentDumps ?? self.maxConcurrent / 4))
            self.unfocusedClustersEvery = max(1, unfocusedClustersEvery)
            self.maxConcurrentSlow = min(self.maxConcurrent, max(1, maxConcurrentSlow ?? self.maxConcurrent / 4))
            self.maxRequestsPerSecond = maxRequestsPerSecond.flatMap { $0 > 0 ? $0 : nil }
        }
    }

    /// Which queue a source waits in: the round (polled every interval, holds up
    /// ``allSettled``), the slow lane (unfocused `/clusters`), or config dumps (on change).
    public enum Lane: Int, Sendable, CaseIterable {
        case round, slow, dump
    }

    struct Entry {
        var due: Double?
        /// The lane it was started in, while in flight.
        var running: Lane?
        var inFlight: Bool { running != nil }
        var failures = 0
        var status = SourceStatus()
        /// Attempted at least once (success or failure).
        var settled = false
        /// Refused by the authorizer: never due again.
        var refused = false
        /// Bumped whenever `due` changes, so older heap nodes of this source are skipped.
        var stamp = 0
    }

    public let config: Config
    private var entries: [LiveSource: Entry] = [:]
    private var focus: Set<String> = []
    private var inFlight = 0
    /// Per lane: fetches in flight, sources never tried, due sources.
    private var running = [0, 0, 0]
    private var unsettled = [0, 0, 0]
    private var heaps = [DueHeap(), DueHeap(), DueHeap()]
    /// Stats and `/clusters` sources of proxies that are not focused (what the budget spreads).
    private var unfocusedStats = 0
    private var unfocusedClusters = 0

    public init(config: Config = Config()) { self.config = config }

    /// Rounds between two stats fetches of an unfocused Envoy: 1 without a budget, else as
    /// many as it takes to keep them within four fifths of it.
    public var statsEvery: Int {
        guard let rps = config.maxRequestsPerSecond else { return 1 }
        return max(1, Int(saturating: (Double(unfocusedStats) / (rps * config.interval * 0.8)).rounded(.up)))
    }

    /// Rounds between two `/clusters` fetches of an unfocused Envoy: `unfocusedClustersEvery`,
    /// or more when that would not fit in a fifth of the budget.
    public var clustersEvery: Int {
        let base = config.unfocusedClustersEvery
        guard let rps = config.maxRequestsPerSecond, base > 1 else { return base }
        return max(base, Int(saturating: (Double(unfocusedClusters) / (rps * config.interval * 0.2)).rounded(.up)))
    }

    private mutating func recount() {
        unfocusedStats = 0
        unfocusedClusters = 0
        for s in entries.keys where !focus.contains(s.proxy) {
            if s.endpoint == .stats { unfocusedStats += 1 } else if s.endpoint == .clusters { unfocusedClusters += 1 }
        }
    }

    /// Whether `source` is an unfocused proxy's config dump, which is never fetched.
    private func parked(_ source: LiveSource) -> Bool { source.endpoint == .configDump && !focus.contains(source.proxy) }

    /// Replaces the set of sources (proxies come and go). New sources are due now; removed
    /// ones are forgotten (a fetch still in flight is ignored when it finishes).
    public mutating func setSources(_ sources: some Sequence<LiveSource>, now: Double) {
        var next: [LiveSource: Entry] = [:]
        next.reserveCapacity(entries.count)
        var added = false
        for s in sources {
            if let e = entries[s] {
                next[s] = e
            } else {
                next[s] = parked(s) ? Entry(due: nil, settled: true) : Entry(due: now)
                added = true
            }
        }
        // The usual case: the same proxies as last time, nothing to rebuild.
        if !added && next.count == entries.count { return }
        entries = next
        recount()
        inFlight = 0
        running = [0, 0, 0]
        unsettled = [0, 0, 0]
        heaps = [DueHeap(), DueHeap(), DueHeap()]
        for (s, e) in entries {
            if let lane = e.running {
                inFlight += 1
                running[lane.rawValue] += 1
            } else if let due = e.due {
                push(s, due: due, stamp: e.stamp)
            }
            if !e.settled { unsettled[lane(of: s).rawValue] += 1 }
        }
    }

    /// The proxies (`namespace/name`) whose `/clusters` is polled every round: the ones a
    /// user is looking at. A proxy that becomes focused has its `/clusters` fetched at once
    /// (unless it is backing off after a failure); one that loses focus goes back to every
    /// `unfocusedClustersEvery` rounds after its next fetch.
    public mutating func setFocus(_ proxies: Set<String>, now: Double) {
        let changed = focus.symmetricDifference(proxies)
        guard !changed.isEmpty else { return }
        let before = focus
        focus = proxies
        recount()
        // The dump: fetched at once for a newly focused proxy, parked for one that is not any more.
        for proxy in changed {
            let key = LiveSource(proxy: proxy, endpoint: .configDump)
            guard var e = entries[key], !e.inFlight, !e.refused else { continue }
            if proxies.contains(proxy) {
                if e.settled {
                    e.settled = false
                    unsettled[Lane.dump.rawValue] += 1
                }
                e.due = e.failures > 0 ? max(now, e.due ?? now) : now
            } else {
                if !e.settled {
                    e.settled = true
                    unsettled[Lane.dump.rawValue] -= 1
                }
                e.due = nil
            }
            e.stamp += 1
            entries[key] = e
            if let due = e.due { push(key, due: due, stamp: e.stamp) }
        }
        guard config.unfocusedClustersEvery > 1 else {
            trim()
            return
        }
        for proxy in changed {
            let key = LiveSource(proxy: proxy, endpoint: .clusters)
            guard var e = entries[key] else { continue }
            let from: Lane = before.contains(proxy) ? .round : .slow
            let to = lane(of: key)
            if !e.settled {
                unsettled[from.rawValue] -= 1
                unsettled[to.rawValue] += 1
            }
            if to == .round, e.failures == 0, !e.inFlight { e.due = min(e.due ?? now, now) }
            e.stamp += 1
            entries[key] = e
            if !e.inFlight, let due = e.due { push(key, due: due, stamp: e.stamp) }
        }
        trim()
    }

    /// The focused proxies (see ``setFocus(_:now:)``).
    public var focused: Set<String> { focus }

    /// The lane `source` waits in now.
    public func lane(of source: LiveSource) -> Lane {
        switch source.endpoint {
        case .configDump: .dump
        case .clusters where config.unfocusedClustersEvery > 1 && !focus.contains(source.proxy): .slow
        default: .round
        }
    }

    /// Asks for a fresh config dump of `proxy` (its sync state or its pod changed).
    public mutating func markDirty(proxy: String, now: Double) {
        let key = LiveSource(proxy: proxy, endpoint: .configDump)
        // Not focused: nothing reads it now, and focusing fetches it fresh.
        guard var e = entries[key], !parked(key), !e.refused else { return }
        guard e.due == nil || e.due! > now else { return }
        let due = e.failures > 0 ? max(now, e.due ?? now) : now
        guard due != e.due else { return }
        e.due = due
        e.stamp += 1
        entries[key] = e
        if !e.inFlight { push(key, due: due, stamp: e.stamp) }
        trim()
    }

    /// Fetches to start now: the round's sources first, then config dumps, then unfocused
    /// `/clusters`, each lane oldest due first, within the concurrency limits; they are
    /// marked in flight.
    public mutating func next(now: Double) -> [LiveSource] {
        var chosen: [LiveSource] = []
        for lane in [Lane.round, .dump, .slow] {
            while inFlight < config.maxConcurrent, running[lane.rawValue] < limit(lane), let s = takeDue(lane, now: now) {
                start(s, lane: lane)
                chosen.append(s)
            }
        }
        trim()
        return chosen
    }

    private func limit(_ lane: Lane) -> Int {
        switch lane {
        case .round: config.maxConcurrent
        case .slow: config.maxConcurrentSlow
        case .dump: config.maxConcurrentDumps
        }
    }

    /// Records the outcome of a fetch; `error` is a one-line reason; `refused`: the
    /// authorizer refused it, and the source is not due again. Returns the lane the fetch
    /// ran in (nil for a source no longer known or not in flight).
    @discardableResult
    public mutating func finished(_ source: LiveSource, now: Double, wallClock: Date = Date(), error: String?, refused: Bool = false) -> Lane? {
        guard var e = entries[source], let ran = e.running else { return nil }
        e.running = nil
        inFlight -= 1
        running[ran.rawValue] -= 1
        if !e.settled {
            e.settled = true
            unsettled[lane(of: source).rawValue] -= 1
        }
        if let error {
            e.failures += 1
            if e.status.failingSince == nil || !e.status.isFailing { e.status.failingSince = wallClock }
            e.status.state = .failing(reason: error)
            e.status.consecutiveFailures = e.failures
            e.due = now + backoff(failures: e.failures)
            if refused {
                e.refused = true
                e.due = nil
            }
        } else {
            e.failures = 0
            e.status.state = .ok
            e.status.lastSuccess = wallClock
            e.status.failingSince = nil
            e.status.consecutiveFailures = 0
            // A dump marked dirty while in flight (due set again) is fetched again.
            switch lane(of: source) {
            case .round where source.endpoint == .stats && !focus.contains(source.proxy):
                e.due = nextSlot(after: now, every: statsEvery, source)
            case .round: e.due = nextRound(after: now)
            case .slow: e.due = nextSlot(after: now, every: clustersEvery, source)
            case .dump: break
            }
        }
        // Unfocused while in flight: its status is recorded, nothing more is due.
        if parked(source) { e.due = nil }
        e.stamp += 1
        entries[source] = e
        if let due = e.due { push(source, due: due, stamp: e.stamp) }
        trim()
        return ran
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

    /// The first round boundary after `now` (as ``nextRound(after:)``) in `source`'s slot of
    /// every `n` rounds, so sources polled every `n` rounds are spread evenly over them.
    func nextSlot(after now: Double, every n: Int, _ source: LiveSource) -> Double {
        let t = nextRound(after: now)
        guard n > 1 else { return t }
        let round = Int(saturating: (t / config.interval).rounded()) % n
        let slot = Int(PollScheduler.stableHash(source) % UInt64(n))
        return t + config.interval * Double(((slot - round) % n + n) % n)
    }

    /// FNV-1a over the source's name: the same slot in every run (`hashValue` is seeded per process).
    static func stableHash(_ s: LiveSource) -> UInt64 {
        var h = FNV1a()
        h.add(s.proxy.utf8)
        h.add(0)
        h.add(s.endpoint.rawValue.utf8)
        return h.value
    }

    public func status(_ s: LiveSource) -> SourceStatus? { entries[s]?.status }

    /// Every source's status, except unfocused proxies' config dumps never fetched (not polled,
    /// so neither pending nor failing).
    public var statuses: [LiveSource: SourceStatus] {
        var out: [LiveSource: SourceStatus] = [:]
        out.reserveCapacity(entries.count)
        for (k, e) in entries where !(e.status.state == .pending && parked(k)) { out[k] = e.status }
        return out
    }

    public var inFlightCount: Int { inFlight }

    /// Round fetches in flight (a round is done when this is zero; config dumps and
    /// unfocused `/clusters` run beside the rounds).
    public var periodicInFlightCount: Int { running[Lane.round.rawValue] }

    /// Every source of the round (stats, focused `/clusters`, ztunnel, istiod) has been tried
    /// at least once: the live tables are complete. Config dumps (``allDumpsSettled``) and
    /// unfocused `/clusters` (``allSlowSettled``) may still be on their way.
    public var allSettled: Bool { unsettled[Lane.round.rawValue] == 0 }

    /// Every config dump has been tried at least once.
    public var allDumpsSettled: Bool { unsettled[Lane.dump.rawValue] == 0 }

    /// Every unfocused proxy's `/clusters` has been tried at least once.
    public var allSlowSettled: Bool { unsettled[Lane.slow.rawValue] == 0 }

    /// When the next fetch that could start becomes due (nil when nothing is scheduled or
    /// every slot is taken, so the next finished fetch is what to wait for).
    public var nextDue: Double? {
        guard inFlight < config.maxConcurrent else { return nil }
        var due: Double?
        for lane in Lane.allCases where running[lane.rawValue] < limit(lane) {
            if let t = heaps[lane.rawValue].top?.due { due = min(due ?? t, t) }
        }
        return due
    }

    public var sources: [LiveSource] { Array(entries.keys) }

    // MARK: Heaps

    private mutating func push(_ s: LiveSource, due: Double, stamp: Int) {
        heaps[lane(of: s).rawValue].push(.init(due: due, source: s, stamp: stamp))
    }

    /// Drops stale nodes from the heap tops, so a top is always a real due time.
    private mutating func trim() {
        for i in heaps.indices {
            while let t = heaps[i].top, !DueHeap.isValid(t, entries) { heaps[i].pop() }
        }
    }

    private mutating func start(_ s: LiveSource, lane: Lane) {
        entries[s]!.running = lane
        // Not due while in flight; a dump marked dirty meanwhile gets a due time again.
        entries[s]!.due = nil
        entries[s]!.stamp += 1
        inFlight += 1
        running[lane.rawValue] += 1
    }

    /// The oldest valid due source of one lane at `now`, removed; stale nodes are dropped on the way.
    private mutating func takeDue(_ lane: Lane, now: Double) -> LiveSource? {
        let i = lane.rawValue
        while let top = heaps[i].top {
            let valid = DueHeap.isValid(top, entries)
            if valid && top.due > now { return nil }
            heaps[i].pop()
            if valid { return top.source }
        }
        return nil
    }
}

/// A binary min-heap of due times (ties broken by source, as the old sorted scan did).
/// Entries are never updated in place: a new node is pushed and the old one goes stale.
struct DueHeap: Sendable {
    struct Node: Sendable {
        var due: Double
        var source: LiveSource
        var stamp: Int

        static func < (a: Node, b: Node) -> Bool { a.due != b.due ? a.due < b.due : a.source < b.source }
    }

    private(set) var nodes: [Node] = []

    var top: Node? { nodes.first }

    static func isValid(_ n: Node, _ entries: [LiveSource: PollScheduler.Entry]) -> Bool {
        guard let e = entries[n.source] else { return false }
        return !e.inFlight && e.stamp == n.stamp && e.due == n.due
    }

    mutating func push(_ n: Node) {
        nodes.append(n)
        var i = nodes.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard nodes[i] < nodes[parent] else { break }
            nodes.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() {
        guard !nodes.isEmpty else { return }
        let last = nodes.removeLast()
        guard !nodes.isEmpty else { return }
        nodes[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < nodes.count && nodes[l] < nodes[m] { m = l }
            if r < nodes.count && nodes[r] < nodes[m] { m = r }
            if m == i { break }
            nodes.swapAt(i, m)
            i = m
        }
    }
}
