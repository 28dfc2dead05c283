import Foundation
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

extension LiveForms {
    /// `ztunnel-config … [ZTUNNEL_POD] [--node N]` and `proxy-status [POD]` on the demo mesh.
    @Suite(.serialized) struct LiveZtunnelAndStatusTests {
        @Test func ztunnelConfigPicksAZtunnelOrTheNodes() async throws {
            try await LiveDemo.with { d in
                let workloads = await d.run(["zc", "workload"])
                #expect(workloads.code == 0, "\(workloads.stderr)")
                // istioctl's ztunnel tables are padded with one space.
                let rows = words(workloads.stdout)
                #expect(rows.first == ["NAMESPACE", "POD", "NAME", "ADDRESS", "NODE", "WAYPOINT", "PROTOCOL"])
                let reviews = d.pod("reviews-v2", DemoMesh.ambientNamespace)
                #expect(rows.contains([DemoMesh.ambientNamespace, reviews.name, reviews.ip, reviews.node, "waypoint", "HBONE"]), "\(workloads.stdout)")
                // Every ambient pod and waypoint but the planted one ztunnel does not capture.
                #expect(rows.count - 1 == d.mesh.pods.indices.filter { (d.mesh.pods[$0].mode == .ambient || d.mesh.pods[$0].mode == .waypoint) && d.mesh.isCapturedByZtunnel($0) }.count)
                // Sidecar pods are not ztunnel's.
                #expect(!rows.contains { $0.first == DemoMesh.sidecarNamespace })

                // --node: that node's ztunnel, and only that node's workloads.
                let node = reviews.node
                let onNode = await d.run(["zc", "workload", "--node", node])
                #expect(onNode.code == 0, "\(onNode.stderr)")
                let nodeRows = words(onNode.stdout).dropFirst()
                #expect(!nodeRows.isEmpty && nodeRows.allSatisfy { $0.contains(node) }, "\(onNode.stdout)")

                // The certificates of that node's ztunnel are those of its ambient pods' identities.
                let certs = await d.run(["zc", "certificate", "--node", node])
                #expect(certs.code == 0, "\(certs.stderr)")
                #expect(certs.stdout.contains("spiffe://cluster.local/ns/bookinfo-ambient/sa/bookinfo-reviews"), "\(certs.stdout)")

                // A named ztunnel (no .NS: found among the ztunnels), -n as the namespace filter.
                let z = d.mesh.pods[d.mesh.ztunnel(onNode: node)!]
                let named = await d.run(["zc", "service", z.name, "-n", DemoMesh.ambientNamespace])
                #expect(named.code == 0, "\(named.stderr)")
                let services = words(named.stdout)
                #expect(services.count == 6, "\(named.stdout)")
                #expect(services.dropFirst().allSatisfy { $0.first == DemoMesh.ambientNamespace })
                let vip = d.mesh.services.first { $0.name == "reviews" && $0.namespace == DemoMesh.ambientNamespace }!.clusterIP
                // Through the namespace's waypoint (istio.io/use-waypoint), as :svc says; the waypoint's own service uses none.
                #expect(services.contains([DemoMesh.ambientNamespace, "reviews", vip, "waypoint", "3/3"]), "\(named.stdout)")
                #expect(services.contains { $0.count > 3 && $0[1] == "waypoint" && $0[3] == "None" }, "\(named.stdout)")

                // The same bytes from the file give the same table.
                let path = try d.write(try await d.admin(z.id, "/config_dump"), "ztunnel.json")
                defer { try? FileManager.default.removeItem(atPath: path) }
                let file = await d.run(["zc", "service", "--file", path, "-n", DemoMesh.ambientNamespace])
                #expect(file.stdout == named.stdout)

                let nowhere = await d.run(["zc", "workload", "--node", "no-such-node"])
                #expect(nowhere.code == 1)
                #expect(nowhere.stderr.contains("no ztunnel runs on node no-such-node"), "\(nowhere.stderr)")
                #expect(nowhere.stderr.contains("demo-worker-0"))
            }
        }

