/// Lookups over one ``ZtunnelDump``, built once so views never scan lists per row
/// (istioctl resolves waypoints with a linear scan per workload; at 50,000 workloads that
/// is quadratic).
///
/// ```swift
/// let index = ZtunnelIndex(dump)
/// index.waypointName(for: workload)   // "namespace-istio-waypoint" or "None"
/// ```
public struct ZtunnelIndex: Sendable {
    public let dump: ZtunnelDump
    /// Service map key, `namespace/hostname` and every VIP → service name (first wins,
    /// as istioctl's first-match scan).
    let serviceNameByDestination: [String: String]
    let workloadByUID: [String: Int]
    /// `namespace/name` → workload index.
    let workloadByNamespacedName: [String: Int]

    public init(_ dump: ZtunnelDump) {
        self.dump = dump
        var byDestination: [String: String] = [:]
        byDestination.reserveCapacity(dump.services.count * 3)
        for s in dump.services {
            if let key = s.key, byDestination[key] == nil { byDestination[key] = s.name }
            let nsHost = s.namespace + "/" + s.hostname
            if byDestination[nsHost] == nil { byDestination[nsHost] = s.name }
            for vip in s.vips where byDestination[vip] == nil { byDestination[vip] = s.name }
        }
        serviceNameByDestination = byDestination
        var byUID: [String: Int] = [:]
        var byName: [String: Int] = [:]
        byUID.reserveCapacity(dump.workloads.count)
        byName.reserveCapacity(dump.workloads.count)
        for (i, w) in dump.workloads.enumerated() {
            if !w.uid.isEmpty, byUID[w.uid] == nil { byUID[w.uid] = i }
            let key = w.namespace + "/" + w.name
            if byName[key] == nil { byName[key] = i }
        }
        workloadByUID = byUID
        workloadByNamespacedName = byName
    }

    /// istioctl's WAYPOINT cell: `None` without a waypoint, the waypoint service's name, or
    /// `NA` when the waypoint is not among the services ztunnel knows.
    public func waypointName(_ waypoint: ZtunnelGatewayAddress?) -> String {
        guard let waypoint else { return "None" }
        return serviceNameByDestination[waypoint.destination] ?? "NA"
    }

    public func workload(uid: String) -> ZtunnelWorkload? {
        workloadByUID[uid].map { dump.workloads[$0] }
    }

    public func workload(namespace: String, name: String) -> ZtunnelWorkload? {
        workloadByNamespacedName[namespace + "/" + name].map { dump.workloads[$0] }
    }
}
