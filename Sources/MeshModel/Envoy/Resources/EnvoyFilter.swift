/// A network filter (or listener filter, or transport socket): a name and its config.
///
/// ```swift
/// chain.filters.first?.name                 // "envoy.filters.network.http_connection_manager"
/// chain.filters.first?.httpConnectionManager?.rdsRouteConfigName   // "8080"
/// ```
public struct EnvoyFilter: Sendable {
    public static let httpConnectionManagerName = "envoy.filters.network.http_connection_manager"
    public static let tcpProxyName = "envoy.filters.network.tcp_proxy"
    /// Names used before Envoy 1.14 (Istio 1.5), as in v2alpha dumps.
    public static let legacyHTTPConnectionManagerName = "envoy.http_connection_manager"
    public static let legacyTCPProxyName = "envoy.tcp_proxy"

    public let name: String
    /// `typed_config`, or the v2 `config` Struct.
    public let config: EnvoyTypedConfig?
    public let json: JSONValue

    public init(_ json: JSONValue) {
        self.json = json
        name = json["name"]?.string ?? ""
        if let tc = json["typed_config"], let c = EnvoyTypedConfig(tc) {
            config = c
        } else if let c = json["config"] {
            config = EnvoyTypedConfig(untypedConfig: c, filterName: name)
        } else {
            config = nil
        }
    }

    /// istioctl matches filters by their current well-known names only. Old dumps use the
    /// pre-1.14 names; we accept those too (istioctl cannot read v2alpha dumps at all).
    public var isHTTPConnectionManager: Bool {
        name == EnvoyFilter.httpConnectionManagerName || name == EnvoyFilter.legacyHTTPConnectionManagerName
    }

    public var isTCPProxy: Bool { name == EnvoyFilter.tcpProxyName || name == EnvoyFilter.legacyTCPProxyName }

    public var httpConnectionManager: EnvoyHTTPConnectionManager? {
        guard isHTTPConnectionManager || config?.kind == .httpConnectionManager, let c = config else { return nil }
        return EnvoyHTTPConnectionManager(c.value)
    }

    public var tcpProxy: EnvoyTCPProxy? {
        guard isTCPProxy || config?.kind == .tcpProxy, let c = config else { return nil }
        return EnvoyTCPProxy(c.value)
    }

    /// Whether the config mentions `BlackHoleCluster` anywhere: istioctl's test on the
    /// serialized proto bytes, done here on the JSON text (keys never contain it).
    public var mentionsBlackHoleCluster: Bool {
        guard let c = config else { return false }
        return ByteText.contains(c.json.rawBytes, EnvoyFilter.blackHole)
    }

    static let blackHole = Array("BlackHoleCluster".utf8)
}

/// The parts of `HttpConnectionManager` the views read; the rest stays in ``json``.
public struct EnvoyHTTPConnectionManager: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var rdsRouteConfigName: String? { json["rds"]?["route_config_name"]?.string }
    /// An inline `route_config`.
    public var routeConfig: EnvoyRouteConfiguration? {
        guard let rc = json["route_config"], rc.isObject else { return nil }
        return EnvoyRouteConfiguration(rc)
    }
    public var scopedRoutesName: String? { json["scoped_routes"]?["name"]?.string }
    public var statPrefix: String? { json["stat_prefix"]?.string }
    /// The HTTP filters, each with its `typed_config` unwrapped (or v2 `config`).
    public var httpFilters: [EnvoyFilter] { json["http_filters"]?.elements.map(EnvoyFilter.init) ?? [] }
    public var httpFilterNames: [String] { httpFilters.map(\.name) }
}

/// The parts of `TcpProxy` the views read.
public struct EnvoyTCPProxy: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    /// `cluster`, or "" when the proxy uses `weighted_clusters` (as protobuf's `GetCluster()`).
    public var cluster: String { json["cluster"]?.string ?? "" }
    public var weightedClusters: [(name: String, weight: Int)] {
        json["weighted_clusters"]?["clusters"]?.elements.map { ($0["name"]?.string ?? "", $0["weight"]?.int ?? 0) } ?? []
    }
    public var statPrefix: String? { json["stat_prefix"]?.string }
}
