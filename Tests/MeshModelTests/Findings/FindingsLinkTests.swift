import Foundation
@testable import MeshModel
import Testing

/// ``FindingsEngine/link(_:)``: findings of different rules about the same object, or with a
/// join key in common (``Finding/joins``), name each other in ``Finding/related``.
@Suite struct FindingsLinkTests {
    static func finding(_ code: String, _ objects: [FindingObject], joins: [String] = []) -> Finding {
        var f = Finding(code: code, severity: .error, title: code, objects: objects, message: code)
        f.joins = joins
        return f
    }

    static let vs = FindingObject(kind: "VirtualService", namespace: "faults", name: "inventory")
    static let proxy = FindingObject(kind: "Proxy", name: "shop-1.faults")
    static let edge = FindingObject(kind: "Edge", name: "shop.faults → inventory.faults")

    @Test func sameObjectLinksAcrossRulesNotWithinOne() {
        var findings = [
            Self.finding("MS1101", [Self.vs]),
            Self.finding("MS1130", [Self.vs]),
            Self.finding("MS1130", [Self.vs, FindingObject(kind: "Gateway", namespace: "faults", name: "gw")]),
            Self.finding("MS0101", [Self.proxy]),
        ]
        FindingsEngine.link(&findings)
        #expect(findings[0].related == ["MS1130 VirtualService faults/inventory", "MS1130 VirtualService faults/inventory Gateway faults/gw"])
        #expect(findings[1].related == ["MS1101 VirtualService faults/inventory"])
        #expect(findings[2].related == ["MS1101 VirtualService faults/inventory"])
        #expect(findings[3].related.isEmpty)
    }

    /// A missing subset, the route to the missing cluster and the failing edge name three
    /// different objects; their destination Service joins them.
    @Test func joinKeysLinkFindingsAboutDifferentObjects() {
        let key = "Service faults/inventory"
        var findings = [
            Self.finding("MS1101", [Self.vs], joins: [key]),
            Self.finding("MS0204", [Self.proxy, FindingObject(kind: "Route", name: "shop-1.faults outbound|9080|v2|inventory.faults.svc.cluster.local")], joins: [key]),
            Self.finding("MS0404", [Self.edge], joins: [key]),
            Self.finding("MS0404", [FindingObject(kind: "Edge", name: "shop.faults → backend.faults")], joins: ["Service faults/backend"]),
        ]
        FindingsEngine.link(&findings)
        #expect(findings[0].related == [findings[1].id, findings[2].id].sorted())
        #expect(findings[1].related == [findings[0].id, findings[2].id].sorted())
        #expect(findings[2].related == [findings[0].id, findings[1].id].sorted())
        #expect(findings[3].related.isEmpty)
        // Join keys are no part of the id.
        #expect(findings[0].id == "MS1101 VirtualService faults/inventory")
    }

    /// A key shared by very many findings (a namespace-wide one) links nothing.
    @Test func aKeyOnManyFindingsLinksNothing() {
        var findings = (0..<17).map { Self.finding("MS\($0)", [FindingObject(kind: "Proxy", name: "p\($0)")], joins: ["Service a/b"]) }
        FindingsEngine.link(&findings)
        #expect(findings.allSatisfy { $0.related.isEmpty })
    }

    @Test func destinationKeys() {
        #expect(Finding.destinationKey(host: "inventory.faults.svc.cluster.local") == "Service faults/inventory")
        #expect(Finding.destinationKey(host: "inventory.faults.svc.corp.example") == "Service faults/inventory")
        #expect(Finding.destinationKey(host: "api.example.com") == "host api.example.com")
        #expect(Finding.destinationKey(host: "unknown") == nil)
        #expect(Finding.destinationKey(host: "") == nil)
        #expect(Finding.destinationKey(cluster: "outbound|9080|v2|inventory.faults.svc.cluster.local") == "Service faults/inventory")
        #expect(Finding.destinationKey(cluster: "outbound|443||api.example.com") == "host api.example.com")
        #expect(Finding.destinationKey(cluster: "inbound|9080||") == nil)
        #expect(Finding.destinationKey(cluster: "PassthroughCluster") == nil)
    }
}
