/// One endpoint config (a `ClusterLoadAssignment`) from the EDS section
/// (`/config_dump?include_eds`).
///
/// ```swift
/// let e = dump.endpointConfigs.first { $0.clusterName == "outbound|9080||reviews.default.svc.cluster.local" }!
/// e.assignment.localities.flatMap(\.endpoints).map(\.addressDescription)   // ["10.244.0.192:9080", ...]
/// ```
public struct EnvoyEndpointConfig: Sendable, EnvoyDumpEntry {
    public let state: EnvoyResourceState
    public let entry: JSONValue
    public let json: JSONValue
    public let clusterName: String

    init(state: EnvoyResourceState, entry: JSONValue, json: JSONValue) {
        self.state = state
        self.entry = entry
        self.json = json
        clusterName = json["cluster_name"]?.string ?? ""
    }

    public var assignment: EnvoyClusterLoadAssignment { EnvoyClusterLoadAssignment(json) }
}

public struct EnvoyClusterLoadAssignment: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var clusterName: String { json["cluster_name"]?.string ?? "" }
    public var localities: [EnvoyLocalityEndpoints] { json["endpoints"]?.elements.map(EnvoyLocalityEndpoints.init) ?? [] }
}

/// `LocalityLbEndpoints`.
public struct EnvoyLocalityEndpoints: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var region: String { json["locality"]?["region"]?.string ?? "" }
    public var zone: String { json["locality"]?["zone"]?.string ?? "" }
    public var subZone: String { json["locality"]?["sub_zone"]?.string ?? "" }

    /// As istioctl's `util.LocalityToString`: `region`, `region/zone`, `region/zone/subzone`.
    public var localityDescription: String {
        var s = region
        if zone.isEmpty { return s }
        s += "/" + zone
        if subZone.isEmpty { return s }
        return s + "/" + subZone
    }

    public var priority: Int { json["priority"]?.int ?? 0 }
    public var endpoints: [EnvoyLbEndpoint] { json["lb_endpoints"]?.elements.map(EnvoyLbEndpoint.init) ?? [] }
}

/// `LbEndpoint`.
public struct EnvoyLbEndpoint: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var address: EnvoyAddress? { EnvoyAddress(json["endpoint"]?["address"]) }
    public var additionalAddresses: [EnvoyAddress] {
        json["endpoint"]?["additional_addresses"]?.elements.compactMap { EnvoyAddress($0["address"]) } ?? []
    }

    /// All addresses as istioctl prints them: `ip:port`, a pipe path, `envoy://listener/id`,
    /// or `unknown`; an endpoint without any address reads `unknown` as in istioctl.
    public var addressDescriptions: [String] {
        [(address ?? .unknown).description] + additionalAddresses.map(\.description)
    }

    /// The `health_status` enum name; `UNKNOWN` (0) when absent.
    public var healthStatus: String {
        if let s = json["health_status"]?.string { return s }
        if let n = json["health_status"]?.int { return EnvoyLbEndpoint.healthNames[n] ?? String(n) }
        return "UNKNOWN"
    }

    static let healthNames = [0: "UNKNOWN", 1: "HEALTHY", 2: "UNHEALTHY", 3: "DRAINING", 4: "TIMEOUT", 5: "DEGRADED"]

    public var loadBalancingWeight: Int? { json["load_balancing_weight"]?.int }
    /// `metadata.filter_metadata.istio.workload` (`name;namespace;...`).
    /// `metadata.filter_metadata["envoy.transport_socket_match"]`: what the cluster's
    /// `transport_socket_matches` are matched against (Istio sets `tlsMode: istio`).
    public var transportSocketMatchMetadata: JSONValue? {
        json["metadata"]?["filter_metadata"]?.member(exactly: "envoy.transport_socket_match")
    }

    public var istioWorkload: String? { json["metadata"]?["filter_metadata"]?.member(exactly: "istio")?.member(exactly: "workload")?.string }
}
