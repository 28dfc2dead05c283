import Foundation
import MeshModel

/// Finds a Prometheus in the cluster: a Service named `prometheus` in the namespaces Istio's
/// addon, kube-prometheus and the community chart use, reached through the service proxy.
///
/// ```swift
/// if let target = await PrometheusDiscovery.find(client) { print(target) }   // svc/istio-system/prometheus:9090
/// ```
public enum PrometheusDiscovery {
    /// Where to look, in order.
    public static let namespaces = ["istio-system", "monitoring", "prometheus"]
    public static let serviceName = "prometheus"

    /// The first `prometheus` Service found (nil when none, or the API server will not say).
    /// The namespaces are asked at once (one round trip before the first query, not three),
    /// and the first in order that has one wins.
    public static func find(_ client: KubeClient, namespaces: [String] = PrometheusDiscovery.namespaces) async -> PrometheusTarget? {
        let found = await withTaskGroup(of: (Int, String?).self) { group in
            for (i, ns) in namespaces.enumerated() {
                group.addTask {
                    guard let body = try? await client.raw("/api/v1/namespaces/\(ns)/services/\(serviceName)"),
                          let doc = try? JSONDocument(bytes: body) else { return (i, nil) }
                    return (i, port(KubeService(doc.root)))
                }
            }
            var ports = [String?](repeating: nil, count: namespaces.count)
            for await (i, port) in group { ports[i] = port }
            return ports
        }
        for (ns, port) in zip(namespaces, found) {
            if let port { return .service(namespace: ns, name: serviceName, port: port) }
        }
        return nil
    }

    /// The port of a Service that serves Prometheus's API: one named `http`/`web`/`http-web`,
    /// else 9090, else the only port.
    public static func port(_ service: KubeService) -> String? {
        let ports = service.ports
        if let named = ports.first(where: { ["http", "web", "http-web", "http-prometheus"].contains($0.name ?? "") }) { return String(named.port) }
        if let p = ports.first(where: { $0.port == 9090 }) { return String(p.port) }
        return ports.count == 1 ? String(ports[0].port) : nil
    }
}
