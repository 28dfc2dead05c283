import Foundation
import MeshModel

/// Gathers ``MeshFacts`` from any ``MeshSource`` (a cluster, the demo, a snapshot): the
/// Kubernetes objects, istiod's sync state and connections, every Envoy's `/clusters` and
/// two stats reads, ztunnel dumps and metrics (traffic edges), and config dumps when the
/// mesh is small enough (``Options/Dumps``). What could not be read is recorded in
/// ``MeshFacts/unavailable`` with the reason, so its rules say "not evaluated".
///
/// ```swift
/// let facts = await MeshFactsCollector.collect(source: source)
/// let report = FindingsEngine.evaluate(facts)
/// ```
public enum MeshFactsCollector {
    public struct Options: Sendable {
        /// Which Envoys' config dumps are read: dumps are large (a megabyte each is common),
        /// so by default only when the mesh has at most `limit` Envoys.
        public enum Dumps: Sendable, Equatable {
            case auto(limit: Int)
            case all
            case none
        }

        public var dumps: Dumps
        /// Seconds between the two stats reads on a live source (a snapshot has its own two samples).
        public var statsInterval: Double
        /// Admin requests in flight at once.
        public var concurrency: Int

        public init(dumps: Dumps = .auto(limit: 200), statsInterval: Double = 2, concurrency: Int = 16) {
            self.dumps = dumps
            self.statsInterval = statsInterval
            self.concurrency = max(1, concurrency)
        }
    }

    /// What one proxy answered in one pass.
    struct Read: Sendable {
        var proxy: MeshState.Proxy
        var at: Date
        var metrics: PrometheusText?
        var clusters: EnvoyClusters?
        var dump: EnvoyConfigDump?
        var ztunnel: ZtunnelIndex?
        var syncz: [ProxySyncStatus]?
        var connections: IstiodConnections?
        var failures: [(FindingInput, String)] = []
        /// A snapshot's two samples as recorded (the later one is `metrics` at `at`), read in
        /// the proxy's own task so that the earlier one is parsed beside the other proxies'.
        var recorded: (later: (Date, PrometheusText), earlier: (Date, PrometheusText)?)?
    }

    public static func collect(source: any MeshSource, options: Options = Options(), now: @escaping @Sendable () -> Date = { Date() }) async -> MeshFacts {
        var facts = MeshFacts(now: now())
        do {
            let snapshot = try await source.cluster()
            facts.kube = KubeFacts(snapshot)
            facts.markRefusals(snapshot)
            if let live = source as? ClusterMeshSource { facts.kube?.add(workloads: await live.workloadTemplates(like: snapshot)) }
        } catch {
            facts.unavailable[.kubeObjects] = error.message
            facts.unavailable[.istioConfig] = error.message
        }
        let proxies: [MeshState.Proxy]
        do { proxies = try await source.proxies() } catch {
            for input in [FindingInput.syncStatus, .configDumps, .upstreams, .statsRates, .edges, .certificates, .ztunnel] {
                facts.unavailable[input] = error.message
            }
            return facts
        }
        let envoys = proxies.filter { $0.kind == .sidecar || $0.kind == .gateway || $0.kind == .waypoint }
        let readDumps: Bool
        switch options.dumps {
        case .all: readDumps = true
        case .none: readDumps = false
        case .auto(let limit): readDumps = envoys.count <= limit
        }
        let snapshot = source as? SnapshotMeshSource

        // First pass: everything, with the first metrics sample.
        let first = await readAll(proxies, concurrency: options.concurrency) { p in
            await read(p, source: source, full: true, dumps: readDumps, now: now)
        }
        // Second metrics sample: a snapshot's earlier one, or a fresh read after the interval.
        var earlier: [String: (Date, PrometheusText)] = [:]
        var later: [String: (Date, PrometheusText)] = [:]
        if snapshot != nil {
            // Both samples as recorded, with the times they were fetched (not now).
            (earlier, later) = recordedSamples(first)
        } else {
            for r in first { if let m = r.metrics { earlier[r.proxy.key] = (r.at, m) } }
            if options.statsInterval > 0 {
                try? await Task.sleep(nanoseconds: UInt64(options.statsInterval * 1_000_000_000))
                let second = await readAll(proxies.filter { earlier[$0.key] != nil }, concurrency: options.concurrency) { p in
                    await read(p, source: source, full: false, dumps: false, now: now)
                }
                for r in second { if let m = r.metrics { later[r.proxy.key] = (r.at, m) } }
            }
        }
        facts.now = now()
        assemble(&facts, proxies: proxies, reads: first, earlier: earlier, later: later, dumpsRead: readDumps, envoyCount: envoys.count,
                 isSnapshot: snapshot != nil)
        // The reads and both samples of every proxy are freed off this thread: at 6,000 proxies
        // that was a tenth of a second here, with one core idle, before any rule could run.
        let spent = Discard((consume first, consume earlier, consume later))
        Task.detached(priority: .background) { spent.drop() }
        return facts
    }

