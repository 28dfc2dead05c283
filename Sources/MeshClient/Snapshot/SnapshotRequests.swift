import MeshModel

extension AdminRequest {
    /// The key a snapshot stores this response under (nil: snapshots do not keep it).
    ///
    /// ```swift
    /// AdminRequest.configDump.snapshotKey                           // "configDump"
    /// AdminRequest.path(port: 15000, path: "/certs").snapshotKey     // "certs"
    /// ```
    public var snapshotKey: String? {
        switch self {
        case .configDump: "configDump"
        case .clusters: "clusters"
        case .statsJSON: "statsJSON"
        case .statsPrometheus: "statsPrometheus"
        case .serverInfo: "serverInfo"
        case .certs: "certs"
        case .ztunnelConfigDump: "ztunnelConfigDump"
        case .ztunnelMetrics: "ztunnelMetrics"
        case .syncz: "syncz"
        case .connections: "connections"
        // Stored with the proxy it is about, not with the istiod that answered.
        case .istiodConfigDump: "istiodConfigDump"
        case .path(let port, let path): AdminRequest.collected(for: port).first { $0.port == port && $0.path == path }?.snapshotKey
        }
    }

    /// What a snapshot collects from each kind of proxy.
    public static func collected(for kind: MeshState.ProxyKind, stats: Bool) -> [AdminRequest] {
        switch kind {
        case .sidecar, .gateway, .waypoint:
            stats ? [.configDump, .clusters, .serverInfo, .certs, .statsJSON, .statsPrometheus] : [.configDump, .clusters, .serverInfo, .certs]
        case .ztunnel: stats ? [.ztunnelConfigDump, .ztunnelMetrics] : [.ztunnelConfigDump]
        case .istiod: [.syncz, .connections]
        }
    }

    /// Requests that only `--no-stats` leaves out.
    public var isStats: Bool { self == .statsJSON || self == .statsPrometheus || self == .ztunnelMetrics }

    /// Metrics sampled twice so rates (traffic edges) can be recomputed from the snapshot.
    public var isRateSample: Bool { self == .statsPrometheus || self == .ztunnelMetrics }

    /// Requests on `port` a snapshot can hold (Envoy and ztunnel share 15000).
    static func collected(for port: Int) -> [AdminRequest] {
        [.configDump, .clusters, .statsJSON, .statsPrometheus, .serverInfo, .certs, .ztunnelConfigDump, .ztunnelMetrics, .syncz, .connections]
            .filter { $0.port == port }
    }
}
