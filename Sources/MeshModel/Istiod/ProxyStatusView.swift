import Foundation

/// `proxy-status`: which proxy is connected to which istiod, and whether each xDS type
/// it subscribes to is in sync. Columns and order as istioctl prints them.
///
/// ```swift
/// let proxies = ProxyStatusView.select(syncz.proxies)
/// ProxyStatusView.table(proxies, verbose: false, now: Date()).render()
/// ```
public enum ProxyStatusView {
    /// istioctl's `tabwriter.Init(w, 0, 8, 5, ' ', 0)`.
    public static let layout = TabWriter(minWidth: 0, padding: 5)

    /// Proxies of the namespace (all when nil), sorted by proxy ID.
    public static func select(_ proxies: [ProxySyncStatus], namespace: String? = nil) -> [ProxySyncStatus] {
        let kept = namespace.map { ns in proxies.filter { $0.namespace == ns } } ?? proxies
        return kept.enumerated().sorted { a, b in
            a.element.proxyID != b.element.proxyID ? GoCompat.less(a.element.proxyID, b.element.proxyID) : a.offset < b.offset
        }.map(\.element)
    }

    /// Default: NAME, CLUSTER, ISTIOD, VERSION, SUBSCRIBED TYPES. Verbose (`-v 1`): NAME,
    /// CLUSTER, one column per xDS type (every type seen plus CDS, LDS, EDS, RDS, ECDS, sorted by
    /// type URL), ISTIOD, VERSION. Wide adds TYPE and, given `/debug/connections`, ADDRESS and
    /// CONNECTED (age).
    public static func table(_ proxies: [ProxySyncStatus], verbose: Bool, now: Date, connections: [String: IstiodConnections.Client]? = nil) -> Table {
        var columns: [Table.Column] = [.init("NAME"), .init("CLUSTER")]
        var typeColumns: [String] = []
        if verbose {
            var all = Set(XdsType.known)
            for p in proxies { for t in p.types { all.insert(t.typeURL) } }
            typeColumns = all.sorted(by: GoCompat.less)
            columns += typeColumns.map { Table.Column(XdsType.shortName($0)) }
            columns += [.init("ISTIOD"), .init("VERSION")]
        } else {
            columns += [.init("ISTIOD"), .init("VERSION"), .init("SUBSCRIBED TYPES")]
        }
        columns.append(.init("TYPE", wideOnly: true))
        if connections != nil { columns += [.init("ADDRESS", wideOnly: true), .init("CONNECTED", wideOnly: true)] }

        var table = Table(columns: columns, layout: layout)
        for p in proxies {
            var row = [p.proxyID, p.clusterID]
            if verbose {
                for t in typeColumns { row.append(p.status(forType: t).map { cell($0, now: now) } ?? "IGNORED") }
                row += [p.istiod, p.version]
            } else {
                row += [p.istiod, p.version, subscribedTypes(p)]
            }
            row.append(p.proxyType)
            if let connections {
                let c = connections[p.proxyID]
                row.append(c?.address ?? "")
                row.append(c?.connectedAt.map { HumanDuration.format(seconds: now.timeIntervalSince($0)) } ?? "")
            }
            table.rows.append(row)
        }
        return table
    }

    /// `5 (CDS,LDS,EDS,RDS,ECDS)`: how many types, classic ones in istioctl's order first.
    public static func subscribedTypes(_ p: ProxySyncStatus) -> String {
        let urls = Set(p.types.map(\.typeURL))
        if urls.isEmpty { return "0" }
        var ordered = XdsType.coreOrder.filter(urls.contains)
        ordered += urls.subtracting(XdsType.coreOrder).sorted(by: GoCompat.less)
        return "\(ordered.count) (\(ordered.map(XdsType.shortName).joined(separator: ",")))"
    }

    /// SYNCED, STALE, ERROR (with the age of the last push when known), NOT SENT, IGNORED.
    public static func cell(_ s: XdsTypeStatus, now: Date) -> String {
        switch s.state {
        case .unknown, .notSent: return s.state.description
        default:
            guard let t = s.lastUpdated else { return s.state.description }
            return "\(s.state) (\(HumanDuration.format(seconds: now.timeIntervalSince(t))))"
        }
    }

    /// `-o json|yaml`: CSDS `DiscoveryResponse`s, one per istiod, the shape istioctl prints.
    /// ClientConfigs read from CSDS are kept as given; syncz entries are converted.
    public static func output(_ proxies: [ProxySyncStatus]) -> JSONTree {
        var order: [String] = []
        var byIstiod: [String: [ProxySyncStatus]] = [:]
        for p in proxies {
            if byIstiod[p.istiod] == nil { order.append(p.istiod) }
            byIstiod[p.istiod, default: []].append(p)
        }
        let responses: [JSONTree] = order.map { istiod in
            let members = byIstiod[istiod]!
            let source = members[0].response
            // Unfiltered and from one response: print that response exactly.
            if let source, members.allSatisfy({ $0.response?.index == source.index }),
               members.count == (source["resources"]?.count ?? -1) {
                return .json(source)
            }
            let identifier = #"{"Component":"istiod","ID":"\#(istiod)"}"#
            return .compact([
                ("versionInfo", source?["version_info"].map { .json($0) }),
                ("resources", .array(members.map(clientConfig))),
                ("typeUrl", .string("type.googleapis.com/envoy.service.status.v3.ClientConfig")),
                ("controlPlane", source?["control_plane"].map { .json($0) } ?? .object([("identifier", .string(identifier))])),
            ])
        }
        return responses.count == 1 ? responses[0] : .array(responses)
    }

    static func clientConfig(_ p: ProxySyncStatus) -> JSONTree {
        if let raw = p.raw, raw["node"] != nil { return .json(raw) }
        var metadata: [(String, JSONTree)] = []
        if !p.clusterID.isEmpty { metadata.append(("CLUSTER_ID", .string(p.clusterID))) }
        if !p.version.isEmpty { metadata.append(("ISTIO_VERSION", .string(p.version))) }
        let configs: [JSONTree] = p.types.map { t in
            .compact([
                ("typeUrl", .string(t.typeURL)),
                ("configStatus", t.state == .unknown ? nil : .string(t.state.rawValue)),
                ("lastUpdated", t.lastUpdated.map { .string(Timestamp.rfc3339($0)) }),
            ])
        }
        return .object([
            ("@type", .string("type.googleapis.com/envoy.service.status.v3.ClientConfig")),
            ("node", .object([("id", .string(p.proxyID)), ("metadata", .object(metadata))])),
            ("genericXdsConfigs", .array(configs)),
        ])
    }
}
