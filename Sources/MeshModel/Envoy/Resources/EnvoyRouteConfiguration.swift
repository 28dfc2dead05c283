/// A `RouteConfiguration` from RDS, the bootstrap, or inline in an HTTP connection manager.
///
/// ```swift
/// let rc = dump.routeConfigs.first { $0.name == "http.8080" }!
/// rc.configuration.virtualHosts.first?.domains   // ["httpbin.example.com"]
/// ```
public struct EnvoyRouteConfig: Sendable, EnvoyDumpEntry {
    public let state: EnvoyResourceState
    public let name: String
    public let entry: JSONValue
    public let json: JSONValue

    init(state: EnvoyResourceState, entry: JSONValue, json: JSONValue) {
        self.state = state
        self.entry = entry
        self.json = json
        name = json["name"]?.string ?? ""
    }

    public var configuration: EnvoyRouteConfiguration { EnvoyRouteConfiguration(json) }
}

/// The route table itself.
public struct EnvoyRouteConfiguration: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var name: String { json["name"]?.string ?? "" }
    public var virtualHosts: [EnvoyVirtualHost] { json["virtual_hosts"]?.elements.map(EnvoyVirtualHost.init) ?? [] }
    /// `vhds` in use: virtual hosts arrive on demand and are not in this config.
    public var usesVHDS: Bool { json["vhds"] != nil }
}

public struct EnvoyVirtualHost: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var name: String { json["name"]?.string ?? "" }
    public var domains: [String] { json["domains"]?.elements.compactMap(\.string) ?? [] }
    public var routes: [EnvoyRoute] { json["routes"]?.elements.map(EnvoyRoute.init) ?? [] }
}

public struct EnvoyRoute: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var name: String { json["name"]?.string ?? "" }
    public var match: EnvoyRouteMatch { EnvoyRouteMatch(json["match"]) }

    public enum Action: Sendable, Equatable {
        case route, redirect, directResponse, filterAction, nonForwarding, none
    }

    public var action: Action {
        if json["route"] != nil { return .route }
        if json["redirect"] != nil { return .redirect }
        if json["direct_response"] != nil { return .directResponse }
        if json["filter_action"] != nil { return .filterAction }
        if json["non_forwarding_action"] != nil { return .nonForwarding }
        return .none
    }

    /// `route.cluster` (nil when the action is not a route or uses another cluster specifier).
    public var cluster: String? { json["route"]?["cluster"]?.string }
    public var weightedClusters: [(name: String, weight: Int)] {
        json["route"]?["weighted_clusters"]?["clusters"]?.elements.map { ($0["name"]?.string ?? "", $0["weight"]?.int ?? 0) } ?? []
    }
    public var clusterHeader: String? { json["route"]?["cluster_header"]?.string }

    /// `metadata.filter_metadata.istio.config`: the Istio config that produced this route.
    public var istioConfigPath: String? { json["metadata"]?["filter_metadata"]?.member(exactly: "istio")?.member(exactly: "config")?.string }
}

/// `RouteMatch`, with the path specifiers istioctl renders.
public struct EnvoyRouteMatch: Sendable {
    public var prefix: String = ""
    public var path: String = ""
    public var pathSeparatedPrefix: String = ""
    /// `safe_regex.regex`.
    public var safeRegex: String?
    /// v2 `regex` (deprecated, not rendered by istioctl).
    public var legacyRegex: String?
    public var hasConnectMatcher = false
    public var headerNames: [String] = []

    init(_ json: JSONValue?) {
        guard let json, json.isObject else { return }
        prefix = json["prefix"]?.string ?? ""
        path = json["path"]?.string ?? ""
        pathSeparatedPrefix = json["path_separated_prefix"]?.string ?? ""
        if let sr = json["safe_regex"], sr.isObject { safeRegex = sr["regex"]?.string ?? "" }
        legacyRegex = json["regex"]?.string
        hasConnectMatcher = json["connect_matcher"] != nil
        headerNames = json["headers"]?.elements.compactMap { $0["name"]?.string } ?? []
    }
}
