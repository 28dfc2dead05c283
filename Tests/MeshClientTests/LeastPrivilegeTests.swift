import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import Testing

/// A namespace-scoped user against the fake API server over loopback: the review APIs, 403
/// bodies, informers planned around refusals (never retried), snapshots that record them,
/// and apply refusing in the preview what the user may not write.
@Suite struct LeastPrivilegeTests {
    static let devToken = "t0ken-dev"
    static let dev = "system:serviceaccount:shop:dev"

    /// `shop` with a sidecar and a plain pod, istiod in istio-system, a pod in `other`; the
    /// user `dev` may read shop (and reach its proxies) and nothing else.
    static func prepare(_ cluster: TestCluster) throws -> String {
        for ns in ["shop", "other"] { try cluster.server.write(FakeObjects.namespace(ns), manager: "test") }
        try cluster.server.write(FakeObjects.pod("web-0", namespace: "shop", mode: .sidecar), manager: "test")
        try cluster.server.write(FakeObjects.pod("db-0", namespace: "shop"), manager: "test")
        try cluster.server.write(FakeObjects.pod("istiod-1", namespace: "istio-system", labels: ["app": "istiod"]), manager: "test")
        try cluster.server.write(FakeObjects.pod("api-0", namespace: "other", mode: .sidecar), manager: "test")
        cluster.server.addToken(devToken, user: dev)
        cluster.server.grantNamespaceReader(user: dev, namespace: "shop")
        return try cluster.kubeconfig(name: "dev-config", userYAML: "    token: \(devToken)")
    }

    static func source(_ client: KubeClient, fallback: [String]? = nil) -> ClusterMeshSource {
        ClusterMeshSource(client: client, admin: AdminClient(.apiServerProxy(client), timeout: 5, maxConcurrent: 4), namespace: nil,
                          fallbackNamespaces: fallback, syncTimeout: 20)
    }