        @Test func proxyStatusReadsEveryIstiodsSyncz() async throws {
            try await LiveDemo.with { d in
                let r = await d.run(["proxy-status", "-A", "-v", "1"])
                #expect(r.code == 0, "\(r.stderr)")
                let rows = tableRows(r.stdout)
                #expect(rows.first?.first == "NAME")
                let stale = d.mesh.pods[d.mesh.stalePod].id
                let staleRow = try #require(rows.first { $0.first == stale })
                #expect(staleRow.contains { $0.hasPrefix("STALE") }, "\(staleRow)")
                let pp = try #require(rows.first { $0.first == d.id("productpage-v1") })
                #expect(!pp.contains { $0.hasPrefix("STALE") })
                #expect(pp.contains { $0.hasPrefix("SYNCED") })
                // Every Envoy and ztunnel of the demo is listed, under the demo's istiod.
                #expect(rows.count - 1 == d.mesh.xdsClients.count)
                let istiod = d.mesh.pods[d.mesh.istiod].name
                #expect(rows.dropFirst().allSatisfy { $0.contains(istiod) })
                // -n filters by namespace; -o wide adds istiod's connections.
                let wide = await d.run(["ps", "-n", "bookinfo", "-o", "wide"])
                #expect(wide.code == 0, "\(wide.stderr)")
                let wideRows = tableRows(wide.stdout)
                #expect(wideRows.first?.contains("ADDRESS") == true, "\(wide.stdout)")
                #expect(wideRows.dropFirst().allSatisfy { $0.first?.hasSuffix(".bookinfo") == true })
                #expect(wideRows.contains { $0.first == d.id("productpage-v1") && $0.contains { $0.hasPrefix(d.pod("productpage-v1").ip + ":") } })
            }
        }

        @Test func proxyStatusPodComparesIstiodWithEnvoy() async throws {
            try await LiveDemo.with { d in
                let pp = await d.run(["proxy-status", d.id("productpage-v1")])
                #expect(pp.code == 0, "\(pp.stderr)")
                let lines = pp.stdout.split(separator: "\n").map(String.init)
                #expect(lines.count == 3, "\(pp.stdout)")
                #expect(lines[0] == "Clusters Match")
                #expect(lines[1] == "Listeners Match")
                #expect(lines[2].hasPrefix("Routes Match (RDS last loaded at "), "\(lines[2])")

                let stale = d.mesh.pods[d.mesh.stalePod]
                let r = await d.run(["proxy-status", stale.id])
                #expect(r.code == 0, "\(r.stderr)")
                #expect(r.stdout.hasPrefix("Clusters Don't Match\n"), "\(r.stdout)")
                let change = d.mesh.staleClusterChange
                #expect(r.stdout.contains("~ cluster \(change.cluster)\n  changed: outlier_detection\n"))
                #expect(r.stdout.contains("--- Istiod Clusters/cluster/\(change.cluster)\n+++ Envoy Clusters/cluster/\(change.cluster)\n"))
                #expect(r.stdout.contains("-outlier_detection:\n-  base_ejection_time: 30s\n-  consecutive_5xx: 3\n"), "\(r.stdout)")
                #expect(r.stdout.contains("\nListeners Match\n"))
                #expect(r.stdout.contains("\nRoutes Match (RDS last loaded at "))
                // Exactly one resource differs: versions, timestamps, order, static placement are noise.
                #expect(r.stdout.components(separatedBy: "\n~ ").count == 2, "\(r.stdout)")
                #expect(!r.stdout.contains("\n+ cluster") && !r.stdout.contains("\n- cluster"))

                // The same through diff --istiod, with --exit-code.
                let diff = await d.run(["diff", "--istiod", "--proxy", stale.id, "--exit-code"])
                #expect(diff.code == 3, "\(diff.stderr)")
                #expect(diff.stdout == r.stdout)
                let same = await d.run(["diff", "--istiod", "--proxy", d.id("productpage-v1"), "--exit-code"])
                #expect(same.code == 0, "\(same.stderr)")

                let notProxy = await d.run(["proxy-status", d.id("productpage-v1", DemoMesh.ambientNamespace)])
                #expect(notProxy.code == 1)
                #expect(notProxy.stderr.contains("Proxy not connected to this Pilot instance"), "\(notProxy.stderr)")
            }
        }
    }
}

/// Whitespace-separated cells (for tables padded with one space).
func words(_ text: String) -> [[String]] {
    text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
}
