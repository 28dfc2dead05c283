/// What `meshscope ztunnel-config ... --namespace --workload-name --node --address` keeps.
///
/// Each view applies the filters the data can answer: a workload by its own fields, a
/// service by the workloads behind its endpoints, a certificate by the identities of the
/// matching workloads, a policy by the scope rules ztunnel itself applies, a connection by
/// the workload it belongs to. Comparisons ignore case, as istioctl's do.
///
/// ```swift
/// let f = ZtunnelFilter(namespace: "bookinfo", node: "ambient-worker")
/// ZtunnelViews.workloads(index, filter: f).map(\.name)
/// ```
public struct ZtunnelFilter: Sendable, Equatable {
    public enum Direction: String, Sendable, CaseIterable { case inbound, outbound }

    public var namespace: String?
    /// Pod name.
    public var workloadName: String?
    public var node: String?
    /// One of the workload's IPs.
    public var address: String?
    /// Connections only.
    public var direction: Direction?

    public init(namespace: String? = nil, workloadName: String? = nil, node: String? = nil, address: String? = nil, direction: Direction? = nil) {
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.workloadName = workloadName.flatMap { $0.isEmpty ? nil : $0 }
        self.node = node.flatMap { $0.isEmpty ? nil : $0 }
        self.address = address.flatMap { $0.isEmpty ? nil : $0 }
        self.direction = direction
    }

    /// No workload-level filter at all (namespace and direction aside).
    var selectsWorkloads: Bool { workloadName != nil || node != nil || address != nil }

    public var isEmpty: Bool { namespace == nil && !selectsWorkloads && direction == nil }

    func matchesNamespace(_ ns: String) -> Bool {
        guard let namespace else { return true }
        return ns.lowercased() == namespace.lowercased()
    }

    public func matches(_ w: ZtunnelWorkload) -> Bool {
        matchesNamespace(w.namespace) && matchesWorkloadFields(w)
    }

    /// Name, node and address only: for views whose namespace is not the workload's.
    func matchesWorkloadFields(_ w: ZtunnelWorkload) -> Bool {
        if let workloadName, w.name.lowercased() != workloadName.lowercased() { return false }
        if let node, w.node.lowercased() != node.lowercased() { return false }
        if let address, !w.workloadIPs.contains(where: { $0.lowercased() == address.lowercased() }) { return false }
        return true
    }
}
