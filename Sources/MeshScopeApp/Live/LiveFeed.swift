import Foundation
import MeshClient
import MeshModel

/// What a live runtime has gathered so far, and the one function that turns it into the
/// ``SourceData`` the views read: the cluster's objects, the store's last ``MeshState``,
/// rate history for sparklines, and the focused proxy's dump and stats. A value: the
/// runtime mutates it under a lock and hands out ``data()`` snapshots.
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
    /// The proxy drilled into.
    public private(set) var focus: MeshState.Proxy?
    public var dump: EnvoyConfigDump?
    /// When the focused proxy's dump was fetched, and which store fetch it matched.
    public var dumpFetchedFor: Date?
    /// Why the focused proxy's dump or stats could not be read.
    public var focusProblem: String?
    public var stats: StatsSnapshot?
    public var previousStats: StatsSnapshot?
    public var statsInterval: Double?
    var statsAt: Date?
    /// Samples kept per edge for the TREND sparkline.
    static let historyLength = 60

    public init(label: String) { self.label = label }

    /// A state published by the store: edge rates go into the sparkline history.
    public mutating func record(_ s: MeshState) {
        state = s
        guard s.interval != nil else { return }
        var next: [String: [Double]] = [:]
        for e in s.edges {
            let key = SourceData.edgeKey(e)
            var h = edgeHistory[key] ?? s.edgeHistory[key] ?? []
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
        dump = nil
        dumpFetchedFor = nil
        focusProblem = nil
        stats = nil
        previousStats = nil
        statsInterval = nil
        statsAt = nil
    }

    /// A `/stats` answer of the focused proxy; the one before it gives rates.
    public mutating func recordStats(_ s: StatsSnapshot, at now: Date) {
        if let previous = stats, let at = statsAt, now.timeIntervalSince(at) > 0 {
            previousStats = previous
            statsInterval = now.timeIntervalSince(at)
        }
        stats = s
        statsAt = now
    }

    /// Whether the focused proxy's dump should be (re)fetched: none yet, or the store
    /// fetched a newer one (istiod pushed new config, or the pod changed).
    public var dumpIsStale: Bool {
        guard let focus, focus.kind == .sidecar || focus.kind == .gateway || focus.kind == .waypoint else { return false }
        guard dump != nil, let fetchedFor = dumpFetchedFor else { return true }
        if let seen = state?.configDumps[focus.key]?.fetchedAt { return seen > fetchedFor }
        return false
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
