/// One cluster from the clusters section (static, dynamic active or dynamic warming).
///
/// ```swift
/// let c = dump.clusters.first { $0.name == "outbound|9080||reviews.default.svc.cluster.local" }!
/// c.discoveryType        // "EDS"
/// c.transportSocket?.config?.typeName   // "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"
/// ```
public struct EnvoyCluster: Sendable, EnvoyDumpEntry {
    public let state: EnvoyResourceState
    public let name: String
    /// The wrapper as in the dump (`{version_info, cluster, last_updated}`).
    public let entry: JSONValue
    /// The `Cluster` resource.
    public let json: JSONValue

    init(state: EnvoyResourceState, entry: JSONValue, json: JSONValue) {
        self.state = state
        self.entry = entry
        self.json = json
        name = json["name"]?.string ?? ""
    }

    /// The `type` enum as protobuf's `GetType()` gives it: `STATIC` when absent (the proto3
    /// default, which protojson omits), and also `STATIC` when `cluster_type` is used instead.
    public var discoveryType: String {
        if let t = json["type"]?.string { return t }
        if let n = json["type"]?.int { return EnvoyCluster.typeNames[n] ?? String(n) }
        return "STATIC"
    }

    static let typeNames = [0: "STATIC", 1: "STRICT_DNS", 2: "LOGICAL_DNS", 3: "EDS", 4: "ORIGINAL_DST"]

    /// A custom cluster type (`cluster_type`, e.g. `envoy.clusters.aggregate`).
    public var customClusterType: (name: String, config: EnvoyTypedConfig?)? {
        guard let ct = json["cluster_type"], ct.isObject else { return nil }
        return (ct["name"]?.string ?? "", ct["typed_config"].flatMap(EnvoyTypedConfig.init))
    }

    /// The cluster type a reader would want: the custom type's name, else the discovery type.
    public var effectiveType: String { customClusterType?.name ?? discoveryType }

    public var transportSocket: EnvoyFilter? {
        guard let ts = json["transport_socket"], ts.isObject else { return nil }
        return EnvoyFilter(ts)
    }

    /// Names of `transport_socket_matches` (Istio's `tlsMode-istio` / `tlsMode-disabled`).
    public var transportSocketMatchNames: [String] {
        json["transport_socket_matches"]?.elements.map { $0["name"]?.string ?? "" } ?? []
    }

    /// `transport_socket_matches`, in order: the first whose `match` is a subset of the
    /// endpoint's `envoy.transport_socket_match` metadata wins.
    public var transportSocketMatches: [(name: String, match: JSONValue?, socket: EnvoyFilter?)] {
        json["transport_socket_matches"]?.elements.map { m in
            let ts = m["transport_socket"].flatMap { $0.isObject ? EnvoyFilter($0) : nil }
            return (m["name"]?.string ?? "", m["match"], ts)
        } ?? []
    }

    /// `metadata.filter_metadata.istio.services[].host`: the services the cluster serves.
    public var istioServiceHosts: [String] {
        json["metadata"]?["filter_metadata"]?.member(exactly: "istio")?.member(exactly: "services")?.elements.compactMap { $0["host"]?.string } ?? []
    }

    /// `metadata.filter_metadata.istio.config`: the DestinationRule behind the cluster.
    public var istioConfigPath: String? { json["metadata"]?["filter_metadata"]?.member(exactly: "istio")?.member(exactly: "config")?.string }

    public var edsServiceName: String? { json["eds_cluster_config"]?["service_name"]?.string }
    public var lbPolicy: String { json["lb_policy"]?.string ?? "ROUND_ROBIN" }
    public var connectTimeout: String? { json["connect_timeout"]?.string }

    /// Endpoints carried in the cluster itself (`load_assignment`, or v2 `hosts`).
    public var loadAssignment: EnvoyClusterLoadAssignment? {
        guard let la = json["load_assignment"], la.isObject else { return nil }
        return EnvoyClusterLoadAssignment(la)
    }
}
