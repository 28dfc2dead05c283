/// The bootstrap section: Envoy's startup config and the node identity Istio put in it.
///
/// ```swift
/// dump.bootstrap?.istioVersion   // "1.10.0"
/// dump.bootstrap?.envoyVersion   // "1.18.3/Clean/RELEASE/BoringSSL"
/// ```
public struct EnvoyBootstrap: Sendable {
    /// The `BootstrapConfigDump` (`{bootstrap, last_updated}`).
    public let entry: JSONValue
    /// The `Bootstrap` message.
    public let json: JSONValue?

    init(entry: JSONValue) {
        self.entry = entry
        let b = entry["bootstrap"]
        json = (b?.isObject ?? false) ? b : nil
    }

    public var lastUpdated: String? { entry["last_updated"]?.string }
    public var node: JSONValue? { json?["node"] }
    public var nodeID: String? { node?["id"]?.string }
    public var cluster: String? { node?["cluster"]?.string }

    private var nodeMetadata: JSONValue? { node?["metadata"] }

    /// `node.metadata.ISTIO_VERSION`.
    public var istioVersion: String { nodeMetadata?.member(exactly: "ISTIO_VERSION")?.string ?? "" }

    /// `node.metadata.ISTIO_PROXY_SHA` after its `istio-proxy:` prefix, as istioctl shows it.
    public var istioProxySHA: String {
        var sha = nodeMetadata?.member(exactly: "ISTIO_PROXY_SHA")?.string ?? ""
        let parts = sha.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count > 1 { sha = String(parts[1]) }
        return sha
    }

    /// The pre-1.15 `node.build_version` string (`sha/1.9.0-dev/Clean/RELEASE`), if present.
    public var legacyBuildVersion: String? { node?["build_version"]?.string }

    /// `major.minor.patch[-label][/status][/type][/ssl]` from `node.user_agent_build_version`,
    /// as istioctl's `getUserAgentVersionInfo` builds it (`0.0.0` when absent).
    public var envoyVersion: String {
        let build = node?["user_agent_build_version"]
        let v = build?["version"]
        var s = "\(v?["major_number"]?.int ?? 0).\(v?["minor_number"]?.int ?? 0).\(v?["patch"]?.int ?? 0)"
        let md = build?["metadata"]
        if let label = md?.member(exactly: "build.label")?.string { s += "-" + label }
        if let status = md?.member(exactly: "revision.status")?.string { s += "/" + status }
        if let type = md?.member(exactly: "build.type")?.string { s += "/" + type }
        if let ssl = md?.member(exactly: "ssl.version")?.string { s += "/" + ssl }
        return s
    }
}

/// One ECDS filter (`TypedExtensionConfig`).
public struct EnvoyExtensionConfig: Sendable, EnvoyDumpEntry {
    public let entry: JSONValue
    /// The `TypedExtensionConfig` (an Any with `name` and `typed_config`).
    public let json: JSONValue
    public let name: String

    init(entry: JSONValue, json: JSONValue) {
        self.entry = entry
        self.json = json
        name = json["name"]?.string ?? ""
    }

    /// `typed_config`'s `@type` URL ("" when there is none, as protobuf's `GetTypeUrl()`).
    public var typedConfigURL: String { json["typed_config"]?.member(exactly: "@type")?.string ?? "" }
    public var typedConfig: EnvoyTypedConfig? { json["typed_config"].flatMap(EnvoyTypedConfig.init) }
}

/// One scoped route config set (`ScopedRoutesConfigDump`).
public struct EnvoyScopedRouteConfigs: Sendable, EnvoyDumpEntry {
    public let state: EnvoyResourceState
    public let name: String
    public let entry: JSONValue

    init(state: EnvoyResourceState, entry: JSONValue) {
        self.state = state
        self.entry = entry
        name = entry["name"]?.string ?? ""
    }

    /// Each `ScopedRouteConfiguration` Any.
    public var scopes: [JSONValue] { entry["scoped_route_configs"]?.elements.map { $0 } ?? [] }
    /// `route_configuration_name` of each scope.
    public var routeConfigurationNames: [String] { scopes.compactMap { $0["route_configuration_name"]?.string } }
}