    /// Holds the last reference to a value until ``drop()``, so that whichever thread calls
    /// it frees the value.
    final class Discard<T>: @unchecked Sendable {
        private var value: T?
        init(_ value: consuming T) { self.value = value }
        func drop() { value = nil }
    }

    /// Joins the reads into facts; pure, so tests can feed it.
    static func assemble(_ facts: inout MeshFacts, proxies: [MeshState.Proxy], reads: [Read], earlier: [String: (Date, PrometheusText)],
                         later: [String: (Date, PrometheusText)], dumpsRead: Bool, envoyCount: Int, isSnapshot: Bool) {
        var sync: [ProxySyncStatus]?
        var failures: [FindingInput: String] = [:]
        var ztunnels: [String: ZtunnelIndex] = [:]
        var acc = LiveAccumulator()
        _ = acc.setProxies(proxies)
        // Each Envoy's facts are its own (filtering its clusters and counters): built on every core.
        let built = reads.concurrentMap(minimumChunk: 64) { r in proxyFacts(r, earlier: earlier, later: later) }
        for (r, p) in zip(reads, built) {
            for (input, why) in r.failures where failures[input] == nil { failures[input] = "\(r.proxy.proxyID): \(why)" }
            if let s = r.syncz { sync = (sync ?? []) + s }
            for c in r.connections?.clients ?? [] { if let at = c.connectedAt { facts.connectedAt[c.proxyID] = at } }
            if let z = r.ztunnel { ztunnels[r.proxy.key] = z }
            if let p { facts.proxies[p.key] = p }
        }
        facts.istiodVersions = istiodVersions(proxies, kube: facts.kube)
        // Edges from every proxy's metrics, with rates when there were two samples: each proxy's
        // built on every core, as applying its earlier sample, then its later one, builds them.
        let byKey = Dictionary(proxies.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let sampled = Set(earlier.keys).union(later.keys).filter { byKey[$0] != nil }.sorted()
        let edges = sampled.concurrentMap(minimumChunk: 64) { key -> (edges: [TrafficEdge], interval: Double?) in
            let origin: TrafficEdges.Origin = byKey[key]?.kind == .ztunnel ? .ztunnel : .envoy
            guard let (t1, current) = later[key] ?? earlier[key] else { return ([], nil) }
            var previous: PrometheusText?
            var interval: Double?
            if later[key] != nil, let (t0, before) = earlier[key], t1.timeIntervalSince(t0) > 0 {
                previous = before
                interval = t1.timeIntervalSince(t0)
            }
            return (TrafficEdges.build(current: current, previous: previous, interval: interval, origin: origin), interval)
        }
        for (key, built) in zip(sampled, edges) { acc.setEdges(built.edges, proxy: key, interval: built.interval) }
        if !sampled.isEmpty { facts.edges = acc.snapshot(statuses: [:], complete: true, at: facts.now).edges }
        else { facts.unavailable[.edges] = facts.unavailable[.edges] ?? failures[.edges] ?? (isSnapshot ? "the snapshot has no metrics (taken with --no-stats)" : "no proxy answered its metrics") }

        let istiods = proxies.filter { $0.kind == .istiod }
        if let sync { facts.sync = sync } else {
            facts.unavailable[.syncStatus] = istiods.isEmpty ? facts.unavailable[.syncStatus] ?? "no running istiod pod found (label app=istiod)" : failures[.syncStatus] ?? "istiod gave no sync state"
        }
        let zt = proxies.filter { $0.kind == .ztunnel }
        if !ztunnels.isEmpty { facts.ztunnels = ztunnels } else if !zt.isEmpty {
            facts.unavailable[.ztunnel] = failures[.ztunnel] ?? "no ztunnel answered /config_dump"
        } else if facts.kube?.namespaces.contains(where: { $0.meshEnrollment == "ambient" }) != true {
            // No ztunnel and no ambient namespace: nothing ambient to check, and nothing missed.
            facts.ztunnels = [:]
        } else {
            facts.unavailable[.ztunnel] = facts.unavailable[.ztunnel] ?? "ambient namespaces exist but no ztunnel pod runs"
        }
        if envoyCount == 0 {
            // No Envoy at all: the Envoy rules have nothing to miss.
            for input in [FindingInput.configDumps, .upstreams, .statsRates] { facts.unavailable[input] = facts.unavailable[input] ?? "the mesh has no Envoy proxies" }
        } else {
            if !dumpsRead {
                facts.unavailable[.configDumps] = "config dumps not read: \(envoyCount) Envoys (more than the limit; use --dumps all)"
            } else if !facts.proxies.values.contains(where: { $0.dump != nil }) {
                facts.unavailable[.configDumps] = failures[.configDumps] ?? "no Envoy answered /config_dump"
            }
            if !facts.proxies.values.contains(where: { $0.clusters != nil }) {
                facts.unavailable[.upstreams] = failures[.upstreams] ?? "no Envoy answered /clusters"
            }
            if !facts.proxies.values.contains(where: { $0.stats != nil }) {
                facts.unavailable[.statsRates] = isSnapshot ? "the snapshot has one stats sample (taken with --rate-interval 0 or --no-stats)"
                    : failures[.statsRates] ?? "stats were read once (--stats-interval 0)"
            }
        }
        if !facts.has(.certificates), facts.unavailable[.certificates] == nil {
            facts.unavailable[.certificates] = facts.unavailable[.configDumps] ?? "no config dump or ztunnel certificates read"
        }
    }

    /// A snapshot's two samples of every proxy, by proxy key, as `read` found them (each
    /// response read once, the earlier one parsed in the proxy's own task).
    static func recordedSamples(_ reads: [Read]) -> (earlier: [String: (Date, PrometheusText)], later: [String: (Date, PrometheusText)]) {
        var earlier: [String: (Date, PrometheusText)] = [:]
        var later: [String: (Date, PrometheusText)] = [:]
        for r in reads {
            guard let (after, before) = r.recorded else { continue }
            later[r.proxy.key] = after
            if let before { earlier[r.proxy.key] = before }
        }
        return (earlier, later)
    }

    /// One Envoy's facts from its read and its two stats samples; nil for other kinds.
    static func proxyFacts(_ r: Read, earlier: [String: (Date, PrometheusText)], later: [String: (Date, PrometheusText)]) -> ProxyFacts? {
        guard r.proxy.kind == .sidecar || r.proxy.kind == .gateway || r.proxy.kind == .waypoint else { return nil }
        var p = ProxyFacts(name: r.proxy.name, namespace: r.proxy.namespace, kind: r.proxy.kind)
        p.dump = r.dump
        p.clusters = r.clusters.map(FindingStats.relevant)
        if let (t0, before) = earlier[r.proxy.key], let (t1, after) = later[r.proxy.key], t1.timeIntervalSince(t0) > 0 {
            p.previousStats = FindingStats.relevant(before)
            p.stats = FindingStats.relevant(after)
            p.statsInterval = t1.timeIntervalSince(t0)
        }
        return p
    }

    static func readAll(_ proxies: [MeshState.Proxy], concurrency: Int,
                        _ body: @escaping @Sendable (MeshState.Proxy) async -> Read) async -> [Read] {
        await withTaskGroup(of: (Int, Read).self) { group in
            var results = [Read?](repeating: nil, count: proxies.count)
            var next = 0
            func start() {
                guard next < proxies.count else { return }
                let i = next, p = proxies[i]
                next += 1
                group.addTask { (i, await body(p)) }
            }
            for _ in 0..<min(concurrency, proxies.count) { start() }
            while let (i, r) = await group.next() {
                results[i] = r
                start()
            }
            return results.compactMap { $0 }
        }
    }

    /// Only the samples edges and rules read (Istio's standard metrics, the cluster counters
    /// and RBAC denials): two samples of every proxy are held at once, and the rest of
    /// Envoy's stats would be most of the memory.
    static func slim(_ text: PrometheusText) -> PrometheusText {
        var out = text
        out.samples = text.samples.filter { $0.name.hasPrefix("istio_") || FindingStats.isRelevant($0.name) }
        return out
    }

    /// What the facts need of a recorded metrics line (its name; the rest of the line as stored
    /// is not needed): a snapshot's metrics are read keeping only these lines
    /// (``SnapshotIndex/response(_:key:earlier:keepingLines:)``), so the rest of a proxy's
    /// stats is never decoded nor parsed, nor held for 6,000 proxies at once. That is the
    /// cluster counters and RBAC denials the rules read (``FindingStats/isRelevant(name:)``)
    /// and the Istio families that make edges and their counts: `istio_requests_total` and
    /// the TCP ones. Istio records the request-size, response-size and duration series of a
    /// request with the labels of its `istio_requests_total` series, so they add no edge; they
    /// add latency and byte rates, which no rule reads (they were 80% of the demo's stats).
    static func slimKeeps(_ name: UnsafeBufferPointer<UInt8>, _ rest: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.starts(with: istioPrefix) else { return FindingStats.isRelevant(name: name) }
        return edgeFamilies.contains { $0.elementsEqual(name) }
    }

    /// What ``collect(source:options:now:)`` reads of a snapshot, so that one opened for it
    /// (``SnapshotMeshSource/open(path:keeping:)``) holds only that: each proxy's `/clusters`,
    /// the lines of both metrics samples ``slimKeeps(_:_:)`` keeps, ztunnel's dump, istiod's
    /// sync state and connections, and config dumps as far as `options.dumps` may read them
    /// (under `auto`, the first `limit` Envoys' in the file: more Envoys than that and none
    /// is read). A read of something left out is answered from the whole file.
    public static func snapshotKeep(_ options: Options) -> SnapshotKeep {
        func keys(_ requests: [AdminRequest]) -> Set<String> { Set(requests.compactMap(\.snapshotKey)) }
        var responses = keys([.clusters, .statsPrometheus, .ztunnelMetrics, .ztunnelConfigDump, .syncz, .connections])
        var firstOnly: [String: Int] = [:]
        let dump = AdminRequest.configDump.snapshotKey ?? "configDump"
        switch options.dumps {
        case .all: responses.insert(dump)
        case .none: break
        case .auto(let limit):
            responses.insert(dump)
            firstOnly[dump] = limit
        }
        return SnapshotKeep(responses: responses, firstOnly: firstOnly, filteredText: keys([.statsPrometheus, .ztunnelMetrics]),
                            keepLine: { name, rest in slimKeeps(name, rest) })
    }

    /// The `TrafficEdges.Family` names that name an edge by themselves.
    static let edgeFamilies = ["istio_requests_total", "istio_tcp_connections_opened_total", "istio_tcp_connections_closed_total",
                               "istio_tcp_sent_bytes_total", "istio_tcp_received_bytes_total"].map { Array($0.utf8) }

    private static let istioPrefix = Array("istio_".utf8)

    /// One proxy's reads: all of them (`full`), or only its metrics (the second sample).
    static func read(_ p: MeshState.Proxy, source: any MeshSource, full: Bool, dumps: Bool, now: @Sendable () -> Date) async -> Read {
        var r = Read(proxy: p, at: now())
        let snapshot = source as? SnapshotMeshSource
        /// A snapshot's metrics with the time they were recorded (not now), in one read.
        func recorded(_ request: AdminRequest) -> [UInt8]? {
            guard let snapshot, let entry = snapshot.index.proxy(name: p.name, namespace: p.namespace), let key = request.snapshotKey,
                  let response = try? snapshot.index.response(entry, key: key, keepingLines: slimKeeps) else { return nil }
            r.at = response.fetchedAt
            return response.body
        }
        /// A snapshot's two samples of the metrics just read: the later as read, the earlier
        /// from the proxy's `earlier` section with the time it was fetched.
        func withEarlier() {
            guard full, let snapshot, let m = r.metrics, let entry = snapshot.index.proxy(name: p.name, namespace: p.namespace),
                  let key = AdminRequest(p.kind == .ztunnel ? .ztunnelMetrics : .stats).snapshotKey else { return }
            let before = (try? snapshot.index.response(entry, key: key, earlier: true, keepingLines: slimKeeps)).flatMap { $0 }
            r.recorded = ((r.at, m), before.map { ($0.fetchedAt, slim(PrometheusText.parse($0.body))) })
        }
        func get(_ request: AdminRequest, _ input: FindingInput) async -> [UInt8]? {
            do { return try await source.admin(pod: p.name, namespace: p.namespace, request: request) } catch {
                r.failures.append((input, "\(request): \(error.message)"))
                return nil
            }
        }
        switch p.kind {
        case .sidecar, .gateway, .waypoint:
            if let body = recorded(.statsPrometheus) {
                r.metrics = slim(PrometheusText.parse(body))
            } else if let body = await get(.statsPrometheus, .statsRates) {
                r.at = now()
                r.metrics = slim(PrometheusText.parse(body))
            }
            withEarlier()
            guard full else { return r }
            if let body = await get(.clusters, .upstreams) {
                do { r.clusters = try EnvoyClusters.decode(body) } catch { r.failures.append((.upstreams, "bad /clusters: \(error.description)")) }
            }
            if dumps, let body = await get(.configDump, .configDumps) {
                do { r.dump = try EnvoyConfigDump(bytes: body) } catch { r.failures.append((.configDumps, "bad config dump: \(error)")) }
            }
        case .ztunnel:
            if let body = recorded(.ztunnelMetrics) {
                r.metrics = slim(PrometheusText.parse(body))
            } else if let body = await get(.ztunnelMetrics, .edges) {
                r.at = now()
                r.metrics = slim(PrometheusText.parse(body))
            }
            withEarlier()
            guard full else { return r }
            if let body = await get(.ztunnelConfigDump, .ztunnel) {
                do { r.ztunnel = ZtunnelIndex(ZtunnelDump.decode(try JSONDocument(bytes: body))) } catch {
                    r.failures.append((.ztunnel, "bad ztunnel config dump: \(error.description)"))
                }
            }
        case .istiod:
            guard full else { return r }
            if let body = await get(.syncz, .syncStatus) {
                do { r.syncz = IstiodSyncz.decode(try JSONDocument(bytes: body), istiod: p.name).proxies } catch {
                    r.failures.append((.syncStatus, "bad /debug/syncz: \(error.description)"))
                }
            }
            if let body = await get(.connections, .syncStatus), let doc = try? JSONDocument(bytes: body) {
                r.connections = IstiodConnections.decode(doc)
            }
        }
        return r
    }
}
