extension ZtunnelViews {
    /// Services in the filter's namespace, sorted by namespace, name, hostname (istioctl's
    /// order). With a workload filter, only services with an endpoint on a matching workload.
    public static func services(_ index: ZtunnelIndex, filter: ZtunnelFilter = ZtunnelFilter()) -> [ZtunnelService] {
        let selected = index.dump.services.filter { s in
            guard filter.matchesNamespace(s.namespace) else { return false }
            guard filter.selectsWorkloads else { return true }
            return s.endpoints.contains { e in index.workload(uid: e.workloadUID).map(filter.matchesWorkloadFields) ?? false }
        }
        return selected.sorted { a, b in GoCompat.less((a.namespace, a.name, a.hostname), (b.namespace, b.name, b.hostname)) }
    }

    /// NAMESPACE, SERVICE NAME, SERVICE VIP, WAYPOINT, ENDPOINTS (healthy/total: an endpoint is
    /// healthy when its workload is known and `Healthy`).
    public static func serviceTable(_ services: [ZtunnelService], index: ZtunnelIndex) -> Table {
        var table = Table(
            columns: [
                .init("NAMESPACE"), .init("SERVICE NAME"), .init("SERVICE VIP"), .init("WAYPOINT"), .init("ENDPOINTS"),
                .init("HOSTNAME", wideOnly: true), .init("PORTS", wideOnly: true),
            ],
            layout: layout)
        table.rows.reserveCapacity(services.count)
        for s in services {
            let healthy = s.endpoints.reduce(0) { n, e in n + (index.workload(uid: e.workloadUID)?.status == "Healthy" ? 1 : 0) }
            let ports = s.ports.map { $0.port == $0.target.description ? $0.port : "\($0.port)→\($0.target)" }.joined(separator: ",")
            table.rows.append([
                s.namespace, s.name, s.vipAddresses.joined(separator: ","), index.waypointName(s.waypoint),
                "\(healthy)/\(s.endpoints.count)", s.hostname, ports,
            ])
        }
        return table
    }
}
