/// One open connection of a local workload, as the connections table shows it.
public struct ZtunnelConnectionRow: Sendable, Equatable {
    /// `name.namespace`.
    public var workload: String
    public var direction: ZtunnelFilter.Direction
    public var local: String
    public var remote: String
    /// What the client asked for (inbound: as given; outbound: resolved like the addresses).
    public var remoteTarget: String
    public var protocol_: String
}

extension ZtunnelViews {
    /// Workload states sorted by namespace then name, filtered by namespace, and with a
    /// workload filter, by the matching workload (joined on namespace/name for the node).
    public static func workloadStates(_ index: ZtunnelIndex, filter: ZtunnelFilter = ZtunnelFilter()) -> [ZtunnelWorkloadState] {
        let selected = index.dump.workloadStates.filter { s in
            guard filter.matchesNamespace(s.namespace) else { return false }
            guard filter.selectsWorkloads else { return true }
            if let w = index.workload(namespace: s.namespace, name: s.name) { return filter.matchesWorkloadFields(w) }
            // Not in the workload list: only the name can be checked.
            guard filter.node == nil, filter.address == nil, let name = filter.workloadName else { return false }
            return s.name.lowercased() == name.lowercased()
        }
        return selected.sorted { a, b in GoCompat.less((a.namespace, a.name), (b.namespace, b.name)) }
    }

    /// istioctl's connection rows: addresses that are a known service VIP or workload IP are
    /// shown by name (`host:port`) unless `raw`; inbound REMOTE TARGET is printed as given.
    public static func connectionRows(_ states: [ZtunnelWorkloadState], index: ZtunnelIndex, direction: ZtunnelFilter.Direction? = nil, raw: Bool = false) -> [ZtunnelConnectionRow] {
        var names: [String: String] = [:]
        if !raw {
            // Workloads first, then services, so a service name wins for a shared IP (istioctl
            // looks services up first).
            for w in index.dump.workloads { names[w.workloadIPs.first ?? "None"] = w.name + "." + w.namespace }
            for s in index.dump.services { names[s.vipAddresses.first ?? "None"] = s.hostname }
        }
        func lookup(_ addr: String) -> String {
            guard !raw, let (host, port) = GoCompat.splitHostPort(addr), let name = names[host] else { return addr }
            return GoCompat.joinHostPort(name, port)
        }
        var rows: [ZtunnelConnectionRow] = []
        for s in states {
            let name = s.name + "." + s.namespace
            if direction != .outbound {
                for c in s.inbound {
                    rows.append(ZtunnelConnectionRow(
                        workload: name, direction: .inbound, local: lookup(c.actualDst), remote: lookup(c.src),
                        remoteTarget: c.originalDst, protocol_: c.protocol_))
                }
            }
            if direction != .inbound {
                for c in s.outbound {
                    rows.append(ZtunnelConnectionRow(
                        workload: name, direction: .outbound, local: lookup(c.src), remote: lookup(c.actualDst),
                        remoteTarget: lookup(c.originalDst), protocol_: c.protocol_))
                }
            }
        }
        return rows
    }

    public static func connectionTable(_ rows: [ZtunnelConnectionRow]) -> Table {
        var table = Table(
            columns: [.init("WORKLOAD"), .init("DIRECTION"), .init("LOCAL"), .init("REMOTE"), .init("REMOTE TARGET"), .init("PROTOCOL")],
            layout: layout)
        table.rows = rows.map {
            [$0.workload, $0.direction == .inbound ? "Inbound" : "Outbound", $0.local, $0.remote, $0.remoteTarget, $0.protocol_]
        }
        return table
    }
}
