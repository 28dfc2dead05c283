import Foundation
import MeshModel

/// Informers for everything meshscope shows: namespaces, pods, services, endpointslices,
/// and the Istio and Gateway API kinds discovery reports.
///
/// ```swift
/// let cache = try await ClusterCache.start(client: client, namespace: nil)
/// try await cache.waitForSync(timeout: 30)
/// let snap = await cache.snapshot()
/// snap.pods.count
/// ```
public final class ClusterCache: Sendable {
    /// API groups whose kinds are cached when discovery shows them.
    public static let meshGroups: Set<String> = [
        "networking.istio.io", "security.istio.io", "telemetry.istio.io", "extensions.istio.io", "gateway.networking.k8s.io",
    ]

    public let informers: [Informer]
    let client: KubeClient

    init(client: KubeClient, informers: [Informer]) {
        self.client = client
        self.informers = informers
    }

    /// Discovers and starts informers. `namespace` limits namespaced kinds to one namespace.
    public static func start(client: KubeClient, namespace: String?, pageSize: Int = 500, watchTimeoutSeconds: Int = 300) async throws(KubeClientError) -> ClusterCache {
        let catalog = try await client.discover()
        var wanted: [APIResource] = []
        for (group, name) in [("", "namespaces"), ("", "pods"), ("", "services"), ("discovery.k8s.io", "endpointslices")] {
            if let r = catalog.resources.first(where: { $0.group == group && $0.name == name }) { wanted.append(r) }
        }
        for r in catalog.resources where meshGroups.contains(r.group) && r.verbs.contains("watch") && r.verbs.contains("list") {
            wanted.append(r)
        }
        // Namespaces are cluster-scoped: with a namespace filter they are still listed (kubectl's -n does not hide them).
        let informers = wanted.map { Informer(client: client, resource: $0, namespace: namespace, pageSize: pageSize, watchTimeoutSeconds: watchTimeoutSeconds) }
        for i in informers { await i.start() }
        return ClusterCache(client: client, informers: informers)
    }

    public func informer(group: String, name: String) -> Informer? {
        informers.first { $0.resource.group == group && $0.resource.name == name }
    }

    /// Waits until every informer has its first list; throws the first informer's error.
    public func waitForSync(timeout: Double) async throws(KubeClientError) {
        for i in informers { try await i.waitForSync(timeout: timeout) }
    }

    public func stop() async {
        for i in informers { await i.stop() }
    }

    /// An immutable view of the cache, typed where meshscope has types.
    public func snapshot() async -> ClusterSnapshot {
        var snap = ClusterSnapshot()
        for i in informers {
            let items = await i.items
            snap.resources.append(i.resource)
            snap.rawObjects[i.resource.qualifiedName] = items
            switch (i.resource.group, i.resource.name) {
            case ("", "namespaces"): snap.namespaces = items.map { KubeNamespace($0.raw) }
            case ("", "pods"): snap.pods = items.map { KubePod($0.raw) }
            case ("", "services"): snap.services = items.map { KubeService($0.raw) }
            case ("discovery.k8s.io", "endpointslices"): snap.endpointSlices = items.map { KubeEndpointSlice($0.raw) }
            default: snap.meshObjects[i.resource.qualifiedName] = items
            }
        }
        return snap
    }
}

/// What the cluster looked like at one moment.
public struct ClusterSnapshot: Sendable {
    public var namespaces: [KubeNamespace] = []
    public var pods: [KubePod] = []
    public var services: [KubeService] = []
    public var endpointSlices: [KubeEndpointSlice] = []
    /// Istio and Gateway API objects by qualified resource name (`virtualservices.networking.istio.io`).
    public var meshObjects: [String: [KubeObject]] = [:]
    /// Every object as listed, by qualified resource name (`pods`, `endpointslices.discovery.k8s.io`,
    /// `virtualservices.networking.istio.io`): what snapshots write and `get` prints.
    public var rawObjects: [String: [KubeObject]] = [:]
    /// The resource types held, as discovery described them (so names resolve offline).
    public var resources: [APIResource] = []
    public init() {}
}
