import Foundation

/// The TUI's Layers destination picker: where a path from a pod can go.
///
/// ```swift
/// LiveTables.layersDestinations(snapshot.services, namespaces: snapshot.namespaces).render()
/// // NAMESPACE  SERVICE  PORT  PORT NAME  TARGET  WAYPOINT  DESTINATION
/// // bookinfo   reviews  9080  http       9080    <none>    reviews.bookinfo.svc.cluster.local:9080
/// ```
extension LiveTables {
    /// One row per service port, sorted by namespace, service and port. DESTINATION is the
    /// `HOST:PORT` a path is chained to (the service's cluster-local FQDN); WAYPOINT as in
    /// the services view.
    public static func layersDestinations(_ services: [KubeService], namespaces: [KubeNamespace]) -> Table {
        var table = Table(columns: [
            .init("NAMESPACE"), .init("SERVICE"), .init("PORT", numeric: true), .init("PORT NAME"), .init("TARGET"),
            .init("WAYPOINT"), .init("DESTINATION"),
        ], layout: TabWriter(minWidth: 0, padding: 3))
        var nsWaypoint: [String: String] = [:]
        for ns in namespaces { if let w = ns.metadata.labels[waypointLabel] { nsWaypoint[ns.metadata.name] = w } }
        let sorted = services.sorted { ($0.metadata.namespace ?? "", $0.metadata.name) < ($1.metadata.namespace ?? "", $1.metadata.name) }
        for svc in sorted {
            let ns = svc.metadata.namespace ?? ""
            let waypoint = svc.metadata.labels[waypointLabel] ?? nsWaypoint[ns] ?? "<none>"
            for p in svc.ports.sorted(by: { $0.port < $1.port }) {
                table.rows.append([ns, svc.metadata.name, String(p.port), p.name ?? "", p.targetPort ?? String(p.port), waypoint,
                                   "\(svc.metadata.name).\(ns).svc.cluster.local:\(p.port)"])
            }
        }
        return table
    }
}
