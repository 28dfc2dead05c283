import Foundation
import MeshModel

/// Keeps the live state of a mesh: discovers proxies from the Kubernetes cache, polls their
/// admin endpoints on the ``PollScheduler``'s plan (bounded concurrency, per-request
/// timeouts, backoff per failing source), joins the answers in a ``LiveAccumulator`` and
/// publishes immutable ``MeshState`` snapshots, one per refresh round.
///
/// What is polled when: ztunnel's dump and metrics and istiod's syncz and connections every
/// refresh; `/stats/prometheus` of every Envoy every refresh while the mesh is small enough
/// for ``Options/maxRequestsPerSecond`` (else every few refreshes, spread evenly, and every
/// refresh for focused proxies); `/clusters?format=json` every refresh for the focused
/// proxies (``setFocus(_:)``: the proxy a user opened) and every
/// ``Options/unfocusedClustersEvery`` refreshes (or more, within the budget) for the rest;
/// the config dump of a focused proxy when it becomes focused, its pod changes or istiod's
/// sync state for it changes. What a focused Envoy's tabs read is published with the state
/// (``MeshState/focusedProxies``): that dump, decoded, and its `/stats?format=json` every
/// refresh (Envoy's own names; a proxy that does not serve it has its `/stats/prometheus`,
/// polled anyway, read instead), so the store is the one poller of a live source.
///
/// With a ``PrometheusMetrics`` (``init(options:prometheus:listProxies:fetch:)``), traffic edges
/// come from Prometheus's aggregated queries every refresh and unfocused Envoys' and ztunnels'
/// metrics are not scraped at all; `/clusters`, config dumps, istiod and the focused proxies'
/// stats still come from the admin ports. When Prometheus fails (down, slow, an error, a
/// label scheme that is not Istio's), the state says why in one line
/// (``MeshState/metrics``), scraping resumes at once, and Prometheus is tried again every
/// ``prometheusRetry`` seconds. With ``Options/ratesFirst`` the first round after Prometheus
/// is taken up asks the rates alone and publishes their edges, totals pending, before asking
/// the totals.
///
/// A fetch the authorizer refused (``LiveDecodeError/refused``: a 403 on `pods/proxy`, or a
/// refusal the access review planned for) is not polled again: its source stays failing with
/// the refusal, which views count as forbidden, and no request is sent only to be refused.
///
/// The I/O is two closures, so the same store runs against a cluster (``kubernetes(cache:admin:options:)``)
/// or anything else that can list proxies and fetch bytes.
///
/// ```swift
/// let store = MeshStore.kubernetes(cache: cache, admin: admin, options: .init(refresh: 2))
/// let task = Task { await store.run() }
/// for await state in await store.states() where state.complete { print(state.edges.count); break }
/// task.cancel()
/// ```
public actor MeshStore {
    public struct Options: Sendable {
        public var refresh: Double
        public var maxConcurrent: Int
        public var maxBackoff: Double
        /// `/clusters` of proxies nobody is looking at is polled every this many refreshes
        /// (a host going unhealthy anywhere still shows within `refresh × this`); focused
        /// proxies' every refresh.
        public var unfocusedClustersEvery: Int
        /// Steady admin requests per second for proxies nobody is looking at (nil or 0: no
        /// limit). Every request goes through the API server's pod proxy, so a tool must not
        /// turn 6,000 sidecars into 3,000 requests a second; 200/s keeps a 100-proxy mesh at
        /// every refresh and sweeps 6,000 proxies every ~40 s (focused ones, ztunnels and
        /// istiod stay at every refresh).
        public var maxRequestsPerSecond: Double?
        /// The reader wants traffic edges and nothing else (`connections --edges`): only the
        /// sources edges come from are polled, the proxies' metrics while scraping and no admin
        /// port at all while Prometheus answers (no `/clusters`, config dumps, istiod or
        /// ztunnel dumps, no history for sparklines), and a state is complete as soon as
        /// Prometheus has answered, before the proxies are even listed.
        public var edgesOnly: Bool
        /// Seconds a first state waits for the latency after the counters answered
        /// (``MeshStore/latencyGrace`` unless a test needs a grace no loaded machine outlasts).
        public var latencyGrace: Double
        /// The first round after Prometheus is taken up (at start, and when it answers again
        /// after failing) asks the rates alone, publishes their edges with the totals pending
        /// (``MetricsOrigin/totalsPending``), then asks the totals and joins them in. A loaded
        /// Prometheus answers one query in about half the time it takes for both at once, so a
        /// reader that redraws (the TUI, `connections --watch`) shows edges sooner; a one-shot
        /// reader, which prints complete data once, asks both at once. Later rounds ask both.
        public var ratesFirst: Bool

        public init(refresh: Double = 2, maxConcurrent: Int = 16, maxBackoff: Double = 30, unfocusedClustersEvery: Int = 5,
                    maxRequestsPerSecond: Double? = 200, edgesOnly: Bool = false, latencyGrace: Double = MeshStore.latencyGrace,
                    ratesFirst: Bool = false) {
            self.refresh = refresh
            self.maxConcurrent = maxConcurrent
            self.maxBackoff = maxBackoff
            self.unfocusedClustersEvery = unfocusedClustersEvery
            self.maxRequestsPerSecond = maxRequestsPerSecond
            self.edgesOnly = edgesOnly
            self.latencyGrace = latencyGrace
            self.ratesFirst = ratesFirst
        }
    }

    public typealias ListProxies = @Sendable () async throws -> [MeshState.Proxy]
    public typealias Fetch = @Sendable (MeshState.Proxy, LiveSource.Endpoint) async throws -> [UInt8]

    public let options: Options
    let prometheus: PrometheusMetrics?
    /// Seconds between tries of a Prometheus that failed.
    public static let prometheusRetry = 30.0
    /// Seconds at most the proxies' own admin reads wait at start for Prometheus's first
    /// answer (``holdingForPrometheus``); twice this for the totals and the history it brings.
    public static let prometheusFirstHold = 3.0

    /// Whether the proxies' admin reads wait, unless a proxy is focused (someone who opened one
    /// wants its data): while Prometheus's first answer is out, for at most
    /// ``prometheusFirstHold`` seconds, and once it answered, while the first totals or history
    /// are out, for at most twice that. The edges, their totals and their sparklines are what a
    /// user waits for first; at thousands of proxies those reads went through the API server on
    /// the cores Prometheus was answering on (the history took 3–6 s among them, 1–1.4 s
    /// alone), and a first sweep takes half a minute anyway.
    var holdingForPrometheus: Bool {
        guard prometheus != nil, focusedProxies.isEmpty else { return false }
        if !prometheusSettled { return now < MeshStore.prometheusFirstHold }
        let following = historyInFlight && historyTries == 1 || prometheusSample?.totalsPending == true
        return following && now < 2 * MeshStore.prometheusFirstHold
    }
    /// Prometheus answers (edges are its), else scraping.
    var prometheusActive: Bool
    var prometheusSample: PrometheusMetrics.Sample?
    var prometheusMessage: String?
    var prometheusInFlight = false
    /// When the counters were last asked for. A `rate()` over Prometheus's window moves only
    /// when Prometheus scrapes, so they are asked at most twice per scrape interval (a quarter
    /// of the window), however short the refresh: at a 15 s scrape and a 2 s refresh, every
    /// 7.5 s instead of every 2 s, for the same answers.
    var prometheusAskedAt = -Double.infinity
    /// Prometheus answered or failed at least once (a state is not complete before).
    var prometheusSettled = false
    var prometheusFailedAt = -Double.infinity
    /// The last answer to the latency query, joined into every counters answer until the next.
    var prometheusLatency: PrometheusAPIResult?
    var latencyInFlight = false
    var latencyAskedAt = -Double.infinity
    /// The latency query answered or failed since Prometheus was (re)taken up.
    var latencySettled = false
    var latencyMessage: String?
    /// When the first counters answer came (since Prometheus was taken up).
    var countersAnsweredAt: Double?
    var publishedLatencyPending = false
    /// Seconds a first state waits for the latency after the counters answered
    /// (``MetricsOrigin/latencyPending``): at a small mesh both come together, at 6,000
    /// proxies `histogram_quantile` takes seconds more and the edges do not wait for it.
    public static let latencyGrace = 1.0
    /// History queries sent (``historyTask()``): one after the first rates, one more after a
    /// later counters answer if that one failed or found nothing.
    var historyTries = 0
    var historyInFlight = false
    /// Per-edge rates from before the first refresh (``MeshState/edgeHistory``).
    var edgeHistory: [String: [Double]] = [:]
    let listProxies: ListProxies
    let fetch: Fetch
    var scheduler: PollScheduler
    var accumulator = LiveAccumulator()
    var proxies: [String: MeshState.Proxy] = [:]
    var latest: MeshState?
    var listeners: [UUID: AsyncStream<MeshState>.Continuation] = [:]
    var discoveryError: String?
    var lastProxyList: [MeshState.Proxy] = []
    /// Focused Envoys' dumps and stats (focused ones only: dumps are large).
    var focusedProxies: [String: MeshState.FocusedProxy] = [:]
    /// When each focused proxy's `/stats?format=json` is due next; those in flight.
    var statsJSONDue: [String: Double] = [:]
    var statsJSONInFlight: Set<String> = []
    /// Focused proxies that did not answer `/stats?format=json`: their stats are
    /// read from the `/stats/prometheus` the plan fetches.
    var prometheusStatsOnly: Set<String> = []
    let start = ContinuousClock.now

    public init(options: Options = Options(), prometheus: PrometheusMetrics? = nil, listProxies: @escaping ListProxies, fetch: @escaping Fetch) {
        self.options = options
        self.prometheus = prometheus
        self.prometheusActive = prometheus != nil
        self.listProxies = listProxies
        self.fetch = fetch
        scheduler = PollScheduler(config: .init(interval: options.refresh, maxConcurrent: options.maxConcurrent, maxBackoff: options.maxBackoff,
                                                unfocusedClustersEvery: options.unfocusedClustersEvery,
                                                maxRequestsPerSecond: options.maxRequestsPerSecond))
    }

    /// The proxies (`namespace/name`) a user is looking at: their `/clusters` is polled every
    /// refresh, starting at once (the running poll loop picks it up within a quarter second).
    ///
    /// ```swift
    /// await store.setFocus(["bookinfo/productpage-v1-7d4b9"])   // the TUI opened this proxy
    /// await store.setFocus([])                                  // and closed it
    /// ```
    public func setFocus(_ proxies: Set<String>) {
        scheduler.setFocus(proxies, now: now)
        focusedProxies = focusedProxies.filter { proxies.contains($0.key) }
        statsJSONDue = statsJSONDue.filter { proxies.contains($0.key) }
        prometheusStatsOnly = prometheusStatsOnly.filter { proxies.contains($0) }
        for key in proxies where focusedProxies[key] == nil {
            focusedProxies[key] = MeshState.FocusedProxy()
            statsJSONDue[key] = now
        }
        if prometheusActive { updateSources() }
    }

    /// The last published snapshot.
    public var current: MeshState? { latest }

    /// Snapshots as they are published (the latest one first, if any).
    public func states() -> AsyncStream<MeshState> {
        let (stream, continuation) = AsyncStream<MeshState>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        listeners[id] = continuation
        if let latest { continuation.yield(latest) }
        continuation.onTermination = { _ in Task { await self.removeListener(id) } }
        return stream
    }

    func removeListener(_ id: UUID) { listeners[id] = nil }

    var now: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    enum Outcome: Sendable {
        /// A fetch, decoded; `focused` is what it brings a focused proxy's tabs.
        /// `at`: when the answer arrived, taken in the fetch task as soon as the body is in.
        /// Rates divide by the time between two answers; taken when the loop gets round to the
        /// result (or after decoding), a loaded machine's lag made one of two samples late and
        /// the rates up to twice too high.
        case fetched(LiveSource, Result<LiveDecoded, LiveDecodeError>, focused: FocusAnswer?, at: Date = Date())
        case prometheus(Result<PrometheusMetrics.Sample, PrometheusError>)
        /// The totals query of a rates-first round (``Options/ratesFirst``).
        case totals(Result<PrometheusAPIResult, PrometheusError>)
        case latency(Result<PrometheusAPIResult, PrometheusError>)
        /// nil: the query failed.
        case history([String: [Double]]?)
        case discovered(Result<[MeshState.Proxy], any Error>)
        case tick
    }

    /// A focused proxy's dump, or its stats read from `/stats/prometheus`.
    enum FocusAnswer: Sendable {
        /// The dump, or why the JSON is not one.
        case dump(Result<EnvoyConfigDump, DumpError>)
        case stats(StatsSnapshot)
    }

    struct DumpError: Error { var message: String }

    /// Polls until the task is cancelled; then finishes every snapshot stream.
    public func run() async {
        var lastDiscovery = -Double.infinity
        var lastPublish = -Double.infinity
        var changedSincePublish = false
        await withTaskGroup(of: Outcome.self) { group in
            var ticking = false
            var discovering = false
            while !Task.isCancelled {
                if now - lastDiscovery >= options.refresh {
                    lastDiscovery = now
                    // Beside the loop, not in it: the first list waits for the informers' first
                    // lists (seconds at thousands of pods), which Prometheus's edges need not.
                    if !discovering {
                        discovering = true
                        let listProxies = self.listProxies
                        group.addTask {
                            // Ends when the store is cancelled even while those lists ignore it, so a
                            // `connections` that has its edges exits without waiting for them.
                            do { return .discovered(.success(try await TimeBound.run(seconds: 1e9) { try await listProxies() })) } catch {
                                return .discovered(.failure(error))
                            }
                        }
                    }
                    if let prometheus, !prometheusInFlight,
                       prometheusActive ? now - prometheusAskedAt >= max(options.refresh, prometheus.queries.window / 8)
                                        : now - prometheusFailedAt >= MeshStore.prometheusRetry {
                        prometheusInFlight = true
                        prometheusAskedAt = now
                        // The counters alone, the last latency answer joined in: the edges never
                        // wait for the slow histogram query, which runs beside (latencyTask).
                        let latency = prometheusLatency
                        // The first round since Prometheus was taken up: the rates alone first
                        // (the totals follow their answer, ``totalsTask(_:)``).
                        let ratesAlone = options.ratesFirst && prometheusSample == nil
                        group.addTask {
                            do throws(PrometheusError) {
                                return .prometheus(.success(ratesAlone ? try await prometheus.rates(latency: latency) : try await prometheus.counters(latency: latency)))
                            } catch { return .prometheus(.failure(error)) }
                        }
                    }
                    if let task = latencyTask() { group.addTask(operation: task) }
                }
                for source in (holdingForPrometheus ? [] : scheduler.next(now: now)) + dueStatsJSON() {
                    guard let proxy = proxies[source.proxy] else { continue }
                    let fetch = self.fetch
                    let statsFromPrometheus = source.endpoint == .stats && prometheusStatsOnly.contains(source.proxy)
                    group.addTask {
                        do {
                            let body = try await fetch(proxy, source.endpoint)
                            // Rates divide by the time between answers: taken when the body is in,
                            // before decoding, whose length on a loaded machine has nothing to do
                            // with when the proxy read its counters.
                            let at = Date()
                            if source.endpoint == .configDump {
                                // Only focused proxies' dumps are fetched: decoded for their tabs.
                                let doc: JSONDocument
                                do { doc = try JSONDocument(bytes: body) } catch {
                                    return .fetched(source, .failure(LiveDecodeError("bad config dump: \(error)")), focused: nil, at: at)
                                }
                                let dump = Result { () throws(EnvoyConfigDumpError) in try EnvoyConfigDump(document: doc) }
                                return .fetched(source, .success(.configDump(bytes: body.count)), focused: .dump(dump.mapError { DumpError(message: "\($0)") }), at: at)
                            }
                            let stats = statsFromPrometheus ? try? StatsSnapshot.decode(body) : nil
                            return .fetched(source, Result { () throws(LiveDecodeError) in try LiveDecoded.decode(source.endpoint, body) },
                                            focused: stats.map(FocusAnswer.stats), at: at)
                        } catch let e as LiveDecodeError {
                            return .fetched(source, .failure(e), focused: nil)
                        } catch {
                            return .fetched(source, .failure(LiveDecodeError(MeshStore.oneLine(error))), focused: nil)
                        }
                    }
                }
                if !ticking {
                    ticking = true
                    let wait = min(0.25, max(0.01, (scheduler.nextDue ?? now + 0.25) - now))
                    group.addTask {
                        try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                        return .tick
                    }
                }
                guard let outcome = await group.next() else { break }
                var roundFinished = false
                var focusAnswered = false
                var historyAnswered = false
                switch outcome {
                case .tick:
                    ticking = false
                    // A first state held for the latency is released when the grace is over.
                    if publishedLatencyPending && !latencyPending { changedSincePublish = true; roundFinished = true }
                case .fetched(let source, let result, let focused, let at):
                    focusAnswered = recordFocused(source, result, focused, at: at)
                    if source.endpoint != .statsJSON { roundFinished = handle(source, result, at: at) == .round }
                    changedSincePublish = true
                case .prometheus(let result):
                    handle(result)
                    roundFinished = true
                    changedSincePublish = true
                    // Rates first: the totals right after them, the latency and history after those.
                    if case .success(let sample) = result, let task = totalsTask(sample) { group.addTask(operation: task) }
                    countersAnswered(&group)
                case .totals(let result):
                    handleTotals(result)
                    roundFinished = true
                    changedSincePublish = true
                    countersAnswered(&group)
                case .latency(let result):
                    handleLatency(result)
                    roundFinished = true
                    changedSincePublish = true
                case .history(let history):
                    historyInFlight = false
                    if let history { edgeHistory = history }
                    changedSincePublish = true
                    // Drawn as soon as it is in, not with the next round: it is what the
                    // sparklines wait for at start.
                    historyAnswered = history != nil
                case .discovered(let result):
                    discovering = false
                    discovered(result)
                    changedSincePublish = true
                }
                // A round ends with its last round fetch; config dumps and unfocused `/clusters`
                // finishing beside the rounds are published with the next round (or after one
                // refresh interval).
                // What an opened proxy's tabs wait for is published as it arrives.
                let roundDone = roundFinished && scheduler.periodicInFlightCount == 0
                if changedSincePublish && (roundDone || focusAnswered || historyAnswered || now - lastPublish >= options.refresh) {
                    publish()
                    lastPublish = now
                    changedSincePublish = false
                }
            }
            group.cancelAll()
        }
        for l in listeners.values { l.finish() }
        listeners.removeAll()
    }

    /// Records one listing of the proxies.
    func discovered(_ result: Result<[MeshState.Proxy], any Error>) {
        switch result {
        case .success(let list):
            discoveryError = nil
            // Usually nothing changed: skip rebuilding the plan and the join.
            if list == lastProxyList { return }
            lastProxyList = list
            let changed = accumulator.setProxies(list)
            proxies = Dictionary(list.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            updateSources()
            for key in changed { scheduler.markDirty(proxy: key, now: now) }
        case .failure(let error):
            // Keep polling the proxies we know; the status says why discovery failed.
            discoveryError = MeshStore.oneLine(error)
        }
    }

    /// Every source of the known proxies, less the metrics Prometheus stands for while it
    /// answers (the stats of unfocused Envoys, ztunnels' metrics); with
    /// ``Options/edgesOnly``, only the metrics, and nothing while Prometheus answers.
    func updateSources() {
        scheduler.setSources(MeshStore.sources(lastProxyList, focused: scheduler.focused, prometheusActive: prometheusActive,
                                               edgesOnly: options.edgesOnly), now: now)
    }

    /// What is polled for `proxies` (see ``updateSources()``).
    static func sources(_ proxies: [MeshState.Proxy], focused: Set<String>, prometheusActive: Bool, edgesOnly: Bool) -> [LiveSource] {
        if edgesOnly && prometheusActive { return [] }
        return proxies.flatMap { p in
            p.kind.endpoints.compactMap { e -> LiveSource? in
                let metrics = e == .ztunnelMetrics || e == .stats
                if edgesOnly && !metrics { return nil }
                if prometheusActive, e == .ztunnelMetrics || (e == .stats && !focused.contains(p.key)) { return nil }
                return LiveSource(proxy: p.key, endpoint: e)
            }
        }
    }

    /// Records one Prometheus answer: its edges stand for the mesh's, or it failed and the
    /// proxies are scraped again.
    func handle(_ result: Result<PrometheusMetrics.Sample, PrometheusError>) {
        prometheusInFlight = false
        prometheusSettled = true
        switch result {
        case .success(let sample):
            // Counters asked before the latency answered carry none: that answer is joined in
            // now, or a one-shot could print this state, not pending and not joined.
            if sample.latency == nil, let latency = prometheusLatency, let prometheus {
                prometheusSample = (try? prometheus.joining(sample, latency: latency)) ?? sample
            } else {
                prometheusSample = sample
            }
            // Rates first: the round goes on with the totals (``totalsTask(_:)``).
            if sample.totalsPending { prometheusInFlight = true }
            if countersAnsweredAt == nil && !sample.totalsPending { countersAnsweredAt = now }
            prometheusMessage = sample.warnings.first.map { "partial answer: " + $0 }
            if !prometheusActive {
                prometheusActive = true
                updateSources()
            }
        case .failure(let error):
            prometheusSample = nil
            prometheusFailedAt = now
            prometheusMessage = error.message + "; scraping proxies instead"
            prometheusLatency = nil
            latencySettled = false
            latencyMessage = nil
            countersAnsweredAt = nil
            if prometheusActive {
                prometheusActive = false
                updateSources()
            }
        }
    }

    /// After a counters (or totals) answer: the first latency query goes after the first
    /// complete counters answer, not beside it (both at once, the heavy one slows Prometheus's
    /// answer to the other); the history goes after the first rates, beside the totals.
    func countersAnswered(_ group: inout TaskGroup<Outcome>) {
        if let task = latencyTask() { group.addTask(operation: task) }
        if prometheusActive, prometheusSample != nil, let task = historyTask() { group.addTask(operation: task) }
    }

    /// The history query (the last hour for the sparklines), asked when the first rates
    /// answer, beside the totals: asked beside the rates, it slowed their answer as much as it
    /// took itself (on two cores shared with the mesh, the first edges came 1–2 s later). Asked
    /// once more if it failed or found nothing; never with ``Options/edgesOnly`` (no
    /// sparklines).
    func historyTask() -> (@Sendable () async -> Outcome)? {
        guard let prometheus, !options.edgesOnly, !historyInFlight, edgeHistory.isEmpty, historyTries < 2 else { return nil }
        historyTries += 1
        historyInFlight = true
        return { .history(try? await prometheus.history()) }
    }

    /// The totals query of a rates-first round, at the rates' instant: the round stays in
    /// flight until it answers.
    func totalsTask(_ sample: PrometheusMetrics.Sample) -> (@Sendable () async -> Outcome)? {
        guard let prometheus, sample.totalsPending, prometheusActive else { return nil }
        prometheusInFlight = true
        let at = sample.at
        return {
            do throws(PrometheusError) { return .totals(.success(try await prometheus.totals(at: at))) } catch { return .totals(.failure(error)) }
        }
    }

    /// Joins the totals into the rates-first sample. A failed totals query is a failed
    /// Prometheus, as a failed counters answer is: the same server could not answer the query
    /// every later round asks, and edges whose totals would never come are not kept.
    func handleTotals(_ result: Result<PrometheusAPIResult, PrometheusError>) {
        guard prometheusActive, let prometheus, let sample = prometheusSample, sample.totalsPending else {
            prometheusInFlight = false
            return
        }
        switch result {
        case .success(let totals):
            do throws(PrometheusError) { handle(.success(try prometheus.joining(sample, totals: totals))) } catch { handle(.failure(error)) }
        case .failure(let error):
            handle(.failure(error))
        }
    }

    /// The latency query, when it is due: Prometheus answers the counters, none is in flight,
    /// and the last was asked at least a scrape interval ago (a quantile over the window
    /// changes only when Prometheus scrapes). Marks it in flight.
    func latencyTask() -> (@Sendable () async -> Outcome)? {
        guard let prometheus, prometheusActive, let sample = prometheusSample, !sample.totalsPending, !latencyInFlight,
              now - latencyAskedAt >= max(options.refresh, prometheus.queries.window / 4) else { return nil }
        latencyInFlight = true
        latencyAskedAt = now
        return {
            do throws(PrometheusError) { return .latency(.success(try await prometheus.latency())) } catch { return .latency(.failure(error)) }
        }
    }

    /// Records one latency answer and joins it into the edges at once; a failed one leaves
    /// the edges without P50/P99 (never a quantile it did not measure) and says why.
    func handleLatency(_ result: Result<PrometheusAPIResult, PrometheusError>) {
        latencyInFlight = false
        guard prometheusActive else { return }
        latencySettled = true
        switch result {
        case .success(let answer):
            prometheusLatency = answer
            latencyMessage = nil
        case .failure(let error):
            prometheusLatency = nil
            latencyMessage = "P50/P99: " + error.message
        }
        if let prometheus, let sample = prometheusSample {
            prometheusSample = (try? prometheus.joining(sample, latency: prometheusLatency)) ?? sample
        }
    }

    /// A first state should wait a little for the latency (``Options/latencyGrace``).
    var latencyPending: Bool {
        guard prometheusActive, let sample = prometheusSample, !sample.totalsPending, !latencySettled else { return false }
        return countersAnsweredAt.map { now - $0 < options.latencyGrace } ?? true
    }

    /// Records one fetch; returns the lane it ran in.
    func handle(_ source: LiveSource, _ result: Result<LiveDecoded, LiveDecodeError>, at: Date = Date()) -> PollScheduler.Lane? {
        switch result {
        case .success(let decoded):
            let lane = scheduler.finished(source, now: now, error: nil)
            for key in accumulator.apply(source, decoded, at: at) { scheduler.markDirty(proxy: key, now: now) }
            return lane
        case .failure(let e):
            return scheduler.finished(source, now: now, error: e.message, refused: e.refused)
        }
    }

    func publish() {
        var statuses = scheduler.statuses
        if let discoveryError {
            var s = SourceStatus()
            s.state = .failing(reason: discoveryError)
            statuses[LiveSource(proxy: "kubernetes", endpoint: .syncz)] = s
        }
        let prometheusReady = prometheus == nil || prometheusSettled
        // Edges alone from Prometheus: its answer is the whole table, with or without the pods.
        let edgesFromPrometheus = options.edgesOnly && prometheusActive && prometheusSample != nil
        let complete = edgesFromPrometheus || !proxies.isEmpty && scheduler.allSettled && prometheusReady
        var state = accumulator.snapshot(statuses: statuses, complete: complete, at: Date())
        state.configDumpsComplete = !proxies.isEmpty && scheduler.allDumpsSettled
        state.upstreamsComplete = !proxies.isEmpty && scheduler.allSlowSettled && scheduler.allSettled
        state.focused = scheduler.focused
        state.focusedProxies = focusedProxies
        state.statsEvery = scheduler.statsEvery
        if let prometheus {
            if prometheusActive, let sample = prometheusSample {
                state.edges = sample.edges
                state.interval = sample.window
                state.metrics = MetricsOrigin(kind: .prometheus, prometheus: prometheus.name, window: sample.window, message: prometheusMessage)
                state.metrics.queries = sample.queries + (now - latencyAskedAt < options.refresh ? 1 : 0)
                state.metrics.latencyPending = latencyPending
                state.metrics.totalsPending = sample.totalsPending
                state.metrics.latencyMessage = latencyMessage
                    ?? (latencyInFlight && !latencySettled && !latencyPending ? "P50/P99 not answered yet (Prometheus is still computing the latency query)" : nil)
                state.edgeHistory = edgeHistory
            } else {
                state.metrics = MetricsOrigin(kind: prometheusActive ? .prometheus : .scrape, prometheus: prometheus.name, message: prometheusMessage)
            }
        }
        publishedLatencyPending = state.metrics.latencyPending
        latest = state
        for l in listeners.values { l.yield(state) }
    }

    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "error"
    }
}

