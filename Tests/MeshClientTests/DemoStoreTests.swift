import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import MeshTestSupport
import Testing

/// The demo mesh on loopback, read through the real client path: kubeconfig → informers →
/// pod proxy subresource → demo admin servers → ``MeshStore``.
@Suite(.serialized) struct DemoStoreTests {
    /// A running demo with a store polling it; everything is torn down after `body`.
    static func withDemoStore<T>(refresh: Double = 0.5, adminTimeout: Double = 2, _ body: (DemoCluster, MeshStore) async throws -> T) async throws -> T {
        try await withDemoStore(refresh: refresh, adminTimeout: adminTimeout) { demo, store, _ in try await body(demo, store) }
    }

    static func withDemoStore<T>(refresh: Double = 0.5, adminTimeout: Double = 2, _ body: (DemoCluster, MeshStore, ClusterCache) async throws -> T) async throws -> T {
        let setup = try await DemoSetup.start("meshscope-demo-test")
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
            await setup.stop()
        }
        do {
            let c = try KubeClient(connection: try setup.connection(), options: TransportOptions(requestTimeout: 10))
            client = c
            let k = try await ClusterCache.start(client: c, namespace: nil)
            cache = k
            try await k.waitForSync(timeout: 30)
            let a = AdminClient(.apiServerProxy(c), timeout: adminTimeout, maxConcurrent: 16)
            admin = a
            let store = MeshStore.kubernetes(cache: k, admin: a, options: .init(refresh: refresh, maxConcurrent: 16, maxBackoff: 2))
            poller = Task { await store.run() }
            let r = try await body(setup.demo, store, k)
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
            // A round where every source answered: on a loaded machine one may time out now and then.
            let second = try #require(await Self.state(store, after: first.generation + 1, timeout: 60) { $0.failing.isEmpty },
                                      "no round without failures")
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

