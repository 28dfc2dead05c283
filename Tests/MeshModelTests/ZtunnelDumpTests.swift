import Foundation
import Testing
@testable import MeshModel

@Suite struct ZtunnelDumpTests {
    /// The current (list) layout, with the newer waypoint shape, a workload without IPs,
    /// workload-bound policies and sections we do not model.
    static let listDump = #"""
    {
      "workloads": [
        {"uid": "Kubernetes//Pod/default/a-1", "workloadIps": ["10.0.0.1"],
         "waypoint": {"destination": "default/waypoint.default.svc.cluster.local", "hboneMtlsPort": 15008},
         "protocol": "HBONE", "name": "a-1", "namespace": "default", "serviceAccount": "a", "node": "n1",
         "status": "Healthy", "authorizationPolicies": ["default/deny-a"], "futureField": {"x": 1}},
        {"uid": "Kubernetes//Pod/default/waypoint-1", "workloadIps": ["10.0.0.9"], "protocol": "TCP",
         "name": "waypoint-1", "namespace": "default", "node": "n2", "status": "Healthy"},
        {"uid": "Kubernetes//Pod/other/b-1", "workloadIps": [], "hostname": "b.example.com", "protocol": "TCP",
         "name": "b-1", "namespace": "other", "node": "n2", "status": "Unhealthy"}
      ],
      "services": [
        {"name": "waypoint", "namespace": "default", "hostname": "waypoint.default.svc.cluster.local",
         "vips": ["net1/10.96.0.9"], "ports": {"15008": 15008},
         "endpoints": {"w": {"workloadUid": "Kubernetes//Pod/default/waypoint-1", "service": "", "address": "/10.0.0.9", "port": {}}}},
        {"name": "a", "namespace": "default", "hostname": "a.default.svc.cluster.local", "vips": ["/10.96.0.1"],
         "ports": {"80": 8080}, "waypoint": {"destination": "net1/10.96.0.9", "hboneMtlsPort": 15008},
         "endpoints": {"k1": {"workloadUid": "Kubernetes//Pod/default/a-1"}, "k2": {"workloadUid": "Kubernetes//Pod/other/b-1"}}}
      ],
      "policies": [
        {"name": "deny-a", "namespace": "default", "scope": "WorkloadSelector", "action": "Deny", "rules": []},
        {"name": "ns-wide", "namespace": "other", "scope": "Namespace", "action": "Allow", "rules": [[[]]]},
        {"name": "mesh", "namespace": "istio-system", "scope": "Global", "action": "Allow", "rules": []}
      ],
      "certificates": [],
      "workloadState": {"u1": {"state": "Up", "info": {"name": "a-1", "namespace": "default"},
        "connections": {
          "inbound": [{"src": "10.0.0.9:40000", "originalDst": "a.default.svc.cluster.local", "actualDst": "10.0.0.1:8080", "protocol": "HBONE"}],
          "outbound": [{"src": "10.0.0.1:5555", "originalDst": "10.96.0.1:80", "actualDst": "10.0.0.9:15008", "protocol": "HBONE"}]}}},
      "staticConfig": {"workloads": []},
      "version": {"version": "1.24.0", "gitRevision": "abc", "istioVersion": "1.24.0"},
      "config": {"proxyMode": "Shared"},
      "newSection": [1]
    }
    """#

    static func listIndex() throws -> ZtunnelIndex { ZtunnelIndex(ZtunnelDump.decode(try JSONDocument(Self.listDump))) }

    @Test func decodesTheAddressKeyedFixture() throws {
        let dump = ZtunnelDump.decode(try JSONDocument(bytes: try Fixtures.bytes("ztunnel/config_dump.json")))
        #expect(dump.issues.isEmpty)
        #expect(dump.layout == .addressMap)
        #expect((dump.workloads.count, dump.services.count, dump.policies.count, dump.certificates.count, dump.workloadStates.count) == (27, 19, 2, 4, 6))
        let ratings = try #require(dump.workloads.first { $0.name == "ratings-v1-6484c4d9bb-mdxm5" })
        #expect(ratings.key == "network1/10.244.2.54")
        #expect(ratings.waypoint == ZtunnelGatewayAddress(destination: "/10.96.65.117", port: 15008))
        #expect(ratings.identity == "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings")
        #expect(ratings.raw["nativeTunnel"]?.bool == true)  // unmodelled fields stay in raw
        let reviews = try #require(dump.services.first { $0.name == "reviews" && $0.namespace == "bookinfo" })
        #expect(reviews.endpoints.count == 3)
        #expect(reviews.vipAddresses == ["10.96.74.131"])
        let istiod = dump.certificates[0]
        #expect(istiod.certChain.map(\.serialNumber) == ["305554775863395697262503895661564044819", "183856113797057159350158029893417591233"])
        #expect(dump.certificates[3].stateSummary == "Unavailable")
        let product = try #require(dump.workloadStates.first { $0.name == "productpage-v1-796f87b58-97bjk" })
        #expect(product.key == "54ce2023-7c77-4bb8-b6c3-eccf619cd6f2")
        #expect(product.inbound.count == 2 && product.outbound.count == 1)
        #expect(product.outbound[0] == ZtunnelConnection(src: "10.233.97.129:35380", originalDst: "10.233.25.246:9080", actualDst: "10.233.97.136:15008", protocol_: "HBONE"))
        #expect(product.inbound[0].originalDst == "")  // null
    }

    @Test func decodesTheListLayoutAndKeepsUnknownSections() throws {
        let dump = ZtunnelDump.decode(try JSONDocument(Self.listDump))
        #expect(dump.issues.isEmpty)
        #expect(dump.layout == .list)
        #expect(dump.workloads[0].waypoint == ZtunnelGatewayAddress(destination: "default/waypoint.default.svc.cluster.local", port: 15008))
        #expect(dump.workloads[0].authorizationPolicies == ["default/deny-a"])
        #expect(dump.workloads[0].raw["futureField"]?["x"]?.int == 1)
        #expect(dump.version?.version == "1.24.0" && dump.version?.gitRevision == "abc")
        #expect(dump.config?["proxyMode"]?.string == "Shared")
        #expect(dump.staticConfig?["workloads"]?.isArray == true)
        #expect(dump.otherSections.map(\.name) == ["newSection"])
        #expect(dump.policies.map(\.ruleCount) == [0, 1, 0])
    }

    @Test func workloadAndServiceTablesOfTheListLayout() throws {
        let index = try Self.listIndex()
        let workloads = ZtunnelViews.workloadTable(ZtunnelViews.workloads(index), index: index).render()
        #expect(workloads == """
            NAMESPACE POD NAME   ADDRESS       NODE WAYPOINT PROTOCOL
            default   a-1        10.0.0.1      n1   waypoint HBONE
            default   waypoint-1 10.0.0.9      n2   None     TCP
            other     b-1        b.example.com n2   None     TCP

