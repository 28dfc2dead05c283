import Foundation
import MeshModel

extension DemoCluster {
    /// The cluster address the demo gives a Prometheus Service's endpoint (a pod IP outside
    /// the demo mesh's ranges); the API server's service proxy maps it to the real server.
    public static let prometheusEndpointIP = "10.244.250.9"

    /// Makes a Prometheus running on loopback (`url`, e.g. one a test started, scraping the
    /// demo) reachable as a cluster's Prometheus is: a Service `name` in `namespace` with
    /// port 9090 named `http-web` (as kube-prometheus names it), an EndpointSlice with one
    /// ready endpoint, and that endpoint served by `url` through the API server's service
    /// proxy. Discovery then finds it and `--prometheus svc/NAMESPACE/NAME:9090` reaches it.
    ///
    /// ```swift
    /// try demo.addPrometheusService(url: "http://127.0.0.1:41234")
    /// // GET /api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query?query=up
    /// ```
    public func addPrometheusService(url: String, namespace: String = "istio-system", name: String = "prometheus") throws {
        guard let parsed = URLComponents(string: url), let port = parsed.port else { throw FakeServerError("\(url): expected http://HOST:PORT") }
        if api.object(apiVersion: "v1", kind: "Namespace", namespace: nil, name: namespace) == nil {
            try api.write(FakeObjects.namespace(namespace), manager: "kube-apiserver")
        }
        let meta: JSONTree = .object([("name", .string(name)), ("namespace", .string(namespace)),
                                      ("labels", .object([("app.kubernetes.io/name", "prometheus")]))])
        try api.write(.object([
            ("apiVersion", "v1"), ("kind", "Service"), ("metadata", meta),
            ("spec", .object([
                ("ports", .array([.object([("name", "http-web"), ("port", .int(9090)), ("targetPort", .int(port)), ("protocol", "TCP")])])),
                ("selector", .object([("app.kubernetes.io/name", "prometheus")])),
            ])),
        ]), manager: "kube-controller-manager")
        try api.write(.object([
            ("apiVersion", "discovery.k8s.io/v1"), ("kind", "EndpointSlice"),
            ("metadata", .object([("name", .string(name + "-demo")), ("namespace", .string(namespace)),
                                  ("labels", .object([("kubernetes.io/service-name", .string(name)),
                                                      ("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")]))])),
            ("addressType", "IPv4"),
            ("endpoints", .array([.object([("addresses", .array([.string(DemoCluster.prometheusEndpointIP)])),
                                           ("conditions", .object([("ready", .bool(true)), ("serving", .bool(true)), ("terminating", .bool(false))]))])])),
            ("ports", .array([.object([("name", "http-web"), ("port", .int(port)), ("protocol", "TCP")])])),
        ]), manager: "kube-controller-manager")
        api.setEndpointBackend(address: "\(DemoCluster.prometheusEndpointIP):\(port)", baseURL: "http://127.0.0.1:\(port)")
    }
}
