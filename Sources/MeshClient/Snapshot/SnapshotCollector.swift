import Foundation
import MeshModel

/// What to collect.
public struct SnapshotOptions: Sendable {
    /// Namespaces covered (nil: all). ztunnel and istiod are always collected: they serve every namespace.
    public var namespaces: [String]?
    /// Only proxies whose pod labels match (ztunnel and istiod included).
    public var proxySelector: LabelSelector?
    /// `/stats`, `/stats/prometheus` and ztunnel `/metrics` (off with `--no-stats`).
    public var stats: Bool
    /// Seconds between the two metrics samples rates come from; nil or 0 takes one sample.
    public var rateInterval: Double?
    /// Proxies collected at once.
    public var concurrency: Int
    /// gzip the file; nil decides by the name (`.gz`).
    public var gzip: Bool?

    public init(namespaces: [String]? = nil, proxySelector: LabelSelector? = nil, stats: Bool = true, rateInterval: Double? = 1, concurrency: Int = 16, gzip: Bool? = nil) {
        self.namespaces = namespaces
        self.proxySelector = proxySelector
        self.stats = stats
        self.rateInterval = rateInterval
        self.concurrency = max(1, concurrency)
        self.gzip = gzip
    }
}

/// Where a collection is, for a progress line.
public struct SnapshotProgress: Sendable, Equatable {
    public enum Phase: String, Sendable { case objects, firstSample = "first metrics sample", proxies, done }
    public var phase: Phase
    public var done: Int
    public var total: Int
    public var failures: Int
}

/// What was written.
public struct SnapshotResult: Sendable {
    /// The final path (`-` for stdout).
    public var path: String
    /// Bytes written to the file (compressed size for `.gz`).
    public var bytes: Int
    /// Bytes of JSON (before compression).
    public var jsonBytes: Int
    public var proxies: Int
    public var failures: [SnapshotFailure]
    public var redactions: SnapshotRedactions
}

/// Takes a snapshot of any ``MeshSource``: its Kubernetes objects and every proxy's admin
/// responses, streamed into one JSON document (see docs/snapshot-format.md). Proxies are read
/// `concurrency` at a time and written in order as they complete; a proxy that fails is
/// recorded with the reason and everything else is still written.
///
/// ```swift
/// let result = try await SnapshotCollector.write(source: source, to: "mesh.json.gz",
///                                                options: SnapshotOptions(namespaces: ["shop"]))
/// print("\(result.path): \(result.proxies) proxies, \(result.failures.count) failures")
/// ```
public enum SnapshotCollector {
    /// Collects into `path` atomically (a temporary file in the same directory, renamed when
    /// complete; on any error nothing is left under `path`). `.gz` names are compressed.
    public static func write(source: any MeshSource, to path: String, options: SnapshotOptions = SnapshotOptions(),
                             progress: @escaping @Sendable (SnapshotProgress) -> Void = { _ in }) async throws -> SnapshotResult {
        let file = try SnapshotFile.create(path: path, gzip: options.gzip ?? path.hasSuffix(".gz"))
        do {
            let r = try await collect(source: source, options: options, progress: progress) { chunk in try file.write(chunk) }
            try file.commit()
            return SnapshotResult(path: path, bytes: file.bytesOnDisk, jsonBytes: r.jsonBytes, proxies: r.proxies, failures: r.failures, redactions: r.redactions)
        } catch {
            file.abort()
            throw error
        }
    }

