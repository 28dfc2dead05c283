import Foundation
import MeshGen

/// A Prometheus scrape configuration for the demo mesh: one target per proxy, every one at
/// the demo API server's address with its own `__metrics_path__` through the pod proxy
/// (`/api/v1/namespaces/NS/pods/POD:15000/proxy/stats/prometheus`, ztunnels' `:15020/metrics`),
/// so a real Prometheus scrapes the demo the way it scrapes a mesh, without a port per pod.
/// The demo API server is plain HTTP without authentication, so the configuration needs no
/// credentials.
///
/// ```swift
/// let yaml = DemoPrometheusConfig.yaml(demo, scrapeInterval: 1, cluster: "east")
/// // prometheus --config.file FILE --storage.tsdb.path DIR --web.listen-address 127.0.0.1:9090
/// ```
public enum DemoPrometheusConfig {
    /// - Parameters:
    ///   - scrapeInterval: seconds between scrapes of each proxy.
    ///   - cluster: adds a `cluster` label to every series (by relabelling), as Thanos and Mimir see a cluster's Prometheus.
    public static func yaml(_ demo: DemoCluster, scrapeInterval: Double = 5, cluster: String? = nil) -> String {
        let address = demo.api.url.replacingOccurrences(of: "http://", with: "")
        let interval = "\(max(1, Int(scrapeInterval.rounded())))s"
        var out = """
        # Written by meshscope --demo serve --prometheus-config: the demo's proxies through the
        # API server's pod proxy at \(demo.api.url).
        global:
          scrape_interval: \(interval)
          scrape_timeout: \(interval)
          evaluation_interval: \(interval)
        scrape_configs:
        - job_name: meshscope-demo
          scheme: http

        """
        if let cluster {
            out += """
              relabel_configs:
              - target_label: cluster
                replacement: \(quoted(cluster))

            """
        }
        out += "  static_configs:\n"
        let mesh = demo.mesh
        for p in mesh.proxyPods {
            let pod = mesh.pods[p]
            let path: String
            switch pod.mode {
            case .sidecar, .gateway, .waypoint: path = "\(15000)/proxy/stats/prometheus"
            case .ztunnel: path = "\(15020)/proxy/metrics"
            default: continue
            }
            out += """
              - targets: [\(quoted(address))]
                labels:
                  __metrics_path__: \(quoted("/api/v1/namespaces/\(pod.namespace)/pods/\(pod.name):\(path)"))
                  instance: \(quoted(pod.name + "." + pod.namespace))
                  namespace: \(quoted(pod.namespace))
                  pod: \(quoted(pod.name))

            """
        }
        return out
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
