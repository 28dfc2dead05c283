import Foundation
import Testing
import MeshModel
@testable import MeshGen

@Suite struct DemoMeshTests {
    let demo = DemoMesh()

    func pod(_ prefix: String, _ ns: String) throws -> Int {
        try #require(demo.pods.indices.first { demo.pods[$0].name.hasPrefix(prefix) && demo.pods[$0].namespace == ns })
    }

    @Test func topologyHasBothBookinfosGatewayIstiodAndZtunnels() throws {
        #expect(demo.pods.filter { $0.mode == .ztunnel }.map(\.node) == ["demo-worker-0", "demo-worker-1", "demo-worker-2"])
        #expect(demo.pods.filter { $0.mode == .istiod }.count == 1)
        #expect(demo.pods.filter { $0.mode == .gateway }.count == 1)
        #expect(demo.pods.filter { $0.mode == .waypoint }.map(\.namespace) == ["bookinfo-ambient"])
        let sidecarApps = Set(demo.pods.filter { $0.namespace == "bookinfo" }.map { demo.workloads[$0.workload].name })
        #expect(sidecarApps == ["productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3", "ratings-v1", "mongodb-v1"])
        #expect(demo.pods.filter { $0.namespace == "bookinfo-ambient" && $0.mode == .ambient }.count == 6)
        // Deterministic: same seed, same names.
        #expect(DemoMesh().pods.map(\.name) == demo.pods.map(\.name))
        #expect(Set(demo.pods.map(\.ip)).count == demo.pods.count)
    }

    @Test func brokenOnPurpose() throws {
        #expect(demo.pods[demo.stalePod].name.hasPrefix("reviews-v2-"))
        #expect(demo.pods[demo.unhealthyPod].name.hasPrefix("ratings-v1-"))
        let e = demo.edges[demo.plaintextEdge]
        #expect(!e.mtls)
        #expect(demo.workloads[e.source].name == "curl-legacy")
        #expect(demo.workloads[e.destination].name == "details-v1")
    }

    /// Only entry points call on their own; the sidecar ratings gets no request that reaches
    /// it (its one pod is unhealthy), so it calls nothing, and the ambient ratings, which gets
    /// reviews-v2's and reviews-v3's 10 rq/s each, opens 150 MongoDB connections per thousand.
    @Test func trafficFollowsRequests() throws {
        func workload(_ name: String, _ ns: String) throws -> Int {
            try #require(demo.workloads.firstIndex { $0.name == name && $0.namespace == ns })
        }
        let sidecarRatings = try workload("ratings-v1", "bookinfo"), ambientRatings = try workload("ratings-v1", "bookinfo-ambient")
        let mongo = try workload("mongodb-v1", "bookinfo")
        #expect(demo.outbound(sidecarRatings).isEmpty)
        let toMongo = demo.edges.filter { $0.destination == mongo }
        #expect(toMongo.count == 1)
        #expect(toMongo.first?.source == ambientRatings)
        #expect(toMongo.first?.rate == (10 + 10) * 150 / 1000)
        #expect(demo.services[toMongo.first?.service ?? 0].protocolName == "tcp")
        for (w, _) in demo.workloads.enumerated() where !demo.isTrafficOrigin(w) && !demo.outbound(w).isEmpty {
            #expect(demo.inbound(w).contains { !demo.edges[$0].noHealthyUpstream }, "\(demo.workloads[w].name) calls without being reached")
        }
        // With a second, healthy ratings pod the sidecar ratings is reached and calls MongoDB.
        let two = DemoMesh(.init(replicas: 2))
        let ratings2 = try #require(two.workloads.firstIndex { $0.name == "ratings-v1" && $0.namespace == "bookinfo" })
        #expect(two.outbound(ratings2).map { two.workloads[two.edges[$0].destination].name } == ["mongodb-v1"])
    }

    @Test func scalesWithServicesAndReplicas() {
        let big = DemoMesh(.init(services: 100, replicas: 3))
        let generated = big.pods.filter { $0.namespace.hasPrefix("demo-") }
        #expect(generated.count == 300)
        #expect(big.edges.count == DemoMesh(.init(replicas: 3)).edges.count + 100)
        #expect(big.services.contains { $0.fqdn == "svc-0099.demo-00.svc.cluster.local" })
    }

