import Foundation
import MeshModel
import Testing
@testable import MeshGen

/// The demo outputs the live read commands need: istiod's per-proxy config dump (with the
/// one planted disagreement), the waypoint-shaped waypoint dump, and Envoy's `/certs`.
@Suite struct DemoLiveFormsTests {
    let demo = DemoMesh()

    func pod(_ prefix: String, _ ns: String) throws -> Int {
        try #require(demo.pods.indices.first { demo.pods[$0].name.hasPrefix(prefix) && demo.pods[$0].namespace == ns })
    }

    @Test func istiodViewMatchesEveryProxyButTheStaleOne() throws {
        for p in demo.pods.indices where demo.pods[p].mode.hasEnvoy {
            let envoyBytes = demo.envoyConfigDump(pod: p, certificates: nil, pushVersion: 7)
            let istiodBytes = try #require(demo.istiodConfigDump(pod: p, envoyDump: envoyBytes, tick: 9_000))
            let istiod = try EnvoyConfigDump(bytes: istiodBytes), envoy = try EnvoyConfigDump(bytes: envoyBytes)
            #expect(istiod.warnings.isEmpty)
            // Noise on purpose: other versions, other timestamps, another order, no static resources.
            #expect(istiod.clusters.map(\.name) != envoy.clusters.map(\.name) || envoy.clusters.count < 2)
            #expect(!String(decoding: istiodBytes, as: UTF8.self).contains("2026-11-20T10:00:00Z/7"))
            let text = IstiodEnvoyComparison.render(istiod: istiod, envoy: envoy)
            if p == demo.stalePod {
                #expect(text.hasPrefix("Clusters Don't Match\n~ cluster outbound|9080||ratings.bookinfo.svc.cluster.local\n  changed: outlier_detection\n"), "\(text)")
                #expect(text.contains("\nListeners Match\n"))
            } else {
                #expect(text.hasPrefix("Clusters Match\nListeners Match\nRoutes Match"), "\(demo.pods[p].id): \(text)")
            }
        }
    }

    @Test func waypointDumpTerminatesHBONEAndHTTPAndTunnelsOn() throws {
        let wp = try pod("waypoint", "bookinfo-ambient")
        let dump = try EnvoyConfigDump(bytes: demo.waypointConfigDump(pod: wp, certificates: nil))
        #expect(dump.warnings.isEmpty, "\(dump.warnings)")
        let reviews = try #require(demo.services.first { $0.name == "reviews" && $0.namespace == "bookinfo-ambient" })
        var attrs = ConnectionAttributes()
        attrs.destinationIP = reviews.clusterIP
        let hop = EnvoyLayers(dump).inbound(port: 9080, host: reviews.fqdn, attrs: attrs, name: "waypoint", kind: .waypoint)
        #expect(hop.missing.isEmpty, "\(hop.missing)")
        #expect(hop.cell(.hbone).downstream == .terminate("CONNECT on connect_terminate"))
        #expect(hop.cell(.hbone).upstream == .originate("CONNECT %DOWNSTREAM_LOCAL_ADDRESS%"))
        #expect(hop.cell(.tls).downstream.verb == "terminate")
        #expect(hop.cell(.tls).upstream.verb == "originate")
        #expect(hop.cell(.http).downstream.verb == "terminate")
        #expect(hop.evidence.contains { $0.text.contains("main_internal: inbound-vip|9080||reviews.bookinfo-ambient.svc.cluster.local-http") }, "\(hop.evidence)")
        // The services of the waypoint's namespace, and nothing else.
        #expect(dump.clusters.map(\.name).filter { $0.hasPrefix("inbound-vip|") }.sorted() == ["details", "productpage", "ratings", "reviews"].map {
            "inbound-vip|9080|http|\($0).bookinfo-ambient.svc.cluster.local"
        })
    }

    @Test func certsDecodeWithTheLeafsSpiffeID() throws {
        let factory = try CertificateFactory()
        let page = try pod("productpage-v1", "bookinfo")
        let chain = try factory.leafPEM(namespace: "bookinfo", serviceAccount: "bookinfo-productpage", serial: 7)
        let certs = try EnvoyCerts.decode(demo.envoyCerts(pod: page, chain: chain, root: factory.rootPEM, now: Date().timeIntervalSince1970))
        #expect(certs.contexts.count == 3)  // inbound + details + reviews
        let leaf = try #require(certs.contexts.first?.certChain.first)
        #expect(leaf.path == "default")
        #expect(leaf.subjectAltNames.contains(.uri("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage")))
        #expect(certs.contexts.first?.caCerts.first?.path == "ROOTCA")
    }
}
