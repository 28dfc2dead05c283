import Testing
@testable import MeshModel

@Suite struct PrometheusTextTests {
    @Test func parsesSeriesLabelsTypesAndTimestamps() {
        let text = """
        # HELP istio_tcp_connections_opened_total Opened
        # TYPE istio_tcp_connections_opened_total counter
        istio_tcp_connections_opened_total{source_workload="sleep",destination_workload="httpbin",connection_security_policy="mutual_tls"} 42
        envoy_cluster_upstream_cx_active{cluster_name="outbound|80||a.b.svc"} 3 1700000000000
        up 1.5e2
        weird{a="x\\"y\\\\z"} +Inf

        """
        let m = PrometheusText.parse(text)
        #expect(m.samples.count == 4)
        #expect(m.malformedCount == 0)
        #expect(m.types["istio_tcp_connections_opened_total"] == "counter")
        #expect(m.samples[0].label("destination_workload") == "httpbin")
        #expect(m.samples[0].value == 42)
        #expect(m.samples[1].timestamp == 1_700_000_000_000)
        #expect(m.samples[2].value == 150)
        #expect(m.samples[3].label("a") == "x\"y\\z")
        #expect(m.samples[3].value == .infinity)
    }

    @Test func malformedLinesAreCountedNotFatal() {
        let m = PrometheusText.parse("ok 1\n{bad} 2\nno_value\nx{a=b} 3\nalso_ok 4\n")
        #expect(m.samples.map(\.name) == ["ok", "also_ok"])
        #expect(m.malformedCount == 3)
        #expect(m.malformed.map(\.line) == [2, 3, 4])
    }
}