    @Test func sidecarMetricsGiveEdgesWithMovingNonNegativeRates() throws {
        let details = try pod("details-v1", "bookinfo")
        let t0 = PrometheusText.parse(demo.envoyPrometheus(pod: details, tick: 3_600))
        let t1 = PrometheusText.parse(demo.envoyPrometheus(pod: details, tick: 3_602))
        #expect(t0.malformedCount == 0)
        let edges = TrafficEdges.build(current: t1, previous: t0, interval: 2, origin: .envoy)
        let fromPage = try #require(edges.first { $0.source == "productpage-v1.bookinfo" })
        #expect(fromPage.destination == "details-v1.bookinfo")
        #expect(fromPage.security == .mutualTLS)
        let rps = try #require(fromPage.rates?.requests)
        // rate 30/s with jitter below half the rate.
        #expect(rps > 15 && rps < 45)
        let legacy = try #require(edges.first { $0.source == "curl-legacy.legacy" })
        #expect(legacy.security == .plaintext)
        // A restart between samples (counters start over) never gives a negative rate.
        let restarted = PrometheusText.parse(demo.envoyPrometheus(pod: details, tick: 3_602, since: 3_601))
        let afterReset = TrafficEdges.build(current: restarted, previous: t0, interval: 2, origin: .envoy)
        #expect(afterReset.allSatisfy { ($0.rates?.requests ?? 0) >= 0 && ($0.rates?.opened ?? 0) >= 0 })
    }

    @Test func countersAreMonotonic() {
        for e in demo.edges.prefix(5) {
            var last = DemoTraffic.Counters()
            for t in 3_600..<3_700 {
                let c = DemoTraffic.counters(e, pod: 0, tick: t, http: true)
                #expect(c.requests > last.requests && c.errors >= last.errors && c.responseBytes > last.responseBytes)
                last = c
            }
        }
    }

    @Test func clustersShowTheUnhealthyEndpoint() throws {
        let reviews = try pod("reviews-v2", "bookinfo")
        let clusters = try EnvoyClusters.decode(demo.envoyClustersJSON(pod: reviews, tick: 3_600))
        let ratings = try #require(clusters.cluster(named: "outbound|9080||ratings.bookinfo.svc.cluster.local"))
        #expect(ratings.hosts.count == 1)
        #expect(ratings.hosts[0].health.edsHealthStatus.rawValue == "UNHEALTHY")
        let page = try pod("productpage-v1", "bookinfo")
        let fromPage = try EnvoyClusters.decode(demo.envoyClustersJSON(pod: page, tick: 3_600))
        let rv = try #require(fromPage.cluster(named: "outbound|9080||reviews.bookinfo.svc.cluster.local"))
        #expect(rv.hosts.count == 3)
        #expect(rv.hosts.allSatisfy { $0.counters.rqTotal > 0 && $0.health.edsHealthStatus.rawValue == "HEALTHY" })
        #expect(fromPage.cluster(named: "xds-grpc")?.hosts.first?.address.port == 15012)
    }

    @Test func configDumpIsValidWithRealSpiffeCertificateAndRedactedKey() throws {
        let factory = try CertificateFactory()
        let page = try pod("productpage-v1", "bookinfo")
        let chain = try factory.leafPEM(namespace: "bookinfo", serviceAccount: "bookinfo-productpage", serial: 1)
        let bytes = demo.envoyConfigDump(pod: page, certificates: (chain, factory.rootPEM))
        let dump = try EnvoyConfigDump(bytes: bytes)
        #expect(dump.warnings.isEmpty)
        #expect(dump.bootstrap != nil)
        #expect(dump.clusters.contains { $0.name == "outbound|9080||reviews.bookinfo.svc.cluster.local" })
        #expect(dump.listeners.contains { $0.name == "virtualInbound" })
        let secret = try #require(dump.secrets.first { $0.name == "default" })
        let b64 = try #require(secret.certificateChainBase64)
        let cert = try #require(CertificateSummary.decodeBase64(b64).first).get()
        #expect(cert.spiffeIDs == ["spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"])
        #expect(!String(decoding: bytes, as: UTF8.self).contains("PRIVATE KEY"))
    }

