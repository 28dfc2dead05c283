import Foundation
import MeshDemo
import MeshModel
import MeshTestSupport
import Testing
@testable import MeshClient

/// `connections --edges` reads the edges and nothing else: with Prometheus answering, the
/// store polls no admin port and a state is complete as soon as Prometheus has answered,
/// before the (slow) first listing of the pods; scraping polls only the metrics.
@Suite struct EdgesOnlyStoreTests {
    static let sidecar = MeshState.Proxy(name: "web-0", namespace: "shop", kind: .sidecar, node: "node-1", ip: "10.0.0.1")
    static let ztunnel = MeshState.Proxy(name: "ztunnel-a", namespace: "istio-system", kind: .ztunnel, node: "node-1", ip: "10.0.0.2")
    static let istiod = MeshState.Proxy(name: "istiod-0", namespace: "istio-system", kind: .istiod, node: "node-1", ip: "10.0.0.3")
    static let all = [istiod, ztunnel, sidecar]

    typealias Counts = EndpointCounts

    /// One edge, as Prometheus's API answers the rates and totals queries (no latency histogram).
    static func answer(_ value: Double) -> [UInt8] {
        let metric = #"{"meshscope":"requests","reporter":"destination","source_workload":"sleep","source_workload_namespace":"shop","destination_workload":"web","destination_workload_namespace":"shop","destination_service":"web.shop.svc.cluster.local","connection_security_policy":"mutual_tls","request_protocol":"http","response_code":"200"}"#
        return Array(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":\#(metric),"value":[1,"\#(value)"]}]}}"#.utf8)
    }

    /// A Prometheus on loopback: edges for every query (latency: none), or a 500 when `failing`.
    static func fakePrometheus(failing: Bool = false) async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start { req in
            if failing { return .text(.internalServerError, "down") }
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            if text.contains("histogram_quantile") { return .json(.ok, Array(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8)) }
            return .json(.ok, answer(text.contains("rate") ? 2 : 100))
        }
    }

    /// Runs an edges-only store over `server` until `body` returns, then stops it and shuts its client down.
    /// `timeout` bounds each Prometheus request: one counters query past it drops Prometheus
    /// for ``MeshStore/prometheusRetry``, so tests that wait out a slow answer give it room.
    static func withStore(_ server: LoopbackHTTPServer, listDelay: Double, counts: Counts, timeout: Double = 5,
                          latencyGrace: Double = MeshStore.latencyGrace, _ body: (MeshStore) async throws -> Void) async throws {
        let metrics = PrometheusMetrics(client: try PrometheusClient(try PrometheusTarget.parse(server.baseURL), timeout: timeout),
                                        queries: PromQL(scrapeInterval: 1, refresh: 0.2))
        try await running(Self.store(metrics, listDelay: listDelay, counts: counts, latencyGrace: latencyGrace), metrics, server, body)
    }

    /// Runs `store` for `body`, then stops it, its Prometheus client and `server`.
    static func running(_ store: MeshStore, _ metrics: PrometheusMetrics, _ server: LoopbackHTTPServer,
                        _ body: (MeshStore) async throws -> Void) async throws {
        let task = Task { await store.run() }
        func stop() async {
            task.cancel()
            await task.value
            await metrics.client.shutdown()
            await server.shutdown()
        }
        do { try await body(store) } catch {
            await stop()
            throw error
        }
        await stop()
    }

    static func store(_ metrics: PrometheusMetrics, listDelay: Double, counts: Counts, latencyGrace: Double = MeshStore.latencyGrace) -> MeshStore {
        MeshStore(options: .init(refresh: 0.2, maxBackoff: 1, edgesOnly: true, latencyGrace: latencyGrace), prometheus: metrics, listProxies: {
            try await Task.sleep(nanoseconds: UInt64(listDelay * 1e9))
            return all
        }, fetch: { _, endpoint in
            counts.add(endpoint)
            switch endpoint {
            case .stats, .ztunnelMetrics: return Array("# TYPE istio_requests_total counter\n".utf8)
            default: throw LiveDecodeError("not served")
            }
        })
    }

