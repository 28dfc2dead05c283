import Foundation
import MeshModel

/// Where mesh data comes from: a live cluster (the API server plus admin reads through the
/// pod proxy, which is also how the demo mesh is reached) or a snapshot file. Every read
/// command and the TUI take one of these, so `pc cluster POD`, `layers --from`, `diff
/// --proxy` work the same on a cluster, the demo, and a snapshot opened offline.
///
/// ```swift
/// let source: any MeshSource = try await ClusterMeshSource.open(connection, namespace: nil)
/// let pods = try await source.cluster().pods
/// let dump = try await source.admin(pod: "productpage-v1-7c9f8", namespace: "bookinfo",
///                                   request: .configDump)
/// await source.close()
/// ```
public protocol MeshSource: Sendable {
    /// What this source is, for headers and error messages.
    var info: MeshSourceInfo { get }
    /// The Kubernetes objects: namespaces, pods, services, endpointslices, Istio and Gateway API kinds.
    func cluster() async throws(MeshSourceError) -> ClusterSnapshot
    /// One admin response, as the proxy sent it.
    func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8]
    /// Releases connections and watches.
    func close() async
    /// The pods that answer on an admin port, sorted by namespace and name. The default
    /// takes them from ``cluster()``; a source that keeps a cache can answer cheaper
    /// (the live store asks every refresh).
    func proxies() async throws(MeshSourceError) -> [MeshState.Proxy]
    /// The API server's `/version` (nil when the source cannot say).
    func serverVersion() async throws(MeshSourceError) -> JSONValue?
    /// A source that does not change (a snapshot) answers with the state it recorded, rates
    /// included, so callers show it once instead of polling; live sources answer nil.
    func recordedState() throws(MeshSourceError) -> MeshState?
    /// The Prometheus that stands for the proxies' metrics (nil: scrape them).
    var prometheus: PrometheusMetrics? { get }
}

extension MeshSource {
    /// The pods that answer on an admin port (sidecars, gateways, waypoints, ztunnels, istiod).
    public func proxies() async throws(MeshSourceError) -> [MeshState.Proxy] {
        MeshStore.proxies(from: try await cluster().pods)
    }

    public func serverVersion() async throws(MeshSourceError) -> JSONValue? { nil }

    public func recordedState() throws(MeshSourceError) -> MeshState? { nil }

    public var prometheus: PrometheusMetrics? { nil }
}

/// What a ``MeshSource`` is: a kubeconfig context, the demo, or a snapshot taken at some time.
public struct MeshSourceInfo: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case cluster, snapshot
    }

    public var kind: Kind
    /// The context name, or the snapshot's path.
    public var name: String
    /// The namespace reads default to.
    public var namespace: String
    /// The cluster's context when the snapshot was taken (snapshots) or the current one.
    public var context: String
    /// When the data was collected (snapshots); nil for live sources.
    public var takenAt: Date?
    /// Writes (apply) are refused.
    public var readOnly: Bool

    public init(kind: Kind, name: String, namespace: String, context: String, takenAt: Date? = nil, readOnly: Bool = false) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.context = context
        self.takenAt = takenAt
        self.readOnly = readOnly
    }
}

/// One admin endpoint. The cases name what meshscope reads and snapshots keep; `.path`
/// reaches anything else on a live source.
///
/// ```swift
/// AdminRequest.configDump.port        // 15000
/// AdminRequest.configDump.path        // "/config_dump?include_eds"
/// AdminRequest.istiodConfigDump(proxyID: "web-0.shop").path  // "/debug/config_dump?proxyID=web-0.shop"
/// ```
public enum AdminRequest: Sendable, Hashable, CustomStringConvertible {
    /// Envoy `/config_dump?include_eds`.
    case configDump
    /// Envoy `/clusters?format=json`.
    case clusters
    /// Envoy `/stats?format=json`.
    case statsJSON
    /// Envoy `/stats/prometheus` (Istio metrics for edges).
    case statsPrometheus
    /// Envoy `/server_info`.
    case serverInfo
    /// Envoy `/certs`.
    case certs
    /// ztunnel `/config_dump`.
    case ztunnelConfigDump
    /// ztunnel `:15020/metrics`.
    case ztunnelMetrics
    /// istiod `:15014/debug/syncz`.
    case syncz
    /// istiod `:15014/debug/connections`.
    case connections
    /// istiod's view of one proxy's config: `:15014/debug/config_dump?proxyID=POD.NS`.
    case istiodConfigDump(proxyID: String)
    /// Any other admin path (live sources only).
    case path(port: Int, path: String)

    public var port: Int {
        switch self {
        case .configDump, .clusters, .statsJSON, .statsPrometheus, .serverInfo, .certs, .ztunnelConfigDump: 15000
        case .ztunnelMetrics: 15020
        case .syncz, .connections, .istiodConfigDump: 15014
        case .path(let port, _): port
        }
    }

    public var path: String {
        switch self {
        case .configDump: "/config_dump?include_eds"
        case .clusters: "/clusters?format=json"
        case .statsJSON: "/stats?format=json"
        case .statsPrometheus: "/stats/prometheus"
        case .serverInfo: "/server_info"
        case .certs: "/certs"
        case .ztunnelConfigDump: "/config_dump"
        case .ztunnelMetrics: "/metrics"
        case .syncz: "/debug/syncz"
        case .connections: "/debug/connections"
        case .istiodConfigDump(let id): "/debug/config_dump?proxyID=" + id
        case .path(_, let path): path
        }
    }

    /// The request the live store polls for `endpoint`.
    public init(_ endpoint: LiveSource.Endpoint) {
        switch endpoint {
        case .stats: self = .statsPrometheus
        case .clusters: self = .clusters
        case .configDump: self = .configDump
        case .ztunnelDump: self = .ztunnelConfigDump
        case .ztunnelMetrics: self = .ztunnelMetrics
        case .syncz: self = .syncz
        case .connections: self = .connections
        case .statsJSON: self = .statsJSON
        }
    }

    /// `:15000/config_dump?include_eds`.
    public var description: String { ":\(port)\(path)" }
}

/// Why a source could not answer: one line naming the source and what was asked.
public struct MeshSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The pod, proxy or object does not exist in this source.
        case notFound
        /// The source cannot answer this at all (a snapshot without it, a read-only source).
        case unavailable
        /// The request was made and failed (HTTP error, timeout, connection refused).
        case failed
        /// The authorizer refused it (a 403, or a refusal the access review planned for):
        /// asking again gets the same answer, so a poller stops asking.
        case forbidden
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
