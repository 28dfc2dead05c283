import Foundation
import MeshClient
import MeshDemo
import MeshModel
import Testing

/// Pagination, watches with bookmarks, relist after 410, Retry-After on 429.
@Suite struct ListWatchTests {
    static func seedPods(_ cluster: TestCluster, count: Int, namespace: String = "shop") throws {
        try cluster.server.write(FakeObjects.namespace(namespace), manager: "test")
        try cluster.server.seed(FakeObjects.generatedPods(count: count, namespaces: [namespace]))
    }

    @Test func listPaginatesWithContinueTokens() async throws {
        try await withCluster { cluster in
            try Self.seedPods(cluster, count: 1234)
            try await withClient(try cluster.client()) { client in
                let first = try await client.list(Resources.pods, namespace: "shop", limit: 500)
                #expect(first.items.count == 500)
                #expect(first.remainingItemCount == 734)
                #expect(first.continueToken != nil)
                cluster.server.clearRequestLog()
                let (items, rv) = try await client.listAll(Resources.pods, namespace: "shop", pageSize: 100)
                #expect(items.count == 1234)
                #expect(Set(items.compactMap { $0["metadata"]?["name"]?.string }).count == 1234)
                #expect(rv == String(cluster.server.resourceVersion))
                let log = cluster.server.requestLog
                #expect(log.count == 13)
                #expect(log[0] == "GET /api/v1/namespaces/shop/pods?limit=100")
                #expect(log[1].hasPrefix("GET /api/v1/namespaces/shop/pods?limit=100&continue="))
                // Items come in key order, as from etcd.
                let names = items.compactMap { $0["metadata"]?["name"]?.string }
                #expect(names == names.sorted())
            }
        }
    }

    @Test func labelSelectorFiltersServerSide() async throws {
        try await withCluster { cluster in
            try Self.seedPods(cluster, count: 50)
            try await withClient(try cluster.client()) { client in
                let page = try await client.list(Resources.pods, namespace: "shop", labelSelector: "app in (app-0,app-1)")
                #expect(page.items.count == 10)
                #expect(page.items.allSatisfy { ["app-0", "app-1"].contains($0["metadata"]?["labels"]?.member(exactly: "app")?.string ?? "") })
                let none = try await client.list(Resources.pods, namespace: "shop", labelSelector: "!app")
                #expect(none.items.isEmpty)
            }
        }
    }

    @Test func expiredContinueTokenIs410() async throws {
        try await withCluster { cluster in
            try Self.seedPods(cluster, count: 20)
            try await withClient(try cluster.client()) { client in
                let first = try await client.list(Resources.pods, namespace: "shop", limit: 5)
                // Compaction removes versions older than the newest: the token's version must be older.
                try cluster.server.write(FakeObjects.pod("later", namespace: "shop"), manager: "kubelet")
                cluster.server.compact()
                do throws(KubeClientError) {
                    _ = try await client.list(Resources.pods, namespace: "shop", limit: 5, continueToken: first.continueToken)
                    Issue.record("expected 410")
                } catch {
                    #expect(error.kind == .expired)
                    #expect(error.status?.reason == "Expired")
                }
            }
        }
    }

    @Test func watchStreamsEventsAndBookmarks() async throws {
        var options = FakeAPIServer.Options()
        options.bookmarkInterval = 0.1
        try await withCluster(options) { cluster in
            try Self.seedPods(cluster, count: 3)
            try await withClient(try cluster.client()) { client in
                let rv = try await client.list(Resources.pods, namespace: "shop").resourceVersion
                let stream = client.watch(Resources.pods, namespace: "shop", resourceVersion: rv, timeoutSeconds: 2)
                try cluster.server.write(FakeObjects.pod("new-pod", namespace: "shop", mode: .ambient), manager: "kubelet")
                cluster.server.delete(apiVersion: "v1", kind: "Pod", namespace: "shop", name: "new-pod")
                try cluster.server.write(FakeObjects.pod("elsewhere", namespace: "default"), manager: "kubelet")
                var types: [WatchEvent.EventType] = []
                var versions: [Int] = []
                for try await event in stream {
                    types.append(event.type)
                    versions.append(Int(event.resourceVersion ?? "") ?? -1)
                    if types.contains(.bookmark) && types.count >= 3 { break }
                }
                #expect(Array(types.prefix(2)) == [.added, .deleted])
                #expect(types.contains(.bookmark))
                // Versions never go backwards, bookmarks included.
                #expect(versions == versions.sorted())
            }
        }
    }

    @Test func informerFollowsChangesAndRelistsAfterCompaction() async throws {
        var options = FakeAPIServer.Options()
        options.bookmarkInterval = 0.1
        try await withCluster(options) { cluster in
            try Self.seedPods(cluster, count: 120)
            try await withClient(try cluster.client()) { client in
                let informer = Informer(client: client, resource: Resources.pods, namespace: "shop", pageSize: 50, watchTimeoutSeconds: 1,
                                        backoff: Backoff(initial: 0.05, cap: 0.2))
                await informer.start()
                try await informer.waitForSync(timeout: 30)
                #expect(await informer.count == 120)
                #expect(await informer.stats.listPages == 3)

                try cluster.server.write(FakeObjects.pod("added-later", namespace: "shop"), manager: "kubelet")
                #expect(await eventually { await informer.object(key: "shop/added-later") != nil })
                #expect(await eventually { await informer.stats.bookmarks > 0 })

                // Take the watch down (etcd trouble), change things and compact meanwhile:
                // the resumed watch is from a version older than the compaction, gets 410,
                // and the informer must relist to see the changes it missed.
                cluster.server.failRequests(method: "GET", pathContains: "watch=true", status: 500, message: "etcdserver: leader changed", count: 10_000)
                #expect(await eventually { await informer.stats.failures >= 1 })
                cluster.server.delete(apiVersion: "v1", kind: "Pod", namespace: "shop", name: "added-later")
                try cluster.server.write(FakeObjects.pod("after-compaction", namespace: "shop"), manager: "kubelet")
                cluster.server.compact()
                cluster.server.clearInjectedFailures()
                #expect(await eventually { await informer.stats.relists >= 1 })
                #expect(await eventually { await informer.object(key: "shop/after-compaction") != nil })
                #expect(await informer.object(key: "shop/added-later") == nil)
                #expect(await informer.count == 121)
                #expect(await informer.lastError == nil)
                await informer.stop()
            }
        }
    }

