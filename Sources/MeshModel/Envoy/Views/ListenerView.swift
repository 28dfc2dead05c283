/// istioctl's listener filter (`--address --port --type`).
public struct ListenerFilter: Sendable, Equatable {
    public var address = ""
    public var port = 0
    public var type = ""

    public init(address: String = "", port: Int = 0, type: String = "") {
        self.address = address
        self.port = port
        self.type = type
    }

    public func matches(_ l: EnvoyListener) -> Bool {
        if address.isEmpty && port == 0 && type.isEmpty { return true }
        if !address.isEmpty {
            let addresses = ListenerView.additionalHosts(l) + [ListenerView.host(l)]
            if !addresses.contains(where: { $0.lowercased() == address.lowercased() }) { return false }
        }
        if port != 0 && ListenerView.port(l) != port { return false }
        if !type.isEmpty && ListenerView.listenerType(l).lowercased() != type.lowercased() { return false }
        return true
    }
}

/// `proxy-config listener`: ADDRESSES, PORT, MATCH, DESTINATION (istioctl's default
/// `--verbose`), or ADDRESSES, PORT, TYPE without it.
///
/// ```swift
/// let t = ListenerView.table(ListenerView.listeners(dump), verbose: true)
/// ```
public enum ListenerView {
    /// Listeners as istioctl collects them: dynamic active, then static (unsorted; the
    /// table sorts, `-o json` prints this order).
    public static func listeners(_ dump: EnvoyConfigDump, filter: ListenerFilter = ListenerFilter(), includeAllStates: Bool = false) -> [EnvoyListener] {
        var list = dump.listeners.filter { $0.state == .active }
        list += dump.listeners.filter { $0.state == .static }
        if includeAllStates { list += dump.listeners.filter { $0.state != .active && $0.state != .static } }
        return list.filter { filter.matches($0) }
    }

    /// Sorted by port, address, type, as `PrintListenerSummary`.
    public static func sorted(_ listeners: [EnvoyListener]) -> [EnvoyListener] {
        GoSort.sorted(listeners, key: { (port: port($0), host: host($0), type: listenerType($0)) }) { a, b in
            if a.port != b.port { return a.port < b.port }
            if a.host != b.host { return GoCompat.less(a.host, b.host) }
            return GoCompat.less(a.type, b.type)
        }
    }

    public static func table(_ listeners: [EnvoyListener], verbose: Bool = true, options: ProxyConfigTableOptions = ProxyConfigTableOptions()) -> Table {
        var columns: [Table.Column] = []
        if options.typePrefix { columns.append(.init("NAME")) }
        columns += [.init("ADDRESSES"), .init("PORT", numeric: true)]
        columns += verbose ? [.init("MATCH"), .init("DESTINATION")] : [.init("TYPE")]
        if options.wide { columns += [.init("LISTENER", wideOnly: true), .init("CHAIN", wideOnly: true), .init("STATE", wideOnly: true)] }
        var rows: [[String]] = []
        for l in sorted(listeners) {
            let addresses = ([host(l)] + additionalHosts(l)).joined(separator: ",")
            let portText = (l.address?.portNumber ?? .valid(0)).description
            let prefix = options.typePrefix ? ["listener/" + l.name] : []
            if verbose {
                var chains = l.filterChains.map { (match: describeMatch($0.match), destination: destination($0.filters), name: $0.name) }
                GoSort.slice(&chains) { GoCompat.less($1.destination, $0.destination) }
                for c in chains {
                    var row = prefix + [addresses, portText, c.match, c.destination]
                    if options.wide { row += [l.name, c.name, l.state.rawValue] }
                    rows.append(row)
                }
            } else {
                var row = prefix + [addresses, portText, listenerType(l)]
                if options.wide { row += [l.name, "", l.state.rawValue] }
                rows.append(row)
            }
        }
        return Table(columns: columns, rows: rows, layout: TabWriter(padding: 1))
    }

    // MARK: istioctl's listener helpers

    /// `retrieveListenerAddress`: socket address or pipe path, else "".
    public static func host(_ l: EnvoyListener) -> String { l.address?.host ?? "" }

    /// `retrieveListenerAdditionalAddresses`: the socket address of each (else "").
    static func additionalHosts(_ l: EnvoyListener) -> [String] {
        l.additionalAddresses.map { if case .socket(let a, _, _) = $0 { a } else { "" } }
    }

    public static func port(_ l: EnvoyListener) -> Int { l.address?.port ?? 0 }