            """)
        let services = ZtunnelViews.serviceTable(ZtunnelViews.services(index), index: index).render(wide: true)
        #expect(services == """
            NAMESPACE SERVICE NAME SERVICE VIP WAYPOINT ENDPOINTS HOSTNAME                           PORTS
            default   a            10.96.0.1   waypoint 1/2       a.default.svc.cluster.local        80→8080
            default   waypoint     10.96.0.9   None     1/1       waypoint.default.svc.cluster.local 15008

            """)
    }

    @Test func connectionsResolveKnownAddressesUnlessRaw() throws {
        let index = try Self.listIndex()
        let states = ZtunnelViews.workloadStates(index)
        let named = ZtunnelViews.connectionTable(ZtunnelViews.connectionRows(states, index: index)).render()
        #expect(named == """
            WORKLOAD    DIRECTION LOCAL            REMOTE                   REMOTE TARGET                  PROTOCOL
            a-1.default Inbound   a-1.default:8080 waypoint-1.default:40000 a.default.svc.cluster.local    HBONE
            a-1.default Outbound  a-1.default:5555 waypoint-1.default:15008 a.default.svc.cluster.local:80 HBONE

            """)
        let raw = ZtunnelViews.connectionRows(states, index: index, direction: .outbound, raw: true)
        #expect(raw == [ZtunnelConnectionRow(
            workload: "a-1.default", direction: .outbound, local: "10.0.0.1:5555", remote: "10.0.0.9:15008",
            remoteTarget: "10.96.0.1:80", protocol_: "HBONE")])
        #expect(ZtunnelViews.connectionRows(states, index: index, direction: .inbound).map(\.direction) == [.inbound])
    }

    @Test func filtersFollowTheData() throws {
        let index = try Self.listIndex()
        #expect(ZtunnelViews.workloads(index, filter: ZtunnelFilter(node: "N2")).map(\.name) == ["waypoint-1", "b-1"])
        #expect(ZtunnelViews.workloads(index, filter: ZtunnelFilter(address: "10.0.0.9")).map(\.name) == ["waypoint-1"])
        // Services: by the workloads behind their endpoints.
        #expect(ZtunnelViews.services(index, filter: ZtunnelFilter(workloadName: "a-1")).map(\.name) == ["a"])
        #expect(ZtunnelViews.services(index, filter: ZtunnelFilter(node: "n2")).map(\.name) == ["a", "waypoint"])
        #expect(ZtunnelViews.services(index, filter: ZtunnelFilter(namespace: "other")).isEmpty)
        // Policies: Global, Namespace of the workload, and the ones the workload is bound to.
        #expect(ZtunnelViews.policies(index, filter: ZtunnelFilter(workloadName: "a-1")).map(\.name) == ["deny-a", "mesh"])
        #expect(ZtunnelViews.policies(index, filter: ZtunnelFilter(workloadName: "b-1")).map(\.name) == ["mesh", "ns-wide"])
        #expect(ZtunnelViews.policies(index, filter: ZtunnelFilter(namespace: "other")).map(\.name) == ["ns-wide"])
        // Connections: by the workload they belong to (joined for its node).
        #expect(ZtunnelViews.workloadStates(index, filter: ZtunnelFilter(node: "n1")).count == 1)
        #expect(ZtunnelViews.workloadStates(index, filter: ZtunnelFilter(node: "n2")).isEmpty)
    }

    @Test func fixtureFilters() throws {
        let index = try ZtunnelParityTests.index()
        let worker = ZtunnelViews.workloads(index, filter: ZtunnelFilter(node: "ambient-worker"))
        #expect(worker.count == 11)
        #expect(worker.allSatisfy { $0.node == "ambient-worker" })
        #expect(ZtunnelViews.workloads(index, filter: ZtunnelFilter(namespace: "BOOKINFO")).count == 8)
        let services = ZtunnelViews.services(index, filter: ZtunnelFilter(workloadName: "productpage-v1-675fc69cf-jscn2"))
        #expect(services.map { "\($0.namespace)/\($0.name)" } == ["bookinfo/productpage"])
        let certs = ZtunnelViews.certificates(index, filter: ZtunnelFilter(workloadName: "istiod-8c7b98fc4-mwjfp"))
        #expect(certs.map(\.stateSummary) == ["Available", "Unavailable"])
        #expect(certs.count == 2 && certs.allSatisfy { $0.identity == "spiffe://cluster.local/ns/istio-system/sa/istiod" })
        #expect(ZtunnelViews.certificates(index, filter: ZtunnelFilter(namespace: "default")).isEmpty)
        #expect(ZtunnelViews.workloadStates(index, filter: ZtunnelFilter(workloadName: "details-v1-7f85d59cff-bmpln")).count == 1)
    }

    @Test func mapAndListLayoutsGiveTheSameTables() throws {
        // The same dump re-shaped: address-keyed maps become lists, `port` becomes `hboneMtlsPort`.
        let original = try Fixtures.text("ztunnel/config_dump.json")
        let data = try JSONSerialization.jsonObject(with: Data(original.utf8)) as! [String: Any]
        var listShaped = data
        listShaped["workloads"] = (data["workloads"] as! [String: Any]).keys.sorted().map { k -> Any in
            var w = (data["workloads"] as! [String: Any])[k] as! [String: Any]
            if var wp = w["waypoint"] as? [String: Any] {
                wp["hboneMtlsPort"] = wp.removeValue(forKey: "port")
                w["waypoint"] = wp
            }
            return w
        }
        listShaped["services"] = (data["services"] as! [String: Any]).keys.sorted().map { (data["services"] as! [String: Any])[$0]! }
        let listBytes = try JSONSerialization.data(withJSONObject: listShaped)
        let a = try ZtunnelParityTests.index()
        let b = ZtunnelIndex(ZtunnelDump.decode(try JSONDocument(bytes: [UInt8](listBytes))))
        #expect(b.dump.layout == .list)
        #expect(b.dump.workloads.first { $0.waypoint != nil }?.waypoint?.port == 15008)
        let at = ZtunnelParityTests.renderedAt
        #expect(ZtunnelViews.renderAll(ZtunnelViews.allSections(a, now: at), withHeaders: true)
            == ZtunnelViews.renderAll(ZtunnelViews.allSections(b, now: at), withHeaders: true))
    }

    @Test func badItemsAreSkippedWithTheirPath() throws {
        let text = #"""
        {"workloads": [{"name": "ok", "namespace": "a", "workloadIps": ["10.0.0.1"]}, 42,
                       {"name": "half", "namespace": "a", "workloadIps": "10.0.0.2"}],
         "services": "nope",
         "policies": [{"name": "p", "namespace": "a", "scope": "Namespace", "action": "Allow"}]}
        """#
        let dump = ZtunnelDump.decode(try JSONDocument(text))
        #expect(dump.workloads.map(\.name) == ["ok", "half"])
        #expect(dump.workloads[1].workloadIPs.isEmpty)
        #expect(dump.policies.count == 1)
        #expect(dump.issues.map(\.description) == [
            "$.workloads[1]: expected workload to be an object, found a number",
            "$.workloads[2].workloadIps: expected an array of strings, found a string",
            "$.services: expected an array or an object, found a string",
        ])
    }

    @Test func anotherDocumentIsNotMistakenForADump() throws {
        let dump = ZtunnelDump.decode(try JSONDocument(#"{"configs": []}"#))
        #expect(dump.issues.map(\.description) == ["$: not a ztunnel config dump: none of workloads, services, policies, certificates, workloadState"])
        #expect(dump.otherSections.map(\.name) == ["configs"])
    }

    @Test func salvageKeepsSectionsBeforeTheDamage() throws {
        let bytes = Array(#"{"workloads": [{"name": "a", "namespace": "n"}], "policies": [], "certificates": [{"identity": "x", "#.utf8)
        let (doc, error) = try JSONSalvage.parse(bytes)
        let e = try #require(error)
        #expect(e.offset == bytes.count)
        #expect(doc.root.members.map(\.key) == ["workloads", "policies"])
        #expect(ZtunnelDump.decode(doc).workloads.map(\.name) == ["a"])
        #expect(throws: JSONParseError.self) { _ = try JSONSalvage.parse(Array(#"{"workloads": [1, 2"#.utf8)) }
    }
}
