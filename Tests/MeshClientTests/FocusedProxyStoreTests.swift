import Foundation
import MeshClient
import MeshModel
import MeshTestSupport
import Testing

/// The store is the one poller of a live source: an opened proxy's config dump and
/// `/stats` come with its published state (``MeshState/focusedProxies``), fetched once per
/// change and once per refresh, never by a second loop beside it.
@Suite struct FocusedProxyStoreTests {
    static let proxy = MeshState.Proxy(name: "productpage-v1-1", namespace: "bookinfo", kind: .sidecar, node: "node-1", ip: "10.0.0.1")
    static let dumpBytes = try! Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("envoy-admin/pp11/config_dump.json"))))
    static let statsBytes = try! Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("envoy-admin/pp11/stats.txt"))))
    static let prometheus = Array("# TYPE envoy_cluster_upstream_rq_total counter\nenvoy_cluster_upstream_rq_total{envoy_cluster_name=\"outbound|9080||reviews\"} 7\n".utf8)

    typealias Counts = EndpointCounts

    static func store(jsonStats: Bool, counts: Counts) -> MeshStore {
        MeshStore(options: .init(refresh: 0.1, maxBackoff: 1), listProxies: { [proxy] }, fetch: { _, endpoint in
            counts.add(endpoint)
            switch endpoint {
            case .configDump: return dumpBytes
            case .statsJSON where jsonStats: return statsBytes
            case .stats: return prometheus
            default: throw LiveDecodeError("not served")
            }
        })
    }

    @Test func theFocusedProxysDumpAndStatsComeWithTheState() async throws {
        let counts = Counts()
        let store = Self.store(jsonStats: true, counts: counts)
        let task = Task { await store.run() }
        defer { task.cancel() }
        await store.setFocus([Self.proxy.key])
        let state = try #require(await store.firstState { $0.focusedProxies[Self.proxy.key]?.previousStats != nil })
        let focused = try #require(state.focusedProxies[Self.proxy.key])
        // The dump is the bytes the proxy answered, decoded once.
        #expect(focused.dump?.document.bytes == Self.dumpBytes)
        #expect(focused.problem == nil)
        // Envoy's own names, as the fixture's text lines give them.
        let counters = String(decoding: Self.statsBytes, as: UTF8.self).split(separator: "\n").compactMap { line -> (String, UInt64)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let v = UInt64(parts[1].trimmingCharacters(in: .whitespaces)), v > 0 else { return nil }
            return (String(parts[0]), v)
        }
        let (name, value) = try #require(counters.first)
        #expect(focused.stats?.stat(name)?.value == .integer(value))
        #expect((focused.statsInterval ?? 0) > 0)
        // Several refreshes later the dump was still fetched once (no change, no refetch).
        _ = await store.firstState { _ in counts[.statsJSON] >= 4 }
        #expect(counts[.configDump] == 1)

        await store.setFocus([])
        #expect(await store.firstState { $0.focusedProxies.isEmpty } != nil)
        let after = counts[.statsJSON]
        try await Task.sleep(nanoseconds: 400_000_000)
        #expect(counts[.statsJSON] <= after + 1)
    }

    @Test func prometheusStandsInForProxiesWithoutJSONStats() async throws {
        let counts = Counts()
        let store = Self.store(jsonStats: false, counts: counts)
        let task = Task { await store.run() }
        defer { task.cancel() }
        await store.setFocus([Self.proxy.key])
        let state = try #require(await store.firstState { $0.focusedProxies[Self.proxy.key]?.stats != nil })
        let stats = try #require(state.focusedProxies[Self.proxy.key]?.stats)
        #expect(stats.stats.contains { $0.name.contains("upstream_rq_total") })
        // Asked once: the stats the plan polls anyway stand in from then on.
        _ = await store.firstState { _ in counts[.stats] >= 5 }
        #expect(counts[.statsJSON] == 1)
    }
}
