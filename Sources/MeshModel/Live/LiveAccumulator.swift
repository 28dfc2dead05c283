import Foundation

/// A fetched admin response, decoded off the store's actor (decoding is the expensive part).
public enum LiveDecoded: Sendable {
    case metrics(PrometheusText)
    case clusters(EnvoyClusters)
    case configDump(bytes: Int)
    case ztunnelDump(ZtunnelIndex)
    case syncz(IstiodSyncz)
    case connections(IstiodConnections)
    /// `/stats?format=json`: one proxy's own counters (its Stats tab; nothing mesh-wide).
    case stats(StatsSnapshot)

    /// Decodes `body` as `endpoint` says; garbage is an error naming what was expected and where.
    ///
    /// ```swift
    /// let d = try LiveDecoded.decode(.clusters, body)
    /// ```
    public static func decode(_ endpoint: LiveSource.Endpoint, _ body: [UInt8]) throws(LiveDecodeError) -> LiveDecoded {
        switch endpoint {
        case .stats, .ztunnelMetrics:
            let text = PrometheusText.parse(body)
            if text.samples.isEmpty && text.malformedCount > 0 {
                let first = text.malformed.first.map { " (line \($0.line): \($0.reason))" } ?? ""
                throw LiveDecodeError("not Prometheus text: \(text.malformedCount) malformed lines\(first)")
            }
            return .metrics(text)
        case .clusters:
            do { return .clusters(try EnvoyClusters.decode(body)) } catch { throw LiveDecodeError("bad /clusters: \(error.description)") }
        case .configDump:
            // Validated, then only its size is kept (dumps are fetched on change and are large).
            do { _ = try JSONDocument(bytes: body) } catch { throw LiveDecodeError("bad config dump: \(error.description)") }
            return .configDump(bytes: body.count)
        case .ztunnelDump:
            let doc: JSONDocument
            do { doc = try JSONDocument(bytes: body) } catch { throw LiveDecodeError("bad ztunnel config dump: \(error.description)") }
            let dump = ZtunnelDump.decode(doc)
            if dump.workloads.isEmpty && dump.services.isEmpty && dump.workloadStates.isEmpty, let issue = dump.issues.first {
                throw LiveDecodeError("bad ztunnel config dump: \(issue.description)")
            }
            return .ztunnelDump(ZtunnelIndex(dump))
        case .syncz, .connections:
            let doc: JSONDocument
            do { doc = try JSONDocument(bytes: body) } catch { throw LiveDecodeError("bad \(endpoint.request.path): \(error.description)") }
            if endpoint == .syncz {
                let s = IstiodSyncz.decode(doc)
                if s.proxies.isEmpty, let issue = s.issues.first { throw LiveDecodeError("bad /debug/syncz: \(issue.description)") }
                return .syncz(s)
            }
            let c = IstiodConnections.decode(doc)
            if c.clients.isEmpty, let issue = c.issues.first { throw LiveDecodeError("bad /debug/connections: \(issue.description)") }
            return .connections(c)
        case .statsJSON:
            do { return .stats(try StatsSnapshot.decode(body)) } catch { throw LiveDecodeError("bad /stats?format=json: \(error.description)") }
        }
    }
}

public struct LiveDecodeError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The authorizer refused the fetch (403 on `pods/proxy`): asking again gets the same
    /// answer, so the source is not polled again (``PollScheduler/finished(_:now:wallClock:error:refused:)``).
    public var refused: Bool
    public init(_ message: String, refused: Bool = false) {
        self.message = message
        self.refused = refused
    }
    public var description: String { message }
}

/// The join of everything the store has fetched, kept between rounds: the last metrics
/// sample of every proxy (for rates), each proxy's edges, `/clusters` pairs, ztunnel dumps,
/// istiod's view. Pure: the store feeds it decoded results and asks for snapshots.
///
/// ```swift
/// var acc = LiveAccumulator()
/// acc.setProxies(proxies)
/// let dirty = acc.apply(LiveSource(proxy: "istio-system/istiod-0", endpoint: .syncz), .syncz(s), at: now)
/// let state = acc.snapshot(statuses: scheduler.statuses, complete: scheduler.allSettled, at: now)
/// ```
public struct LiveAccumulator: Sendable {
    struct Sample {
        var text: PrometheusText
        var at: Date
    }

    private var proxies: [String: MeshState.Proxy] = [:]
    private var samples: [String: Sample] = [:]
    private var proxyEdges: [String: [TrafficEdge]] = [:]
    private var upstreams: [String: MeshState.Upstreams] = [:]
    private var clustersAt: [String: Date] = [:]
    private var ztunnels: [String: ZtunnelIndex] = [:]
    private var configDumps: [String: MeshState.ConfigDumpInfo] = [:]
    private var syncz: IstiodSyncz?
    private var connections: IstiodConnections?
    /// Sync version per proxy ID as of the last syncz.
    private var syncVersions: [String: String] = [:]
    private var intervals: [Double] = []
    private var generation = 0
    /// What the last snapshot derived, kept until its inputs change (nil: rebuild): most
    /// refreshes of a large mesh change neither the proxy set nor, with Prometheus, any
    /// proxy's edges, and sorting 6,000 proxies and merging their edges each time was the
    /// bulk of a refresh.
    private var sortedProxies: [MeshState.Proxy]?
    private var mergedEdges: [TrafficEdge]?