extension MeshStore {
    /// Focused Envoys whose `/stats?format=json` is due: marked in flight.
    func dueStatsJSON() -> [LiveSource] {
        var due: [LiveSource] = []
        for (key, at) in statsJSONDue where at <= now && !statsJSONInFlight.contains(key) && !prometheusStatsOnly.contains(key) {
            guard let kind = proxies[key]?.kind, kind == .sidecar || kind == .gateway || kind == .waypoint else { continue }
            statsJSONInFlight.insert(key)
            due.append(LiveSource(proxy: key, endpoint: .statsJSON))
        }
        return due
    }

    /// Keeps what a fetch brings a focused proxy's tabs (its dump, its stats, or why they
    /// cannot be read); returns whether it changed them.
    func recordFocused(_ source: LiveSource, _ result: Result<LiveDecoded, LiveDecodeError>, _ answer: FocusAnswer?, at: Date = Date()) -> Bool {
        let key = source.proxy
        if source.endpoint == .statsJSON {
            statsJSONInFlight.remove(key)
            if statsJSONDue[key] != nil { statsJSONDue[key] = now + options.refresh }
        }
        guard focusedProxies[key] != nil else { return false }
        let proxyID = proxies[key]?.proxyID ?? key
        switch (source.endpoint, result, answer) {
        case (.configDump, .success, .dump(.failure(let e))?):
            focusedProxies[key]?.problem = "cannot read the config dump of \(proxyID) (\(AdminRequest.configDump)): \(e.message)"
        case (.configDump, .success, .dump(.success(let dump))?):
            focusedProxies[key]?.dump = dump
            focusedProxies[key]?.dumpFetchedAt = Date()
            focusedProxies[key]?.problem = nil
        case (.configDump, .failure(let e), _):
            focusedProxies[key]?.problem = "cannot read the config dump of \(proxyID) (\(AdminRequest.configDump)): \(e.message)"
        case (.statsJSON, .success(.stats(let stats)), _), (.stats, .success, .stats(let stats)?):
            focusedProxies[key]?.recordStats(stats, at: at)
        case (.statsJSON, .failure, _):
            // Not served (or not now): the `/stats/prometheus` the plan polls stands in.
            prometheusStatsOnly.insert(key)
            return false
        case (.stats, .failure(let e), _) where prometheusStatsOnly.contains(key) && focusedProxies[key]?.stats == nil:
            focusedProxies[key]?.problem = focusedProxies[key]?.problem ?? "cannot read /stats of \(proxyID): \(e.message)"
        default:
            return false
        }
        return true
    }
}
