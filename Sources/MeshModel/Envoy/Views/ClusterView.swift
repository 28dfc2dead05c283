/// How a proxy-config table is rendered.
public struct ProxyConfigTableOptions: Sendable, Equatable {
    /// Prefix names with their kind (`cluster/…`, `listener/…`) and add a NAME column,
    /// as `istioctl proxy-config all` does.
    public var typePrefix: Bool
    /// meshscope's corrected rendering (see docs/cli.md): extra columns, istioctl quirks fixed.
    public var wide: Bool

    public init(typePrefix: Bool = false, wide: Bool = false) {
        self.typePrefix = typePrefix
        self.wide = wide
    }
}

/// istioctl's cluster filter (`--fqdn --port --subset --direction`): substring matches on the name.
public struct ClusterFilter: Sendable, Equatable {
    public var fqdn = ""
    public var port = 0
    public var subset = ""
    public var direction = ""

    public init(fqdn: String = "", port: Int = 0, subset: String = "", direction: String = "") {
        self.fqdn = fqdn
        self.port = port
        self.subset = subset
        self.direction = direction
    }

    public func matches(_ name: String) -> Bool {
        if !fqdn.isEmpty && !GoCompat.contains(name, fqdn) { return false }
        if !direction.isEmpty && !GoCompat.contains(name, direction) { return false }
        if !subset.isEmpty && !GoCompat.contains(name, subset) { return false }
        if port != 0 && !GoCompat.contains(name, "|\(port)|") { return false }
        return true
    }
}

/// `proxy-config cluster`: SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE, DESTINATION RULE.
///
/// ```swift
/// let rows = ClusterView.clusters(dump, filter: ClusterFilter(port: 9080))
/// print(ClusterView.table(rows).render())
/// ```
public enum ClusterView {
    /// The clusters istioctl lists, in its order: dynamic active then static, sorted by
    /// (hostname, subset, port, direction) with Go's unstable sort. `includeWarming` adds
    /// dynamic warming clusters (meshscope's wide view).
    public static func clusters(_ dump: EnvoyConfigDump, filter: ClusterFilter = ClusterFilter(), includeWarming: Bool = false) -> [EnvoyCluster] {
        var list = dump.clusters.filter { $0.state == .active }
        list += dump.clusters.filter { $0.state == .static }
        if includeWarming { list += dump.clusters.filter { $0.state == .warming } }
        return GoSort.sorted(list, key: { IstioNaming.sortKey($0.name) }, by: IstioNaming.subsetKeyLess)
            .filter { filter.matches($0.name) }
    }

    public static func table(_ clusters: [EnvoyCluster], options: ProxyConfigTableOptions = ProxyConfigTableOptions()) -> Table {
        var columns: [Table.Column] = []
        if options.typePrefix { columns.append(.init("NAME")) }
        columns += [.init("SERVICE FQDN"), .init("PORT", numeric: true), .init("SUBSET"), .init("DIRECTION"), .init("TYPE"), .init("DESTINATION RULE")]
        if options.wide { columns += [.init("STATE", wideOnly: true), .init("TLS", wideOnly: true)] }
        var rows: [[String]] = []
        rows.reserveCapacity(clusters.count)
        for c in clusters {
            let prefixed = "cluster/" + c.name
            var row: [String] = []
            if options.typePrefix { row.append(prefixed) }
            // istioctl's `all` renames the cluster before printing, so its SERVICE FQDN cell
            // reads `cluster/agent` for names that are not subset keys; wide prints the name.
            let displayName = options.typePrefix && !options.wide ? prefixed : c.name
            if IstioNaming.partCount(c.name) > 3 {
                let k = IstioNaming.parseSubsetKey(c.name)
                row += [k.hostname, String(k.port), k.subset.isEmpty ? "-" : k.subset, k.direction]
            } else {
                row += [displayName, "-", "-", "-"]
            }
            row.append(options.wide ? c.effectiveType : c.discoveryType)
            row.append(IstioNaming.renderConfig(c.istioConfigPath))
            if options.wide {
                row.append(c.state.rawValue)
                row.append(tlsDescription(c))
            }
            rows.append(row)
        }
        return Table(columns: columns, rows: rows, layout: TabWriter(padding: 5))
    }

    /// What the cluster's transport socket does: `mTLS`/`TLS` (with SNI), `Istio auto`
    /// for `transport_socket_matches`, `-` for plaintext.
    static func tlsDescription(_ c: EnvoyCluster) -> String {
        if let ts = c.transportSocket {
            if ts.config?.kind == .upstreamTLS {
                let v = ts.config!.value
                let sni = v["sni"]?.string
                let hasCert = v["common_tls_context"]?["tls_certificate_sds_secret_configs"] != nil
                    || v["common_tls_context"]?["tls_certificates"] != nil
                return (hasCert ? "mTLS" : "TLS") + (sni.map { " sni=\($0)" } ?? "")
            }
            return ts.name.isEmpty ? (ts.config?.typeName ?? "-") : ts.name
        }
        if !c.transportSocketMatchNames.isEmpty { return "auto (" + c.transportSocketMatchNames.joined(separator: ",") + ")" }
        if c.json["tls_context"] != nil { return "TLS (v2 tls_context)" }
        return "-"
    }
}
