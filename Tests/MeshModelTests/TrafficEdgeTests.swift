import Foundation
import MeshGen
import Testing
@testable import MeshModel

@Suite struct TrafficEdgeTests {
    static let sleepToHttpbin = #"source_workload="sleep",source_workload_namespace="default",source_principal="spiffe://cluster.local/ns/default/sa/sleep",destination_workload="httpbin",destination_workload_namespace="default",destination_principal="spiffe://cluster.local/ns/default/sa/httpbin",destination_service="httpbin.default.svc.cluster.local",request_protocol="tcp",response_flags="-""#
    static let sleepToExternal = #"source_workload="sleep",source_workload_namespace="default",destination_workload="unknown",destination_workload_namespace="unknown",destination_service="example.com",request_protocol="tcp""#

    /// ztunnel on the node of both pods reports the connection twice (as source and as
    /// destination); the edge counts it once, from the destination's counters.
    static let ztunnelNow = """
        # HELP istio_tcp_connections_opened_total The total number of TCP connections opened
        # TYPE istio_tcp_connections_opened_total counter
        istio_tcp_connections_opened_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 10
        istio_tcp_connections_opened_total{reporter="source",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 10
        istio_tcp_connections_opened_total{reporter="source",\(sleepToExternal),connection_security_policy="unknown"} 3
        istio_tcp_connections_closed_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 7
        istio_tcp_connections_closed_total{reporter="source",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 7
        istio_tcp_connections_closed_total{reporter="source",\(sleepToExternal),connection_security_policy="unknown"} 3
        istio_tcp_sent_bytes_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 5000
        istio_tcp_received_bytes_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 1200
        istio_build{component="ztunnel",tag="1.24.0"} 1

        """

    /// Ten seconds earlier; ztunnel restarted in between, so sent bytes went down.
    static let ztunnelBefore = """
        istio_tcp_connections_opened_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 4
        istio_tcp_connections_opened_total{reporter="source",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 9
        istio_tcp_connections_closed_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 2
        istio_tcp_sent_bytes_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 6000
        istio_tcp_received_bytes_total{reporter="destination",\(sleepToHttpbin),connection_security_policy="mutual_tls"} 200

        """

