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

    /// An object named by very many findings (a namespace) links nothing.
    @Test func anObjectOnManyFindingsLinksNothing() {
        let ns = FindingObject(kind: "Namespace", name: "faults")
        var findings = (0..<17).map { Self.finding("MS\($0)", [ns, FindingObject(kind: "Proxy", name: "p\($0)")]) }
        FindingsEngine.link(&findings)
        #expect(findings.allSatisfy { $0.related.isEmpty })
    }

    /// 20 proxies route to the one missing cluster (more than a key links pair by pair): the
    /// config finding and the runtime findings are still linked, through one finding per code.
    @Test func aJoinKeyOnManyFindingsStillLinks() {
        let key = "Service faults/inventory"
        let routes = (0..<20).map { p in
            Self.finding("MS0204", [FindingObject(kind: "Proxy", name: "shop-\(p).faults"),
                                    FindingObject(kind: "Route", name: "shop-\(p).faults outbound|9080|v2|inventory.faults.svc.cluster.local")], joins: [key])
        }
        var findings = [Self.finding("MS1101", [Self.vs], joins: [key]), Self.finding("MS0404", [Self.edge], joins: [key])] + routes
        FindingsEngine.link(&findings)
        let vsID = "MS1101 VirtualService faults/inventory", edgeID = "MS0404 Edge shop.faults → inventory.faults"
        // The least MS0204 id: `shop-0`, then `shop-1`, `shop-10`, … as Strings sort.
        let firstRoute = "MS0204 Proxy shop-0.faults Route shop-0.faults outbound|9080|v2|inventory.faults.svc.cluster.local"
        #expect(findings[0].related == [firstRoute, edgeID])
        #expect(findings[1].related == [firstRoute, vsID])
        for f in findings.dropFirst(2) { #expect(f.related == [edgeID, vsID], "\(f.id)") }
    }

    /// Bounded at scale: 6,000 routes on one key each gain one related id per other code.
    @Test func aJoinKeyOnThousandsOfFindingsStaysBounded() {
        let key = "Service faults/inventory"
        var findings = [Self.finding("MS1101", [Self.vs], joins: [key])]
            + (0..<6_000).map { Self.finding("MS0204", [FindingObject(kind: "Proxy", name: "p\($0).faults")], joins: [key]) }
        let clock = ContinuousClock()
        let t0 = clock.now
        FindingsEngine.link(&findings)
        let elapsed = clock.now - t0
        #expect(findings[0].related == ["MS0204 Proxy p0.faults"])
        #expect(findings.dropFirst().allSatisfy { $0.related == ["MS1101 VirtualService faults/inventory"] })
        // Pairwise would be 36 million links; one per code is a few milliseconds (generous for debug).
        #expect(elapsed < .seconds(5), "\(elapsed)")
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
