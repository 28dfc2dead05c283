import Foundation
import Testing
@testable import MeshClient
@testable import MeshModel

/// `check` on a snapshot reads the recorded stats keeping only the lines rules and edges use;
/// what it gets must be what the whole text gives, filtered.
@Suite struct SnapshotFactsTests {
    /// Hand-written Envoy stats: Istio's standard metrics (two edges, one over TCP), the
    /// cluster counters MS0207/MS0208 read, RBAC denials and stats nothing reads.
    static let stats = """
    # TYPE envoy_cluster_upstream_rq_total counter
    envoy_cluster_upstream_rq_total{cluster_name="outbound|9080||reviews.shop.svc.cluster.local"} 120
    envoy_cluster_upstream_rq_5xx{cluster_name="outbound|9080||reviews.shop.svc.cluster.local"} 7
    envoy_cluster_upstream_cx_total{cluster_name="outbound|9080||reviews.shop.svc.cluster.local"} 9
    envoy_cluster_upstream_cx_connect_fail{cluster_name="outbound|9080||reviews.shop.svc.cluster.local"} 1
    envoy_cluster_upstream_cx_none_healthy{cluster_name="outbound|9080||reviews.shop.svc.cluster.local"} 0
    envoy_http_rbac_denied{envoy_http_conn_manager_prefix="inbound_0.0.0.0_9080"} 3
    envoy_http_shadow_rbac_denied{envoy_http_conn_manager_prefix="inbound_0.0.0.0_9080"} 4
    envoy_server_uptime 1000
    istio_requests_total{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="reviews",destination_workload_namespace="shop",destination_service="reviews.shop.svc.cluster.local",connection_security_policy="unknown",response_code="200"} 100
    istio_requests_total{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="reviews",destination_workload_namespace="shop",destination_service="reviews.shop.svc.cluster.local",connection_security_policy="unknown",response_code="503"} 20
    istio_request_duration_milliseconds_bucket{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="reviews",destination_workload_namespace="shop",destination_service="reviews.shop.svc.cluster.local",connection_security_policy="unknown",response_code="200",le="5"} 60
    istio_request_duration_milliseconds_bucket{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="reviews",destination_workload_namespace="shop",destination_service="reviews.shop.svc.cluster.local",connection_security_policy="unknown",response_code="200",le="+Inf"} 100
    istio_requests_total{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="ratings",destination_workload_namespace="shop",destination_service="ratings.shop.svc.cluster.local",connection_security_policy="mutual_tls",response_code="200"} 2
    istio_request_duration_milliseconds_bucket{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="ratings",destination_workload_namespace="shop",destination_service="ratings.shop.svc.cluster.local",connection_security_policy="mutual_tls",response_code="200",le="10"} 2
    istio_request_duration_milliseconds_bucket{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="ratings",destination_workload_namespace="shop",destination_service="ratings.shop.svc.cluster.local",connection_security_policy="mutual_tls",response_code="200",le="+Inf"} 2
    istio_request_duration_milliseconds_count{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="reviews",destination_workload_namespace="shop",destination_service="reviews.shop.svc.cluster.local",connection_security_policy="unknown",response_code="200"} 100
    istio_request_bytes_sum{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="reviews",destination_workload_namespace="shop",destination_service="reviews.shop.svc.cluster.local",connection_security_policy="unknown",response_code="200"} 5000
    istio_tcp_connections_opened_total{reporter="source",source_workload="web",source_workload_namespace="shop",destination_workload="db",destination_workload_namespace="data",destination_service="db.data.svc.cluster.local",connection_security_policy="unknown"} 5

    """

    static func source(earlier: String, later: String) throws -> SnapshotMeshSource {
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        var out: [UInt8] = []
        var w = SnapshotWriter(flushThreshold: 64) { out.append(contentsOf: $0.bytes) }
        try w.begin(SnapshotMetadata(takenAt: t0, sourceKind: "cluster", sourceName: "c", context: "c", defaultNamespace: "shop", namespaces: nil,
                                     options: .init(proxySelector: nil, stats: true, rateInterval: 1, concurrency: 4)))
        try w.kubernetes(resources: [], objects: [])
        try w.proxy(SnapshotWriter.Proxy(name: "web-0", namespace: "shop", kind: "sidecar", node: "n1", ip: "10.0.0.1",
                                         responses: ["statsPrometheus": .init(fetchedAt: t0.addingTimeInterval(2), body: Array(later.utf8))],
                                         earlier: ["statsPrometheus": .init(fetchedAt: t0, body: Array(earlier.utf8))]))
        try w.finish(completedAt: t0.addingTimeInterval(3), failures: [], summary: .object([]))
        return SnapshotMeshSource(index: try SnapshotIndex(bytes: out, name: "t.json"), path: "t.json", fileBytes: out.count, compressed: false)
    }

    @Test func recordedStatsKeepWhatRulesAndEdgesRead() async throws {
        let later = Self.stats.replacingOccurrences(of: "} 20\n", with: "} 45\n")
        let source = try Self.source(earlier: Self.stats, later: later)
        let proxy = MeshState.Proxy(name: "web-0", namespace: "shop", kind: .sidecar, node: "n1", ip: "10.0.0.1")
        let read = await MeshFactsCollector.read(proxy, source: source, full: false, dumps: false, now: { Date() })
        let metrics = try #require(read.metrics)
        // Expected from the whole text: the slim samples, of Istio's only requests and TCP.
        let whole = MeshFactsCollector.slim(PrometheusText.parse(later)).samples
        let expected = whole.filter { !$0.name.hasPrefix("istio_") || $0.name == "istio_requests_total" || $0.name.hasPrefix("istio_tcp_") }
        #expect(metrics.samples == expected)
        #expect(metrics.samples.map(\.name).filter { $0.hasPrefix("envoy_") } == ["envoy_cluster_upstream_rq_total", "envoy_cluster_upstream_rq_5xx",
                                                                                  "envoy_cluster_upstream_cx_total", "envoy_cluster_upstream_cx_connect_fail",
                                                                                  "envoy_http_rbac_denied"])
        // The same edges, counts and rates as from the whole text (latency and byte rates are not kept).
        func key(_ e: TrafficEdge) -> String { "\(e.source) \(e.destination) \(e.service) \(e.security) \(e.requests ?? -1) \(e.errors ?? -1)" }
        let full = TrafficEdges.build(current: PrometheusText.parse(later), previous: PrometheusText.parse(Self.stats), interval: 2, origin: .envoy)
        let earlierRead = try #require(try source.index.response(source.index.proxies[0], key: "statsPrometheus", earlier: true,
                                                                 keepingLines: MeshFactsCollector.slimKeeps))
        let slim = TrafficEdges.build(current: metrics, previous: PrometheusText.parse(earlierRead.body), interval: 2, origin: .envoy)
        #expect(slim.map(key) == full.map(key))
        #expect(slim.map { $0.rates?.errors } == full.map { $0.rates?.errors })
        #expect(full.count == 3)
    }

    @Test func theKeptIstioNamesAreEdgeFamilies() {
        for name in MeshFactsCollector.edgeFamilies { #expect(TrafficEdges.Family(String(decoding: name, as: UTF8.self)) != nil) }
    }
}