    /// HTTP, TCP, HTTP+TCP or UNKNOWN from the chains' filters (`retrieveListenerType`).
    public static func listenerType(_ l: EnvoyListener) -> String {
        var http = 0
        var tcp = 0
        for chain in l.filterChains {
            for f in chain.filters {
                if f.isHTTPConnectionManager {
                    http += 1
                } else if f.isTCPProxy && !f.mentionsBlackHoleCluster {
                    tcp += 1
                }
            }
        }
        if http > 0 { return tcp == 0 ? "HTTP" : "HTTP+TCP" }
        return tcp > 0 ? "TCP" : "UNKNOWN"
    }

    static let plaintextHTTPALPNs = ["http/1.0", "http/1.1", "h2c"]
    static let istioHTTPPlaintext = ["istio", "istio-http/1.0", "istio-http/1.1", "istio-h2"]
    static let httpTLS = ["http/1.0", "http/1.1", "h2c", "istio-http/1.0", "istio-http/1.1", "istio-h2"]
    static let tcpTLS = ["istio-peer-exchange", "istio"]

    /// The MATCH cell (`getMatches`): SNI, transport, ALPN family, destination address/port.
    public static func describeMatch(_ m: EnvoyFilterChainMatch) -> String {
        var parts: [String] = []
        if !m.serverNames.isEmpty { parts.append("SNI: " + m.serverNames.joined(separator: ",")) }
        if !m.transportProtocol.isEmpty { parts.append("Trans: " + m.transportProtocol) }
        if !m.applicationProtocols.isEmpty {
            switch m.applicationProtocols {
            case httpTLS: parts.append("App: HTTP TLS")
            case istioHTTPPlaintext: parts.append("App: Istio HTTP Plain")
            case tcpTLS: parts.append("App: TCP TLS")
            case plaintextHTTPALPNs: parts.append("App: HTTP")
            default: parts.append("App: " + m.applicationProtocols.joined(separator: ","))
            }
        }
        let port = m.destinationPort.map { ":\($0)" } ?? ""
        if !m.prefixRanges.isEmpty {
            parts.append("Addr: " + m.prefixRanges.map { "\($0.addressPrefix)/\($0.prefixLen)" }.joined(separator: ",") + port)
        } else if !port.isEmpty {
            parts.append("Addr: *" + port)
        }
        return parts.isEmpty ? "ALL" : parts.joined(separator: "; ")
    }

    /// The DESTINATION cell (`getFilterType`): the first HTTP connection manager's route
    /// (inline or RDS) or TCP proxy's cluster; TCP proxies to BlackHoleCluster are skipped.
    public static func destination(_ filters: [EnvoyFilter]) -> String {
        for f in filters {
            if f.isHTTPConnectionManager {
                let hcm = EnvoyHTTPConnectionManager(f.config?.value ?? f.json)
                if let rc = hcm.routeConfig { return describeRouteConfig(rc) }
                if let rds = hcm.rdsRouteConfigName, !rds.isEmpty { return "Route: " + rds }
                return "HTTP"
            } else if f.isTCPProxy, !f.mentionsBlackHoleCluster {
                let cluster = EnvoyTCPProxy(f.config?.value ?? f.json).cluster
                return cluster.contains("Cluster") ? cluster : "Cluster: " + cluster
            }
        }
        return "Non-HTTP/Non-TCP"
    }

    static func describeRouteConfig(_ rc: EnvoyRouteConfiguration) -> String {
        let vhosts = rc.virtualHosts
        if let cluster = matchAllCluster(vhosts) { return cluster }
        let described = vhosts.map { vh -> String in
            let domains = vh.domains
            let routes = vh.routes.map { RouteView.describeMatch($0.match) }.joined(separator: ", ")
            if domains == ["*"] { return routes }
            return domains.joined(separator: "/") + " " + routes
        }
        return "Inline Route: " + described.joined(separator: "; ")
    }

    /// A route config that sends everything to one cluster is shown as that cluster.
    static func matchAllCluster(_ vhosts: [EnvoyVirtualHost]) -> String? {
        guard vhosts.count == 1, vhosts[0].domains == ["*"] else { return nil }
        let routes = vhosts[0].routes
        guard routes.count == 1, routes[0].match.prefix == "/", let cluster = routes[0].cluster else { return nil }
        return cluster.contains("Cluster") ? cluster : "Cluster: " + cluster
    }
}
