/// The ztunnel views (`ztunnel-config workload|service|policy|certificate|connections|all`):
/// selection (filter + istioctl's ordering) and the one table definition per view.
///
/// ```swift
/// let index = ZtunnelIndex(ZtunnelDump.decode(doc))
/// let rows = ZtunnelViews.workloads(index, filter: ZtunnelFilter(namespace: "default"))
/// print(ZtunnelViews.workloadTable(rows, index: index).render())
/// ```
public enum ZtunnelViews {
    /// Same settings as istioctl's ztunnel writers: `tabwriter.Init(w, 0, 8, 1, ' ', 0)`.
    public static let layout = TabWriter(minWidth: 0, padding: 1)

    /// Workloads that pass the filter, sorted like istioctl: by `namespace.name`, then node.
    public static func workloads(_ index: ZtunnelIndex, filter: ZtunnelFilter = ZtunnelFilter()) -> [ZtunnelWorkload] {
        let all = index.dump.workloads
        let kept = all.indices.filter { filter.matches(all[$0]) }
        let order = GoCompat.order(kept.count) { k in
            let w = all[kept[k]]
            return [w.namespace + "." + w.name, w.node]
        }
        return order.map { all[kept[$0]] }
    }

    public static func workloadTable(_ workloads: [ZtunnelWorkload], index: ZtunnelIndex) -> Table {
        var table = Table(
            columns: [
                .init("NAMESPACE"), .init("POD NAME"), .init("ADDRESS"), .init("NODE"), .init("WAYPOINT"), .init("PROTOCOL"),
                .init("NETWORK", wideOnly: true), .init("STATUS", wideOnly: true), .init("SERVICE ACCOUNT", wideOnly: true),
            ],
            layout: layout)
        table.rows.reserveCapacity(workloads.count)
        for w in workloads {
            var address = w.workloadIPs.joined(separator: ",")
            if address.isEmpty { address = w.hostname }
            table.rows.append([
                w.namespace, w.name, address, w.node, index.waypointName(w.waypoint), w.protocol_,
                w.network, w.status, w.serviceAccount,
            ])
        }
        return table
    }
}
