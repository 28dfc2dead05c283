import Foundation
import Testing
@testable import MeshModel

/// Merging the two Envoy reporters' views of one sidecar-to-sidecar edge. Istio's standard
/// labels as Envoy's stats filter writes them: the client sidecar reports `reporter="source"`
/// with `connection_security_policy="unknown"`, the server sidecar `reporter="destination"`
/// with `mutual_tls` (or `none` for plaintext). No fixture in ../shared/fixtures carries
/// Istio request metrics, so the series are written out here.
@Suite struct LiveEdgesTests {
    static func labels(_ reporter: String, _ security: String, code: String, source: String = "productpage-v1", principal: Bool = true) -> String {
        let srcPrincipal = reporter == "source" || !principal ? "unknown" : "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage"
        let dstPrincipal = reporter == "source" ? "unknown" : "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews"
        return #"reporter="\#(reporter)",source_workload="\#(source)",source_workload_namespace="bookinfo",source_principal="\#(srcPrincipal)",source_app="productpage",source_version="v1",destination_workload="reviews-v3",destination_workload_namespace="bookinfo",destination_principal="\#(dstPrincipal)",destination_app="reviews",destination_version="v3",destination_service="reviews.bookinfo.svc.cluster.local",destination_service_name="reviews",destination_service_namespace="bookinfo",request_protocol="http",response_code="\#(code)",response_flags="-",connection_security_policy="\#(security)""#
    }

    /// One proxy's /stats/prometheus: requests (200 and 503) and request/response sizes.
    static func text(_ reporter: String, _ security: String, ok: Int, failed: Int, bytes: Int, source: String = "productpage-v1") -> PrometheusText {
        PrometheusText.parse("""
            # TYPE istio_requests_total counter
            istio_requests_total{\(labels(reporter, security, code: "200", source: source))} \(ok)
            istio_requests_total{\(labels(reporter, security, code: "503", source: source))} \(failed)
            # TYPE istio_request_bytes histogram
            istio_request_bytes_sum{\(labels(reporter, security, code: "200", source: source))} \(bytes / 10)
            istio_request_bytes_count{\(labels(reporter, security, code: "200", source: source))} \(ok + failed)
            # TYPE istio_response_bytes histogram
            istio_response_bytes_sum{\(labels(reporter, security, code: "200", source: source))} \(bytes)
            istio_response_bytes_count{\(labels(reporter, security, code: "200", source: source))} \(ok + failed)

            """)
    }

    static func edges(_ reporter: String, _ security: String, now: (Int, Int, Int), before: (Int, Int, Int)) -> [TrafficEdge] {
        TrafficEdges.build(current: text(reporter, security, ok: now.0, failed: now.1, bytes: now.2),
                           previous: text(reporter, security, ok: before.0, failed: before.1, bytes: before.2), interval: 2, origin: .envoy)
    }

    @Test func sourceAndDestinationReportsOfOneSidecarEdgeAreOneRow() throws {
        // The client sidecar counted a few more requests than the server (some still in flight).
        let source = Self.edges("source", "unknown", now: (1_010, 42, 400_000), before: (990, 41, 390_000))
        let dest1 = Self.edges("destination", "mutual_tls", now: (500, 20, 200_000), before: (490, 20, 195_000))
        let dest2 = Self.edges("destination", "mutual_tls", now: (505, 21, 199_000), before: (495, 20, 194_000))
        #expect(source.count == 1 && source[0].security == .unknown)
        let merged = LiveEdges.merge([source, dest1, dest2])
        #expect(merged.count == 1)
        let e = try #require(merged.first)
        #expect((e.source, e.destination, e.service) == ("productpage-v1.bookinfo", "reviews-v3.bookinfo", "reviews.bookinfo.svc.cluster.local"))
        // Security is what the server side saw; counts are the destination replicas' sum.
        #expect(e.security == .mutualTLS)
        #expect(e.reporter == "destination")
        #expect(e.requests == 1_046 && e.errors == 41)
        #expect(e.sent == 399_000)
        let r = try #require(e.rates)
        #expect(r.requests == 10.5 && r.errors == 0.5)
        #expect(r.sent == 5_000)
        #expect(e.sourcePrincipal == "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage")
        #expect(e.destinationPrincipal == "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews")
        let table = LiveTables.edges(MeshStateBuilder.state(merged)).render()
        #expect(table.split(separator: "\n").count == 2)
        #expect(table.contains("mTLS"))
        #expect(!table.contains("unknown"))
    }

    @Test func sourceReportAloneStaysWithUnknownSecurity() throws {
        // The destination's proxy did not answer this round: the source's view is all there is.
        let merged = LiveEdges.merge([Self.edges("source", "unknown", now: (1_010, 42, 400_000), before: (990, 41, 390_000))])
        let e = try #require(merged.first)
        #expect(merged.count == 1)
        #expect(e.security == .unknown && e.reporter == "source")
        #expect(e.requests == 1_052 && e.rates?.requests == 10.5)
    }

    @Test func destinationWithoutRequestsTakesTheSourceRequests() throws {
        // A TCP-only destination report (as ztunnel or a TCP proxy would give) plus the
        // client sidecar's HTTP view: one row, bytes from the destination, requests from the source.
        let tcp = """
            istio_tcp_sent_bytes_total{\(Self.labels("destination", "mutual_tls", code: "200"))} 9000
            istio_tcp_received_bytes_total{\(Self.labels("destination", "mutual_tls", code: "200"))} 700

            """
        let dest = TrafficEdges.build(current: PrometheusText.parse(tcp), origin: .envoy)
        let source = TrafficEdges.build(current: Self.text("source", "unknown", ok: 100, failed: 1, bytes: 50_000), origin: .envoy)
        let merged = LiveEdges.merge([source, dest])
        let e = try #require(merged.first)
        #expect(merged.count == 1)
        #expect(e.security == .mutualTLS && e.reporter == "destination+source")
        #expect(e.sent == 9000 && e.requests == 101 && e.errors == 1)
    }

    @Test func permissiveDestinationKeepsPlaintextAndMTLSRowsApart() throws {
        // The server saw both mTLS and plaintext from the same client workload; the client's
        // unknown report cannot be split between them and the server's rows cover it all.
        let mtls = Self.edges("destination", "mutual_tls", now: (300, 0, 1_000), before: (280, 0, 900))
        let plain = Self.edges("destination", "none", now: (30, 0, 100), before: (28, 0, 90))
        let source = Self.edges("source", "unknown", now: (335, 0, 1_120), before: (310, 0, 1_000))
        let merged = LiveEdges.merge([source, mtls, plain])
        #expect(merged.map(\.security) == [.mutualTLS, .plaintext])
        #expect(merged.map(\.requests) == [300, 30])
        #expect(merged.allSatisfy { $0.reporter == "destination" })
    }
}

/// A state holding just these edges, for the table builder.
enum MeshStateBuilder {
    static func state(_ edges: [TrafficEdge]) -> MeshState {
        var s = MeshState()
        s.edges = edges
        return s
    }
}
