import Foundation

/// Everything the rules may read, gathered from whatever the source has (a live cluster, the
/// demo, a snapshot, `--file` dumps, manifests). Missing parts stay nil/empty and the rules
/// that need them are reported as not evaluated, with ``unavailable``'s reason when the
/// source said why (forbidden, not captured).
public struct MeshFacts: Sendable {
    public var now: Date
    public var kube: KubeFacts?
    /// istiod's per-proxy sync state.
    public var sync: [ProxySyncStatus]?
    /// Per proxy (`namespace/name`): what its admin port answered.
    public var proxies: [String: ProxyFacts] = [:]
    public var edges: [TrafficEdge]?
    /// ztunnel dumps by ztunnel pod (`namespace/name`).
    public var ztunnels: [String: ZtunnelIndex]?
    /// Each istiod pod's Istio version by pod name (`istiod-7d4b9-x2k`: `1.24.2`), from its
    /// image tag: what a proxy's version is compared with (``ProxySyncStatus/istiod``).
    public var istiodVersions: [String: String] = [:]
    /// When each proxy (`name.namespace`) connected to istiod (`/debug/connections`), so a
    /// type NOT SENT is judged against how long the proxy has been connected.
    public var connectedAt: [String: Date] = [:]
    /// Why an input is missing, when the source knows (`forbidden: cannot list pods in
    /// istio-system`, `snapshot taken without config dumps`).
    public var unavailable: [FindingInput: String] = [:]

    public init(now: Date, kube: KubeFacts? = nil, sync: [ProxySyncStatus]? = nil) {
        self.now = now
        self.kube = kube
        self.sync = sync
    }

    /// The proxies in ``ProxyFacts/proxyID`` order (`name.namespace`; the key breaks a tie),
    /// each ID made once: sorting the facts themselves made two IDs per comparison and moved
    /// whole facts, most of what two rules cost at 6,000 proxies.
    public var proxiesByID: [ProxyFacts] {
        proxies.map { (id: $0.value.proxyID, key: $0.key) }.sorted { ($0.id, $0.key) < ($1.id, $1.key) }.compactMap { proxies[$0.key] }
    }

    /// Whether the source delivered `input` at all (an empty list delivered is still delivered).
    public func has(_ input: FindingInput) -> Bool {
        if unavailable[input] != nil { return false }
        switch input {
        case .kubeObjects, .istioConfig: return kube != nil
        case .syncStatus: return sync != nil
        case .configDumps: return proxies.values.contains { $0.dump != nil }
        case .certificates: return proxies.values.contains { $0.dump != nil } || ztunnels != nil
        case .upstreams: return proxies.values.contains { $0.clusters != nil }
        case .statsRates: return proxies.values.contains { $0.previousStats != nil && $0.stats != nil }
        case .edges: return edges != nil
        case .ztunnel: return ztunnels != nil
        }
    }

    /// Why `input` is missing, for the "not evaluated" line.
    public func reasonMissing(_ input: FindingInput) -> String {
        unavailable[input] ?? "this source has no \(input.rawValue)"
    }
}

/// The Kubernetes side: the typed objects every view already decodes, plus the rest by kind.
public struct KubeFacts: Sendable {
    public var namespaces: [KubeNamespace] = [] { didSet { derived = KubeFactsDerived() } }
    public var pods: [KubePod] = [] { didSet { derived = KubeFactsDerived() } }
    public var services: [KubeService] = [] { didSet { derived = KubeFactsDerived() } }
    public var endpointSlices: [KubeEndpointSlice] = []
    /// Every other object by kind (`VirtualService`, `DestinationRule`, `Gateway`, `Sidecar`,
    /// `PeerAuthentication`, `AuthorizationPolicy`, `ServiceEntry`, `Deployment`, …).
    public var objects: [String: [KubeObject]] = [:] { didSet { derived = KubeFactsDerived() } }
    /// Where an object was read from, by ``FindingObject`` description (`Kind ns/name`):
    /// `file.yaml:12` for manifests; absent for live objects.
    public var locations: [String: String] = [:] { didSet { derived = KubeFactsDerived() } }
    /// Indexes built from the lists above (the config rules' ``ConfigIndex``), shared by
    /// every rule of one evaluation and dropped when a list changes.
    var derived = KubeFactsDerived()

    public init() {}
}

/// One proxy's admin answers (any may be missing).
public struct ProxyFacts: Sendable {
    public var name: String
    public var namespace: String
    public var kind: MeshState.ProxyKind
    public var dump: EnvoyConfigDump?
    public var clusters: EnvoyClusters?
    public var stats: StatsSnapshot? { didSet { derived = ProxyFactsDerived() } }
    /// The read before ``stats`` and the seconds between them, for counter rates.
    public var previousStats: StatsSnapshot? { didSet { derived = ProxyFactsDerived() } }
    public var statsInterval: Double?
    /// What the rules build from the stats (``ClusterCounters``), once for all of them;
    /// dropped when the stats change.
    var derived = ProxyFactsDerived()

    public init(name: String, namespace: String, kind: MeshState.ProxyKind) {
        self.name = name
        self.namespace = namespace
        self.kind = kind
    }

    public var key: String { namespace + "/" + name }
    public var proxyID: String { name + "." + namespace }
}
