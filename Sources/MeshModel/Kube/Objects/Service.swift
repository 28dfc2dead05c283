/// The parts of a Service that `get services` and the mesh index need.
public struct KubeService: Sendable {
    public var metadata: ObjectMeta
    public var type: String
    public var clusterIP: String?
    public var clusterIPs: [String]
    public var externalIPs: [String]
    public var externalName: String?
    public var loadBalancerIngress: [String]
    public var ports: [Port]
    /// Selector in spec order is not preserved by Go either; kept sorted for display.
    public var selector: [String: String]

    public struct Port: Sendable, Hashable {
        public var name: String?
        public var port: Int
        public var targetPort: String?
        public var nodePort: Int?
        public var proto: String
        public var appProtocol: String?
    }

    public init(_ v: JSONValue) {
        metadata = ObjectMeta(v["metadata"])
        let spec = v["spec"]
        type = spec?["type"]?.string ?? "ClusterIP"
        clusterIP = spec?["clusterIP"]?.string
        clusterIPs = spec?["clusterIPs"]?.elements.compactMap(\.string) ?? []
        externalIPs = spec?["externalIPs"]?.elements.compactMap(\.string) ?? []
        externalName = spec?["externalName"]?.string
        loadBalancerIngress = v["status"]?["loadBalancer"]?["ingress"]?.elements.compactMap { $0["ip"]?.string ?? $0["hostname"]?.string } ?? []
        ports = spec?["ports"]?.elements.map { p in
            Port(
                name: p["name"]?.string,
                port: p["port"]?.int ?? 0,
                targetPort: p["targetPort"].map { $0.string ?? $0.rawText },
                nodePort: p["nodePort"]?.int,
                proto: p["protocol"]?.string ?? "TCP",
                appProtocol: p["appProtocol"]?.string
            )
        } ?? []
        selector = ObjectMeta.stringMap(spec?.member(exactly: "selector"))
    }
}

/// A Namespace and the mesh labels on it.
public struct KubeNamespace: Sendable {
    public var metadata: ObjectMeta
    public var phase: String

    public init(_ v: JSONValue) {
        metadata = ObjectMeta(v["metadata"])
        phase = v["status"]?["phase"]?.string ?? "Active"
    }

    /// `ambient`, `sidecar` (injection enabled), or nil, from `istio.io/dataplane-mode`,
    /// `istio-injection` and `istio.io/rev`.
    public var meshEnrollment: String? {
        let l = metadata.labels
        if l["istio.io/dataplane-mode"] == "ambient" { return "ambient" }
        if l["istio-injection"] == "enabled" || l["istio.io/rev"] != nil { return "sidecar" }
        return nil
    }
}

/// An EndpointSlice: which pod addresses back a service port.
public struct KubeEndpointSlice: Sendable {
    public var metadata: ObjectMeta
    public var addressType: String
    /// `kubernetes.io/service-name`.
    public var serviceName: String?
    public var endpoints: [Endpoint]
    public var ports: [(name: String?, port: Int, proto: String)]

    public struct Endpoint: Sendable, Hashable {
        public var addresses: [String]
        public var ready: Bool
        public var nodeName: String?
        /// `namespace/name` of the target pod, when the endpoint is one.
        public var podKey: String?
    }

    public init(_ v: JSONValue) {
        metadata = ObjectMeta(v["metadata"])
        addressType = v["addressType"]?.string ?? "IPv4"
        serviceName = metadata.labels["kubernetes.io/service-name"]
        endpoints = v["endpoints"]?.elements.map { e in
            var podKey: String?
            if let ref = e["targetRef"], ref["kind"]?.string == "KubePod", let n = ref["name"]?.string {
                podKey = "\(ref["namespace"]?.string ?? "")/\(n)"
            }
            return Endpoint(
                addresses: e["addresses"]?.elements.compactMap(\.string) ?? [],
                // A missing `ready` means ready (EndpointConditions docs).
                ready: e["conditions"]?["ready"]?.bool ?? true,
                nodeName: e["nodeName"]?.string,
                podKey: podKey
            )
        } ?? []
        ports = v["ports"]?.elements.map { (name: $0["name"]?.string, port: $0["port"]?.int ?? 0, proto: $0["protocol"]?.string ?? "TCP") } ?? []
    }
}
