import MeshModel

/// The resource types the fake API server serves, and its discovery documents in the
/// real wire format (`APIResourceList`, `APIGroupList`, `APIVersions`).
enum FakeResources {
    static let all: [APIResource] = core + apps + discovery + istioNetworking + istioSecurity + istioTelemetry + gatewayAPI

    static let core: [APIResource] = [
        APIResource(group: "", version: "v1", name: "namespaces", singularName: "namespace", kind: "Namespace", namespaced: false,
                    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], shortNames: ["ns"]),
        APIResource(group: "", version: "v1", name: "pods", singularName: "pod", kind: "Pod", namespaced: true,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["po"], categories: ["all"]),
        APIResource(group: "", version: "v1", name: "services", singularName: "service", kind: "Service", namespaced: true,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["svc"], categories: ["all"]),
        APIResource(group: "", version: "v1", name: "configmaps", singularName: "configmap", kind: "ConfigMap", namespaced: true,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["cm"]),
        APIResource(group: "", version: "v1", name: "serviceaccounts", singularName: "serviceaccount", kind: "ServiceAccount", namespaced: true,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["sa"]),
        APIResource(group: "", version: "v1", name: "nodes", singularName: "node", kind: "Node", namespaced: false,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["no"]),
    ]

    static let apps: [APIResource] = [
        APIResource(group: "apps", version: "v1", name: "deployments", singularName: "deployment", kind: "Deployment", namespaced: true,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["deploy"], categories: ["all"]),
        APIResource(group: "apps", version: "v1", name: "daemonsets", singularName: "daemonset", kind: "DaemonSet", namespaced: true,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["ds"], categories: ["all"]),
    ]

    static let discovery: [APIResource] = [
        APIResource(group: "discovery.k8s.io", version: "v1", name: "endpointslices", singularName: "endpointslice", kind: "EndpointSlice", namespaced: true,
                    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]),
    ]

    static let crdVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]

    static let istioNetworking: [APIResource] = [
        ("virtualservices", "VirtualService", ["vs"]), ("destinationrules", "DestinationRule", ["dr"]), ("gateways", "Gateway", ["gw"]),
        ("serviceentries", "ServiceEntry", ["se"]), ("sidecars", "Sidecar", []), ("workloadentries", "WorkloadEntry", ["we"]),
        ("workloadgroups", "WorkloadGroup", ["wg"]),
    ].map { APIResource(group: "networking.istio.io", version: "v1", name: $0.0, kind: $0.1, namespaced: true, verbs: crdVerbs, shortNames: $0.2, categories: ["istio-io", "networking-istio-io"]) }

    static let istioSecurity: [APIResource] = [
        ("peerauthentications", "PeerAuthentication", ["pa"]), ("authorizationpolicies", "AuthorizationPolicy", ["ap"]),
        ("requestauthentications", "RequestAuthentication", ["ra"]),
    ].map { APIResource(group: "security.istio.io", version: "v1", name: $0.0, kind: $0.1, namespaced: true, verbs: crdVerbs, shortNames: $0.2, categories: ["istio-io", "security-istio-io"]) }

    static let istioTelemetry: [APIResource] = [
        APIResource(group: "telemetry.istio.io", version: "v1", name: "telemetries", singularName: "telemetry", kind: "Telemetry", namespaced: true, verbs: crdVerbs, shortNames: ["telemetry"], categories: ["istio-io", "telemetry-istio-io"]),
    ]

    static let gatewayAPI: [APIResource] = [
        APIResource(group: "gateway.networking.k8s.io", version: "v1", name: "gatewayclasses", kind: "GatewayClass", namespaced: false, verbs: crdVerbs, shortNames: ["gc"], categories: ["gateway-api"]),
        APIResource(group: "gateway.networking.k8s.io", version: "v1", name: "gateways", kind: "Gateway", namespaced: true, verbs: crdVerbs, shortNames: ["gtw"], categories: ["gateway-api"]),
        APIResource(group: "gateway.networking.k8s.io", version: "v1", name: "httproutes", kind: "HTTPRoute", namespaced: true, verbs: crdVerbs, categories: ["gateway-api"]),
        APIResource(group: "gateway.networking.k8s.io", version: "v1", name: "grpcroutes", kind: "GRPCRoute", namespaced: true, verbs: crdVerbs, categories: ["gateway-api"]),
    ]

    /// Subresources listed in discovery (not kinds, but the real documents show them).
    static let subresources: [String: [(String, String, [String])]] = [
        "v1": [("pods/proxy", "PodProxyOptions", ["create", "delete", "get", "patch", "update"]), ("pods/status", "Pod", ["get", "patch", "update"]),
               ("pods/log", "Pod", ["get"]), ("services/proxy", "ServiceProxyOptions", ["create", "delete", "get", "patch", "update"])],
    ]

    static func groupVersions() -> [String] {
        var seen: [String] = []
        for r in all where !r.group.isEmpty && !seen.contains(r.apiVersion) { seen.append(r.apiVersion) }
        return seen
    }

    static func resourceList(groupVersion: String) -> JSONTree? {
        let members = all.filter { $0.apiVersion == groupVersion }
        guard !members.isEmpty else { return nil }
        var resources: [JSONTree] = members.map { r in
            var o = JSONObject([
                ("name", .string(r.name)), ("singularName", .string(r.singularName)), ("namespaced", .bool(r.namespaced)),
                ("kind", .string(r.kind)), ("verbs", .array(r.verbs.map { .string($0) })),
            ])
            if !r.shortNames.isEmpty { o["shortNames"] = .array(r.shortNames.map { .string($0) }) }
            if !r.categories.isEmpty { o["categories"] = .array(r.categories.map { .string($0) }) }
            return .object(o)
        }
        for (name, kind, verbs) in subresources[groupVersion] ?? [] {
            resources.append(.object([("name", .string(name)), ("singularName", ""), ("namespaced", true), ("kind", .string(kind)), ("verbs", .array(verbs.map { .string($0) }))]))
        }
        return .object([("kind", "APIResourceList"), ("apiVersion", "v1"), ("groupVersion", .string(groupVersion)), ("resources", .array(resources))])
    }

    static func groupList() -> JSONTree {
        var groups: [String] = []
        for gv in groupVersions() {
            let g = ResourceCatalog.split(apiVersion: gv).group
            if !groups.contains(g) { groups.append(g) }
        }
        let items: [JSONTree] = groups.map { g in
            let versions = groupVersions().filter { ResourceCatalog.split(apiVersion: $0).group == g }
            let vs: [JSONTree] = versions.map { .object([("groupVersion", .string($0)), ("version", .string(ResourceCatalog.split(apiVersion: $0).version))]) }
            return .object([("name", .string(g)), ("versions", .array(vs)), ("preferredVersion", vs[0])])
        }
        return .object([("kind", "APIGroupList"), ("apiVersion", "v1"), ("groups", .array(items))])
    }

    static func apiVersions(serverAddress: String) -> JSONTree {
        .object([
            ("kind", "APIVersions"), ("versions", .array(["v1"])),
            ("serverAddressByClientCIDRs", .array([.object([("clientCIDR", "0.0.0.0/0"), ("serverAddress", .string(serverAddress))])])),
        ])
    }

    static let version: JSONTree = .object([
        ("major", "1"), ("minor", "32"), ("gitVersion", "v1.32.0-meshscope-fake"), ("gitCommit", "0000000000000000000000000000000000000000"),
        ("gitTreeState", "clean"), ("buildDate", "2025-01-01T00:00:00Z"), ("goVersion", "go1.23.0"), ("compiler", "gc"), ("platform", "linux/amd64"),
    ])
}
