import Foundation
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

extension LiveForms {
    /// `proxy-config … POD[.NS]`, `stats POD`, `certs POD` on the demo mesh: the live forms read
    /// through the source and print exactly what the file forms print for the same bytes.
    @Suite(.serialized) struct LiveProxyConfigTests {
        @Test func liveTablesEqualFileTablesOfTheSameDump() async throws {
            try await LiveDemo.with { d in
                let pp = d.id("productpage-v1")
                let dumpPath = try d.write(try await d.admin(pp, "/config_dump?include_eds"), "dump.json")
                defer { try? FileManager.default.removeItem(atPath: dumpPath) }
                for view in [["cluster"], ["listener"], ["route"], ["secret", "--now", "2026-11-21T00:00:00Z"], ["bootstrap", "-o", "short"], ["listener", "--port", "9080", "-o", "wide"]] {
                    let live = await d.run(["proxy-config"] + view + [pp])
                    let file = await d.run(["proxy-config"] + view + ["--file", dumpPath])
                    #expect(live.code == 0, "\(view): \(live.stderr)")
                    #expect(live.stdout == file.stdout, "\(view)")
                    #expect(!live.stdout.isEmpty)
                }
                // Concrete rows: productpage calls details and reviews; reviews (three versions) has a
                // DestinationRule with one subset per version, productpage (one version) none.
                let clusters = tableRows(await d.run(["pc", "cluster", pp]).stdout)
                #expect(clusters.first == ["SERVICE FQDN", "PORT", "SUBSET", "DIRECTION", "TYPE", "DESTINATION RULE"])
                #expect(clusters.contains(["reviews.bookinfo.svc.cluster.local", "9080", "-", "outbound", "EDS"]))
                #expect(clusters.contains(["details.bookinfo.svc.cluster.local", "9080", "-", "outbound", "EDS"]))
                for v in ["v1", "v2", "v3"] {
                    #expect(clusters.contains(["reviews.bookinfo.svc.cluster.local", "9080", v, "outbound", "EDS", "reviews.bookinfo"]))
                }
                #expect(!clusters.contains { $0.first == "productpage.bookinfo.svc.cluster.local" && $0.count > 2 && $0[2] != "-" })
                let version = await d.run(["pc", "bootstrap", pp, "-o", "short"])
                #expect(version.stdout.hasPrefix("Istio Version:       1.24.2\n"), "\(version.stdout)")
            }
        }

        @Test func podWithoutNamespaceUsesDashNAndTheContext() async throws {
            try await LiveDemo.with { d in
                let pp = d.pod("productpage-v1")
                // The demo kubeconfig's context namespace is bookinfo.
                let plain = await d.run(["pc", "cluster", pp.name])
                let dotted = await d.run(["pc", "cluster", pp.id])
                let dashN = await d.run(["pc", "cluster", pp.name, "-n", "bookinfo"])
                #expect(plain.code == 0 && dotted.code == 0 && dashN.code == 0, "\(plain.stderr)\(dotted.stderr)\(dashN.stderr)")
                #expect(plain.stdout == dotted.stdout && dotted.stdout == dashN.stdout)
                let ambientPP = d.pod("productpage-v1", DemoMesh.ambientNamespace)
                let wrongNS = await d.run(["pc", "cluster", ambientPP.name + ".nowhere"])
                #expect(wrongNS.code == 1)
                #expect(wrongNS.stderr.contains("not found"), "\(wrongNS.stderr)")
                #expect(wrongNS.stderr.contains(ambientPP.name))
                let both = await d.run(["pc", "cluster", pp.id, "--file", "x.json"])
                #expect(both.code == 2)
                let neither = await d.run(["pc", "cluster"])
                #expect(neither.code == 2)
            }
        }

