import Foundation
import MeshGen
import MeshModel
@testable import MeshScopeCLI
import Testing

/// Config and runtime findings about one destination are linked in `check -o json`: on the
/// demo, the VirtualService routing `shop`'s calls to `inventory` subset v2 (no
/// DestinationRule defines it: MS1101), the client proxies' route to the cluster that does
/// not exist (MS0204, 503 NC) and the failing edge (MS0404) name different objects and share
/// the Service. Expected ids come from the model (``DemoMesh``), not from the output.
@Suite struct FindingsJoinTests {
    @Test func missingSubsetIsLinkedWithItsRuntimeFailures() async throws {
        let mesh = DemoMesh(DemoMesh.Options(services: 0, replicas: 1))
        let edge = try #require(mesh.edges.first { $0.noCluster })
        let svc = mesh.services[edge.service]
        let src = mesh.workloads[edge.source], dst = mesh.workloads[edge.destination]
        let vsID = "MS1101 VirtualService \(svc.namespace)/\(svc.name)"
        let edgeID = "MS0404 Edge \(src.name).\(src.namespace) → \(dst.name).\(dst.namespace)"
        let cluster = mesh.missingCluster(service: edge.service)
        let routeIDs = src.pods.map { "MS0204 Proxy \(mesh.proxyID($0)) Route \(mesh.proxyID($0)) \(cluster)" }

        let r = await MeshScopeMain.invoke(["--demo", "--demo-services", "0", "check", "-o", "json", "--stats-interval", "1", "--fail-on", "none"])
        #expect(r.code == 0, "\(r.stderr)")
        let doc = try JSONDocument(bytes: Array(r.stdout.utf8)).root
        var related: [String: [String]] = [:]
        for f in doc["findings"].map({ Array($0.elements) }) ?? [] {
            let objects = f["objects"].map { Array($0.elements) } ?? []
            let names = objects.map { o in (o["kind"]?.string ?? "") + " " + (o["namespace"]?.string.map { $0 + "/" } ?? "") + (o["name"]?.string ?? "") }
            let id = ([f["code"]?.string ?? ""] + names).joined(separator: " ")
            related[id] = f["related"].map { Array($0.elements).compactMap(\.string) } ?? []
        }
        let vs = try #require(related[vsID], "no \(vsID) in \(related.keys.sorted())")
        #expect(Set(vs).isSuperset(of: [edgeID] + routeIDs), "\(vs)")
        #expect(related[edgeID]?.contains(vsID) == true, "\(related[edgeID] ?? [])")
        for id in routeIDs { #expect(related[id]?.contains(vsID) == true, "\(id): \(related[id] ?? [])") }
    }
}
