import Foundation
import MeshModel
import Testing
@testable import MeshGen

/// The demo's generators read each fact from the one ``DemoMesh`` model, so their outputs
/// agree at any tick. (`DemoInvariantTests` checks the same through the running demo.)
@Suite struct DemoModelTests {
    let demo = DemoMesh()
    let tick = 7_200

    func pod(_ prefix: String, _ ns: String) throws -> Int {
        try #require(demo.pods.indices.first { demo.pods[$0].name.hasPrefix(prefix) && demo.pods[$0].namespace == ns })
    }

    /// ztunnel names, for every service, the waypoint its namespace's label names.
    @Test func ztunnelServicesUseTheLabelledWaypoint() throws {
        let ns = try #require(demo.namespaces.first { $0.name == DemoMesh.ambientNamespace })
        let label = try #require(ns.labels.first { $0.0 == DemoMesh.useWaypointLabel }?.1)
        let waypoint = try #require(demo.services.first { $0.namespace == ns.name && $0.name == label })
        let dump = ZtunnelDump.decode(try JSONDocument(bytes: demo.ztunnelConfigDump(node: demo.nodes[0], tick: tick)))
        let index = ZtunnelIndex(dump)
        let ambient = dump.services.filter { $0.namespace == ns.name }
        #expect(ambient.count == 5)
        for s in ambient {
            #expect(index.waypointName(s.waypoint) == (s.name == label ? "None" : label), "\(s.name)")
            if s.name != label { #expect(s.waypoint?.destination.hasSuffix(waypoint.clusterIP) == true) }
        }
    }

    /// A client with no healthy host for ratings fails every request itself (503 UH): its
    /// metrics, its Envoy stats and its `/clusters` say the same; the server reports nothing.
    @Test func noHealthyHostFailsAtTheClient() throws {
        let client = try pod("reviews-v2", DemoMesh.sidecarNamespace), server = try pod("ratings-v1", DemoMesh.sidecarNamespace)
        #expect(demo.pods[server].replica == 0 && demo.unhealthyPod == server)
        let ratings = "ratings.bookinfo.svc.cluster.local"
        let text = PrometheusText.parse(demo.envoyPrometheus(pod: client, tick: tick))
        var uh = 0.0
        for s in text.samples where s.name == "istio_requests_total" {
            let l = Dictionary(s.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard l["destination_service"] == ratings else { continue }
            #expect(l["reporter"] == "source" && l["response_code"] == "503" && l["response_flags"] == "UH", "\(l)")
            uh += s.value
        }
        #expect(uh > 0)
        let serverText = PrometheusText.parse(demo.envoyPrometheus(pod: server, tick: tick))
        #expect(!serverText.samples.contains { s in s.name == "istio_requests_total" && s.labels.contains { $0.value == "reviews-v2" } })

        let stats = try StatsSnapshot.decode(demo.envoyStatsJSON(pod: client, tick: tick))
        let cluster = "cluster.outbound|9080||\(ratings)"
        #expect(stats.stat("\(cluster).upstream_rq_total")?.value == .integer(0))
        #expect(stats.stat("\(cluster).upstream_cx_none_healthy")?.value.doubleValue == uh)
        #expect(stats.stat("\(cluster).upstream_rq_503")?.value.doubleValue == uh)
        let clusters = try EnvoyClusters.decode(demo.envoyClustersJSON(pod: client, tick: tick))
        let c = try #require(clusters.clusters.first { $0.name == "outbound|9080||\(ratings)" })
        #expect(c.hosts.count == 1)

        // With two replicas the other ratings pod is healthy and takes the traffic.
        #expect(!DemoMesh(.init(replicas: 2)).edges.contains { $0.noHealthyUpstream })
    }

    /// Every DestinationRule a proxy's clusters name is one of the demo's Kubernetes objects.
    @Test func everyNamedDestinationRuleIsAnObject() throws {
        var objects: Set<String> = []
        for bytes in demo.kubernetesObjects() {
            let o = try JSONDocument(bytes: bytes).root
            if o["kind"]?.string == "DestinationRule" { objects.insert("\(o["metadata"]?["namespace"]?.string ?? "")/\(o["metadata"]?["name"]?.string ?? "")") }
        }
        // bookinfo's reviews (version subsets) and the planted faults' (a subset-v1-only rule, a TLS-disabling one).
        #expect(objects == ["bookinfo/reviews", "bookinfo-ambient/reviews", "faults/inventory", "faults/payments"])
        var named: Set<String> = []
        for p in demo.pods.indices where demo.pods[p].mode.hasEnvoy {
            let dump = try EnvoyConfigDump(document: JSONDocument(bytes: demo.envoyConfigDump(pod: p, certificates: nil)))
            for c in dump.clusters {
                guard let path = c.istioConfigPath else { continue }
                let parts = path.split(separator: "/")
                named.insert("\(parts[parts.count - 3])/\(parts[parts.count - 1])")
            }
        }
        #expect(named.contains("bookinfo/reviews"))
        #expect(named.isSubset(of: objects), "\(named.subtracting(objects))")
    }

    /// istiod's xDS clients are the proxies: Envoys and ztunnels, not istiod, and not the
    /// planted sidecar istiod does not list.
    @Test func proxiesAreTheXdsClients() {
        #expect(demo.xdsClients.count == demo.proxyPods.count - 2)
        #expect(!demo.xdsClients.contains(demo.istiod))
        #expect(!demo.xdsClients.contains(demo.faults.notConnected))
    }
}
