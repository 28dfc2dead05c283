import Foundation

/// Where the runtime rules point: the TUI's views as their `:` commands name them, and row
/// keys as those tables key rows (`:proxies` by proxy ID, `:pods` and `:svc` by
/// `namespace/name`, `:edges` by `source|destination|service|reporter`).
enum RuntimeLinks {
    static func proxy(_ proxyID: String, tab: String? = nil) -> FindingLink { FindingLink(view: "proxies", row: proxyID, tab: tab) }
    static func pod(_ namespace: String, _ name: String) -> FindingLink { FindingLink(view: "pods", row: namespace + "/" + name) }
    static func service(_ namespace: String, _ name: String) -> FindingLink { FindingLink(view: "svc", row: namespace + "/" + name) }
    static func namespace(_ name: String) -> FindingLink { FindingLink(view: "namespaces", row: name) }
    static func edge(_ e: TrafficEdge) -> FindingLink {
        FindingLink(view: "edges", row: "\(e.source)|\(e.destination)|\(e.service)|\(e.reporter)")
    }
    /// `link` that also names the flows showing the failing requests (``FindingLink/flows``).
    static func with(_ link: FindingLink, flows: FlowQuery) -> FindingLink {
        var l = link
        l.flows = flows
        return l
    }

    /// The flows of an edge's failing requests.
    static func edgeFlows(_ e: TrafficEdge, status: String) -> FlowQuery { FlowQuery(from: e.source, to: e.destination, status: status) }

    /// The flows towards an outbound cluster's service (`outbound|9080||ratings.bookinfo.svc.cluster.local`
    /// → `--to ratings`, which names the service and its workloads' versions alike).
    static func clusterFlows(_ cluster: String, status: String? = nil, flags: [String] = []) -> FlowQuery? {
        guard let name = OutboundCluster(cluster)?.host.split(separator: ".").first, !name.isEmpty else { return nil }
        return FlowQuery(to: String(name), status: status, flags: flags)
    }

    /// A ztunnel (`namespace/name`) and its tab (`workloads`, `certificates`).
    static func ztunnel(_ key: String, tab: String) -> FindingLink { FindingLink(view: "ztunnel", row: key, tab: tab) }
}

/// The objects runtime findings name (kept apart from the config rules' helpers).
enum RuntimeObjects {
    /// `Proxy reviews-v1-abc.bookinfo`: proxies are named as istiod names them.
    static func proxy(_ proxyID: String) -> FindingObject { FindingObject(kind: "Proxy", name: proxyID) }
    static func pod(_ namespace: String, _ name: String) -> FindingObject { FindingObject(kind: "Pod", namespace: namespace, name: name) }
    /// `Edge sleep.default → httpbin.default`.
    static func edge(_ e: TrafficEdge) -> FindingObject { FindingObject(kind: "Edge", name: "\(e.source) → \(e.destination)") }
}

/// A rule met data it cannot judge: the engine turns this into an MS0000 finding naming the
/// rule, so a gap is visible instead of passing silently.
public struct RuleInputError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Small facts about pods the rules share.
enum PodFacts {
    /// Istio's workload name for a pod (the `source_workload` of its metrics): the Deployment
    /// (its ReplicaSet's name without the pod-template hash), DaemonSet, StatefulSet or Job
    /// that owns it, else the pod's own name. `ReplicaSet/reviews-v2-7f9c8` → `reviews-v2`.
    static func workloadName(_ pod: KubePod) -> String {
        for owner in pod.metadata.owners {
            guard let slash = owner.firstIndex(of: "/") else { continue }
            let kind = owner[..<slash]
            let name = String(owner[owner.index(after: slash)...])
            if kind == "ReplicaSet", let dash = name.lastIndex(of: "-"), dash != name.startIndex { return String(name[..<dash]) }
            return name
        }
        return pod.metadata.name
    }

    /// Running and not being deleted: a pod whose absence from istiod or ztunnel matters.
    static func isLive(_ pod: KubePod) -> Bool { pod.phase == "Running" && pod.metadata.deletionTimestamp == nil }

    /// `workload.namespace` of every pod in the mesh (a sidecar, waypoint, gateway, or an
    /// ambient pod), as traffic edges name their ends.
    static func meshedWorkloads(_ kube: KubeFacts) -> Set<String> {
        var out = Set<String>()
        for p in kube.pods where p.meshMode != .none { out.insert(workloadName(p) + "." + (p.metadata.namespace ?? "")) }
        // A pod in an ambient namespace is meshed even before the CNI annotates it.
        let ambient = Set(kube.namespaces.filter { $0.meshEnrollment == "ambient" }.map(\.metadata.name))
        for p in kube.pods where ambient.contains(p.metadata.namespace ?? "") && p.metadata.labels["istio.io/dataplane-mode"] != "none" {
            out.insert(workloadName(p) + "." + (p.metadata.namespace ?? ""))
        }
        return out
    }
}

/// `1.24.2`, `1.24-dev`, `1.23.0-distroless` → (1, 24); nil for anything else.
public enum IstioVersion {
    public static func minor(_ version: String) -> (major: Int, minor: Int)? {
        let parts = version.split(whereSeparator: { $0 == "." || $0 == "-" })
        guard parts.count >= 2, let major = Int(parts[0].drop(while: { $0 == "v" })), let minor = Int(parts[1]),
              major >= 0, minor >= 0, major < 1_000, minor < 100_000 else { return nil }
        return (major, minor)
    }

    /// The tag of an image reference (`docker.io/istio/pilot:1.24.2` → `1.24.2`), without a digest.
    public static func imageTag(_ image: String) -> String? {
        let noDigest = image.split(separator: "@").first.map(String.init) ?? image
        guard let colon = noDigest.lastIndex(of: ":"), !noDigest[noDigest.index(after: colon)...].contains("/") else { return nil }
        let tag = String(noDigest[noDigest.index(after: colon)...])
        return tag.isEmpty ? nil : tag
    }
}

/// How much of a list a message names before saying "and N more".
enum Listing {
    static func names(_ names: [String], limit: Int = 3) -> String {
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? "\(shown) and \(names.count - limit) more" : shown
    }

    static func percent(_ ratio: Double) -> String {
        ratio.isFinite ? String(format: "%.1f%%", ratio * 100) : "?"
    }

    static func rate(_ r: Double) -> String { r.isFinite ? String(format: "%.2f/s", r) : "?" }
}
