import Foundation
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

extension LiveForms {
    /// `layers --from POD --to HOST:PORT` on the demo mesh: the path chained from the whole mesh,
    /// with only the dumps on it fetched.
    @Suite(.serialized) struct LiveLayersTests {
        /// The LAYER rows of the diagram: layer → one cell per hop.
        static func grid(_ text: String) -> (hops: [String], rows: [String: [String]]) {
            let table = text.components(separatedBy: "\n\n")[0]
            let lines = tableRows(table)
            var rows: [String: [String]] = [:]
            for l in lines.dropFirst() { rows[l[0]] = Array(l.dropFirst()) }
            return (Array(lines[0].dropFirst()), rows)
        }

        @Test func sidecarToSidecar() async throws {
            try await LiveDemo.with { d in
                let pp = d.pod("productpage-v1")
                let r = await d.run(["layers", "--from", pp.id, "--to", "reviews:9080"])
                #expect(r.code == 0, "\(r.stderr)")
                let (hops, rows) = Self.grid(r.stdout)
                #expect(hops.count == 4, "\(hops)")
                #expect(hops.first == "\(pp.name) app")
                #expect(hops[1] == "\(pp.name) sidecar")
                #expect(hops[2].hasPrefix("reviews-v") && hops[2].hasSuffix(" sidecar"))
                #expect(rows["TLS"]?[1].hasPrefix("originate") == true, "\(rows)")
                #expect(rows["TLS"]?[2].hasPrefix("terminate") == true, "\(rows)")
                #expect(rows["HTTP"]?[1].hasPrefix("terminate+originate") == true, "\(rows)")
                #expect(r.stdout.contains("filter chain: virtualInbound: inbound|9080|| (#0)"), "\(r.stdout)")
                #expect(rows["HBONE"]?.allSatisfy { $0.hasPrefix("—") } == true)
                #expect(r.stdout.contains("Istio mTLS, SNI outbound_.9080_._.reviews.bookinfo.svc.cluster.local"), "\(r.stdout)")
            }
        }

        @Test func ambientToAmbientThroughTheWaypoint() async throws {
            try await LiveDemo.with { d in
                let pp = d.pod("productpage-v1", DemoMesh.ambientNamespace)
                let r = await d.run(["layers", "--from", pp.id, "--to", "reviews.bookinfo-ambient:9080"])
                #expect(r.code == 0, "\(r.stderr)")
                let (hops, rows) = Self.grid(r.stdout)
                #expect(hops.count == 5, "\(hops)")
                #expect(hops[1] == "ztunnel on \(pp.node)")
                #expect(hops[2].hasPrefix("waypoint-") && hops[2].hasSuffix(" waypoint"))
                #expect(hops[3].hasPrefix("ztunnel on "))
                #expect(rows["HBONE"]?[1].hasPrefix("originate") == true, "\(rows)")
                #expect(rows["HBONE"]?[2].hasPrefix("terminate+originate") == true, "\(rows)")
                #expect(rows["HBONE"]?[3].hasPrefix("terminate") == true, "\(rows)")
                #expect(rows["HTTP"]?[2].hasPrefix("terminate") == true, "\(rows)")
                #expect(rows["TLS"]?[2].hasPrefix("terminate+originate") == true, "\(rows)")
                #expect(r.stdout.contains("filter chain: main_internal: inbound-vip|9080||reviews.bookinfo-ambient.svc.cluster.local-http"))
                #expect(r.stdout.contains("waypoint: to waypoint bookinfo-ambient/waypoint on port 15008"))
                // Only the dumps on the path were read; -o json is the same diagram as data.
                let json = await d.run(["layers", "--from", pp.id, "--to", "reviews.bookinfo-ambient:9080", "-o", "json"])
                let doc = try JSONDocument(bytes: Array(json.stdout.utf8))
                #expect(doc.root["hops"]?.count == 5)
                #expect(doc.root["hops"]?[2]?["layers"]?["HBONE"]?["summary"]?.string == "terminate+originate")
            }
        }

