import Foundation
import MeshModel
import TerminalUI

/// ztunnel, proxy-status and traffic-edge views, bound to the same MeshModel builders as
/// `meshscope ztunnel-config`, `proxy-status` and `ztunnel-config edges`.
public enum MeshViews {
    public static let ztunnel = ViewGroup(name: "ztunnel", aliases: ["zt", "zc"], title: "ztunnel", tabs: [
        .table(workloads), .table(services), .table(policies), .table(certificates), .table(connections),
    ])

    /// Labels a workload can be selected by with `/-l`: its canonical-service labels
    /// (what ztunnel derived them from) and its scheduling facts.
    static func labels(_ w: ZtunnelWorkload) -> [String: String] {
        var l: [String: String] = [
            "namespace": w.namespace, "node": w.node, "protocol": w.protocol_, "status": w.status,
            "service-account": w.serviceAccount, "workload-type": w.workloadType, "network": w.network,
        ]
        if !w.canonicalName.isEmpty { l["service.istio.io/canonical-name"] = w.canonicalName; l["app"] = w.canonicalName }
        if !w.canonicalRevision.isEmpty { l["service.istio.io/canonical-revision"] = w.canonicalRevision; l["version"] = w.canonicalRevision }
        return l.filter { !$0.value.isEmpty }
    }

    /// A workload's ambient facts (its address, waypoint and HBONE or TCP: istioctl's default
    /// columns) stay with its name on a narrow screen; NODE gives its width first.
    public static let workloads = TableViewSpec(
        name: "workloads", aliases: ["workload", "wl"], title: "Workloads", identityColumns: 2, nameColumn: 1,
        build: { data in
            let index = try data.requireZtunnel()
            let list = ZtunnelViews.workloads(index)
            var vt = ViewTable(ZtunnelViews.workloadTable(list, index: index), rowValues: list.map { .json($0.raw) })
            vt.rowLabels = list.map(labels)
            return vt
        }).keeping(["POD NAME", "STATUS", "NAMESPACE", "ADDRESS", "WAYPOINT", "PROTOCOL"])

    public static let services = TableViewSpec(
        name: "services", aliases: ["service", "svc"], title: "Services", identityColumns: 2, nameColumn: 1,
        build: { data in
            let index = try data.requireZtunnel()
            let list = ZtunnelViews.services(index)
            return ViewTable(ZtunnelViews.serviceTable(list, index: index), rowValues: list.map { .json($0.raw) })
        })

    public static let policies = TableViewSpec(
        name: "policies", aliases: ["policy", "pol"], title: "Policies", identityColumns: 2, nameColumn: 1,
        build: { data in
            let index = try data.requireZtunnel()
            let list = ZtunnelViews.policies(index)
            return ViewTable(ZtunnelViews.policyTable(list), rowValues: list.map { .json($0.raw) })
        })

    /// The SPIFFE ID, whether it is valid and when it expires stay longest; the serial number
    /// and NOT BEFORE give their width first (scrolled to with →).
    public static let certificates = TableViewSpec(
        name: "certificates", aliases: ["certs", "cert"], title: "Certificates", identityColumns: 3,
        build: { data in
            let index = try data.requireZtunnel()
            return ViewTable(ZtunnelViews.certificateTable(ZtunnelViews.certificateRows(ZtunnelViews.certificates(index)), now: data.clock))
        }).keeping(["CERTIFICATE NAME", "STATUS", "VALID CERT", "NOT AFTER", "TYPE"])

    public static let connections = TableViewSpec(
        name: "connections", aliases: ["conn", "connection"], title: "Connections", identityColumns: 4,
        build: { data in
            let index = try data.requireZtunnel()
            let states = ZtunnelViews.workloadStates(index)
            return ViewTable(ZtunnelViews.connectionTable(ZtunnelViews.connectionRows(states, index: index)))
        })

    /// Per-type sync state, one column per xDS type (`proxy-status -v 1`).
    public static let proxies = TableViewSpec(
        name: "proxies", aliases: ["proxy-status", "ps"], title: "Proxies",
        cellRole: syncRole, identityColumns: 2,
        build: { data in
            guard let list = data.proxyStatus else {
                if let reachable = Forbidden.reachableProxies(data) { return reachable }
                throw SourceData.Unavailable(description: EmptyStates.istiodSync(data))
            }
            return ViewTable(ProxyStatusView.table(list, verbose: true, now: data.clock),
                             rowValues: list.map { $0.raw.map(JSONTree.json) ?? .null })
        }).keeping(proxyColumns)

    /// What `:proxies` keeps longest on a narrow screen: the proxy, then the sync state of the
    /// types every proxy must receive (where STALE and ERROR show), then the rest of its
    /// identity; ISTIOD and VERSION give their width first. SYNC is the column of the list
    /// shown when istiod refused (``Forbidden/reachableProxies(_:)``).
    static let proxyColumns = ["NAME", "SYNC", "CDS", "LDS", "EDS", "RDS", "CLUSTER"]

    /// `:proxies`' cells: a type column's state through ``StatusColors/xdsState(_:type:)`` (the
    /// column is the type), any other cell as every view colours it.
    public static let syncRole: @Sendable (String, String) -> Role? = { column, value in
        StatusColors.xdsState(XdsTypeStatus.State(cell: value), type: column) ?? StatusColors.role(column, value)
    }

    /// Traffic edges from Prometheus metrics; a TREND sparkline of request (or byte) rates
    /// once the metrics file has changed between reads.
    public static let edges = TableViewSpec(
        name: "edges", aliases: ["edge", "traffic"], title: "Edges", identityColumns: 3,
        build: { data in
            guard let edges = data.edges else {
                throw SourceData.Unavailable(description: "no metrics loaded (add --file metrics.txt: ztunnel :15020/metrics or Envoy /stats/prometheus)")
            }
            var table = TrafficEdges.table(edges)
            if table.columns.contains(where: { $0.name.hasSuffix("/S") }) {
                // Live, the rates are the story: the running totals give way to them when 120
                // columns cannot hold both (else every cell is cut to a few characters).
                let totals: Set = ["OPENED", "CLOSED", "SENT", "RECEIVED", "REQUESTS", "ERRORS"]
                for i in table.columns.indices where totals.contains(table.columns[i].name) { table.columns[i].wideOnly = true }
            }
            if !data.edgeHistory.isEmpty {
                // Presentation only: the sparkline is the TUI's picture of the rate columns.
                table.columns.append(Table.Column("TREND", wideOnly: true))
                for (i, e) in edges.enumerated() {
                    table.rows[i].append(Sparkline.text(data.edgeHistory[SourceData.edgeKey(e)] ?? [], width: 16))
                }
            }
            return ViewTable(table)
        }).keeping(["SOURCE", "DESTINATION", "SECURITY", "ERR%", "SERVICE"])
}