    @Test func watchFromCompactedVersionReportsExpired() async throws {
        try await withCluster { cluster in
            try Self.seedPods(cluster, count: 2)
            try await withClient(try cluster.client()) { client in
                let rv = try await client.list(Resources.pods, namespace: "shop").resourceVersion
                try cluster.server.write(FakeObjects.pod("x", namespace: "shop"), manager: "kubelet")
                cluster.server.compact()
                do {
                    for try await _ in client.watch(Resources.pods, namespace: "shop", resourceVersion: rv, timeoutSeconds: 5) {}
                    Issue.record("expected 410")
                } catch let error as KubeClientError {
                    #expect(error.kind == .expired)
                    #expect(error.message.contains("410 Expired: too old resource version: \(rv)"))
                }
            }
        }
    }

    @Test func throttledRequestsWaitForRetryAfter() async throws {
        try await withCluster { cluster in
            cluster.server.throttle(next: 2, retryAfter: 1)
            try await withClient(try cluster.client()) { client in
                let start = Date()
                let page = try await client.list(Resources.namespaces, namespace: nil)
                let elapsed = Date().timeIntervalSince(start)
                #expect(page.items.count == 3)
                #expect(elapsed >= 1.9)
                #expect(cluster.server.requestLog.count == 3)
            }
        }
    }

    @Test func throttlingThatNeverEndsIsReported() async throws {
        try await withCluster { cluster in
            cluster.server.throttle(next: 100, retryAfter: 0)
            let client = try KubeClient(connection: try cluster.connection(try cluster.kubeconfig()), options: TransportOptions(maxThrottleRetries: 2))
            await withClient(client) { client in
                do throws(KubeClientError) {
                    _ = try await client.list(Resources.pods, namespace: "shop")
                    Issue.record("expected 429")
                } catch {
                    #expect(error.kind == .tooManyRequests)
                    #expect(error.message == "the API server is still throttling after 2 retries (429 Too Many Requests) to list pods in namespace \"shop\": Too many requests, please try again later.")
                    #expect(error.status?.retryAfterSeconds == 0)
                }
            }
        }
    }

    @Test func discoveryMapsKindsAndShortNames() async throws {
        try await withCluster { cluster in
            try await withClient(try cluster.client()) { client in
                let catalog = try await client.discover()
                #expect(catalog.lookup("po")?.name == "pods")
                #expect(catalog.lookup("vs")?.kind == "VirtualService")
                #expect(catalog.lookup("httproutes.gateway.networking.k8s.io")?.group == "gateway.networking.k8s.io")
                // Istio's Gateway is discovered first (kubectl's order), the qualified name picks Gateway API's.
                #expect(catalog.lookup("gateways")?.group == "networking.istio.io")
                #expect(catalog.lookup("gateways.gateway.networking.k8s.io")?.group == "gateway.networking.k8s.io")
                #expect(catalog.forKind("AuthorizationPolicy", apiVersion: "security.istio.io/v1")?.name == "authorizationpolicies")
                #expect(catalog.lookup("pods/proxy") == nil)
                do throws(KubeClientError) {
                    _ = try await client.resource("virtualservice-typo")
                    Issue.record("expected unknown type")
                } catch {
                    #expect(error.message.hasPrefix("the server doesn't have a resource type \"virtualservice-typo\"; it offers: AuthorizationPolicy (security.istio.io/v1), ConfigMap (v1), DaemonSet (apps/v1), Deployment (apps/v1)"))
                }
            }
        }
    }

    @Test func clusterCacheCoversMeshKinds() async throws {
        try await withCluster { cluster in
            try Self.seedPods(cluster, count: 7)
            try cluster.server.seed(FakeObjects.generatedServices(count: 4, namespaces: ["shop"]))
            try cluster.server.write(.object([
                ("apiVersion", "networking.istio.io/v1"), ("kind", "VirtualService"),
                ("metadata", .object([("name", "reviews"), ("namespace", "shop")])),
                ("spec", .object([("hosts", .array(["reviews"]))])),
            ]), manager: "test")
            try await withClient(try cluster.client()) { client in
                let cache = try await ClusterCache.start(client: client, namespace: nil)
                try await cache.waitForSync(timeout: 30)
                let snap = await cache.snapshot()
                #expect(snap.pods.count == 7)
                #expect(snap.services.count == 4)
                #expect(snap.namespaces.count == 4)
                #expect(snap.meshObjects["virtualservices.networking.istio.io"]?.first?.metadata.name == "reviews")
                #expect(snap.meshObjects.keys.contains("httproutes.gateway.networking.k8s.io"))
                let modes = Dictionary(grouping: snap.pods, by: \.meshMode).mapValues(\.count)
                #expect(modes == [.sidecar: 2, .ambient: 2, .none: 1, .waypoint: 1, .gateway: 1])
                await cache.stop()
            }
        }
    }
}