    @Test func ztunnelEdgesCountEachConnectionOnce() {
        let edges = TrafficEdges.build(current: PrometheusText.parse(Self.ztunnelNow))
        #expect(edges.count == 2)
        let e = edges[0]
        #expect((e.source, e.destination, e.service, e.security, e.reporter) == ("sleep.default", "httpbin.default", "httpbin.default.svc.cluster.local", .mutualTLS, "destination"))
        #expect((e.open, e.opened, e.closed, e.sent, e.received) == (3, 10, 7, 5000, 1200))
        #expect(e.requests == nil && e.errors == nil && e.rates == nil)
        #expect(e.sourcePrincipal == "spiffe://cluster.local/ns/default/sa/sleep")
        let x = edges[1]
        // ztunnel says `unknown` for what it did not wrap in HBONE: plaintext.
        #expect((x.source, x.destination, x.service, x.security, x.reporter) == ("sleep.default", "unknown", "example.com", .plaintext, "source"))
        #expect((x.open, x.opened, x.closed) == (0, 3, 3))
        let table = TrafficEdges.table(edges)
        #expect(table.render() == """
            SOURCE          DESTINATION       SERVICE                             SECURITY    OPEN   OPENED   CLOSED   SENT   RECEIVED   REQUESTS   ERRORS
            sleep.default   httpbin.default   httpbin.default.svc.cluster.local   mTLS        3      10       7        5000   1200       -          -
            sleep.default   unknown           example.com                         plaintext   0      3        3        0      0          -          -

            """)
    }

    @Test func ratesPerSecondSurviveResetsAndNewSeries() {
        let edges = TrafficEdges.build(
            current: PrometheusText.parse(Self.ztunnelNow), previous: PrometheusText.parse(Self.ztunnelBefore), interval: 10)
        let r = edges[0].rates!
        // opened 4→10, closed 2→7, sent 6000→5000 (reset: counts 5000), received 200→1200.
        #expect((r.opened, r.closed, r.sent, r.received) == (0.6, 0.5, 500, 100))
        #expect(r.requests == nil)
        // The external edge did not exist before: all of it happened in the interval.
        #expect(edges[1].rates! == TrafficEdge.Rates(opened: 0.3, closed: 0.3, sent: 0, received: 0, requests: nil, errors: nil, seconds: 10))
        let table = TrafficEdges.table(edges)
        let rateColumns = ["OPENED/S", "CLOSED/S", "SENT/S", "RECEIVED/S", "REQUESTS/S", "ERRORS/S"]
        let at = rateColumns.map { name in table.columns.firstIndex { $0.name == name }! }
        #expect(at.map { table.rows[0][$0] } == ["0.6", "0.5", "500", "100", "-", "-"])
        #expect(at.allSatisfy { !table.columns[$0].wideOnly })
    }

    /// The previous scrape in another order (and with labels in another order) gives the same
    /// rates: series are matched by name and label set, not by position.
    @Test func previousSeriesInAnyOrderGiveTheSameRates() {
        let inOrder = TrafficEdges.build(current: PrometheusText.parse(Self.ztunnelNow), previous: PrometheusText.parse(Self.ztunnelBefore), interval: 10)
        var before = PrometheusText.parse(Self.ztunnelBefore)
        before.samples.reverse()
        for i in before.samples.indices { before.samples[i].labels.reverse() }
        let shuffled = TrafficEdges.build(current: PrometheusText.parse(Self.ztunnelNow), previous: before, interval: 10)
        #expect(shuffled.map(\.rates) == inOrder.map(\.rates))
        #expect(inOrder[0].rates?.opened == 0.6)
    }

    static let envoyStats = """
        # TYPE istio_requests_total counter
        istio_requests_total{reporter="destination",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_service="reviews.bookinfo.svc.cluster.local",request_protocol="http",response_code="200",connection_security_policy="mutual_tls"} 90
        istio_requests_total{reporter="destination",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_service="reviews.bookinfo.svc.cluster.local",request_protocol="http",response_code="503",connection_security_policy="mutual_tls"} 7
        istio_requests_total{reporter="destination",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_service="reviews.bookinfo.svc.cluster.local",request_protocol="http",response_code="0",connection_security_policy="mutual_tls"} 1
        istio_requests_total{reporter="destination",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_service="reviews.bookinfo.svc.cluster.local",request_protocol="http",response_code="404",connection_security_policy="mutual_tls"} 2
        istio_requests_total{reporter="source",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_service="reviews.bookinfo.svc.cluster.local",request_protocol="http",response_code="200",connection_security_policy="unknown"} 100
        istio_requests_total{reporter="source",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="details-v1",destination_workload_namespace="bookinfo",destination_service="details.bookinfo.svc.cluster.local",request_protocol="http",response_code="200",connection_security_policy="unknown"} 5
        istio_request_bytes_sum{reporter="destination",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_service="reviews.bookinfo.svc.cluster.local",request_protocol="http",response_code="200",connection_security_policy="mutual_tls"} 4000
        istio_response_bytes_sum{reporter="destination",source_workload="productpage-v1",source_workload_namespace="bookinfo",destination_workload="reviews-v2",destination_workload_namespace="bookinfo",destination_service="reviews.bookinfo.svc.cluster.local",request_protocol="http",response_code="200",connection_security_policy="mutual_tls"} 9000
        istio_request_bytes_count{reporter="destination"} 90
        envoy_cluster_upstream_cx_total{cluster_name="outbound|9080||reviews.bookinfo.svc.cluster.local"} 12
        this line is { not prometheus

        """

    @Test func envoyIstioMetricsFillRequestsAndErrors() {
        let text = PrometheusText.parse(Self.envoyStats)
        #expect(text.malformedCount == 1)
        #expect(TrafficEdges.detect(text) == .envoy)
        let edges = TrafficEdges.build(current: text)
        #expect(edges.map(\.destination) == ["details-v1.bookinfo", "reviews-v2.bookinfo"])
        let details = edges[0]
        #expect(details.requests == 5 && details.errors == 0)
        // Envoy's client side cannot know the server's policy.
        #expect(details.security == .unknown && details.reporter == "source")
        let reviews = edges[1]
        #expect(reviews.requests == 100 && reviews.errors == 8)  // 503 and 0; 404 is the client's error
        #expect((reviews.sent, reviews.received, reviews.opened) == (9000, 4000, 0))
        #expect(reviews.security == .mutualTLS && reviews.protocols == ["http"])
        let row = TrafficEdges.table(edges).rows[1]
        #expect(Array(row[0..<11]) == [
            "productpage-v1.bookinfo", "reviews-v2.bookinfo", "reviews.bookinfo.svc.cluster.local", "mTLS",
            "0", "0", "0", "9000", "4000", "100", "8",
        ])
    }

    /// Generated ztunnel metrics (10 edges, 4 families) at ticks 0 and 3, 30 s apart: every
    /// edge carries exactly the generator's counters and their increments per second.
    @Test func generatedMetricsAtScale() {
        let before = PrometheusText.parse(MetricsGenerator.generate(.init(series: 40, tick: 0)))
        let now = PrometheusText.parse(MetricsGenerator.generate(.init(series: 40, tick: 3)))
        #expect(now.samples.count == 40 && now.malformedCount == 0)
        let edges = TrafficEdges.build(current: now, previous: before, interval: 30)
        #expect(edges.count == 10)
        for e in 0..<10 {
            let (s, d) = MetricsGenerator.endpoints(e)
            let name = "client-\(s).ns-\(s % 20)"
            let edge = edges.first { $0.source == name && $0.destination == "server-\(d).ns-\(d % 20)" }!
            let c0 = MetricsGenerator.counters(edge: e, seed: 1, tick: 0)
            let c3 = MetricsGenerator.counters(edge: e, seed: 1, tick: 3)
            #expect(edge.opened == Double(c3.opened) && edge.closed == Double(c3.closed))
            #expect(edge.sent == Double(c3.sent) && edge.received == Double(c3.received))
            #expect(edge.security == (e % 7 == 0 ? TrafficEdge.Security.plaintext : .mutualTLS))
            #expect(edge.reporter == (e % 2 == 0 ? "destination" : "source"))
            #expect(edge.rates!.opened == Double(c3.opened - c0.opened) / 30)
            #expect(edge.rates!.sent == Double(c3.sent - c0.sent) / 30)
        }
        // Edge 0 in literal numbers (`meshscope generate ztunnel-metrics --series 4 --tick 0|3`):
        // opened 8812 → 8866, closed 8800 → 8854, received 8494419 → 8575419, sent 5523915 → 6009915.
        let zero = edges.first { $0.source == "client-0.ns-0" && $0.destination == "server-0.ns-0" }!
        #expect((zero.open, zero.opened, zero.closed, zero.received, zero.sent) == (12, 8866, 8854, 8575419, 6009915))
        #expect(zero.rates! == TrafficEdge.Rates(opened: 1.8, closed: 1.8, sent: 16200, received: 2700, requests: nil, errors: nil, seconds: 30))
        #expect(zero.security == .plaintext && zero.service == "server-0.ns-0.svc.cluster.local")
    }
}
