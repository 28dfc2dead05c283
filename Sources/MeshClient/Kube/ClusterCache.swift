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
    /// Reads the plan left out because the authorizer refused them.
    public let forbidden: [ForbiddenAccess]
    let client: KubeClient

    init(client: KubeClient, informers: [Informer], forbidden: [ForbiddenAccess] = []) {
        self.client = client
        self.informers = informers
        self.forbidden = forbidden
    }

    /// Discovers and starts informers. `namespace` limits namespaced kinds to one namespace;
    /// nil asks for every namespace, with no fallback (see ``start(client:scope:pageSize:watchTimeoutSeconds:)``).
    public static func start(client: KubeClient, namespace: String?, pageSize: Int = 500, watchTimeoutSeconds: Int = 300) async throws(KubeClientError) -> ClusterCache {
        try await start(client: client, scope: namespace.map { .namespaces([$0]) } ?? .all(fallback: []), pageSize: pageSize, watchTimeoutSeconds: watchTimeoutSeconds)
    }

    /// Discovers the kinds, asks the authorizer what the user may list and watch
    /// (``AccessReviewer``), and starts the informers ``InformerPlan`` picks: cluster-wide
    /// where allowed, per namespace where only that is, none where refused (those are in
    /// ``forbidden`` and the snapshot's `forbidden`).
    public static func start(client: KubeClient, scope: InformerPlan.Scope, pageSize: Int = 500, watchTimeoutSeconds: Int = 300) async throws(KubeClientError) -> ClusterCache {
        let catalog = try await client.discover()
        var wanted: [APIResource] = []
        for (group, name) in [("", "namespaces"), ("", "pods"), ("", "services"), ("discovery.k8s.io", "endpointslices")] {
            if let r = catalog.resources.first(where: { $0.group == group && $0.name == name }) { wanted.append(r) }
        }
        for r in catalog.resources where meshGroups.contains(r.group) && r.verbs.contains("watch") && r.verbs.contains("list") {
            wanted.append(r)
        }
        let (plan, answers) = await AccessPlanner.plan(client, wanted, scope: scope, checks: proxyChecks(scope))
        // Namespaces are cluster-scoped: with a namespace filter they are still listed (kubectl's -n does not hide them).
        let informers = plan.watches.map { Informer(client: client, resource: $0.resource, namespace: $0.namespace, pageSize: pageSize, watchTimeoutSeconds: watchTimeoutSeconds) }
        for i in informers { await i.start() }
        let cache = ClusterCache(client: client, informers: informers, forbidden: plan.forbidden + proxyRefusals(plan, answers))
        return cache
    }

    /// Reaching proxies (`pods/proxy`) in the namespaces of interest, cluster-wide when all are wanted.
    static func proxyChecks(_ scope: InformerPlan.Scope) -> [AccessCheck] {
        let namespaces: [String?] = scope.wantsAll ? [nil] : scope.namespaces
        return namespaces.map { AccessCheck(verb: "get", group: "", resource: "pods/proxy", namespace: $0) }
    }

    /// The namespaces whose pods are read but whose proxies may not be reached.
    static func proxyRefusals(_ plan: InformerPlan, _ answers: AccessAnswers) -> [ForbiddenAccess] {
        var out: [ForbiddenAccess] = []
        for w in plan.watches where w.resource.group.isEmpty && w.resource.name == "pods" {
            let check = AccessCheck(verb: "get", group: "", resource: "pods/proxy", namespace: w.namespace)
            if answers.allows(check) == false { out.append(ForbiddenAccess(check)) }
        }
        return out
    }

    /// The reads refused, planned or met (an informer the server answered 403).
    public func forbiddenReads() async -> [ForbiddenAccess] {
        var out = forbidden
        for i in informers {
            if let e = await i.forbiddenError { out.append(ForbiddenAccess(listing: i.resource, namespace: i.namespace, refused: e)) }
        }
        return out
    }

    /// The first informer of a kind (the only one unless the kind is read namespace by namespace).
    public func informer(group: String, name: String) -> Informer? {
        informers.first { $0.resource.group == group && $0.resource.name == name }
    }

    /// Every informer of a kind: one cluster-wide, or one per readable namespace.
    public func informers(group: String, name: String) -> [Informer] {
        informers.filter { $0.resource.group == group && $0.resource.name == name }
    }

    /// Waits until every informer has its first list; throws the first informer's error.
    /// An informer the server refused (403) is settled, not failed: it is reported by
    /// ``forbiddenReads()`` and the snapshot, and the others' data is served.
    public func waitForSync(timeout: Double) async throws(KubeClientError) {
        for i in informers {
            do {
                try await i.waitForSync(timeout: timeout)
            } catch where error.kind == .forbidden {
                continue
            }
        }
    }

    public func stop() async {
        for i in informers { await i.stop() }
    }

    /// An immutable view of the cache, typed where meshscope has types.
    public func snapshot() async -> ClusterSnapshot {
        var snap = ClusterSnapshot()
        for i in informers {
            let items = await i.items
            // A kind read namespace by namespace has several informers: their items add up.
            if !snap.resources.contains(i.resource) { snap.resources.append(i.resource) }
            if let ns = i.namespace { snap.namespacesRead[i.resource.qualifiedName, default: []].append(ns) }
            snap.rawObjects[i.resource.qualifiedName, default: []] += items
            switch (i.resource.group, i.resource.name) {
            case ("", "namespaces"): snap.namespaces += items.map { KubeNamespace($0.raw) }
            case ("", "pods"): snap.pods += items.map { KubePod($0.raw) }
            case ("", "services"): snap.services += items.map { KubeService($0.raw) }
            case ("discovery.k8s.io", "endpointslices"): snap.endpointSlices += items.map { KubeEndpointSlice($0.raw) }
            default: snap.meshObjects[i.resource.qualifiedName, default: []] += items
            }
        }
        snap.forbidden = await forbiddenReads()
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
    /// What the user may not read (or reach): kinds refused in a namespace or cluster-wide,
    /// `pods/proxy` refused where pods are read. Views say so in place of the data; a
    /// findings engine marks what it could not evaluate.
    public var forbidden: [ForbiddenAccess] = []
    /// Kinds read namespace by namespace (their cluster-wide list being refused), by
    /// qualified resource name: the namespaces read. A kind absent here was read cluster-wide.
    public var namespacesRead: [String: [String]] = [:]
    public init() {}
}
