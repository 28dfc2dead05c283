import Foundation

/// Istio's outbound Envoy cluster names, `outbound|PORT|SUBSET|HOST`, taken apart in one place:
/// the findings join a route's cluster to its destination Service with it, and the TUI marks
/// that Service's row when a finding names the cluster.
///
/// ```swift
/// OutboundCluster("outbound|9080|v2|inventory.faults.svc.cluster.local")?.service
/// // (namespace: "faults", name: "inventory")
/// OutboundCluster("inbound|9080||")   // nil
/// ```
public struct OutboundCluster: Sendable, Hashable {
    public var port: String
    /// Empty for the cluster of the whole service.
    public var subset: String
    public var host: String

    /// Nil for inbound, passthrough and any other cluster that is not four `|`-separated parts
    /// starting with `outbound`.
    public init?(_ name: String) {
        let parts = name.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "outbound" else { return nil }
        port = String(parts[1])
        subset = String(parts[2])
        host = String(parts[3])
    }

    /// The Kubernetes Service ``host`` names, if it is one.
    public var service: (namespace: String, name: String)? { Self.service(host: host) }

    /// The Service a host names: `NAME.NAMESPACE.svc.…` (whatever the cluster domain), both
    /// labels non-empty; nil for any other host (a ServiceEntry's `api.example.com`).
    public static func service(host: String) -> (namespace: String, name: String)? {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 3, labels[2] == "svc", !labels[0].isEmpty, !labels[1].isEmpty else { return nil }
        return (String(labels[1]), String(labels[0]))
    }
}
