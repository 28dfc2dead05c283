import Foundation
import Testing
@testable import MeshModel

/// `-o wide`: every istioctl column stays, meshscope's columns follow.
@Suite struct ProxyConfigWideTests {
    @Test func clusterWideAddsStateAndTLS() throws {
        let dump = try EnvoyFixtures.dump("envoy/waypoint/config_dump.json")
        let table = ClusterView.table(ClusterView.clusters(dump, includeWarming: true), options: .init(wide: true))
        let narrow = ClusterView.table(ClusterView.clusters(dump))
        #expect(table.render(wide: false) == narrow.render())
        let rows = table.rows
        #expect(table.columns.suffix(2).map(\.name) == ["STATE", "TLS"])
        #expect(rows.map { $0[6] } == ["STATIC", "ACTIVE", "STATIC"])
        #expect(rows[1][7].hasPrefix("internal") || rows[1][7] != "")
    }

    @Test func allWideShowsPlainNamesInServiceFQDN() throws {
        let dump = try EnvoyFixtures.dump("envoy/waypoint/config_dump.json")
        let text = ProxyConfigAllView.render(dump, now: EnvoyFixtures.referenceNow, wide: true).text
        #expect(text.contains("\ncluster/agent "))
        #expect(!text.contains(" cluster/agent "))
        #expect(text.contains("NAME  ") && text.contains("STATE"))
    }

    @Test func routeWideShowsActionAndAllDomains() throws {
        let dump = try EnvoyFixtures.dump("envoy/routes/istio-gateway-http-route-prefix/config_dump.json")
        let table = RouteView.table(RouteView.routeConfigs(dump), options: .init(wide: true))
        let row = try #require(table.rows.first { $0[0] == "http.8080" })
        #expect(row[5] == "outbound|8000||httpbin.default.svc.cluster.local")
        #expect(row[6] == "httpbin.example.com")
    }

    @Test func endpointWideShowsWeightAndWorkload() throws {
        let dump = try EnvoyFixtures.dump("envoy/endpoints/config_dump.json")
        let table = EndpointView.table(EndpointView.assignments(dump), options: .init(wide: true))
        let row = try #require(table.rows.first { $0[0] == "10.244.0.190:9080" })
        #expect(row[4] == "1")
        #expect(row[5] == "details-v1.default")
    }

    @Test func secretWideShowsSpiffeIDs() throws {
        let dump = try EnvoyFixtures.dump("envoy/secrets/spire/config_dump.json")
        let table = SecretView.table(SecretView.items(dump, inlineStrings: true), now: EnvoyFixtures.referenceNow, options: .init(wide: true))
        #expect(table.rows[0][9] == "spiffe://east.local/ns/istio-system/sa/federation-ingress-gateway-service-account")
        #expect(table.rows[0][8] == "2")
    }

    @Test func secretValidityUsesStrictBounds() throws {
        let dump = try EnvoyFixtures.dump("envoy/secrets/istio/config_dump.json")
        let items = SecretView.items(dump)
        let cert = try #require(items.first { $0.name == "default" }?.certificate)
        func valid(_ at: Date) -> String { SecretView.table(items, now: at).rows.first { $0[0] == "default" }![3] }
        #expect(valid(cert.notBefore) == "false")
        #expect(valid(cert.notBefore.addingTimeInterval(1)) == "true")
        #expect(valid(cert.notAfter.addingTimeInterval(-1)) == "true")
        #expect(valid(cert.notAfter) == "false")
        // With the machine's clock: the 2023 workload cert is expired, the 2033 root is valid.
        let now = SecretView.table(items, now: Date()).rows
        #expect(now.first { $0[0] == "default" }?[3] == "false")
        #expect(now.first { $0[0] == "ROOTCA" }?[3] == "true")
    }
}

@Suite struct VersionSummaryWideTests {
    @Test func oldProxiesShowTheirBuildVersionInWide() throws {
        let dump = try EnvoyFixtures.dump("envoy-admin/pp11/config_dump.json")
        let b = try #require(dump.bootstrap)
        #expect(VersionSummaryView.table(b).render().hasSuffix("Envoy Version:       0.0.0\n"))
        #expect(VersionSummaryView.table(b, wide: true).render().hasSuffix("Envoy Version:       ea9e05a766e5ecf301c44b5f779cbccd675b644d/1.9.0-dev/Clean/RELEASE\n"))
        #expect(b.istioProxySHA == "ea9e05a766e5ecf301c44b5f779cbccd675b644d")
    }
}
