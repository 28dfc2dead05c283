import Foundation
import MeshTestSupport
import Testing
@testable import MeshClient
@testable import MeshModel

/// `check` on a snapshot reads each proxy's two stats samples in the proxy's own task and
/// builds each Envoy's facts on every core: every proxy must get its own numbers, as reading
/// its texts one at a time gives, whatever order the tasks finish in.
@Suite struct ParallelFactsTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// Proxy `i`'s stats: counters that differ per proxy and per sample, so a sample given to
    /// the wrong proxy (or the two samples swapped) shows.
    static func stats(_ i: Int, sample: Int) -> String {
        let cluster = "outbound|80||svc-\(i).shop.svc.cluster.local"
        return """
        envoy_cluster_upstream_rq_total{cluster_name="\(cluster)"} \(1_000 * sample + i)
        envoy_cluster_upstream_rq_5xx{cluster_name="\(cluster)"} \(10 * sample + i % 7)
        envoy_cluster_upstream_cx_connect_fail{cluster_name="\(cluster)"} \(sample)
        envoy_server_uptime \(i)
        istio_requests_total{reporter="source",source_workload="web-\(i)",source_workload_namespace="shop",destination_workload="svc-\(i)",destination_workload_namespace="shop",destination_service="svc-\(i).shop.svc.cluster.local",connection_security_policy="mutual_tls",response_code="200"} \(100 * sample + i)

        """
    }

    static func snapshot(proxies n: Int) throws -> SnapshotMeshSource {
        let out = try snapshotBytes(proxies: n)
        return SnapshotMeshSource(index: try SnapshotIndex(bytes: out, name: "t.json"), path: "t.json", fileBytes: out.count, compressed: false)
    }

    static func snapshotBytes(proxies n: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var w = SnapshotWriter(flushThreshold: 1 << 16) { out.append(contentsOf: $0.bytes) }
        try w.begin(SnapshotMetadata(takenAt: t0, sourceKind: "cluster", sourceName: "c", context: "c", defaultNamespace: "shop", namespaces: nil,
                                     options: .init(proxySelector: nil, stats: true, rateInterval: 2, concurrency: 4)))
        try w.kubernetes(resources: [], objects: [])
        for i in 0..<n {
            try w.proxy(SnapshotWriter.Proxy(name: "web-\(i)", namespace: "shop", kind: "sidecar", node: "n1", ip: "10.0.\(i / 250).\(i % 250)",
                                             responses: ["statsPrometheus": .init(fetchedAt: t0.addingTimeInterval(2), body: Array(stats(i, sample: 1).utf8))],
                                             earlier: ["statsPrometheus": .init(fetchedAt: t0, body: Array(stats(i, sample: 0).utf8))]))
        }
        try w.finish(completedAt: t0.addingTimeInterval(3), failures: [], summary: .object([]))
        return out
    }

    @Test func everyProxyGetsItsOwnTwoSamples() async throws {
        let n = 300
        let source = try Self.snapshot(proxies: n)
        let proxies = (0..<n).map { MeshState.Proxy(name: "web-\($0)", namespace: "shop", kind: .sidecar, node: "n1", ip: "10.0.\($0 / 250).\($0 % 250)") }
        let reads = await MeshFactsCollector.readAll(proxies, concurrency: 16) { p in
            await MeshFactsCollector.read(p, source: source, full: true, dumps: false, now: { Date() })
        }
        // In the proxies' order, whatever order the tasks finished in.
        #expect(reads.map(\.proxy) == proxies)
        let (earlier, later) = MeshFactsCollector.recordedSamples(reads)
        #expect(earlier.count == n && later.count == n)
        var facts = MeshFacts(now: Self.t0.addingTimeInterval(3))
        MeshFactsCollector.assemble(&facts, proxies: proxies, reads: reads, earlier: earlier, later: later, dumpsRead: false, envoyCount: n, isSnapshot: true)
        #expect(facts.proxies.count == n)
        for i in 0..<n {
            // Expected from proxy i's own texts, parsed whole, one at a time.
            let p = try #require(facts.proxies["shop/web-\(i)"])
            #expect(p.stats == FindingStats.relevant(PrometheusText.parse(Self.stats(i, sample: 1))), "proxy \(i)")
            #expect(p.previousStats == FindingStats.relevant(PrometheusText.parse(Self.stats(i, sample: 0))), "proxy \(i)")
            #expect(p.statsInterval == 2)
            #expect(p.stats?.stats.first?.value == .integer(UInt64(1_000 + i)))
        }
        // One edge per proxy, each with its own rate ((100 + i) - i requests over 2 s).
        let edges = try #require(facts.edges)
        #expect(edges.count == n)
        #expect(edges.allSatisfy { $0.rates?.requests == 50 })
    }

    @Test func proxyFactsAreTheSameBuiltInParallelOrOneByOne() async throws {
        let n = 200
        let source = try Self.snapshot(proxies: n)
        let proxies = (0..<n).map { MeshState.Proxy(name: "web-\($0)", namespace: "shop", kind: .sidecar, node: "n1", ip: "10.0.\($0 / 250).\($0 % 250)") }
        var gathered: [MeshFactsCollector.Read] = []
        for p in proxies { gathered.append(await MeshFactsCollector.read(p, source: source, full: true, dumps: false, now: { Date() })) }
        let reads = gathered
        let (earlier, later) = MeshFactsCollector.recordedSamples(reads)
        let oneByOne = reads.map { MeshFactsCollector.proxyFacts($0, earlier: earlier, later: later) }
        let parallel = try await onOwnThread { reads.concurrentMap(minimumChunk: 8) { MeshFactsCollector.proxyFacts($0, earlier: earlier, later: later) } }
        #expect(parallel.map { $0?.key } == oneByOne.map { $0?.key })
        #expect(parallel.map { $0?.stats } == oneByOne.map { $0?.stats })
        #expect(parallel.map { $0?.previousStats } == oneByOne.map { $0?.previousStats })
    }
}
