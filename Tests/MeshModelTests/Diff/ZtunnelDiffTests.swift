import Foundation
import MeshGen
import MeshModel
import Testing

@Suite struct ZtunnelDiffTests {
    func resources(_ bytes: [UInt8]) throws -> [DiffResource] {
        ZtunnelDiffSource.resources(ZtunnelDump.decode(try JSONDocument(bytes: bytes)))
    }

    @Test func fixtureWithOneWorkloadChanged() throws {
        let text = try Fixtures.text("ztunnel/config_dump.json")
        // The first workload in the file is ratings-v1; mark it unhealthy.
        let changed = text.replacingFirst(#""status": "Healthy""#, #""status": "Unhealthy""#)
        #expect(changed.count == text.count + 2)
        let a = try resources(Array(text.utf8))
        let result = ConfigDiff.compare(a, try resources(Array(changed.utf8)))
        #expect(result.resources.map(\.key) == ["workload/Kubernetes//Pod/bookinfo/ratings-v1-6484c4d9bb-mdxm5"])
        #expect(result.resources.first?.paths == ["status"])
        #expect(result.resources.first?.unified.contains("-status: Healthy\n+status: Unhealthy\n") == true)
        let workloads = try #require(result.summaries.first { $0.type == "workload" })
        #expect(workloads.changed == 1 && workloads.unchanged == a.filter { $0.type == "workload" }.count - 1)
    }

    /// The older layout keys by address and spells the waypoint port `port`: neither is a difference.
    @Test func listAndAddressMapLayoutsOfTheSameMeshAreEqual() throws {
        let list = ZtunnelDumpGenerator.generate(.init(workloads: 60, services: 12, layout: .list, seed: 7))
        let map = ZtunnelDumpGenerator.generate(.init(workloads: 60, services: 12, layout: .map, seed: 7))
        let result = ConfigDiff.compare(try resources(list), try resources(map))
        #expect(result.resources.count == 0, "\(result.resources.prefix(2).map { "\($0.key) \($0.paths) \($0.unified)" })")
        #expect(result.summaries.first { $0.type == "workload" }?.unchanged == 60)
    }

    @Test func moreWorkloadsAreAdded() throws {
        let small = ZtunnelDumpGenerator.generate(.init(workloads: 40, services: 10, seed: 3))
        let large = ZtunnelDumpGenerator.generate(.init(workloads: 44, services: 10, seed: 3))
        let result = ConfigDiff.compare(try resources(small), try resources(large))
        let w = try #require(result.summaries.first { $0.type == "workload" })
        #expect(w.added >= 4)
        #expect(w.removed == 0)
    }
}
