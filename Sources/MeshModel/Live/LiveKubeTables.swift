import Foundation

/// The live Kubernetes views: `get`'s tables (``KubeTables``) joined with what the mesh
/// says about each row. The one place the extra columns are defined; the TUI binds them.
///
/// ```swift
/// LiveTables.pods(snapshot.pods, syncz: state.syncz, now: Date()).render(wide: true)
/// // NAMESPACE   NAME   READY   STATUS   RESTARTS   AGE   MODE      IP   NODE  …  SYNC
/// // bookinfo    web-0  2/2     Running  0          5m    sidecar   …         …  SYNCED
/// ```
extension LiveTables {
    /// `get pods -A -o wide` plus SYNC: istiod's view of the pod's proxy (`SYNCED`, the
    /// types that are not, e.g. `EDS STALE`, `NOT IN SYNCZ` for a proxy istiod does not
    /// list, `-` for pods without a proxy). `syncUnavailable`: istiod could not be asked
    /// because the user may not; its proxies say ``ProxySyncStatus/unavailable`` instead of
    /// `-`, which would read as "no proxy".
    public static func pods(_ pods: [KubePod], syncz: IstiodSyncz?, now: Date, syncUnavailable: Bool = false) -> Table {
        var table = KubeTables.pods(pods, now: now, allNamespaces: true)
        var sync: [String: ProxySyncStatus] = [:]
        for p in syncz?.proxies ?? [] { sync[p.proxyID] = p }
        table.columns.append(Table.Column("SYNC"))
        for (i, pod) in pods.enumerated() {
            let id = pod.metadata.name + "." + (pod.metadata.namespace ?? "")
            let cell: String
            if let s = sync[id] {
                cell = syncCell(s)
            } else {
                let proxied = pod.meshMode == .sidecar || pod.meshMode == .gateway || pod.meshMode == .waypoint
                cell = !proxied ? "-" : syncz != nil ? ProxySyncStatus.notInSyncz : syncUnavailable ? ProxySyncStatus.unavailable : "-"
            }
            table.rows[i].append(cell)
        }
        return table
    }

    /// `get svc -A` plus WAYPOINT (the service's `istio.io/use-waypoint` label, else its
    /// namespace's) and ENDPOINTS, ready/total addresses in the service's EndpointSlices.
    public static func services(_ services: [KubeService], endpointSlices: [KubeEndpointSlice], namespaces: [KubeNamespace], now: Date) -> Table {
        var table = KubeTables.services(services, now: now, allNamespaces: true)
        var counts: [String: (ready: Int, total: Int)] = [:]
        for slice in endpointSlices {
            guard let svc = slice.serviceName else { continue }
            let key = (slice.metadata.namespace ?? "") + "/" + svc
            var c = counts[key] ?? (0, 0)
            for e in slice.endpoints {
                c.total += e.addresses.count
                if e.ready { c.ready += e.addresses.count }
            }
            counts[key] = c
        }
        var nsWaypoint: [String: String] = [:]
        for ns in namespaces { if let w = ns.metadata.labels[waypointLabel] { nsWaypoint[ns.metadata.name] = w } }
        // After SELECTOR (wide) so the default columns keep kubectl's order.
        table.columns += [Table.Column("WAYPOINT"), Table.Column("ENDPOINTS", numeric: true)]
        for (i, svc) in services.enumerated() {
            let ns = svc.metadata.namespace ?? ""
            // A waypoint's own service (labelled `istio.io/waypoint-for`) never goes through a waypoint.
            let isWaypoint = svc.metadata.labels["istio.io/waypoint-for"] != nil
            let waypoint = svc.metadata.labels[waypointLabel] ?? (isWaypoint ? nil : nsWaypoint[ns]) ?? "<none>"
            let c = counts[ns + "/" + svc.metadata.name]
            table.rows[i] += [waypoint, c.map { "\($0.ready)/\($0.total)" } ?? "<none>"]
        }
        return table
    }

    /// The label that binds a service (or a whole namespace) to a waypoint.
    public static let waypointLabel = "istio.io/use-waypoint"

    /// The resource a cached kind is listed as, from its qualified name and one object
    /// (lists leave `kind` out; the informer fills it in from discovery).
    public static func resource(qualifiedName: String, sample: KubeObject?) -> APIResource {
        let dot = qualifiedName.firstIndex(of: ".")
        let plural = dot.map { String(qualifiedName[..<$0]) } ?? qualifiedName
        let group = dot.map { String(qualifiedName[qualifiedName.index(after: $0)...]) } ?? ""
        let version = sample.map { ResourceCatalog.split(apiVersion: $0.apiVersion).1 } ?? ""
        return APIResource(group: group, version: version, name: plural, kind: sample?.kind ?? plural,
                           namespaced: sample?.metadata.namespace != nil)
    }
}

extension LiveTables {
    /// `kubectl config get-contexts`: CURRENT (`*`), NAME, CLUSTER, AUTHINFO, NAMESPACE.
    public static func contexts(_ contexts: [Kubeconfig.Context], current: String?) -> Table {
        Table(
            columns: [Table.Column("CURRENT"), Table.Column("NAME"), Table.Column("CLUSTER"), Table.Column("AUTHINFO"), Table.Column("NAMESPACE")],
            rows: contexts.sorted { $0.name < $1.name }.map { c in
                [c.name == current ? "*" : "", c.name, c.cluster, c.user, c.namespace ?? ""]
            },
            layout: TabWriter(minWidth: 0, padding: 3)
        )
    }
}
