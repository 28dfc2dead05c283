/// istioctl's endpoint filter (`--address --port --cluster --status`).
public struct EndpointFilter: Sendable, Equatable {
    /// Compared with the printed address, which is `ip:port` for socket addresses.
    public var address = ""
    public var port = 0
    public var cluster = ""
    public var status = ""

    public init(address: String = "", port: Int = 0, cluster: String = "", status: String = "") {
        self.address = address
        self.port = port
        self.cluster = cluster
        self.status = status
    }

    public var isEmpty: Bool { address.isEmpty && port == 0 && cluster.isEmpty && status.isEmpty }

    public func matches(_ ep: EnvoyLbEndpoint, cluster clusterName: String) -> Bool {
        if isEmpty { return true }
        if !address.isEmpty && !ep.addressDescriptions.contains(where: { $0.lowercased() == address.lowercased() }) { return false }
        if port != 0 && (ep.address?.port ?? 0) != port { return false }
        if !cluster.isEmpty && clusterName.lowercased() != cluster.lowercased() { return false }
        if !status.isEmpty && ep.healthStatus.lowercased() != status.lowercased() { return false }
        return true
    }
}

/// One row of the endpoint table, as plain values so that any source can feed the
/// table: EDS in a config dump (``EndpointView/rows(_:)``) or the `/clusters` admin output.
public struct EndpointRow: Sendable, Equatable {
    /// Addresses as istioctl prints them, joined with `,`.
    public var address: String
    public var status: String
    public var locality: String
    public var clusterName: String
    /// Wide: load balancing weight ("" when unset).
    public var weight: String
    /// Wide: `name.namespace` of the Istio workload behind the endpoint ("" when unknown).
    public var workload: String

    public init(address: String, status: String, locality: String, clusterName: String, weight: String = "", workload: String = "") {
        self.address = address
        self.status = status
        self.locality = locality
        self.clusterName = clusterName
        self.weight = weight
        self.workload = workload
    }
}

/// The endpoints of one cluster after filtering (what `-o json` prints per cluster).
public struct FilteredAssignment: Sendable {
    public var config: EnvoyEndpointConfig
    /// Per locality (in order), the endpoints that passed the filter.
    public var localities: [(locality: EnvoyLocalityEndpoints, endpoints: [EnvoyLbEndpoint])]
    public var endpointCount: Int { localities.reduce(0) { $0 + $1.endpoints.count } }
}

/// `proxy-config endpoint` from the EDS section of a `/config_dump?include_eds`:
/// NAME (the endpoint address), STATUS, LOCALITY, CLUSTER.
///
/// The rows come from ``EndpointRow``s so another source (the `/clusters` admin output)
/// can feed the same table.
///
/// ```swift
/// let t = EndpointView.table(EndpointView.assignments(dump, filter: EndpointFilter(status: "healthy")))
/// ```
public enum EndpointView {
    /// Cluster load assignments as istioctl lists them: dynamic then static, dropping those
    /// with no endpoint left after filtering, sorted like clusters.
    public static func assignments(_ dump: EnvoyConfigDump, filter: EndpointFilter = EndpointFilter()) -> [FilteredAssignment] {
        var list = dump.endpointConfigs.filter { $0.state != .static }
        list += dump.endpointConfigs.filter { $0.state == .static }
        var result: [FilteredAssignment] = []
        for config in list {
            let cla = config.assignment
            let localities = cla.localities.map { loc in
                (locality: loc, endpoints: loc.endpoints.filter { filter.matches($0, cluster: config.clusterName) })
            }
            let a = FilteredAssignment(config: config, localities: localities)
            if a.endpointCount > 0 { result.append(a) }
        }
        return GoSort.sorted(result, key: { IstioNaming.sortKey($0.config.clusterName) }, by: IstioNaming.subsetKeyLess)
    }

    public static func rows(_ assignments: [FilteredAssignment]) -> [EndpointRow] {
        var rows: [EndpointRow] = []
        for a in assignments {
            for (loc, eps) in a.localities {
                let locality = loc.localityDescription
                for ep in eps {
                    rows.append(EndpointRow(
                        address: ep.addressDescriptions.joined(separator: ","), status: ep.healthStatus,
                        locality: locality, clusterName: a.config.clusterName,
                        weight: ep.loadBalancingWeight.map(String.init) ?? "",
                        workload: ep.istioWorkload.map(workloadName) ?? ""))
                }
            }
        }
        return rows
    }

    public static func table(_ assignments: [FilteredAssignment], options: ProxyConfigTableOptions = ProxyConfigTableOptions()) -> Table {
        table(rows: rows(assignments), options: options)
    }

    public static func table(rows source: [EndpointRow], options: ProxyConfigTableOptions = ProxyConfigTableOptions()) -> Table {
        var columns: [Table.Column] = [.init("NAME"), .init("STATUS"), .init("LOCALITY"), .init("CLUSTER")]
        if options.wide { columns += [.init("WEIGHT", wideOnly: true, numeric: true), .init("WORKLOAD", wideOnly: true)] }
        var rows: [[String]] = []
        rows.reserveCapacity(source.count)
        for r in source {
            var row = [options.typePrefix ? "endpoint/" + r.address : r.address, r.status, r.locality, r.clusterName]
            if options.wide { row += [r.weight, r.workload] }
            rows.append(row)
        }
        return Table(columns: columns, rows: rows, layout: TabWriter(padding: 5))
    }

    /// `name;namespace;canonical-name;revision;cluster` → `name.namespace`.
    static func workloadName(_ w: String) -> String {
        let parts = w.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count >= 2, !parts[0].isEmpty else { return w }
        return "\(parts[0]).\(parts[1])"
    }
}
