/// `proxy-config route`: NAME, VHOST NAME, DOMAINS, MATCH, VIRTUAL SERVICE (istioctl's
/// default `--verbose`), or NAME, VIRTUAL HOSTS without it.
///
/// ```swift
/// let t = RouteView.table(RouteView.routeConfigs(dump, name: "http.8080"))
/// ```
public enum RouteView {
    /// Route configs as istioctl lists them: dynamic then static, "sorted" by
    /// `strconv.Atoi` of the name. That comparator calls any pair involving a non-numeric
    /// name unordered, so the order is whatever Go's sort leaves; we run the same sort.
    public static func routeConfigs(_ dump: EnvoyConfigDump, name: String = "") -> [EnvoyRouteConfig] {
        var list = dump.routeConfigs.filter { $0.state != .static }
        list += dump.routeConfigs.filter { $0.state == .static }
        return GoSort.sorted(list, key: { GoCompat.atoi($0.name) }) { a, b in
            guard let x = a, let y = b else { return false }
            return x < y
        }.filter { name.isEmpty || $0.name == name }
    }

    public static func table(_ configs: [EnvoyRouteConfig], verbose: Bool = true, options: ProxyConfigTableOptions = ProxyConfigTableOptions()) -> Table {
        var columns: [Table.Column] = [.init("NAME")]
        columns += verbose ? [.init("VHOST NAME"), .init("DOMAINS"), .init("MATCH"), .init("VIRTUAL SERVICE")] : [.init("VIRTUAL HOSTS", numeric: true)]
        if options.wide && verbose { columns += [.init("ACTION", wideOnly: true), .init("ALL DOMAINS", wideOnly: true)] }
        var rows: [[String]] = []
        for rc in configs {
            let name = options.typePrefix ? "route/" + rc.name : rc.name
            let vhosts = rc.configuration.virtualHosts
            guard verbose else {
                rows.append([name, String(vhosts.count)])
                continue
            }
            for vh in vhosts {
                let domains = vh.domains
                let domainText = describeRouteDomains(domains)
                let routes = vh.routes
                for r in routes where r.cluster != "PassthroughCluster" {
                    var row = [name, vh.name, domainText, describeMatch(r.match), IstioNaming.renderConfig(r.istioConfigPath)]
                    if options.wide { row += [describeAction(r), domains.joined(separator: ",")] }
                    rows.append(row)
                }
                if routes.isEmpty {
                    var row = [name, vh.name, domainText, "/*", "404"]
                    if options.wide { row += ["404", domains.joined(separator: ",")] }
                    rows.append(row)
                }
            }
        }
        return Table(columns: columns, rows: rows, layout: TabWriter(padding: 5))
    }

    /// istioctl's `describeMatch`: `prefix*`, `PathPrefix:/p`, the exact path, `regex R`;
    /// header matchers are not shown.
    public static func describeMatch(_ m: EnvoyRouteMatch) -> String {
        var conds: [String] = []
        if !m.prefix.isEmpty { conds.append(m.prefix + "*") }
        if !m.pathSeparatedPrefix.isEmpty { conds.append("PathPrefix:" + m.pathSeparatedPrefix) }
        if !m.path.isEmpty { conds.append(m.path) }
        if let r = m.safeRegex { conds.append("regex " + r) }
        return conds.joined(separator: " ")
    }

    /// istioctl's `describeRouteDomains`: ports dropped, `.svc`/`.svc.cluster.local`
    /// expansions folded, at most two shown then `+ N more...`.
    public static func describeRouteDomains(_ domains: [String]) -> String {
        if domains.isEmpty { return "" }
        if domains.count == 1 { return domains[0] }
        var withoutPort: [String] = []
        for d in domains {
            let colons = d.utf8.reduce(0) { $0 + ($1 == 0x3A ? 1 : 0) }
            if colons == 0 {
                withoutPort.append(d)
            } else if colons > 2 && d.hasSuffix("]") {
                // A bare IPv6 address such as [fd00:10:96::7fc7].
                withoutPort.append(d)
            }
        }
        withoutPort = unexpandDomains(withoutPort)
        let maxShown = 2
        if withoutPort.count > maxShown {
            return withoutPort.prefix(maxShown).joined(separator: ", ") + " + \(withoutPort.count - maxShown) more..."
        }
        return withoutPort.joined(separator: ", ")
    }

    static func unexpandDomains(_ domains: [String]) -> [String] {
        let unique = Set(domains)
        var shouldDelete = Set<String>()
        for h in domains {
            for suffix in [".svc.cluster.local", ".svc"] where h.hasSuffix(suffix) {
                let stripped = String(h.dropLast(suffix.count))
                if unique.contains(stripped) { shouldDelete.insert(h) }
            }
        }
        return domains.filter { !shouldDelete.contains($0) }
    }

    /// Wide: what the route does (`cluster`, weighted clusters, redirect, direct response ...).
    static func describeAction(_ r: EnvoyRoute) -> String {
        switch r.action {
        case .route:
            if let c = r.cluster { return c }
            let w = r.weightedClusters
            if !w.isEmpty { return w.map { "\($0.name)=\($0.weight)" }.joined(separator: ",") }
            if let h = r.clusterHeader { return "header:" + h }
            return "route"
        case .redirect: return "redirect"
        case .directResponse: return "direct_response " + (r.json["direct_response"]?["status"]?.rawText ?? "")
        case .filterAction: return "filter_action"
        case .nonForwarding: return "non_forwarding"
        case .none: return "-"
        }
    }
}