    @Test func withPrometheusNoAdminPortIsPolledAndEdgesComeBeforeThePods() async throws {
        let counts = Counts()
        // Listing the pods takes 2 s (informers' first lists at thousands of pods).
        try await Self.withStore(try await Self.fakePrometheus(), listDelay: 2, counts: counts) { store in
            let first = try #require(await store.firstState { $0.complete })
            // Complete on Prometheus's answer alone, before the pods were listed.
            #expect(first.proxies.isEmpty)
            #expect(first.metrics.kind == .prometheus)
            #expect(first.edges.map { "\($0.source) → \($0.destination)" } == ["sleep.shop → web.shop"])
            #expect(first.edges.first?.rates?.requests == 2)
            // Then the pods are known, and still nothing is fetched from them.
            let listed = try #require(await store.firstState { $0.proxies.count == 3 })
            _ = try #require(await store.firstState { $0.generation > listed.generation + 3 })
            #expect(counts.total == 0, "\(counts.endpoints)")
            #expect(await store.current?.sources.isEmpty == true)
        }
    }

    /// A `rate()` over Prometheus's window moves only when Prometheus scrapes: at a 4 s scrape
    /// interval and a 0.2 s refresh the counters are asked every 2 s, not every refresh.
    @Test func countersAreAskedAtMostTwicePerScrapeInterval() async throws {
        final class Asked: @unchecked Sendable {
            private let lock = NSLock()
            private var n = 0
            func add() { lock.withLock { n += 1 } }
            var count: Int { lock.withLock { n } }
        }
        let asked = Asked()
        let server = try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            if text.contains("histogram_quantile") { return .json(.ok, Array(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8)) }
            asked.add()
            return .json(.ok, Self.answer(text.contains("rate") ? 2 : 100))
        }
        let metrics = PrometheusMetrics(client: try PrometheusClient(try PrometheusTarget.parse(server.baseURL), timeout: 5),
                                        queries: PromQL(scrapeInterval: 4, refresh: 0.2))
        let store = Self.store(metrics, listDelay: 0, counts: Counts())
        let task = Task { await store.run() }
        _ = try #require(await store.firstState { $0.complete && $0.metrics.kind == .prometheus })
        let started = Date()
        // A second round comes (rates and totals each): the counters are still asked. A loaded
        // machine may delay it; how late says nothing about the cadence, which is bounded below.
        var second = false
        while !second, Date().timeIntervalSince(started) < 20 {
            try await Task.sleep(nanoseconds: 50_000_000)
            second = asked.count >= 4
        }
        // At least 3 s in all, so a round every refresh would have shown.
        let remaining = 3 - Date().timeIntervalSince(started)
        if remaining > 0 { try await Task.sleep(nanoseconds: UInt64(remaining * 1e9)) }
        let measured = Date().timeIntervalSince(started)
        task.cancel()
        await task.value
        await metrics.client.shutdown()
        await server.shutdown()
        #expect(second, "the counters were asked once and never again")
        // Rates and totals once per 2 s round, plus the first round and one more for a slow
        // start, where a round every 0.2 s refresh would ask ten times as often.
        let most = 2 * (Int(measured / 2) + 2)
        #expect(asked.count <= most, "\(asked.count) counter queries in \(measured) s (at most \(most))")
    }

    @Test func whenPrometheusFailsOnlyTheMetricsAreScraped() async throws {
        let counts = Counts()
        try await Self.withStore(try await Self.fakePrometheus(failing: true), listDelay: 0, counts: counts) { store in
            let state = try #require(await store.firstState { $0.complete && $0.metrics.kind == .scrape })
            #expect(Set(state.sources.keys.map(\.endpoint)) == [.stats, .ztunnelMetrics])
            _ = try #require(await store.firstState { $0.generation > state.generation + 2 })
            #expect(counts.endpoints == [.stats, .ztunnelMetrics])
        }
    }

    /// What each mode polls, per proxy kind.
    @Test func sourcesPerMode() {
        func endpoints(prometheus: Bool, edgesOnly: Bool, focused: Set<String> = []) -> [String] {
            MeshStore.sources(Self.all, focused: focused, prometheusActive: prometheus, edgesOnly: edgesOnly).map { "\($0.proxy) \($0.endpoint.rawValue)" }.sorted()
        }
        let everything = Self.all.flatMap { p in p.kind.endpoints.map { "\(p.key) \($0.rawValue)" } }.sorted()
        #expect(endpoints(prometheus: false, edgesOnly: false) == everything)
        #expect(endpoints(prometheus: true, edgesOnly: false) == everything.filter {
            $0 != "shop/web-0 \(LiveSource.Endpoint.stats.rawValue)" && $0 != "istio-system/ztunnel-a \(LiveSource.Endpoint.ztunnelMetrics.rawValue)"
        })
        // A focused Envoy's stats stay while Prometheus answers (its Stats tab reads them).
        #expect(endpoints(prometheus: true, edgesOnly: false, focused: ["shop/web-0"]) == everything.filter {
            $0 != "istio-system/ztunnel-a \(LiveSource.Endpoint.ztunnelMetrics.rawValue)"
        })
        #expect(endpoints(prometheus: false, edgesOnly: true) == [
            "istio-system/ztunnel-a \(LiveSource.Endpoint.ztunnelMetrics.rawValue)", "shop/web-0 \(LiveSource.Endpoint.stats.rawValue)",
        ].sorted())
        #expect(endpoints(prometheus: true, edgesOnly: true, focused: ["shop/web-0"]).isEmpty)
    }
}

