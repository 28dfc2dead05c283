/// The sections of an Envoy `/config_dump`, one per `envoy.admin.*ConfigDump` message.
///
/// v3 (`envoy.admin.v3.ClustersConfigDump`) and the older v2alpha
/// (`envoy.admin.v2alpha.ClustersConfigDump`) spell the same sections.
public enum EnvoySectionKind: String, Sendable, CaseIterable, Equatable {
    case bootstrap = "BootstrapConfigDump"
    case clusters = "ClustersConfigDump"
    case listeners = "ListenersConfigDump"
    case routes = "RoutesConfigDump"
    case scopedRoutes = "ScopedRoutesConfigDump"
    case secrets = "SecretsConfigDump"
    case endpoints = "EndpointsConfigDump"
    case ecds = "EcdsConfigDump"

    /// Recognises `envoy.admin.v3.X`, `envoy.admin.v2alpha.X` (and any `envoy.admin.*.X`).
    public init?(typeName: String) {
        guard typeName.hasPrefix("envoy.admin."), let dot = typeName.lastIndex(of: ".") else { return nil }
        self.init(rawValue: String(typeName[typeName.index(after: dot)...]))
    }

    /// Human name used in warnings and section headers.
    public var displayName: String {
        switch self {
        case .bootstrap: "bootstrap"
        case .clusters: "clusters"
        case .listeners: "listeners"
        case .routes: "routes"
        case .scopedRoutes: "scoped routes"
        case .secrets: "secrets"
        case .endpoints: "endpoints"
        case .ecds: "extension configs (ECDS)"
        }
    }
}

/// Where a resource sits in its section: static (from the bootstrap) or dynamic (from xDS),
/// and for dynamic resources, which state Envoy reports it in.
public enum EnvoyResourceState: String, Sendable, Equatable {
    case `static` = "STATIC"
    case active = "ACTIVE"
    case warming = "WARMING"
    case draining = "DRAINING"
    /// Rejected by Envoy (`error_state`); the failed configuration is kept.
    case error = "ERROR"
}
