import Foundation
import MeshModel

/// A live cluster as a ``MeshSource``: objects from an informer cache started on first use
/// (and kept watching, so a TUI sees changes), admin responses through the ``AdminClient``.
/// The demo mesh is one of these too: it is a cluster reached through a kubeconfig.
public final class ClusterMeshSource: MeshSource {
    public let client: KubeClient
    public let adminClient: AdminClient
    public let info: MeshSourceInfo
    let scope: InformerPlan.Scope
    public let prometheus: PrometheusMetrics?
    /// Refused before the cache started (see ``init(client:admin:namespace:fallbackNamespaces:syncTimeout:prometheus:forbidden:)``).
    let forbidden: [ForbiddenAccess]
    let syncTimeout: Double
    let cacheBox = CacheBox()
    let proxyMemo = ProxyMemo()

    /// The proxy (or nil) each pod was, by key, for the resourceVersion it was typed at; and
    /// the last list, for the pod informers' generations it was built at.
    actor ProxyMemo {
        /// Which informer, at which ``Informer/generation`` (a restarted cache has new informers).
        struct Generation: Equatable {
            var informer: ObjectIdentifier
            var generation: Int
        }

        var known: [String: (version: String, proxy: MeshState.Proxy?)] = [:]
        var last: (generations: [Generation], proxies: [MeshState.Proxy])?

        /// The last list when the informers have not changed since it was built.
        func unchanged(_ generations: [Generation]) -> [MeshState.Proxy]? {
            guard let last, last.generations == generations else { return nil }
            return last.proxies
        }

        /// Forgets the last list (its informers are stopped: a new one may reuse an address).
        func reset() { last = nil }

        func proxies(from objects: [KubeObject], generations: [Generation]) -> [MeshState.Proxy] {
            let out = proxies(from: objects)
            last = (generations, out)
            return out
        }

        func proxies(from objects: [KubeObject]) -> [MeshState.Proxy] {
            var next: [String: (version: String, proxy: MeshState.Proxy?)] = [:]
            next.reserveCapacity(objects.count)
            var out: [MeshState.Proxy] = []
            for o in objects {
                let key = o.key, version = o.metadata.resourceVersion ?? ""
                if let k = known[key], k.version == version, !version.isEmpty {
                    next[key] = k
                    if let p = k.proxy { out.append(p) }
                    continue
                }
                let proxy = MeshStore.proxies(from: [KubePod(o.raw)]).first
                next[key] = (version, proxy)
                if let proxy { out.append(proxy) }
            }
            known = next
            return out.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        }
    }

    actor CacheBox {
        var cache: ClusterCache?
        var starting: Task<ClusterCache, any Error>?

        func get(_ start: @escaping @Sendable () async throws -> ClusterCache) async throws -> ClusterCache {
            if let cache { return cache }
            if let starting { return try await starting.value }
            let task = Task { try await start() }
            starting = task
            do {
                let c = try await task.value
                cache = c
                starting = nil
                return c
            } catch {
                starting = nil
                throw error
            }
        }

        func stop() async {
            await cache?.stop()
            cache = nil
        }
    }

    /// istiod's namespace in a default install: read (when allowed) beside the user's own
    /// namespace when every namespace may not be, so `:proxies` finds istiod.
    public static let controlPlaneNamespace = "istio-system"

    /// - Parameters:
    ///   - namespace: limits the cached namespaced kinds to one namespace (nil: all).
    ///   - fallbackNamespaces: with `namespace` nil, the namespaces read one by one when the
    ///     user may not list every namespace (nil: the context's namespace and istio-system;
    ///     empty: none, as `-A` asks for all or nothing).
    ///   - prometheus: where edges come from instead of the proxies' stats (nil: scraped).
    ///   - forbidden: refusals learnt before the cache starts (a Prometheus found behind a
    ///     service proxy the user may not use), reported with the cache's own.
    public init(client: KubeClient, admin: AdminClient, namespace: String?, fallbackNamespaces: [String]? = nil, syncTimeout: Double = 60,
                prometheus: PrometheusMetrics? = nil, forbidden: [ForbiddenAccess] = []) {
        self.client = client
        self.forbidden = forbidden
        self.prometheus = prometheus
        self.adminClient = admin
        self.scope = namespace.map { .namespaces([$0]) }
            ?? .all(fallback: fallbackNamespaces ?? [client.connection.namespace, ClusterMeshSource.controlPlaneNamespace])
        self.syncTimeout = syncTimeout
        let conn = client.connection
        info = MeshSourceInfo(kind: .cluster, name: conn.contextName, namespace: namespace ?? conn.namespace, context: conn.contextName)
    }

    func startedCache() async throws(MeshSourceError) -> ClusterCache {
        do {
            return try await cacheBox.get { [client, scope, syncTimeout] in
                let cache = try await ClusterCache.start(client: client, scope: scope)
                try await cache.waitForSync(timeout: syncTimeout)
                return cache
            }
        } catch let e as KubeClientError {
            throw MeshSourceError(.failed, e.message)
        } catch {
            throw MeshSourceError(.failed, String(describing: error))
        }
    }

    public func cluster() async throws(MeshSourceError) -> ClusterSnapshot {
        var snap = await (try startedCache()).snapshot()
        snap.forbidden += forbidden
        return snap
    }

    /// From the pod informer alone, re-typing only pods whose resourceVersion changed, and
    /// not even reading the pods when no informer changed since the last list: the live store
    /// asks every refresh, and copying and typing thousands of pods each time was most of its work.
    public func proxies() async throws(MeshSourceError) -> [MeshState.Proxy] {
        let cache = try await startedCache()
        let informers = cache.informers(group: "", name: "pods")
        guard !informers.isEmpty else { return MeshStore.proxies(from: await cache.snapshot().pods) }
        var generations: [ProxyMemo.Generation] = []
        for i in informers { generations.append(.init(informer: ObjectIdentifier(i), generation: await i.generation)) }
        if let same = await proxyMemo.unchanged(generations) { return same }
        // Generations read before the items: a change in between is seen again next time.
        var items: [KubeObject] = []
        for i in informers { items += await i.items }
        return await proxyMemo.proxies(from: items, generations: generations)
    }

    /// Through the API server's pod proxy, a namespace whose `pods/proxy` the access review
    /// refused (``ClusterCache/forbidden``) is not asked at all: the refusal is the answer,
    /// as the server's 403 would be (``MeshSourceError/Kind/forbidden`` either way, which the
    /// live store does not poll again).
    public func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        if case .apiServerProxy = adminClient.mode, let cache = await cacheBox.cache,
           let refused = cache.forbidden.first(where: { $0.resource == "pods/proxy" && $0.namespace == namespace }) {
            throw MeshSourceError(.forbidden, refused.message)
        }
        do {
            return try await adminClient.fetch(pod: pod, namespace: namespace, port: request.port, path: request.path)
        } catch {
            throw MeshSourceError(error.kind == .notFound ? .notFound : error.kind == .forbidden ? .forbidden : .failed, error.message)
        }
    }

    public func serverVersion() async throws(MeshSourceError) -> JSONValue? {
        do {
            return try JSONDocument(bytes: try await client.raw("/version")).root
        } catch let e as KubeClientError {
            throw MeshSourceError(.failed, e.message)
        } catch {
            throw MeshSourceError(.failed, "/version: \(error)")
        }
    }

    public func close() async {
        await cacheBox.stop()
        await proxyMemo.reset()
    }
}