/// The proxies of a ``ClusterMeshSource`` are rebuilt only when a pod informer changed, and
/// then they are: a pod added or deleted is seen at the next listing.
@Suite struct ClusterProxiesMemoTests {
    @Test func proxiesFollowThePodInformer() async throws {
        let setup = try await DemoSetup.start("meshscope-memo-test")
        let demo = setup.demo
        let client: KubeClient
        do { client = try KubeClient(connection: try setup.connection(), options: TransportOptions(requestTimeout: 10)) } catch {
            await setup.stop()
            throw error
        }
        let admin = AdminClient(.apiServerProxy(client), timeout: 5, maxConcurrent: 4)
        let source = ClusterMeshSource(client: client, admin: admin, namespace: nil, syncTimeout: 30)
        func teardown() async {
            await source.close()
            await admin.shutdown()
            await client.shutdown()
            await setup.stop()
        }
        do {
            let first = try await source.proxies()
            #expect(first == MeshStore.proxies(from: try await source.cluster().pods))
            #expect(try await source.proxies() == first)

            let template = try #require(demo.mesh.pods.firstIndex { $0.namespace == "bookinfo" && $0.name.hasPrefix("details-v1") })
            var pod = try #require(demo.api.object(apiVersion: "v1", kind: "Pod", namespace: "bookinfo", name: demo.mesh.pods[template].name))
            pod.setValue(.string("details-v1-memo"), at: ["metadata", "name"])
            pod.setValue(nil, at: ["metadata", "uid"])
            pod.setValue(nil, at: ["metadata", "resourceVersion"])
            try demo.api.write(pod, manager: "kubelet")
            func eventually(_ ok: ([MeshState.Proxy]) -> Bool) async throws -> [MeshState.Proxy]? {
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline {
                    let list = try await source.proxies()
                    if ok(list) { return list }
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
                return nil
            }
            let added = try #require(await eventually { $0.contains { $0.key == "bookinfo/details-v1-memo" } })
            #expect(added.count == first.count + 1)
            #expect(added == MeshStore.proxies(from: try await source.cluster().pods))

            demo.api.delete(apiVersion: "v1", kind: "Pod", namespace: "bookinfo", name: "details-v1-memo")
            let removed = try #require(await eventually { !$0.contains { $0.key == "bookinfo/details-v1-memo" } })
            #expect(removed == first)
        } catch {
            await teardown()
            throw error
        }
        await teardown()
    }
}
