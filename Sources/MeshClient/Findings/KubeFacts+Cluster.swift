import Foundation
import MeshModel

extension KubeFacts {
    /// The facts of a cluster's objects: the typed ones as they are, the rest by kind.
    public init(_ snapshot: ClusterSnapshot) {
        self.init()
        namespaces = snapshot.namespaces
        pods = snapshot.pods
        services = snapshot.services
        endpointSlices = snapshot.endpointSlices
        var kindOf: [String: (kind: String, apiVersion: String)] = [:]
        for r in snapshot.resources { kindOf[r.qualifiedName] = (r.kind, r.apiVersion) }
        var objects: [String: [KubeObject]] = [:]
        for (resource, list) in snapshot.meshObjects {
            for var o in list {
                // List items may leave out kind and apiVersion; discovery knows them.
                if o.kind.isEmpty, let k = kindOf[resource] { o.kind = k.kind }
                if o.apiVersion.isEmpty, let k = kindOf[resource] { o.apiVersion = k.apiVersion }
                guard !o.kind.isEmpty else { continue }
                objects[o.kind, default: []].append(o)
            }
        }
        self.objects = objects
    }

    /// Deployments, StatefulSets and DaemonSets added beside what is already there: their pod
    /// templates are workloads the selector rules match, as `istioctl analyze` reads them.
    public mutating func add(workloads: [KubeObject]) {
        guard !workloads.isEmpty else { return }
        var all = objects
        for o in workloads where !o.kind.isEmpty { all[o.kind, default: []].append(o) }
        objects = all
    }

    /// The Istio kinds the config rules read. When one of them was not read at all — the API
    /// server does not serve it (Istio's CRDs are not installed) or the user may not list it
    /// anywhere — the config rules are not evaluated, with this as the reason: judging routes
    /// without their DestinationRules would report false mistakes, or miss real ones.
    static let configResources: [(group: String, name: String)] = [
        ("networking.istio.io", "virtualservices"), ("networking.istio.io", "destinationrules"), ("networking.istio.io", "gateways"),
        ("networking.istio.io", "sidecars"), ("networking.istio.io", "serviceentries"),
        ("security.istio.io", "peerauthentications"), ("security.istio.io", "authorizationpolicies"),
    ]

    /// Why the config rules cannot be judged on this snapshot, or nil when every kind they
    /// read was read (cluster-wide or in the namespaces the user may read).
    ///
    /// ```
    /// not served: virtualservices.networking.istio.io, … (Istio's CRDs are not installed)
    /// forbidden: cannot list authorizationpolicies.security.istio.io in all namespaces (…)
    /// ```
    public static func istioConfigUnreadable(_ snapshot: ClusterSnapshot) -> String? {
        var notServed: [String] = []
        for (group, name) in configResources where !snapshot.resources.contains(where: { $0.group == group && $0.name == name }) {
            if let refused = snapshot.forbidden.first(where: { $0.group == group && $0.resource == name }) { return refused.message }
            notServed.append(name + "." + group)
        }
        guard !notServed.isEmpty else { return nil }
        return "not served: \(notServed.joined(separator: ", ")) (Istio's CRDs are not installed)"
    }
}

extension ClusterMeshSource {
    /// The pod-owning workloads (Deployments, StatefulSets, DaemonSets) in the namespaces
    /// whose pods were read: one list each, not watched (the informer cache holds what the
    /// views show, and these are read only by `check`). A kind refused or not served is
    /// left out: pods are still matched, only templates without pods are missed.
    func workloadTemplates(like snapshot: ClusterSnapshot) async -> [KubeObject] {
        let namespaces: [String?] = snapshot.namespacesRead["pods"].map { $0.map(Optional.some) } ?? [nil]
        var out: [KubeObject] = []
        for typed in ["deployments.apps", "statefulsets.apps", "daemonsets.apps"] {
            guard let resource = try? await client.resource(typed) else { continue }
            for ns in namespaces {
                guard let list = try? await client.listAll(resource, namespace: ns) else { continue }
                out += list.items.map { KubeObject($0, defaultKind: resource.kind, defaultAPIVersion: resource.apiVersion) }
            }
        }
        return out
    }
}