    /// Collects into `sink` (stdout, a file, a test buffer): chunks of about a megabyte.
    public static func collect(source: any MeshSource, options: SnapshotOptions = SnapshotOptions(),
                               progress: @escaping @Sendable (SnapshotProgress) -> Void = { _ in },
                               sink: @escaping SnapshotWriter.Sink) async throws -> SnapshotResult {
        let started = Date()
        progress(SnapshotProgress(phase: .objects, done: 0, total: 0, failures: 0))
        let cluster = try await source.cluster()
        var failures: [SnapshotFailure] = []
        let serverVersion = await serverVersion(of: source, failures: &failures)

        let covered = options.namespaces.map(Set.init)
        let podsByKey = Dictionary(cluster.pods.map { (($0.metadata.namespace ?? "") + "/" + $0.metadata.name, $0) }, uniquingKeysWith: { a, _ in a })
        let proxies = MeshStore.proxies(from: cluster.pods).filter { p in
            let infra = p.kind == .ztunnel || p.kind == .istiod
            guard infra || covered?.contains(p.namespace) ?? true else { return false }
            guard let sel = options.proxySelector else { return true }
            return sel.matches(podsByKey[p.key]?.metadata.labels ?? [:])
        }
        let proxyKeys = Set(proxies.map(\.key))
        let istiodOf = await connectedIstiods(source, proxies: proxies)

        var metadata = SnapshotMetadata(
            takenAt: started, sourceKind: source.info.kind.rawValue, sourceName: source.info.name, context: source.info.context,
            defaultNamespace: source.info.namespace, serverVersion: serverVersion, namespaces: options.namespaces,
            options: .init(proxySelector: options.proxySelector?.description, stats: options.stats,
                           rateInterval: options.stats ? options.rateInterval.flatMap { $0 > 0 ? $0 : nil } : nil, concurrency: options.concurrency))

        var writer = SnapshotWriter(sink: sink)
        try writer.begin(metadata)
        try writer.kubernetes(resources: cluster.resources, objects: objects(cluster, covered: covered, proxyPods: proxyKeys),
                              forbidden: cluster.forbidden)

        // First metrics sample of every proxy, so each has a rate interval by the time it is written.
        var firstSamples: [String: [String: SnapshotResponse]] = [:]
        let rateInterval = metadata.options.rateInterval
        if let rateInterval {
            let sampleStart = Date()
            let wanted = proxies.compactMap { p -> (MeshState.Proxy, [AdminRequest])? in
                let r = AdminRequest.collected(for: p.kind, stats: true).filter(\.isRateSample)
                return r.isEmpty ? nil : (p, r)
            }
            var done = 0
            try await forEachBounded(wanted, concurrency: options.concurrency) { item in
                await fetch(source, item.0, item.1)
            } handle: { item, fetched in
                firstSamples[item.0.key] = fetched.responses
                for f in fetched.failures {
                    failures.append(SnapshotFailure(proxy: f.proxy, request: f.request, target: f.target + " (first rate sample)", reason: f.reason))
                }
                done += 1
                progress(SnapshotProgress(phase: .firstSample, done: done, total: wanted.count, failures: failures.count))
            }
            let wait = rateInterval - Date().timeIntervalSince(sampleStart)
            if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
        }

        var perProxyEdges: [[TrafficEdge]] = []
        var kinds: [String: Int] = [:]
        var done = 0
        progress(SnapshotProgress(phase: .proxies, done: 0, total: proxies.count, failures: failures.count))
        try await forEachBounded(proxies, concurrency: options.concurrency) { p in
            var fetched = await fetch(source, p, AdminRequest.collected(for: p.kind, stats: options.stats))
            if let istiod = istiodOf(p) { await fetchIstiodView(source, of: p, from: istiod, into: &fetched) }
            return fetched
        } handle: { p, fetched in
            failures.append(contentsOf: fetched.failures)
            let earlier = (firstSamples.removeValue(forKey: p.key) ?? [:]).filter { fetched.responses[$0.key] != nil }
            let (summary, edges) = summarize(p, fetched.responses, earlier: earlier)
            if !edges.isEmpty { perProxyEdges.append(edges) }
            let notJSON = try writer.proxy(SnapshotWriter.Proxy(
                name: p.name, namespace: p.namespace, kind: p.kind.rawValue, node: p.node, ip: p.ip,
                responses: fetched.responses, earlier: earlier, summary: summary))
            for (key, error) in notJSON {
                failures.append(SnapshotFailure(proxy: p.key, request: key, target: target(AdminRequest(snapshotKey: key)), reason: "\(error) (kept as text)"))
            }
            kinds[p.kind.rawValue, default: 0] += 1
            done += 1
            progress(SnapshotProgress(phase: .proxies, done: done, total: proxies.count, failures: failures.count))
        }

        var state = MeshState()
        state.edges = LiveEdges.merge(perProxyEdges)
        var summaryFields: [(String, JSONTree)] = [
            ("proxies", .object(kinds.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("rateInterval", rateInterval.map { .double($0) } ?? .null),
            ("edges", LiveTables.edgesOutput(state)),
        ]
        // A source with Prometheus: its edges too, with the window their rates cover (the
        // scraped edges stay, so a snapshot says what both measured).
        if let prometheus = source.prometheus {
            do {
                let sample = try await prometheus.edges()
                summaryFields.append(("prometheusEdges", .object([
                    ("prometheus", .string(prometheus.name)), ("window", .double(sample.window)),
                    ("at", .string(Timestamp.rfc3339(sample.at))), ("edges", TrafficEdges.output(sample.edges)),
                ])))
            } catch {
                failures.append(SnapshotFailure(proxy: "prometheus", request: "edges", target: prometheus.name, reason: error.message))
            }
        }
        let summary: JSONTree = .object(summaryFields)
        try writer.finish(completedAt: Date(), failures: failures, summary: summary)
        progress(SnapshotProgress(phase: .done, done: proxies.count, total: proxies.count, failures: failures.count))
        return SnapshotResult(path: "", bytes: writer.bytesWritten, jsonBytes: writer.bytesWritten, proxies: proxies.count, failures: failures, redactions: writer.redactions)
    }

    // MARK: Parts

    struct Fetched: Sendable {
        var responses: [String: SnapshotResponse] = [:]
        var failures: [SnapshotFailure] = []
    }

    static func fetch(_ source: any MeshSource, _ p: MeshState.Proxy, _ requests: [AdminRequest]) async -> Fetched {
        var out = Fetched()
        for r in requests {
            guard let key = r.snapshotKey else { continue }
            do {
                let body = try await source.admin(pod: p.name, namespace: p.namespace, request: r)
                out.responses[key] = SnapshotResponse(fetchedAt: Date(), body: body)
            } catch {
                out.failures.append(SnapshotFailure(proxy: p.key, request: key, target: target(r), reason: error.message))
            }
        }
        return out
    }

    /// Which istiod each Envoy is connected to: the only one, or (with several) the one whose
    /// `/debug/syncz` lists it, read once per istiod.
    static func connectedIstiods(_ source: any MeshSource, proxies: [MeshState.Proxy]) async -> @Sendable (MeshState.Proxy) -> MeshState.Proxy? {
        let istiods = ((try? await source.proxies()) ?? proxies).filter { $0.kind == .istiod }
        if istiods.count <= 1 {
            let only = istiods.first
            return { p in [.sidecar, .gateway, .waypoint].contains(p.kind) ? only : nil }
        }
        var byProxyID: [String: MeshState.Proxy] = [:]
        for i in istiods {
            guard let bytes = try? await source.admin(pod: i.name, namespace: i.namespace, request: .syncz),
                  let doc = try? JSONDocument(bytes: bytes) else { continue }
            for s in IstiodSyncz.decode(doc, istiod: i.name).proxies where byProxyID[s.proxyID] == nil { byProxyID[s.proxyID] = i }
        }
        let map = byProxyID
        return { p in [.sidecar, .gateway, .waypoint].contains(p.kind) ? map[p.proxyID] : nil }
    }

    /// istiod's view of `p` (what it would push), stored with `p` under `istiodConfigDump`.
    static func fetchIstiodView(_ source: any MeshSource, of p: MeshState.Proxy, from istiod: MeshState.Proxy, into out: inout Fetched) async {
        let r = AdminRequest.istiodConfigDump(proxyID: p.proxyID)
        guard let key = r.snapshotKey else { return }
        do {
            let body = try await source.admin(pod: istiod.name, namespace: istiod.namespace, request: r)
            out.responses[key] = SnapshotResponse(fetchedAt: Date(), body: body)
        } catch {
            out.failures.append(SnapshotFailure(proxy: p.key, request: key, target: "\(istiod.name)\(target(r))", reason: error.message))
        }
    }

    static func target(_ r: AdminRequest?) -> String { r.map { ":\($0.port)\($0.path)" } ?? "?" }

    /// Runs `work` for every item, at most `concurrency` at once, and hands results to
    /// `handle` in the items' order (a bounded reorder buffer keeps memory flat).
    static func forEachBounded<Item: Sendable, R: Sendable>(
        _ items: [Item], concurrency: Int, work: @escaping @Sendable (Item) async -> R,
        handle: (Item, R) throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var next = 0
            var running = 0
            var pending: [Int: R] = [:]
            var head = 0
            func refill() {
                while running < concurrency && next < items.count && pending.count < concurrency * 2 {
                    let i = next
                    let item = items[i]
                    group.addTask { (i, await work(item)) }
                    next += 1
                    running += 1
                }
            }
            refill()
            while let (i, r) = try await group.next() {
                running -= 1
                pending[i] = r
                while let r = pending.removeValue(forKey: head) {
                    try Task.checkCancellation()
                    try handle(items[head], r)
                    head += 1
                }
                refill()
            }
        }
    }

    /// The objects to write: namespaced ones in covered namespaces (plus the pods of the
    /// ztunnels and istiods collected), sorted by namespace and name.
    static func objects(_ cluster: ClusterSnapshot, covered: Set<String>?, proxyPods: Set<String>) -> [(String, [JSONValue])] {
        let order = ["namespaces", "pods", "services", "endpointslices.discovery.k8s.io"]
        let resources = cluster.resources.sorted { a, b in
            (order.firstIndex(of: a.qualifiedName) ?? order.count, a.qualifiedName) < (order.firstIndex(of: b.qualifiedName) ?? order.count, b.qualifiedName)
        }
        return resources.map { r in
            var items = cluster.rawObjects[r.qualifiedName] ?? []
            if let covered {
                if r.qualifiedName == "namespaces" {
                    items = items.filter { covered.contains($0.metadata.name) }
                } else if r.namespaced {
                    items = items.filter { covered.contains($0.metadata.namespace ?? "") || (r.qualifiedName == "pods" && proxyPods.contains($0.key)) }
                }
            }
            // The API server's order: by `namespace/name`, bytewise (etcd key order).
            items.sort { GoCompat.less($0.key, $1.key) }
            return (r.qualifiedName, items.map(\.raw))
        }
    }

    /// `/version` of a live cluster, a snapshot's recorded one; a failure is recorded, not fatal.
    static func serverVersion(of source: any MeshSource, failures: inout [SnapshotFailure]) async -> JSONValue? {
        do {
            return try await source.serverVersion()
        } catch {
            failures.append(SnapshotFailure(target: "/version", reason: error.message))
            return nil
        }
    }

    /// A small decoded summary per proxy, and its traffic edges (with rates when two samples exist).
    static func summarize(_ p: MeshState.Proxy, _ responses: [String: SnapshotResponse], earlier: [String: SnapshotResponse]) -> (JSONTree?, [TrafficEdge]) {
        var fields: [(String, JSONTree)] = []
        var edges: [TrafficEdge] = []
        switch p.kind {
        case .sidecar, .gateway, .waypoint:
            if let body = responses["serverInfo"]?.body, let info = try? EnvoyServerInfo.decode(body) {
                fields.append(("envoyVersion", .string(info.version)))
                fields.append(("state", .string(info.state)))
                if let up = info.uptimeCurrentEpoch { fields.append(("uptimeSeconds", .double(up))) }
            }
            if let body = responses["clusters"]?.body, let c = try? EnvoyClusters.decode(body) {
                fields.append(("clusters", .int(c.clusters.count)))
            }
        case .ztunnel:
            if let body = responses["ztunnelConfigDump"]?.body, let doc = try? JSONDocument(bytes: body) {
                let d = ZtunnelDump.decode(doc)
                fields.append(("workloads", .int(d.workloads.count)))
                fields.append(("services", .int(d.services.count)))
            }
        case .istiod:
            if let body = responses["syncz"]?.body, let doc = try? JSONDocument(bytes: body) {
                fields.append(("syncedProxies", .int(IstiodSyncz.decode(doc).proxies.count)))
            }
            if let body = responses["connections"]?.body, let doc = try? JSONDocument(bytes: body) {
                fields.append(("connectedClients", .int(IstiodConnections.decode(doc).clients.count)))
            }
        }
        for key in ["statsPrometheus", "ztunnelMetrics"] {
            guard let now = responses[key] else { continue }
            let current = PrometheusText.parse(now.body)
            let before = earlier[key]
            let interval = before.map { now.fetchedAt.timeIntervalSince($0.fetchedAt) }.flatMap { $0 > 0 ? $0 : nil }
            edges = TrafficEdges.build(current: current, previous: interval == nil ? nil : before.map { PrometheusText.parse($0.body) },
                                       interval: interval, origin: key == "ztunnelMetrics" ? .ztunnel : .envoy)
            fields.append(("edges", .int(edges.count)))
            if let interval { fields.append(("rateInterval", .double(interval))) }
        }
        return (fields.isEmpty ? nil : .object(fields), edges)
    }
}

extension AdminRequest {
    /// The request stored under a snapshot key.
    init?(snapshotKey key: String) {
        let all: [AdminRequest] = [.configDump, .clusters, .statsJSON, .statsPrometheus, .serverInfo, .certs, .ztunnelConfigDump, .ztunnelMetrics, .syncz, .connections]
        guard let r = all.first(where: { $0.snapshotKey == key }) else { return nil }
        self = r
    }
}
