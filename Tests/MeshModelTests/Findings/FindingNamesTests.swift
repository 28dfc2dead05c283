import Foundation
@testable import MeshModel
import Testing

/// The shared pieces findings are written with: Istio's outbound cluster names taken apart
/// (``OutboundCluster``), and a group's names cut at ten (``ConfigIndex/names(_:count:exactly:)``).
@Suite struct FindingNamesTests {
    @Test func outboundClusterNames() throws {
        let c = try #require(OutboundCluster("outbound|9080|v2|inventory.faults.svc.cluster.local"))
        #expect(c.port == "9080" && c.subset == "v2" && c.host == "inventory.faults.svc.cluster.local")
        #expect(c.service?.namespace == "faults" && c.service?.name == "inventory")
        #expect(OutboundCluster("outbound|443||api.example.com")?.subset == "")
        #expect(OutboundCluster("outbound|443||api.example.com")?.service == nil)
        #expect(OutboundCluster("outbound|80||x..b.svc.cluster.local")?.service == nil)
        #expect(OutboundCluster("inbound|9080||") == nil)
        #expect(OutboundCluster("outbound|9080|v2") == nil)
        #expect(OutboundCluster("PassthroughCluster") == nil)
    }

    /// `check -n NAMESPACE` keeps a finding about a cluster by the namespace of the Service the
    /// cluster routes to; a ServiceEntry host (`api.example.com`) is in no namespace, not `example`.
    @Test func aClustersNamespaceIsItsServices() {
        func namespaces(_ cluster: String) -> Set<String> {
            FindingsFilter.namespaces(of: Finding(code: "MS0205", severity: .error, title: "t", objects: [FindingObject(kind: "Cluster", name: cluster)], message: "m"))
        }
        #expect(namespaces("outbound|9080|v1|ratings.bookinfo.svc.cluster.local") == ["bookinfo"])
        #expect(namespaces("inbound-vip|9080|http|details.shop.svc.cluster.local") == ["shop"])
        #expect(namespaces("outbound|443||api.example.com") == [])
        #expect(namespaces("PassthroughCluster") == [])
    }

    @Test func namesStopAtTen() {
        let twelve = (1...12).map { "ns/g\($0)" }
        let ten = twelve.prefix(10).joined(separator: ",")
        #expect(ConfigIndex.names(["a", "b"]) == "a,b")
        #expect(ConfigIndex.names(twelve) == ten + ",… (12 in all)")
        #expect(ConfigIndex.names(twelve.prefix(10), count: 12) == ten + ",… (12 in all)")
        #expect(ConfigIndex.names(twelve.prefix(10), count: 4_000, exactly: false) == ten + ",… (at least 4000 in all)")
        #expect(ConfigIndex.names(["a", "b"], count: 2, exactly: false) == "a,b,… (at least 2 in all)")
        #expect(ConfigIndex.names(["a", "b"], count: 3) == "a,b,… (3 in all)")
    }
}
