import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

extension LiveForms {
    /// `diff --proxy POD1 --proxy POD2` on the demo, and the whole-mesh diff of two sources.
    @Suite(.serialized) struct LiveDiffTests {
        @Test func proxyAgainstProxy() async throws {
            try await LiveDemo.with { d in
                // reviews-v1 calls nothing; reviews-v2 calls ratings.
                let v1 = d.id("reviews-v1"), v2 = d.id("reviews-v2")
                let r = await d.run(["diff", "--proxy", v1, "--proxy", v2, "--type", "cluster", "--exit-code"])
                #expect(r.code == 3, "\(r.stderr)")
                let rows = tableRows(r.stdout)
                #expect(rows.first == ["TYPE", "ADDED", "REMOVED", "CHANGED", "UNCHANGED"])
                let cluster = try #require(rows.first { $0.first == "cluster" })
                #expect(cluster[1] == "1" && cluster[2] == "0", "\(r.stdout.prefix(600))")
                #expect(r.stdout.contains("+ cluster outbound|9080||ratings.bookinfo.svc.cluster.local (added)"))
                #expect(r.stdout.contains("--- /dev/null\n+++ \(v2)/cluster/outbound|9080||ratings.bookinfo.svc.cluster.local\n"))
                // Two replicas' views of the same workload do not differ (no noise).
                let same = await d.run(["diff", "--proxy", v1, "--proxy", v1, "--exit-code"])
                #expect(same.code == 0, "\(same.stderr)")
                #expect(same.stdout.hasSuffix("No differences.\n"))
                // -o json, as the file form.
                let json = await d.run(["diff", "--proxy", v1, "--proxy", v2, "--type", "cluster", "-o", "json"])
                let doc = try JSONDocument(bytes: Array(json.stdout.utf8))
                let added = doc.root["resources"]?.elements.first { $0["change"]?.string == "added" }
                #expect(added?["name"]?.string == "outbound|9080||ratings.bookinfo.svc.cluster.local")
                // Usage: one --proxy without --istiod, files with --proxy.
                #expect(await d.run(["diff", "--proxy", v1]).code == 2)
                #expect(await d.run(["diff", "a.json", "b.json", "--proxy", v1, "--proxy", v2]).code == 2)
            }
        }

        /// Two demo meshes: the second has one generated service more, so svc-0002's pod is new,
        /// svc-0001 now calls svc-0002 instead of svc-0000, and the Kubernetes objects of
        /// svc-0002 are added. Everything else — bookinfo, ztunnels, secrets — is unchanged.
        @Test func wholeMeshBetweenTwoSources() async throws {
            try await LiveDemo.with(.init(services: 2, replicas: 1)) { before in
                try await LiveDemo.with(.init(services: 3, replicas: 1)) { after in
                    let result = try await Self.withSources(before, after) { a, b in try await MeshDiffSources.compare(a, b) }
                    let new = after.mesh.pods.first { $0.name.hasPrefix("svc-0002-v1-") }!
                    #expect(result.addedProxies == [new.id])
                    #expect(result.removedProxies.isEmpty)
                    #expect(result.notCompared.isEmpty, "\(result.notCompared)")
                    let svc1 = after.mesh.pods.first { $0.name.hasPrefix("svc-0001-v1-") }!
                    #expect(result.changedProxies.map(\.proxy) == [svc1.id], "\(result.changedProxies.map(\.proxy))")
                    // One port part differs, so the removed and the added cluster pair up as a rename (as for files).
                    let clusters = result.changedProxies.first?.diff.resources.filter { $0.type == "cluster" }
                        .map { "\($0.change.rawValue) \($0.previousName ?? "") → \($0.name)" } ?? []
                    #expect(clusters == ["changed outbound|8080||svc-0000.demo-00.svc.cluster.local → outbound|8080||svc-0002.demo-00.svc.cluster.local"], "\(clusters)")
                    let proxies = before.mesh.proxyPods.filter { before.mesh.pods[$0].mode != .istiod }.count
                    #expect(result.unchangedProxies == proxies - 1)
                    let objects = result.objects.resources.map { "\($0.change.rawValue) \($0.type) \($0.name)" }
                    #expect(objects.contains("added v1/Service demo-00/svc-0002"), "\(objects)")
                    #expect(objects.contains("added v1/Pod demo-00/\(new.name)"))
                    #expect(!objects.contains { $0.hasPrefix("removed") }, "\(objects)")
                    #expect(!objects.contains { $0.contains("bookinfo") }, "\(objects)")

                    let text = MeshDiff.render(result)
                    #expect(text.hasPrefix("PROXIES: 1 added, 0 removed, 1 changed, \(proxies - 1) unchanged\n+ \(new.id)\n~ \(svc1.id): "))
                    #expect(text.contains("\nKUBERNETES OBJECTS\nTYPE"))
                    #expect(text.contains("\n=== proxy \(svc1.id)\n"))
                    let json = try JSONDocument(bytes: JSONWriter.bytes(MeshDiff.structured(result)))
                    #expect(json.root["proxies"]?["added"]?[0]?.string == new.id)

                    // A mesh against itself: nothing.
                    let none = try await Self.withSources(after, after) { a, b in try await MeshDiffSources.compare(a, b) }
                    #expect(!none.hasDifferences)
                    #expect(MeshDiff.render(none).hasSuffix("No differences.\n"))
                }
            }
        }

        /// Two live sources over the demos' kubeconfigs, closed after `body`.
        static func withSources<T>(_ x: LiveDemo, _ y: LiveDemo, _ body: (any MeshSource, any MeshSource) async throws -> T) async throws -> T {
            let env = KubeconfigLoader.Environment(variables: [:], home: NSTemporaryDirectory() + "meshscope-nohome", serviceAccountRoot: "/nonexistent")
            var clients: [KubeClient] = []
            var sources: [ClusterMeshSource] = []
            for d in [x, y] {
                let connection = try KubeconfigLoader(environment: env).load(.init(kubeconfig: d.kubeconfig))
                let client = try KubeClient(connection: connection, options: TransportOptions(requestTimeout: 10))
                clients.append(client)
                sources.append(ClusterMeshSource(client: client, admin: AdminClient(.apiServerProxy(client), timeout: 10, maxConcurrent: 8), namespace: nil, syncTimeout: 10))
            }
            func teardown() async {
                for s in sources { await s.close() }
                for c in clients { await c.shutdown() }
            }
            do {
                let r = try await body(sources[0], sources[1])
                await teardown()
                return r
            } catch {
                await teardown()
                throw error
            }
        }
    }
}
