import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

/// The demo mesh on loopback, read through the real client path: kubeconfig → informers →
/// pod proxy subresource → demo admin servers → ``MeshStore``.
@Suite(.serialized) struct DemoStoreTests {
    /// A running demo with a store polling it; everything is torn down after `body`.
    static func withDemoStore<T>(refresh: Double = 0.5, _ body: (DemoCluster, MeshStore) async throws -> T) async throws -> T {
        let demo = try await DemoCluster.start(.init(services: 0, replicas: 1), tickSeconds: 0.1)
        let dir = NSTemporaryDirectory() + "meshscope-demo-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var client: KubeClient?
        var cache: ClusterCache?
        var admin: AdminClient?
        var poller: Task<Void, Never>?
        func teardown() async {
            poller?.cancel()
            await poller?.value
            await cache?.stop()
            await admin?.shutdown()
            await client?.shutdown()
            await demo.shutdown()
            try? FileManager.default.removeItem(atPath: dir)
        }
        do {
            let path = try demo.writeKubeconfig(path: dir + "/config")
            let env = KubeconfigLoader.Environment(variables: [:], home: dir + "/home", serviceAccountRoot: dir + "/sa")
            let connection = try KubeconfigLoader(environment: env).load(.init(kubeconfig: path))
            let c = try KubeClient(connection: connection, options: TransportOptions(requestTimeout: 10))
            client = c
            let k = try await ClusterCache.start(client: c, namespace: nil)
            cache = k
            try await k.waitForSync(timeout: 10)
            let a = AdminClient(.apiServerProxy(c), timeout: 2, maxConcurrent: 16)
            admin = a
            let store = MeshStore.kubernetes(cache: k, admin: a, options: .init(refresh: refresh, maxConcurrent: 16, maxBackoff: 2))
            poller = Task { await store.run() }
            let r = try await body(demo, store)
            await teardown()
            return r
        } catch {
            await teardown()
            throw error
        }
    }

    /// The first complete state with rates after `after` (a generation), or nil on timeout.
    static func state(_ store: MeshStore, after generation: Int = 0, timeout: Double = 30, where ok: (MeshState) -> Bool = { _ in true }) async -> MeshState? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let s = await store.current, s.complete, s.generation > generation, s.interval != nil, ok(s) { return s }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return nil
    }

    @Test func edgesHavePlaintextEdgeAndMovingRates() async throws {
        try await Self.withDemoStore { _, store in
            let first = try #require(await Self.state(store))
            let second = try #require(await Self.state(store, after: first.generation + 1))
            let plain = try #require(second.edges.first { $0.source == "curl-legacy.legacy" && $0.destination.hasPrefix("details-v1") })
            #expect(plain.security == .plaintext)
            let toProductpage = try #require(second.edges.first { $0.destination.hasPrefix("productpage-v1") && $0.security == .mutualTLS })
            #expect((toProductpage.rates?.requests ?? 0) > 0)
            #expect(second.edges.contains { ($0.rates?.received ?? 0) > 0 })
            let table = LiveTables.edges(second).render(wide: false)
            #expect(table.hasPrefix("SOURCE"))
            #expect(table.contains("curl-legacy.legacy"))
            #expect(table.contains("plaintext"))
            #expect(second.failing.isEmpty, "\(second.failing.map { "\($0.0): \($0.1.summary(now: second.time))" })")
        }
    }

    @Test func status500MarksOnlyThatSourceFailing() async throws {
        try await Self.withDemoStore { demo, store in
            let pod = demo.mesh.pods.first { $0.namespace == "bookinfo" && $0.name.hasPrefix("productpage-v1") }!
            _ = try #require(await Self.state(store))
            try demo.setFault(.status500, pod: pod.name, namespace: pod.namespace)
            let key = pod.namespace + "/" + pod.name
            let state = try #require(await Self.state(store) { s in s.failing.contains { $0.0.proxy == key } })
            let failing = state.failing
            #expect(!failing.isEmpty)
            #expect(failing.allSatisfy { $0.0.proxy == key }, "\(failing.map(\.0.description))")
            let reason = failing.first.map { $0.1.summary(now: state.time) } ?? ""
            #expect(reason.contains("500"), "\(reason)")
            // Everyone else keeps answering and updating.
            let others = state.sources.filter { $0.key.proxy != key }
            #expect(others.count > 10)
            #expect(others.allSatisfy { $0.value.isOK })
        }
    }

    @Test func counterResetGivesNoNegativeRate() async throws {
        try await Self.withDemoStore { demo, store in
            let first = try #require(await Self.state(store))
            for p in demo.mesh.proxyPods { demo.restart(pod: demo.mesh.pods[p].name, namespace: demo.mesh.pods[p].namespace) }
            let after = try #require(await Self.state(store, after: first.generation + 1))
            let next = try #require(await Self.state(store, after: after.generation))
            for s in [after, next] {
                for e in s.edges {
                    guard let r = e.rates else { continue }
                    #expect(r.opened >= 0 && r.closed >= 0 && r.sent >= 0 && r.received >= 0, "\(e.source) → \(e.destination)")
                    #expect((r.requests ?? 0) >= 0 && (r.errors ?? 0) >= 0, "\(e.source) → \(e.destination)")
                }
            }
        }
    }

    /// `--demo` in front of any command: the same commands a cluster gets, through a temporary kubeconfig.
    @Test func demoCommandsEndToEnd() async throws {
        let pods = await MeshScopeMain.invoke(["--demo", "get", "pods", "-A"])
        #expect(pods.code == 0, "\(pods.stderr)")
        let rows = pods.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first?.last == "MODE")
        func mode(_ ns: String, _ prefix: String) -> String? { rows.first { $0.count > 1 && $0[0] == ns && $0[1].hasPrefix(prefix) }?.last }
        #expect(mode("bookinfo", "productpage-v1") == "sidecar")
        #expect(mode("bookinfo-ambient", "productpage-v1") == "ambient")
        #expect(mode("bookinfo-ambient", "waypoint") == "waypoint")
        #expect(mode("istio-system", "istio-ingressgateway") == "gateway")
        #expect(mode("istio-system", "ztunnel-") == "none")

        let mesh = DemoMesh(.init())
        let pp = try #require(mesh.pods.first { $0.namespace == "bookinfo" && $0.name.hasPrefix("productpage-v1") })
        let clusters = await MeshScopeMain.invoke(["--demo", "admin", "\(pp.name).\(pp.namespace)", "/clusters?format=json"])
        #expect(clusters.code == 0, "\(clusters.stderr)")
        let doc = try JSONDocument(bytes: Array(clusters.stdout.utf8))
        #expect((doc.root["cluster_statuses"]?.count ?? 0) > 0)

        let edges = await MeshScopeMain.invoke(["--demo", "connections", "--edges", "--refresh", "500ms"])
        #expect(edges.code == 0, "\(edges.stderr)")
        #expect(edges.stdout.hasPrefix("SOURCE "))
        #expect(edges.stdout.split(separator: "\n").contains { $0.hasPrefix("curl-legacy.legacy") && $0.contains("plaintext") })
    }
}
