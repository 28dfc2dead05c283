/// Which hosts the live endpoint view keeps: istioctl's `EndpointFilter` (`--address`,
/// `--port`, `--cluster`, `--status`), all case-insensitive exact matches.
public struct EndpointHostFilter: Sendable, Equatable {
    public var address: String?
    public var port: UInt32?
    public var cluster: String?
    /// An EDS health status name: HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED, UNKNOWN.
    public var status: String?

    public init(address: String? = nil, port: UInt32? = nil, cluster: String? = nil, status: String? = nil) {
        self.address = address
        self.port = port
        self.cluster = cluster
        self.status = status
    }

    public func matches(_ host: EnvoyHostStatus, cluster name: String) -> Bool {
        if let address, !address.isEmpty, !EndpointHostFilter.equalFold(host.address.istioctlAddress, address) { return false }
        if let port, port != 0, host.address.port != .valid(Int(port)) { return false }
        if let cluster, !cluster.isEmpty, !EndpointHostFilter.equalFold(name, cluster) { return false }
        if let status, !status.isEmpty, !EndpointHostFilter.equalFold(host.health.edsHealthStatus.rawValue, status) { return false }
        return true
    }

    static func equalFold(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }
}

/// The live endpoint view built from `/clusters`, as `istioctl proxy-config endpoint` shows it
/// for a running pod: ENDPOINT, STATUS, OUTLIER CHECK, CLUSTER, sorted by address, port, cluster,
/// laid out with istioctl's tabwriter settings (padding 5). `-o wide` adds live per-host stats,
/// rates when a previous capture is given, and the health flags.
///
/// ```swift
/// let table = EndpointHostsTable.build(clusters, filter: EndpointHostFilter(port: 15012))
/// print(table.render())
/// // ENDPOINT                 STATUS      OUTLIER CHECK     CLUSTER
/// // 172.21.187.110:15012     HEALTHY     OK                xds-grpc
/// ```
public enum EndpointHostsTable {
    public struct Row: Sendable {
        public var cluster: String
        public var host: EnvoyHostStatus
    }

    /// Matching hosts in istioctl's order: address (as a string), then port, then cluster name.
    public static func rows(_ clusters: EnvoyClusters, filter: EndpointHostFilter = EndpointHostFilter()) -> [Row] {
        var keyed: [(address: String, row: Row)] = []
        keyed.reserveCapacity(clusters.hostCount)
        for c in clusters.clusters {
            for h in c.hosts where filter.matches(h, cluster: c.name) {
                keyed.append((h.address.istioctlAddress, Row(cluster: c.name, host: h)))
            }
        }
        keyed.sort { a, b in
            if a.address != b.address { return GoCompat.less(a.address, b.address) }
            if a.row.host.address.port != b.row.host.address.port { return a.row.host.address.port < b.row.host.address.port }
            return GoCompat.less(a.row.cluster, b.row.cluster)
        }
        let rows = keyed.map(\.row)
        return rows
    }

    /// Rates need the same host in both captures, matched by cluster name and address.
    public struct Rates: Sendable {
        public var previous: EnvoyClusters
        /// Seconds between the two captures.
        public var interval: Double

        public init(previous: EnvoyClusters, interval: Double) {
            precondition(interval > 0, "rate interval must be positive")
            self.previous = previous
            self.interval = interval
        }

        func index() -> [HostKey: HostCounters] {
            var out: [HostKey: HostCounters] = [:]
            for c in previous.clusters {
                for h in c.hosts { out[HostKey(cluster: c.name, address: h.address)] = h.counters }
            }
            return out
        }
    }

    struct HostKey: Hashable {
        var cluster: String
        var address: UpstreamHostAddress
    }

    /// - Parameters:
    ///   - envoyAddresses: spell ENDPOINT as Envoy does (`[::1]:80`, `envoy://listener/id`,
    ///     pipe paths) instead of istioctl's `::1:80` and `unix://…`; meant for `-o wide`.
    ///   - rates: a previous capture, to add RQ/S and ERR/S columns.
    public static func build(_ clusters: EnvoyClusters, filter: EndpointHostFilter = EndpointHostFilter(),
                             envoyAddresses: Bool = false, rates: Rates? = nil) -> Table {
        var columns: [Table.Column] = [
            .init("ENDPOINT"), .init("STATUS"), .init("OUTLIER CHECK"), .init("CLUSTER"),
            .init("CX ACTIVE", wideOnly: true, numeric: true), .init("RQ ACTIVE", wideOnly: true, numeric: true),
            .init("RQ TOTAL", wideOnly: true, numeric: true),
        ]
        if rates != nil { columns.append(.init("RQ/S", wideOnly: true, numeric: true)) }
        columns.append(.init("RQ ERRORS", wideOnly: true, numeric: true))
        if rates != nil { columns.append(.init("ERR/S", wideOnly: true, numeric: true)) }
        columns += [
            .init("SUCCESS RATE", wideOnly: true, numeric: true), .init("LOCALITY", wideOnly: true),
            .init("WEIGHT", wideOnly: true, numeric: true), .init("HEALTH FLAGS", wideOnly: true),
        ]
        let before = rates?.index()
        var table = Table(columns: columns, layout: TabWriter(minWidth: 0, padding: 5))
        for row in rows(clusters, filter: filter) {
            let h = row.host
            var cells = [
                endpointCell(h.address, envoyStyle: envoyAddresses),
                h.health.edsHealthStatus.rawValue,
                h.health.failedOutlierCheck ? "FAILED" : "OK",
                row.cluster,
                String(h.counters.cxActive), String(h.counters.rqActive), String(h.counters.rqTotal),
            ]
            let prev = before?[HostKey(cluster: row.cluster, address: h.address)]
            if let rates {
                cells.append(CounterRate(previous: prev?.rqTotal, current: h.counters.rqTotal, interval: rates.interval).cell)
            }
            cells.append(String(h.counters.rqError))
            if let rates {
                cells.append(CounterRate(previous: prev?.rqError, current: h.counters.rqError, interval: rates.interval).cell)
            }
            cells += [
                h.successRate.map { CounterRate.format($0) + "%" } ?? "-",
                h.locality.description,
                String(h.weight),
                h.health.flags,
            ]
            table.rows.append(cells)
        }
        return table
    }

    /// istioctl: `IP:PORT` for sockets, the address alone when the port is 0.
    static func endpointCell(_ address: UpstreamHostAddress, envoyStyle: Bool) -> String {
        if envoyStyle { return address.description }
        let port = address.port
        return port != .valid(0) ? address.istioctlAddress + ":" + port.description : address.istioctlAddress
    }
}