    @Test func ztunnelDumpAndMetrics() throws {
        let dump = ZtunnelDump.decode(try JSONDocument(bytes: demo.ztunnelConfigDump(node: "demo-worker-0", tick: 3_600)))
        #expect(dump.issues.isEmpty)
        // bookinfo-ambient's six pods and its waypoint, and faults-ambient's no-cert pod (not the uncaptured one).
        #expect(dump.workloads.count == 8)
        #expect(dump.workloads.filter { $0.waypoint != nil }.count == 6)
        #expect(!dump.workloadStates.isEmpty)
        #expect(dump.workloadStates.allSatisfy { s in demo.pods.contains { $0.name == s.name && $0.node == "demo-worker-0" } })
        var edges: [TrafficEdge] = []
        for node in demo.nodes {
            edges += TrafficEdges.build(current: PrometheusText.parse(demo.ztunnelMetrics(node: node, tick: 3_600)), origin: .ztunnel)
        }
        #expect(edges.contains { $0.source == "productpage-v1.bookinfo-ambient" && $0.destination == "reviews-v3.bookinfo-ambient" && $0.security == .mutualTLS })
    }

    @Test func istiodSyncStatusHasOneStaleProxy() throws {
        let syncz = IstiodSyncz.decode(try JSONDocument(bytes: demo.istiodSyncz(tick: 3_600)))
        #expect(syncz.issues.isEmpty)
        #expect(syncz.proxies.count == demo.xdsClients.count)
        // Besides the planted NACK (ERROR) and the proxy never sent listeners (NOT SENT).
        let stale = syncz.proxies.filter { $0.types.contains { $0.state != .synced && $0.state != .notSent && $0.state != .error } }
        #expect(stale.map(\.proxyID) == [demo.proxyID(demo.stalePod)])
        let rejected = syncz.proxies.filter { $0.types.contains { $0.state == .error } }
        #expect(rejected.map(\.proxyID) == [demo.proxyID(demo.faults.rejectedListener)])
        #expect(rejected.first?.types.first { $0.state == .error }?.lastError == DemoMesh.nackError)
        #expect(stale[0].types.first { $0.state == .stale }?.shortType == "EDS")
        let conns = IstiodConnections.decode(try JSONDocument(bytes: demo.istiodConnections(tick: 3_600)))
        #expect(conns.clients.count == demo.xdsClients.count)
        #expect(conns.byProxyID[demo.proxyID(demo.stalePod)] != nil)
    }

    @Test func kubernetesObjectsTellTheMeshMode() throws {
        let objects = try demo.kubernetesObjects().map { try JSONDocument(bytes: $0) }
        let pods = objects.filter { $0.root["kind"]?.string == "Pod" }
        #expect(pods.count == demo.pods.count)
        let page = try #require(pods.first { $0.root["metadata"]?["name"]?.string?.hasPrefix("productpage") == true && $0.root["metadata"]?["namespace"]?.string == "bookinfo" })
        #expect(page.root["metadata"]?["annotations"]?.member(exactly: "sidecar.istio.io/status") != nil)
        #expect(page.root["spec"]?["containers"]?.elements.map { $0["name"]?.string ?? "" }.contains("istio-proxy") == true)
        let ambient = try #require(pods.first { $0.root["metadata"]?["namespace"]?.string == "bookinfo-ambient" && $0.root["metadata"]?["name"]?.string?.hasPrefix("details") == true })
        #expect(ambient.root["metadata"]?["annotations"]?.member(exactly: "ambient.istio.io/redirection")?.string == "enabled")
        let ns = try #require(objects.first { $0.root["kind"]?.string == "Namespace" && $0.root["metadata"]?["name"]?.string == "bookinfo-ambient" })
        #expect(ns.root["metadata"]?["labels"]?.member(exactly: "istio.io/dataplane-mode")?.string == "ambient")
        #expect(objects.filter { $0.root["kind"]?.string == "EndpointSlice" }.count == demo.services.count)
    }
}
