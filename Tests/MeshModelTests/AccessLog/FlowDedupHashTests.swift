import Foundation
import MeshGen
@testable import MeshModel
import MeshTestSupport
import Testing

/// ``Flow/dedupHash`` stands for ``Flow/dedupKey``: equal keys hash equal, different keys differ.
@Suite struct FlowDedupHashTests {
    static func flows() throws -> [Flow] {
        var text = try Fixtures.text("accesslogs/waypoint.log") + "\n" + Fixtures.text("accesslogs/ztunnel.log")
        let demo = DemoMesh(.init(services: 4, replicas: 1))
        for p in demo.proxyPods { text += "\n" + DemoAccessLog.lines(demo, pod: p, tick: 4_000, epochSecond: 1_795_165_200).map(\.text).joined(separator: "\n") }
        text += "\n" + #"{"response_code":200,"request_id":"q","authority":"a:1","path":"/p?x=1"}"#
        text += "\n" + #"{"response_code":200,"request_id":"q","authority":"a:1","path":"/p?y=2"}"#
        text += "\n" + #"{"response_code":200,"request_id":"q","path":"/p"}"#
        text += "\n" + #"{"response_code":0,"request_id":"t","upstream_cluster":"outbound|27017||mongodb.db.svc.cluster.local"}"#
        return text.split(separator: "\n").compactMap { try? AccessLogParser.parse(String($0)).get() }.map { Flow($0) }
    }

    @Test func equalKeysEqualHashes() throws {
        let flows = try Self.flows()
        #expect(flows.count > 100)
        var byKey: [String: DedupHash] = [:]
        var byHash: [DedupHash: String] = [:]
        for f in flows {
            #expect((f.dedupKey == nil) == (f.dedupHash == nil))
            guard let k = f.dedupKey, let h = f.dedupHash else { continue }
            if let seen = byKey[k] { #expect(seen == h, "\(k)") }
            if let seen = byHash[h] { #expect(seen == k, "hash shared by \(seen) and \(k)") }
            byKey[k] = h
            byHash[h] = k
        }
        // The query is not part of the route: the two `/p?…` lines are one request.
        #expect(byKey["q GET a:1/p"] == nil)
        #expect(byKey["q  a:1/p"] != nil)
    }

    @Test func piecesHashAsTheirConcatenation() {
        var a = DedupHash.Builder()
        a.add("req-1 G")
        a.add("ET svc:80/x")
        var b = DedupHash.Builder()
        b.add("req-1 GET ")
        b.add("svc:80/x")
        #expect(a.finish() == b.finish())
        var c = DedupHash.Builder()
        c.add("req-1 GET svc:80/y")
        var d = DedupHash.Builder()
        d.add("req-1 GET svc:80/x")
        #expect(c.finish() != d.finish())
    }

    /// The byte-wise address parser on the shapes access logs print.
    @Test func hostOfAddresses() {
        #expect(WorkloadDirectory.host(of: "10.0.0.1:8080") == "10.0.0.1")
        #expect(WorkloadDirectory.host(of: "10.0.0.1") == "10.0.0.1")
        #expect(WorkloadDirectory.host(of: "envoy://connect_originate/10.244.0.32:9080") == "10.244.0.32")
        #expect(WorkloadDirectory.host(of: "envoy://internal_client_address/") == nil)
        #expect(WorkloadDirectory.host(of: "[fd00::1]:80") == "fd00::1")
        #expect(WorkloadDirectory.host(of: "[fd00::1") == nil)
        #expect(WorkloadDirectory.host(of: "fd00::1") == "fd00::1")
        #expect(WorkloadDirectory.host(of: ":80") == nil)
        #expect(WorkloadDirectory.host(of: "") == nil)
        #expect(WorkloadDirectory.host(of: "a:b://c/d:1") == "d")
    }
}