        @Test func liveEndpointReadsClustersLikeIstioctl() async throws {
            try await LiveDemo.with { d in
                // reviews-v2 calls ratings, whose ratings-v1 pod is the planted UNHEALTHY endpoint.
                let r = await d.run(["pc", "endpoint", d.id("reviews-v2"), "--cluster", "outbound|9080||ratings.bookinfo.svc.cluster.local"])
                #expect(r.code == 0, "\(r.stderr)")
                let rows = tableRows(r.stdout)
                #expect(rows.first == ["ENDPOINT", "STATUS", "OUTLIER CHECK", "CLUSTER"])
                let ratings = d.mesh.pods[d.mesh.unhealthyPod]
                #expect(rows.contains(["\(ratings.ip):9080", "UNHEALTHY", "FAILED", "outbound|9080||ratings.bookinfo.svc.cluster.local"]), "\(r.stdout)")
                // The file form of the same bytes prints the same table.
                let path = try d.write(try await d.admin(d.id("reviews-v2"), "/clusters?format=json"), "clusters.json")
                defer { try? FileManager.default.removeItem(atPath: path) }
                let file = await d.run(["pc", "endpoint", "--clusters-file", path, "--cluster", "outbound|9080||ratings.bookinfo.svc.cluster.local"])
                #expect(file.stdout == r.stdout)
                // Two samples a moment apart give rates in -o wide.
                let rates = await d.run(["pc", "endpoint", d.id("productpage-v1"), "--interval", "0.5", "-o", "wide"])
                #expect(rates.code == 0, "\(rates.stderr)")
                #expect(rates.stdout.hasPrefix("ENDPOINT"))
                #expect(rates.stdout.contains("RQ/S"))
            }
        }

        @Test func liveSecretsAllAndCerts() async throws {
            try await LiveDemo.with { d in
                let pp = d.id("productpage-v1")
                let secrets = tableRows(await d.run(["pc", "secret", pp]).stdout)
                #expect(secrets.first?.first == "RESOURCE NAME")
                #expect(secrets.contains { $0.first == "default" && $0.contains("Cert Chain") && $0.contains("true") }, "\(secrets)")
                #expect(secrets.contains { $0.first == "ROOTCA" && $0.contains("CA") && $0.contains("true") })
                let all = await d.run(["pc", "all", pp])
                #expect(all.code == 0, "\(all.stderr)")
                #expect(all.stdout.contains("\ncluster/outbound|9080||reviews.bookinfo.svc.cluster.local "), "\(all.stdout.prefix(400))")
                #expect(all.stdout.hasPrefix("Istio Version:       1.24.2\n"))
                let certs = await d.run(["certs", pp])
                #expect(certs.code == 0, "\(certs.stderr)")
                let rows = tableRows(certs.stdout)
                #expect(rows.first == ["TYPE", "PATH", "SERIAL NUMBER", "SANS", "VALID FROM", "EXPIRATION", "DAYS LEFT"])
                #expect(rows.contains { $0.first == "Cert Chain" && $0.contains("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage") }, "\(certs.stdout)")
                #expect(rows.contains { $0.first == "CA" && $0.contains("ROOTCA") })
            }
        }

        @Test func liveStatsReadEnvoyNamesAndRate() async throws {
            try await LiveDemo.with { d in
                let pp = d.id("productpage-v1")
                // /stats?format=json: Envoy's own dotted names.
                let once = await d.run(["stats", pp, "--filter", "^server.live$"])
                #expect(once.code == 0, "\(once.stderr)")
                #expect(tableRows(once.stdout) == [["NAME", "VALUE"], ["server.live", "1"]])
                let rated = await d.run(["stats", pp, "--filter", "upstream_rq_total", "--interval", "1", "-o", "wide"])
                #expect(rated.code == 0, "\(rated.stderr)")
                let rows = tableRows(rated.stdout)
                #expect(rows.first == ["NAME", "TYPE", "RATE/s", "VALUE"])
                let reviews = try #require(rows.first { $0.first == "cluster.outbound|9080||reviews.bookinfo.svc.cluster.local.upstream_rq_total" })
                #expect((Double(reviews[2]) ?? 0) > 0, "\(reviews)")
                let missing = await d.run(["stats", "no-such-pod.bookinfo"])
                #expect(missing.code == 1)
                #expect(missing.stderr.contains("no-such-pod"), "\(missing.stderr)")
            }
        }
    }
}
