import Foundation
import MeshClient
import MeshModel

/// What a live runtime has gathered so far, and the one function that turns it into the
/// ``SourceData`` the views read: the cluster's objects, the store's last ``MeshState``,
/// rate history for sparklines, and the focused proxy's dump and stats (the store's
/// ``MeshState/focusedProxies``; a snapshot's, read once). A value: the runtime mutates
/// it under a lock and hands out ``data()`` snapshots.
///
/// ```swift
/// var feed = LiveFeed(label: "demo")
/// feed.record(state)            // every MeshState the store publishes
/// feed.cluster = try await source.cluster()
/// let data = feed.data()        // → AppEvent.loaded(data, at: Date())
/// ```
public struct LiveFeed: Sendable {
    public var label: String
    public var cluster: ClusterSnapshot?
    public private(set) var state: MeshState?
    /// Per edge (``SourceData/edgeKey(_:)``): recent request (or byte) rates, oldest first.
    public private(set) var edgeHistory: [String: [Double]] = [:]
    /// Prometheus's history (``MeshState/edgeHistory``, keyed by
    /// ``PrometheusEdges/historyKey(_:)``) is in ``edgeHistory``. It is asked when the first rates
    /// answer, so it usually comes after the first edges are shown; it goes before the rates
    /// recorded since, once.
    var historyJoined = false
    /// The proxy drilled into.
    public private(set) var focus: MeshState.Proxy?
    /// The focused proxy's dump and stats.
    public var focused = MeshState.FocusedProxy()
    public var dump: EnvoyConfigDump? {
        get { focused.dump }
        set { focused.dump = newValue }
    }
    /// When the focused proxy's dump was fetched.
    public var dumpFetchedFor: Date? {
        get { focused.dumpFetchedAt }
        set { focused.dumpFetchedAt = newValue }
    }
    /// Why the focused proxy's dump or stats could not be read.
    public var focusProblem: String? {
        get { focused.problem }
        set { focused.problem = newValue }
    }
    public var stats: StatsSnapshot? { focused.stats }
    public var previousStats: StatsSnapshot? { focused.previousStats }
    public var statsInterval: Double? { focused.statsInterval }
    /// Samples kept per edge for the TREND sparkline.
    static let historyLength = 60

    public init(label: String) { self.label = label }

    /// A state published by the store: edge rates go into the sparkline history.
    public mutating func record(_ s: MeshState) {
        state = s
        if let key = focus?.key, let f = s.focusedProxies[key] { focused = f }
        guard s.interval != nil else { return }
        let joining = !historyJoined && !s.edgeHistory.isEmpty
        if joining { historyJoined = true }
        var next: [String: [Double]] = [:]
        for e in s.edges {
            let key = SourceData.edgeKey(e)
            let recorded = edgeHistory[key]
            // Prometheus's hour goes first, once: looked up only when it is joined or the edge is new.
            let before = !s.edgeHistory.isEmpty && (joining || recorded == nil) ? s.edgeHistory[PrometheusEdges.historyKey(e)] ?? [] : []
            var h = recorded.map { joining ? before + $0 : $0 } ?? before
            if let r = e.rates { h.append(r.requests ?? (r.sent + r.received)) }
            if h.count > LiveFeed.historyLength { h.removeFirst(h.count - LiveFeed.historyLength) }
            next[key] = h
        }
        edgeHistory = next
    }

    /// Opens (or with nil, closes) a proxy: its dump and stats are dropped until fetched.
    public mutating func setFocus(_ proxy: MeshState.Proxy?) {
        guard proxy?.key != focus?.key else { return }
        focus = proxy
        focused = MeshState.FocusedProxy()
    }

    /// A `/stats` answer of the focused proxy; the one before it gives rates.
    public mutating func recordStats(_ s: StatsSnapshot, at now: Date) {
        focused.recordStats(s, at: now)
    }

    /// The proxy named `key` (`namespace/name`) among the store's proxies or the cluster's pods.
    public func proxy(_ key: String) -> MeshState.Proxy? {
        if let p = state?.proxies.first(where: { $0.key == key }) { return p }
        return MeshStore.proxies(from: cluster?.pods ?? []).first { $0.key == key }
    }

    /// Everything the views read.
    public func data() -> SourceData {
        var d = SourceData(name: label)
        d.cluster = cluster
        d.live = state ?? MeshState()
        d.producedAt = state?.time ?? Date()
        d.proxyStatus = state?.syncz?.proxies
        d.edges = state?.edges
        d.edgeHistory = edgeHistory
        d.ztunnel = state?.ztunnels.min { $0.key < $1.key }?.value
        guard let focus else { return d }
        d.envoy = dump
        d.document = dump?.document
        d.stats = stats
        d.previousStats = previousStats
        d.statsInterval = statsInterval
        d.focus = ProxyFocus(proxy: focus, problem: focusProblem)
        return d.focusing(focus)
    }
}