    /// Injects `fault` into productpage's sidecar and waits until its sources fail; checks
    /// that only they fail, with `reason` in the status, and that every other source kept
    /// answering after the fault was set (their last success is later).
    static func expectOnlyThatSourceFails(_ fault: DemoFault, adminTimeout: Double = 5, reason: @escaping (LiveSource, String) -> Bool) async throws {
        try await withDemoStore(adminTimeout: adminTimeout) { demo, store in
            let pod = demo.mesh.pods.first { $0.namespace == "bookinfo" && $0.name.hasPrefix("productpage-v1") }!
            let key = pod.namespace + "/" + pod.name
            // Every source, config dumps and the slow `/clusters` lane included, has answered once:
            // what fails next is the fault.
            _ = try #require(await Self.state(store, timeout: 120) { $0.configDumpsComplete && $0.upstreamsComplete && $0.failing.isEmpty })
            try demo.setFault(fault, pod: pod.name, namespace: pod.namespace)
            let faultAt = Date()
            func failed(_ s: MeshState, _ e: LiveSource.Endpoint) -> Bool { s.sources[LiveSource(proxy: key, endpoint: e)]?.isFailing == true }
            let failing = try #require(await Self.state(store, timeout: 20) { s in failed(s, .stats) && failed(s, .clusters) }, "\(fault): sources never failed")
            // One more round after that: everyone else has answered since the fault (and, on a
            // loaded machine, recovered from any timeout of their own).
            let state = try #require(await Self.state(store, after: failing.generation, timeout: 60) { s in
                s.sources.filter { $0.key.proxy != key && $0.key.endpoint.isPeriodic }.allSatisfy { ($0.value.lastSuccess ?? .distantPast) > faultAt }
                    && s.failing.allSatisfy { $0.0.proxy == key } && s.sources.filter { $0.key.proxy != key }.allSatisfy { $0.value.isOK }
            }, "\(fault): other sources stopped updating")
            #expect(state.failing.allSatisfy { $0.0.proxy == key }, "\(fault): \(state.failing.map(\.0.description))")
            for (source, status) in state.failing {
                let text = status.summary(now: state.time)
                #expect(text.hasPrefix("stale since "), "\(fault) \(source): \(text)")
                #expect(reason(source, text), "\(fault) \(source): \(text)")
            }
            let others = state.sources.filter { $0.key.proxy != key }
            #expect(others.count > 10)
            #expect(others.allSatisfy { $0.value.isOK })
            // The other edges still have rates; the failing proxy's data stays (stale), not dropped.
            #expect(state.edges.contains { $0.destination.hasPrefix("reviews-v1") && ($0.rates?.requests ?? 0) > 0 })
            #expect(state.upstreams[key] != nil)
        }
    }

    @Test func status500MarksOnlyThatSourceFailing() async throws {
        try await Self.expectOnlyThatSourceFails(.status500) { _, text in text.contains("500") }
    }

    @Test func hangingAdminPortTimesOutAlone() async throws {
        try await Self.expectOnlyThatSourceFails(.hang, adminTimeout: 0.5) { _, text in text.contains("timed out after 0.5s") }
    }

    @Test func resetConnectionMarksOnlyThatSourceFailing() async throws {
        try await Self.expectOnlyThatSourceFails(.reset) { _, text in text.contains("admin port 15000 of pod productpage-v1-") && text.contains("not reachable") }
    }

    @Test func garbageNamesWhatWasExpected() async throws {
        try await Self.expectOnlyThatSourceFails(.garbage) { source, text in
            switch source.endpoint {
            case .stats: text.contains("failing: not Prometheus text: 1 malformed lines (line 1")
            case .clusters: text.contains("failing: bad /clusters: ")
            default: text.contains("bad config dump")
            }
        }
    }

    /// A watch that the server ends (restart, idle timeout) is re-opened from the last
    /// resourceVersion; one whose history expired (410) is relisted. Either way a pod added
    /// after the drop reaches the store's proxies and gets polled.
    @Test(arguments: [false, true]) func droppedWatchReconnects(expire: Bool) async throws {
        try await Self.withDemoStore { demo, store, cache in
            _ = try #require(await Self.state(store))
            let pods = try #require(cache.informer(group: "", name: "pods"))
            let before = await pods.stats
            #expect(demo.api.openWatches >= 4)
            demo.api.dropWatches(expire: expire)
            // A copy of details-v1's pod under a new name, answering with details' admin data.
            let template = try #require(demo.mesh.pods.firstIndex { $0.namespace == "bookinfo" && $0.name.hasPrefix("details-v1") })
            let name = "details-v1-added-\(expire ? "expired" : "dropped")"
            var pod = try #require(demo.api.object(apiVersion: "v1", kind: "Pod", namespace: "bookinfo", name: demo.mesh.pods[template].name))
            pod.setValue(.string(name), at: ["metadata", "name"])
            pod.setValue(nil, at: ["metadata", "uid"])
            pod.setValue(nil, at: ["metadata", "resourceVersion"])
            demo.api.setAdminBackend(namespace: "bookinfo", pod: name, port: 15000, baseURL: demo.admin.backendURL(pod: template, port: 15000))
            try demo.api.write(pod, manager: "kubelet")
            let key = "bookinfo/" + name
            // Generous: on a loaded 2-core CI machine one round trip of watch, relist and poll
            // has taken over 20 s; the property is that it arrives, not how fast.
            let state = try #require(await Self.state(store, timeout: 60) { s in s.sources[LiveSource(proxy: key, endpoint: .stats)]?.isOK == true },
                                     "the pod added after the watch drop never reached the store")
            #expect(state.proxies.contains { $0.key == key && $0.kind == .sidecar })
            let after = await pods.stats
            #expect(after.watches > before.watches)
            if expire { #expect(after.relists > before.relists) } else { #expect(after.relists == before.relists) }
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

    /// `/clusters` of the focused proxy every refresh (0.5 s here), the others' every 5th;
    /// unfocused upstreams do not hold up the first complete state but arrive soon after.
    @Test func focusedProxyClustersEveryRefreshOthersEveryFifth() async throws {
        try await Self.withDemoStore { demo, store in
            let pods = demo.mesh.pods.filter { $0.namespace == "bookinfo" }
            let focused = try #require(pods.first { $0.name.hasPrefix("productpage-v1") })
            let other = try #require(pods.first { $0.name.hasPrefix("details-v1") })
            let fKey = focused.namespace + "/" + focused.name, oKey = other.namespace + "/" + other.name
            await store.setFocus([fKey])
            // The other's upstreams follow soon after: under CI load one `/clusters` may miss its
            // 2 s admin timeout and come a backoff later, so they are waited for, not required at once.
            let first = try #require(await Self.state(store, timeout: 60) { $0.focused == [fKey] && $0.upstreams[fKey] != nil && $0.upstreamsComplete })
            if first.upstreams[oKey] == nil {
                #expect(await Self.state(store, after: first.generation, timeout: 60) { $0.upstreams[oKey] != nil } != nil, "\(oKey)'s upstreams never came")
            }
            func success(_ s: MeshState, _ key: String) -> Date? { s.sources[LiveSource(proxy: key, endpoint: .clusters)]?.lastSuccess }
            var focusedTimes: Set<Date> = [], otherTimes: Set<Date> = []
            // Watch ten more answers of the focused proxy. The exact cadence (every round vs
            // every fifth, on round boundaries in time) is PollSchedulerTests' to check; here,
            // end to end, the focused proxy must be read more often than the other. Not "the
            // other at most twice": under load a round outlasts its interval, so the focused
            // proxy answers less often than every 0.5 s while the other stays due every 2.5 s.
            // Ten answers: the more are watched, the less one stall of the loaded machine (which
            // makes both proxies due at once) weighs against the cadence.
            let until = Date().addingTimeInterval(120)
            while Date() < until, focusedTimes.count < 10 {
                if let s = await store.current {
                    if let t = success(s, fKey) { focusedTimes.insert(t) }
                    if let t = success(s, oKey) { otherTimes.insert(t) }
                }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            #expect(focusedTimes.count >= 10, "\(focusedTimes)")
            #expect(otherTimes.count < focusedTimes.count, "\(otherTimes.sorted()) vs \(focusedTimes.sorted())")
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
        // One row per edge: the client sidecar's `unknown` report is merged into the server's mTLS
        // row, except where no request reaches a server (ratings has no healthy endpoint: 100% errors).
        let rows2 = edges.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let pairs = rows2.map { $0.prefix(3).joined(separator: " ") }
        #expect(Set(pairs).count == pairs.count, "\(edges.stdout)")
        // Also where the client's route names a missing cluster (the planted 503 NC).
        let unreached = Set(mesh.edges.filter(\.failsAtClient).map { "\(mesh.workloads[$0.destination].name).\(mesh.workloads[$0.destination].namespace)" })
        #expect(unreached.contains("ratings-v1.bookinfo"))
        #expect(!rows2.contains { $0.count > 3 && $0[3] == "unknown" && !unreached.contains($0[1]) }, "\(edges.stdout)")
        let gw = try #require(rows2.first { $0[0].hasPrefix("istio-ingressgateway.") && $0[1] == "productpage-v1.bookinfo" })
        #expect(gw[3] == "mTLS")
    }

    /// `connections --xds`: istiod's xDS clients from /debug/connections joined with syncz.
    @Test func xdsClientsFromDebugConnections() async throws {
        let mesh = DemoMesh(.init())
        let out = await MeshScopeMain.invoke(["--demo", "connections", "--xds", "--refresh", "500ms"])
        #expect(out.code == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["PROXY", "TYPE", "ADDRESS", "CONNECTED", "SYNC", "ISTIOD"])
        #expect(lines.count == mesh.xdsClients.count + 1)
        let rows = lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.map { $0[0] } == mesh.xdsClients.map(mesh.proxyID).sorted())
        let stale = try #require(rows.first { $0[0] == mesh.proxyID(mesh.stalePod) })
        #expect(stale[1] == "sidecar")
        #expect(stale[4...].joined(separator: " ").hasPrefix("EDS STALE"))
        let p = mesh.stalePod
        #expect(stale[2] == "\(mesh.pods[p].ip):\(40_000 + p % 20_000)")
        let zt = try #require(rows.first { $0[0].hasPrefix("ztunnel-") })
        #expect(zt[1] == "ztunnel" && zt[4] == "SYNCED")
        let gw = try #require(rows.first { $0[0].hasPrefix("istio-ingressgateway-") })
        #expect(gw[1] == "router" && gw[4] == "SYNCED")
        // The stale proxy, the planted NACK, and the Envoy never sent its listeners (MS0102:
        // `LDS NOT SENT`, not SYNCED).
        #expect(Set(rows.filter { $0[4] != "SYNCED" }.map { $0[0] })
                    == [mesh.proxyID(mesh.stalePod), mesh.proxyID(mesh.faults.rejectedListener), mesh.proxyID(mesh.faults.listenersNotSent)],
                "\(rows.filter { $0[4] != "SYNCED" })")
        #expect(rows.first { $0[0] == mesh.proxyID(mesh.faults.listenersNotSent) }?.joined(separator: " ").contains(" LDS NOT SENT ") == true)
    }
}
