import Foundation
import MeshClient
import MeshDemo
import MeshModel
import Testing

/// `--prometheus` parsing, credentials that never print, and discovery of a `prometheus`
/// Service through the (fake) API server.
@Suite struct PrometheusTargetTests {
    @Test func targetsParseAndPrintWithoutCredentials() throws {
        #expect(try PrometheusTarget.parse("svc/monitoring/prometheus-k8s:web") == .service(namespace: "monitoring", name: "prometheus-k8s", port: "web"))
        #expect(try PrometheusTarget.parse("http://127.0.0.1:9090/") == .url("http://127.0.0.1:9090"))
        #expect(try PrometheusTarget.parse("https://user:s3cret@thanos.example/prometheus").description == "https://thanos.example/prometheus")
        for bad in ["svc/monitoring", "svc//p:9090", "svc/ns/p", "ftp://x", "prometheus:9090", ""] {
            #expect(throws: PrometheusError.self, "\(bad)") { try PrometheusTarget.parse(bad) }
        }
        let auth = PrometheusAuth(bearerToken: Redacted("tok3n"), basicPassword: Redacted("pw"))
        #expect(!String(describing: auth).contains("tok3n") && !String(describing: auth).contains("pw\""))
    }

    @Test func discoveryFindsAPrometheusServiceAndItsPort() async throws {
        try await withCluster { cluster in
            let client = try cluster.client()
            #expect(await PrometheusDiscovery.find(client) == nil)
            let service = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"prometheus","namespace":"monitoring"},"spec":{"ports":[{"name":"grpc","port":10901},{"name":"web","port":9091}]}}"#
            try cluster.server.seed([try JSONTree(json: Array(service.utf8))])
            #expect(await PrometheusDiscovery.find(client) == .service(namespace: "monitoring", name: "prometheus", port: "9091"))
            await client.shutdown()
        }
    }

    @Test func aServiceTargetGoesThroughTheServiceProxy() async throws {
        // The fake API server has no service proxy: the one-line error names the target and the path.
        try await withCluster { cluster in
            let client = try cluster.client()
            let prom = try PrometheusClient(.service(namespace: "istio-system", name: "prometheus", port: "9090"), kube: client, timeout: 5)
            do {
                _ = try await prom.query("up")
                Issue.record("a missing service answered")
            } catch let error as PrometheusError {
                #expect(error.message.hasPrefix("svc/istio-system/prometheus:9090: "), "\(error.message)")
                #expect(!error.message.contains("\n"))
            } catch {
                Issue.record("unexpected \(error)")
            }
            await prom.shutdown()
            await client.shutdown()
        }
    }
}