    public init() {}

    /// Replaces the proxy set; returns the keys of proxies that are new or whose pod changed
    /// (their config dump is out of date). Data of vanished proxies is dropped.
    @discardableResult
    public mutating func setProxies(_ list: [MeshState.Proxy]) -> [String] {
        var next: [String: MeshState.Proxy] = [:]
        var changed: [String] = []
        for p in list {
            if let old = proxies[p.key], old.podVersion == p.podVersion {} else { changed.append(p.key) }
            next[p.key] = p
        }
        for key in proxies.keys where next[key] == nil {
            samples[key] = nil
            proxyEdges[key] = nil
            upstreams[key] = nil
            clustersAt[key] = nil
            configDumps[key] = nil
            if let node = proxies[key].map(\.node), proxies[key]?.kind == .ztunnel { ztunnels[node] = nil }
        }
        proxies = next
        sortedProxies = nil
        mergedEdges = nil
        return changed
    }

    /// Applies one decoded response. Returns the keys of proxies whose config dump should be
    /// fetched again (istiod's sync state for them changed).
    @discardableResult
    public mutating func apply(_ source: LiveSource, _ decoded: LiveDecoded, at now: Date) -> [String] {
        guard let proxy = proxies[source.proxy] else { return [] }
        switch decoded {
        case .metrics(let text):
            let previous = samples[proxy.key]
            var interval: Double?
            if let previous {
                let dt = now.timeIntervalSince(previous.at)
                if dt > 0 { interval = dt }
            }
            let origin: TrafficEdges.Origin = source.endpoint == .ztunnelMetrics ? .ztunnel : .envoy
            mergedEdges = nil
            proxyEdges[proxy.key] = TrafficEdges.build(current: text, previous: interval == nil ? nil : previous?.text, interval: interval, origin: origin)
            samples[proxy.key] = Sample(text: text, at: now)
            if let interval { intervals.append(interval) }
        case .clusters(let clusters):
            let previous = upstreams[proxy.key]
            var rates: EndpointHostsTable.Rates?
            if let previous, let at = clustersAt[proxy.key], now.timeIntervalSince(at) > 0 {
                rates = EndpointHostsTable.Rates(previous: previous.current, interval: now.timeIntervalSince(at))
            }
            upstreams[proxy.key] = MeshState.Upstreams(current: clusters, rates: rates)
            clustersAt[proxy.key] = now
        case .configDump(let bytes):
            configDumps[proxy.key] = MeshState.ConfigDumpInfo(bytes: bytes, fetchedAt: now, syncVersion: syncVersions[proxy.proxyID] ?? "")
        case .ztunnelDump(let index):
            ztunnels[proxy.node] = index
        case .stats:
            break
        case .syncz(var s):
            // syncz lists never name their istiod: it is the pod that answered, the one
            // `proxy-status` and the Diff view ask for config.
            for i in s.proxies.indices where s.proxies[i].istiod.isEmpty { s.proxies[i].istiod = proxy.name }
            syncz = s
            var dirty: [String] = []
            var byID: [String: String] = [:]
            for p in proxies.values { byID[p.proxyID] = p.key }
            for p in s.proxies {
                let version = p.types.map { "\($0.shortType)=\($0.nonceAcked ?? "")" }.joined(separator: ",")
                if let old = syncVersions[p.proxyID], old != version, let key = byID[p.proxyID] { dirty.append(key) }
                syncVersions[p.proxyID] = version
            }
            return dirty
        case .connections(let c):
            connections = c
        }
        return []
    }

    /// A proxy's metrics edges built by the caller (``TrafficEdges/build(current:previous:interval:origin:)``
    /// of its samples, as ``apply(_:_:at:)`` builds them from `.metrics`): `check` on a snapshot
    /// builds 6,000 proxies' edges on every core, then hands them in here to be merged.
    public mutating func setEdges(_ edges: [TrafficEdge], proxy key: String, interval: Double?) {
        guard proxies[key] != nil else { return }
        mergedEdges = nil
        proxyEdges[key] = edges
        if let interval { intervals.append(interval) }
    }

    /// An immutable snapshot of everything so far.
    public mutating func snapshot(statuses: [LiveSource: SourceStatus], complete: Bool, at now: Date) -> MeshState {
        generation += 1
        var s = MeshState()
        s.generation = generation
        s.time = now
        if !intervals.isEmpty {
            s.interval = intervals.reduce(0, +) / Double(intervals.count)
            intervals.removeAll(keepingCapacity: true)
        }
        let sorted = sortedProxies ?? proxies.values.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        sortedProxies = sorted
        s.proxies = sorted
        let edges = mergedEdges ?? LiveEdges.merge(sorted.compactMap { proxyEdges[$0.key] })
        mergedEdges = edges
        s.edges = edges
        s.upstreams = upstreams
        s.ztunnels = ztunnels
        s.configDumps = configDumps
        s.syncz = syncz
        s.connections = connections
        s.sources = statuses
        s.complete = complete
        return s
    }
}