    @Test func reviewAPIsAnswerFromTheUsersRules() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let reviewer = AccessReviewer(client: client)
                let shop = try #require(await reviewer.rules(namespace: "shop"))
                #expect(!shop.incomplete)
                #expect(shop.allows(verb: "watch", group: "networking.istio.io", resource: "virtualservices") == true)
                #expect(shop.allows(verb: "get", group: "", resource: "pods/proxy") == true)
                #expect(shop.allows(verb: "patch", group: "", resource: "services") == false)
                #expect(await reviewer.rules(namespace: "istio-system")?.rules.isEmpty == true)
                #expect(await reviewer.review(AccessCheck(verb: "list", group: "", resource: "pods", namespace: nil)) == false)
                #expect(await reviewer.review(AccessCheck(verb: "get", group: "", resource: "pods/proxy", namespace: "shop")) == true)
                #expect(await reviewer.review(AccessCheck(verb: "get", group: "", resource: "pods/proxy", namespace: "other")) == false)
            }
            // The answer's shape, as the API server writes it (201 Created, spec echoed, status filled).
            let raw = try await withClient(try cluster.client(kubeconfig)) { client in
                try await client.transport.send(KubeRequest(method: .POST, path: AccessReviews.accessPath,
                                                            body: AccessReviews.accessRequest(AccessCheck(verb: "list", group: "", resource: "pods", namespace: nil)).compactJSON(),
                                                            contentType: "application/json", verb: "create", target: "review"))
            }
            #expect(raw.status == 201)
            #expect(String(decoding: raw.body, as: UTF8.self) == #"{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"verb":"list","group":"","resource":"pods"}},"status":{"allowed":false}}"#)
        }
    }

    @Test func forbiddenBodyIsTheAPIServers() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let vs = APIResource(group: "networking.istio.io", version: "v1", name: "virtualservices", kind: "VirtualService", namespaced: true)
                do throws(KubeClientError) {
                    _ = try await client.list(vs, namespace: "istio-system")
                    Issue.record("expected 403")
                } catch {
                    #expect(error.kind == .forbidden)
                    #expect(error.status?.message == #"virtualservices.networking.istio.io is forbidden: User "system:serviceaccount:shop:dev" cannot list resource "virtualservices" in API group "networking.istio.io" in the namespace "istio-system""#)
                    #expect(error.status?.group == "networking.istio.io")
                    #expect(error.status?.kind == "virtualservices")
                }
                do throws(KubeClientError) {
                    _ = try await client.list(Resources.pods, namespace: "shop")
                } catch {
                    Issue.record("shop is readable: \(error.message)")
                }
            }
        }
    }

    /// No `-n`, no `-A`: every namespace is refused, so the context's namespace is read (and
    /// istiod's is reported refused); no request is sent only to be refused.
    @Test func namespaceScopedTokenReadsItsNamespace() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let source = Self.source(client)
                let snap = try await source.cluster()
                #expect(Set(snap.pods.map(\.metadata.name)) == ["web-0", "db-0"])
                #expect(snap.namespacesRead["pods"] == ["shop"])
                let messages = snap.forbidden.map(\.message)
                #expect(messages.contains("forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)"))
                #expect(messages.contains("forbidden: cannot list pods in istio-system (needs get/list on pods)"))
                #expect(messages.contains("forbidden: cannot list namespaces (needs get/list on namespaces)"))
                #expect(try await source.proxies().map(\.key) == ["shop/web-0"])
                // Lists carry `limit`, watches `watch`: none outside shop.
                let refused = cluster.server.requests.filter { r in
                    r.user == Self.dev && (r.query.contains("limit=") || r.query.contains("watch=")) && !r.path.contains("/namespaces/shop/")
                }
                #expect(refused.map(\.line) == [], "requests sent outside shop")
                await source.close()
            }
        }
    }

    /// `-A`: all or nothing; the refusal comes back at once (no hang, no retry loop).
    @Test func allNamespacesIsForbiddenNotAHang() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let source = Self.source(client, fallback: [])
                let started = Date()
                let snap = try await source.cluster()
                // Bounded by the reviews (a second or two alone), not by a retry loop that
                // never ends; generous because the full suite runs on a loaded machine.
                #expect(Date().timeIntervalSince(started) < 45)
                #expect(snap.pods.isEmpty)
                #expect(snap.forbidden.hiding("pods", in: nil).map(\.message) == ["forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)"])
                await source.close()
            }
        }
    }

    /// A server without the review APIs: the lists are tried, the 403 recorded, and the
    /// refused informer stops instead of retrying.
    @Test func withoutReviewsA403IsRecordedOnce() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            cluster.server.failRequests(pathContains: "selfsubject", status: 404, message: "the server could not find the requested resource", count: 1000)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let cache = try await ClusterCache.start(client: client, namespace: nil)
                try await cache.waitForSync(timeout: 20)
                try await Task.sleep(nanoseconds: 1_500_000_000)  // past the reflector's first backoff
                let snap = await cache.snapshot()
                let pods = snap.forbidden.filter { $0.resource == "pods" }
                #expect(pods.count == 1)
                #expect(pods.first?.serverMessage == #"pods is forbidden: User "system:serviceaccount:shop:dev" cannot list resource "pods" in API group "" at the cluster scope"#)
                #expect(cluster.server.requestLog.filter { $0.hasPrefix("GET /api/v1/pods?") }.count == 1)
                await cache.stop()
            }
        }
    }

    @Test func snapshotRecordsWhatWasForbidden() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            try await withClient(try cluster.client(kubeconfig)) { client in
                let source = Self.source(client)
                let path = cluster.dir + "/snap.json"
                let result = try await SnapshotCollector.write(source: source, to: path, options: SnapshotOptions(stats: false, rateInterval: nil))
                await source.close()
                #expect(result.path == path)
                let reopened = try await SnapshotMeshSource.open(path: path)
                let snap = try await reopened.cluster()
                #expect(snap.forbidden.contains(ForbiddenAccess(verb: "list", group: "", resource: "pods", namespace: "istio-system")))
                #expect(Set(snap.pods.map(\.metadata.name)) == ["web-0", "db-0"])
                await reopened.close()
                let text = try String(contentsOfFile: path, encoding: .utf8)
                #expect(text.contains(#""forbidden":[{"verb":"list","group":"","resource":"namespaces","kind":"Namespace"}"#))
            }
        }
    }

    /// `apply --dry-run` of an object in a namespace the user may not write: refused in the
    /// preview, saying what to grant, and nothing is sent for it.
    @Test func applyInAForbiddenNamespaceIsRefusedInThePreview() async throws {
        try await withCluster { cluster in
            let kubeconfig = try Self.prepare(cluster)
            cluster.server.grant(user: Self.dev, namespace: "shop", verbs: ["patch", "create"], apiGroups: ["*"], resources: ["*"])
            let manifest = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: api
              namespace: other
            spec:
              hosts: [api]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: web
              namespace: shop
            spec:
              hosts: [web]
            """
            let file = try cluster.write("vs.yaml", manifest)
            let out = await MeshScopeMain.invoke(["apply", "-f", file, "--kubeconfig", kubeconfig, "--dry-run"])
            let rows = TableText.parse(out.stdout, header: "#")
            #expect(rows.map { $0["ACTION"] } == ["error", "create"], "\(out.stdout)\(out.stderr)")
            #expect(rows.first?["DETAIL"] == "forbidden: cannot patch virtualservices.networking.istio.io in other (needs patch on virtualservices.networking.istio.io)")
            #expect(!cluster.server.requestLog.contains { $0.contains("/namespaces/other/virtualservices") })
        }
    }
}
