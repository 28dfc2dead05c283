import Testing
import MeshModel
@testable import MeshGen

@Suite struct EnvoyDumpGeneratorTests {
    @Test func meshIsDeterministic() {
        let a = SyntheticMesh(services: 20, portsPerService: 2, replicas: 3, seed: 7)
        let b = SyntheticMesh(services: 20, portsPerService: 2, replicas: 3, seed: 7)
        #expect(a.services.map(\.fqdn) == b.services.map(\.fqdn))
        #expect(a.services.flatMap(\.pods).map(\.name) == b.services.flatMap(\.pods).map(\.name))
        #expect(a.services[0].fqdn == "svc-0000.ns-0.svc.cluster.local")
        #expect(Set(a.services.flatMap(\.pods).map(\.ip)).count == 60)
    }

    @Test func dumpHasEverySectionWithConsistentCounts() throws {
        let mesh = SyntheticMesh(services: 10, portsPerService: 2, replicas: 2)
        let factory = try CertificateFactory()
        var gen = EnvoyDumpGenerator(mesh: mesh)
        gen.certificates = (try factory.leafPEM(namespace: "ns-0", serviceAccount: "svc-0000", serial: 9), factory.rootPEM)
        let doc = try JSONDocument(bytes: gen.generate())
        let configs = try #require(doc.root["configs"])
        let types = configs.elements.map { $0.typeName ?? "" }
        #expect(types == [
            "envoy.admin.v3.BootstrapConfigDump", "envoy.admin.v3.ClustersConfigDump", "envoy.admin.v3.ListenersConfigDump",
            "envoy.admin.v3.ScopedRoutesConfigDump", "envoy.admin.v3.RoutesConfigDump", "envoy.admin.v3.SecretsConfigDump",
            "envoy.admin.v3.EndpointsConfigDump",
        ])
        // 10 services × 2 ports, plus v1/v2 subsets for services 0 and 5.
        let outbound = 20 + 2 * 2 * 2
        let clusters = try #require(configs[1]?["dynamic_active_clusters"])
        #expect(clusters.count == 3 + 2 + outbound)
        #expect(configs[6]?["dynamic_endpoint_configs"]?.count == outbound)
        // Secrets carry real certificates whose SAN names the proxy's identity; keys are redacted.
        let secrets = try #require(configs[5]?["dynamic_active_secrets"])
        let chain = try #require(secrets[0]?["secret"]?["tls_certificate"]?["certificate_chain"]?["inline_bytes"]?.string)
        let leaf = try #require(try CertificateSummary.decodeBase64(chain).first?.get())
        #expect(leaf.spiffeIDs == ["spiffe://cluster.local/ns/ns-0/sa/svc-0000"])
        #expect(secrets[0]?["secret"]?["tls_certificate"]?["private_key"]?["inline_bytes"]?.string == "W3JlZGFjdGVkXQ==")
    }
}
