import Foundation

/// One immutable snapshot of the live mesh, as the store publishes it after a refresh round:
/// the proxies it knows, what each last answered, the mesh-wide traffic edges with rates,
/// istiod's view, and how every source is doing. Consumers (CLI, TUI) only ever see whole
/// snapshots, never one being filled in.
///
/// ```swift
/// for await state in store.states() {
///     print(LiveTables.edges(state).render())
/// }
/// ```
public struct MeshState: Sendable {
    public enum ProxyKind: String, Sendable, Hashable, CaseIterable {
        case sidecar, gateway, waypoint, ztunnel, istiod

        /// Whether this is a data-plane proxy (an xDS client of istiod, a row of `proxy-status`);
        /// istiod is polled too but is not one.
        public var isProxy: Bool { self != .istiod }

        /// The admin endpoints polled for this kind of proxy.
        public var endpoints: [LiveSource.Endpoint] {
            switch self {
            case .sidecar, .gateway, .waypoint: [.stats, .clusters, .configDump]
            case .ztunnel: [.ztunnelDump, .ztunnelMetrics]
            case .istiod: [.syncz, .connections]
            }
        }
    }

    /// A pod that answers on an admin port.
    public struct Proxy: Sendable, Equatable {
        public var name: String
        public var namespace: String
        public var kind: ProxyKind
        public var node: String
        public var ip: String
        /// The pod's resourceVersion: a change asks for a fresh config dump.
        public var podVersion: String

        public init(name: String, namespace: String, kind: ProxyKind, node: String, ip: String, podVersion: String = "") {
            self.name = name
            self.namespace = namespace
            self.kind = kind
            self.node = node
            self.ip = ip
            self.podVersion = podVersion
        }

        /// `namespace/name`, the key of its sources.
        public var key: String { namespace + "/" + name }
        /// `name.namespace`, as istiod and istioctl name proxies.
        public var proxyID: String { name + "." + namespace }
    }

    /// What one Envoy's `/clusters` said, with the previous answer for rates.
    public struct Upstreams: Sendable {
        public var current: EnvoyClusters
        public var rates: EndpointHostsTable.Rates?
    }

    /// The last config dump fetched from a proxy (kept as a summary: dumps are large).
    public struct ConfigDumpInfo: Sendable, Equatable {
        public var bytes: Int
        public var fetchedAt: Date
        /// The sync state (acked nonces) it was fetched for.
        public var syncVersion: String
    }

    public var generation = 0
    /// How many data-plane proxies the mesh has (istiod's xDS clients, the rows of
    /// `proxy-status`): what a header says when it says "proxies".
    public var proxyCount: Int { proxies.reduce(0) { $0 + ($1.kind.isProxy ? 1 : 0) } }
    public var time = Date(timeIntervalSince1970: 0)
    /// Seconds between the samples rates were computed from (the refresh interval, measured).
    public var interval: Double?
    /// Every pod polled: the data-plane proxies and istiod (see ``proxyCount``).
    public var proxies: [Proxy] = []
    public var edges: [TrafficEdge] = []
    public var upstreams: [String: Upstreams] = [:]
    public var ztunnels: [String: ZtunnelIndex] = [:]
    public var configDumps: [String: ConfigDumpInfo] = [:]
    /// Focused Envoys' own dump and `/stats` (``FocusedProxy``), by `namespace/name`.
    public var focusedProxies: [String: FocusedProxy] = [:]
    public var syncz: IstiodSyncz?
    public var connections: IstiodConnections?
    public var sources: [LiveSource: SourceStatus] = [:]
    /// Every source polled each refresh (stats, focused proxies' clusters, ztunnel and istiod
    /// endpoints) was tried at least once: the live tables are whole. Config dumps and the
    /// unfocused proxies' `/clusters` are fetched beside the rounds and may still be on their
    /// way (``configDumpsComplete``, ``upstreamsComplete``).
    public var complete = false
    /// Every focused proxy's config dump was tried at least once (unfocused proxies' dumps are not fetched).
    public var configDumpsComplete = false
    /// Every Envoy's `/clusters` was tried at least once. Only focused proxies' `/clusters`
    /// (``focused``) is part of ``complete`` and polled every refresh; the others' is polled
    /// every few refreshes and may still be on its way, so ``upstreams`` can lack them.
    public var upstreamsComplete = false
    /// The proxies (`namespace/name`) whose `/clusters` is polled every refresh.
    public var focused: Set<String> = []
    /// Refreshes between two stats reads of an unfocused Envoy (1: every refresh). More on a
    /// mesh too large for the store's request budget; the header says how old rates can be.
    public var statsEvery = 1
    /// Where ``edges`` came from: scraped stats or Prometheus (and why not Prometheus).
    public var metrics = MetricsOrigin()
    /// Rates per edge from before the first refresh (Prometheus's last hour, oldest first),
    /// keyed `source|destination|service|reporter`, so TREND sparklines start full.
    public var edgeHistory: [String: [Double]] = [:]

    public init() {}

    /// Sources whose last attempt failed, sorted.
    public var failing: [(LiveSource, SourceStatus)] {
        sources.filter { $0.value.isFailing }.sorted { $0.key < $1.key }
    }

    public func proxy(named name: String, namespace: String?) -> Proxy? {
        proxies.first { $0.name == name && (namespace == nil || $0.namespace == namespace) }
    }
}