        @Test func plaintextClientToSidecar() async throws {
            try await LiveDemo.with { d in
                let curl = d.pod("curl-legacy", "legacy")
                let r = await d.run(["layers", "--from", curl.id, "--to", "details.bookinfo:9080"])
                #expect(r.code == 0, "\(r.stderr)")
                let (hops, rows) = Self.grid(r.stdout)
                #expect(hops.first == "\(curl.name) app")
                #expect(hops.contains { $0.hasPrefix("details-v1-") && $0.hasSuffix(" sidecar") }, "\(hops)")
                // No proxy on the client: plaintext arrives on details' PERMISSIVE plaintext chain.
                #expect(hops.count == 3)
                #expect(rows["TLS"]?.allSatisfy { $0.hasPrefix("—") } == true, "\(rows)")
                #expect(rows["TCP"]?[1].hasPrefix("terminate+originate") == true, "\(rows)")
                #expect(rows["HTTP"]?[1].hasPrefix("terminate+originate") == true, "\(rows)")
                #expect(r.stdout.contains("filter chain: virtualInbound: inbound|9080||-plaintext"), "\(r.stdout)")
                #expect(r.stdout.contains("has no proxy: the connection arrives in plaintext (transport raw_buffer)"))
            }
        }

        /// ratings (bookinfo) has one endpoint, not ready: the EndpointSlice says ready false,
        /// the client's EDS says UNHEALTHY, and its cluster sets no panic routing. The path
        /// stops at the client sidecar (503 UH) and names the server sidecar it would reach.
        @Test func unhealthyServiceStopsAtTheClientSidecar() async throws {
            try await LiveDemo.with { d in
                let client = d.pod("reviews-v2")
                let ratings = d.pod("ratings-v1")
                let r = await d.run(["layers", "--from", client.id, "--to", "ratings.bookinfo:9080"])
                #expect(r.code == 0, "\(r.stderr)")
                let (hops, _) = Self.grid(r.stdout)
                #expect(hops == ["\(client.name) app", "\(client.name) sidecar (stops: 503 UH)",
                                 "\(ratings.name) sidecar (not reached)", "\(ratings.name) app (not reached)"], "\(hops)")
                #expect(r.stdout.contains("   stops here: 503 UH (no healthy upstream): cluster outbound|9080||ratings.bookinfo.svc.cluster.local has 0 healthy of 1 endpoints (1 UNHEALTHY)\n"), "\(r.stdout)")
                #expect(r.stdout.contains("   not reached: the request stops at \(client.name) sidecar (503 UH, no healthy upstream)\n"))
                #expect(!r.stdout.contains("missing:"))
                // The server sidecar hop is what it would do: mTLS from the client sidecar on port 9080's chain.
                #expect(r.stdout.contains("filter chain: virtualInbound: inbound|9080|| (#0)"))
            }
        }

        @Test func ingressToProductpage() async throws {
            try await LiveDemo.with { d in
                let r = await d.run(["layers", "--via-ingress", "--to", "productpage.bookinfo:9080"])
                #expect(r.code == 0, "\(r.stderr)")
                let (hops, rows) = Self.grid(r.stdout)
                let gw = d.pod("istio-ingressgateway", "istio-system")
                #expect(hops.first == "client (outside the mesh)")
                #expect(hops[1] == "\(gw.name) gateway")
                #expect(hops[2].hasPrefix("productpage-v1-") && hops[2].hasSuffix(" sidecar"))
                #expect(rows["TLS"]?[1].hasPrefix("originate") == true, "\(rows)")
                #expect(rows["TLS"]?[2].hasPrefix("terminate") == true, "\(rows)")
                // Usage and bad input.
                #expect(await d.run(["layers", "--to", "productpage:9080"]).code == 2)
                let nobody = await d.run(["layers", "--from", "nobody.bookinfo", "--to", "productpage:9080"])
                #expect(nobody.code == 1)
                #expect(nobody.stderr.contains("--from nobody.bookinfo: no running pod nobody in namespace bookinfo"), "\(nobody.stderr)")
            }
        }
    }
}
