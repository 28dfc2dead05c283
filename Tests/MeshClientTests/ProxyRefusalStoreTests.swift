import Foundation
import MeshClient
import MeshDemo
import MeshModel
import Testing

/// The live store and `pods/proxy` refusals: a proxy the user may see but not reach is not
/// polled every refresh (no blind retry loop on 403), and its sources say the refusal.
extension LeastPrivilegeTests {
    /// `shop`'s pods readable, its proxies not reachable (no `pods/proxy` grant).
    static func prepareWithoutPodProxy(_ cluster: TestCluster) throws -> String {
        try cluster.server.write(FakeObjects.namespace("shop"), manager: "test")
        try cluster.server.write(FakeObjects.pod("web-0", namespace: "shop", mode: .sidecar), manager: "test")
        cluster.server.addToken(devToken, user: dev)
        cluster.server.grant(user: dev, namespace: "shop", verbs: ["get", "list", "watch"], apiGroups: ["", "discovery.k8s.io"],
                             resources: ["pods", "services", "endpointslices"])
        return try cluster.kubeconfig(name: "dev-config", userYAML: "    token: \(devToken)")
    }

    /// Runs a store over `source` at a 0.2 s refresh (backoff capped at 0.4 s, so a retried
    /// source would be asked several times) until `settled` holds of its state (at most 30 s,
    /// so a loaded machine only slows it), then `seconds` more; returns its last state.
    static func poll(_ source: ClusterMeshSource, seconds: Double,
                     until settled: @Sendable (MeshState) -> Bool = { _ in true }) async throws -> MeshState {
        let store = MeshStore.over(source, options: .init(refresh: 0.2, maxBackoff: 0.4))
        let task = Task { await store.run() }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let state = await store.current, settled(state) { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        let state = await store.current
        task.cancel()
        await task.value
        return try #require(state)
    }

    /// Refused by the access review: not one request through the pod proxy, and every
    /// source of the proxy says the refusal (the header counts it as forbidden).
    @Test func plannedPodProxyRefusalIsNeverPolled() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepareWithoutPodProxy(cluster)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let source = Self.source(client)
                let snap = try await source.cluster()
                #expect(snap.forbidden.contains(ForbiddenAccess(verb: "get", group: "", resource: "pods/proxy", namespace: "shop")))
                let state = try await Self.poll(source, seconds: 2)
                await source.close()
                #expect(state.proxies.map(\.key) == ["shop/web-0"])
                #expect(state.complete, "refused sources are settled: a table over them is not held back")
                let sources = state.sources.filter { $0.key.proxy == "shop/web-0" }
                #expect(!sources.isEmpty)
                for (s, status) in sources {
                    #expect(status.state == .failing(reason: "forbidden: cannot get pods/proxy in shop (needs get on pods/proxy)"), "\(s)")
                }
                let proxied = cluster.server.requests.filter { $0.path.contains("/proxy") }
                #expect(proxied.map(\.line) == [], "requests sent only to be refused")
            }
        }
    }

    /// Refused by the server (403) after the plan allowed it: each source is asked once,
    /// not again every refresh or backoff.
    @Test func podProxyRefusedBy403IsAskedOnce() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let source = Self.source(client)
                _ = try await source.cluster()
                cluster.server.deny(user: Self.dev, verb: "get", resource: "pods/proxy")
                // Every source answered (the 403s), then 2 s more: ten refreshes in which a
                // retry would show.
                let state = try await Self.poll(source, seconds: 2) { state in
                    let sources = state.sources.filter { $0.key.proxy == "shop/web-0" }
                    return !sources.isEmpty && sources.allSatisfy { $0.value.state != .pending }
                }
                await source.close()
                let asked = cluster.server.requests.filter { $0.user == Self.dev && $0.path.contains("/proxy") }.map(\.line)
                #expect(!asked.isEmpty)
                #expect(asked.count == Set(asked).count, "asked again after a 403: \(asked)")
                for (s, status) in state.sources where s.proxy == "shop/web-0" {
                    guard case .failing(let reason) = status.state else {
                        Issue.record("\(s): \(status.state)")
                        continue
                    }
                    #expect(reason.hasPrefix("Forbidden:"), "\(s): \(reason)")
                }
            }
        }
    }

    /// Reviews are asked once per context: a second reviewer (a later command, a reopened
    /// TUI) gets the cached answers; another identity on the same server asks its own.
    @Test func accessAnswersAreCachedPerContext() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            let check = AccessCheck(verb: "list", group: "", resource: "pods", namespace: nil)
            func reviews() -> Int { cluster.server.requestLog.filter { $0.contains("selfsubject") }.count }
            try await withClient(try cluster.client(kubeconfig)) { client in
                let first = await AccessReviewer(client: client).answers(checks: [check], namespaces: ["shop"])
                #expect(first.allows(check) == false)
                #expect(reviews() == 2)
                let again = await AccessReviewer(client: client).answers(checks: [check], namespaces: ["shop"])
                #expect(again.allows(check) == false)
                #expect(reviews() == 2, "asked again within one context")
            }
            cluster.server.addToken("t0ken-admin", user: "admin")
            let admin = try cluster.kubeconfig(name: "admin-config", userYAML: "    token: t0ken-admin")
            try await withClient(try cluster.client(admin)) { client in
                let answers = await AccessReviewer(client: client).answers(checks: [check], namespaces: ["shop"])
                // A user without grants may do anything in the fake server.
                #expect(answers.allows(check) == true)
                #expect(reviews() == 4)
            }
        }
    }
}
