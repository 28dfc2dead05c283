import Foundation
import MeshModel
import Testing

/// The Prometheus HTTP API decoder and the PromQL edge builder, on hand-written API JSON
/// (the shapes documented at prometheus.io/docs/prometheus/latest/querying/api/).
@Suite struct PrometheusAPITests {
    static func decode(_ text: String) throws -> PrometheusAPIResult { try PrometheusAPIResult.decode(Array(text.utf8)) }

    @Test func decodesVectorMatrixSeriesAndWarnings() throws {
        let v = try Self.decode(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1700000000.5,"1"]},{"metric":{},"value":[1700000000.5,"NaN"]}]},"warnings":["store x unavailable"]}"#)
        #expect(v.resultType == .vector)
        #expect(v.series.count == 2)
        #expect(v.series[0].labels == ["__name__": "up", "job": "a"])
        #expect(v.series[0].samples == [.init(time: 1700000000.5, value: 1)])
        #expect(v.series[1].value?.isNaN == true)
        #expect(v.warnings == ["store x unavailable"])
        let m = try Self.decode(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"1.5"],[2,"+Inf"]]}]}}"#)
        #expect(m.series[0].samples.map(\.time) == [1, 2])
        #expect(m.series[0].samples[1].value == .infinity)
        let s = try Self.decode(#"{"status":"success","data":[{"__name__":"istio_requests_total","reporter":"source"}]}"#)
        #expect(s.resultType == .series)
        #expect(s.series[0].labels["reporter"] == "source")
    }

    @Test func errorsAreOneLine() {
        #expect(throws: PrometheusAPIError(.server("bad_data"), "bad_data: parse error at char 5: unexpected \"}\"")) {
            try Self.decode(#"{"status":"error","errorType":"bad_data","error":"parse error at char 5: unexpected \"}\""}"#)
        }
        for bad in ["<html>502 Bad Gateway</html>", #"{"data":1}"#, #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}}"#,
                    #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}"#,
                    #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}"#,
                    #"{"status":"success","data":{"resultType":"cube","result":[]}}"#] {
            do {
                _ = try Self.decode(bad)
                Issue.record("accepted \(bad)")
            } catch let error as PrometheusAPIError {
                #expect(error.kind == .badResponse)
                #expect(!error.message.contains("\n"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func queriesAreAggregatedWithAWindowFromTheScrapeInterval() {
        let q = PromQL(scrapeInterval: 15, refresh: 2)
        #expect(q.window == 60)
        #expect(q.range == "1m")
        #expect(PromQL(scrapeInterval: 1, refresh: 2).range == "4s")
        #expect(PromQL(window: 90).range == "90s")
        let by = "sum by (reporter,source_workload,source_workload_namespace,destination_workload,destination_workload_namespace,destination_service,connection_security_policy,source_principal,destination_principal,request_protocol,cluster"
        #expect(q.rates.hasPrefix("label_replace(\(by)) (rate(istio_tcp_connections_opened_total[1m])), \"meshscope\", \"opened\", \"\", \"\") or "))
        #expect(q.rates.contains("label_replace(\(by),response_code) (rate(istio_requests_total[1m])), \"meshscope\", \"requests\", \"\", \"\")"))
        #expect(q.totals.contains("label_replace(\(by)) (istio_tcp_sent_bytes_total), \"meshscope\", \"sent\", \"\", \"\")"))
        #expect(q.latency == "label_replace(histogram_quantile(0.5, \(by),le) (rate(istio_request_duration_milliseconds_bucket[1m]))), \"meshscope\", \"p50\", \"\", \"\") or label_replace(histogram_quantile(0.99, \(by),le) (rate(istio_request_duration_milliseconds_bucket[1m]))), \"meshscope\", \"p99\", \"\", \"\")")
        // Never a raw series: every part is a sum or a quantile of sums.
        for part in q.rates.components(separatedBy: " or ") + q.totals.components(separatedBy: " or ") {
            #expect(part.hasPrefix("label_replace(sum by ("))
        }
        #expect(q.refresh.count == 3)
    }

    static func vector(_ rows: [([String: String], Double)]) -> PrometheusAPIResult {
        PrometheusAPIResult(resultType: .vector, series: rows.map { .init(labels: $0.0, samples: [.init(time: 1, value: $0.1)]) })
    }

    static func labels(_ family: String, reporter: String, src: String = "sleep", dst: String = "httpbin", security: String = "mutual_tls",
                       extra: [String: String] = [:]) -> [String: String] {
        var l = ["meshscope": family, "reporter": reporter, "source_workload": src, "source_workload_namespace": "default",
                 "destination_workload": dst, "destination_workload_namespace": "default", "destination_service": dst + ".default.svc.cluster.local",
                 "connection_security_policy": security, "request_protocol": "http"]
        l.merge(extra) { $1 }
        return l
    }

    @Test func oneReporterPerEdgeAndErrorsFromCodes() throws {
        // Both ends report the same 10 req/s; the destination's count wins, never the sum.
        let rates = Self.vector([
            (Self.labels("requests", reporter: "destination", extra: ["response_code": "200"]), 9),
            (Self.labels("requests", reporter: "destination", extra: ["response_code": "503"]), 1),
            (Self.labels("requests", reporter: "source", security: "unknown", extra: ["response_code": "200"]), 9),
            (Self.labels("requests", reporter: "source", security: "unknown", extra: ["response_code": "503"]), 1),
            (Self.labels("request_bytes", reporter: "destination"), 100),
        ])
        let totals = Self.vector([
            (Self.labels("requests", reporter: "destination", extra: ["response_code": "200"]), 900),
            (Self.labels("requests", reporter: "destination", extra: ["response_code": "503"]), 100),
            (Self.labels("requests", reporter: "source", security: "unknown", extra: ["response_code": "200"]), 900),
        ])
        let latency = Self.vector([(Self.labels("p50", reporter: "destination"), 12.5), (Self.labels("p99", reporter: "destination"), 250)])
        let edges = try PrometheusEdges.build(rates: rates, totals: totals, latency: latency)
        #expect(edges.count == 1)
        let e = try #require(edges.first)
        #expect(e.source == "sleep.default" && e.destination == "httpbin.default")
        #expect(e.security == .mutualTLS)
        #expect(e.reporter == "destination")
        #expect(e.requests == 1000 && e.errors == 100)
        #expect(e.rates?.requests == 10 && e.rates?.errors == 1)
        #expect(e.rates?.received == 100)
        #expect(e.latency == TrafficEdge.Latency(p50: 12.5, p99: 250))
        #expect(e.cluster == nil)
        let table = TrafficEdges.table(edges).render(wide: false)
        #expect(table.contains("P50 MS") && table.contains("12.5") && table.contains("250"))
        #expect(!table.contains("CLUSTER"))
    }

    @Test func tcpEdgesAndClustersStayApart() throws {
        var east = Self.labels("opened", reporter: "destination", src: "a", dst: "db", extra: ["cluster": "east"])
        east["request_protocol"] = "tcp"
        var west = east
        west["cluster"] = "west"
        var ztunnel = Self.labels("opened", reporter: "destination", src: "b", dst: "db", security: "unknown")
        ztunnel["request_protocol"] = "tcp"
        let rates = Self.vector([(east, 2), (west, 3), (ztunnel, 1)])
        let edges = try PrometheusEdges.build(rates: rates, totals: Self.vector([(east, 20), (west, 30)]), latency: nil)
        #expect(edges.count == 3)
        let e = try #require(edges.first { $0.cluster == "east" })
        #expect(e.rates?.opened == 2 && e.opened == 20)
        #expect(e.requests == nil && e.rates?.requests == nil)
        #expect(edges.first { $0.cluster == "west" }?.rates?.opened == 3)
        // A destination's `unknown` is ztunnel's plaintext (Envoy's server side always knows).
        #expect(edges.first { $0.source == "b.default" }?.security == .plaintext)
        let table = TrafficEdges.table(edges).render(wide: false)
        #expect(table.contains("CLUSTER") && table.contains("east") && table.contains("west"))
    }

    @Test func aForeignLabelSchemeIsRefused() {
        let rates = Self.vector([(["meshscope": "requests", "pod": "x", "response_code": "200"], 5)])
        #expect(throws: PrometheusEdges.SchemeError.self) { try PrometheusEdges.build(rates: rates, totals: Self.vector([]), latency: nil) }
        // Nothing at all is not an error: the mesh has no traffic (yet).
        #expect((try? PrometheusEdges.build(rates: Self.vector([]), totals: Self.vector([]), latency: nil))?.isEmpty == true)
    }

    @Test func historyFromARangeQuery() throws {
        var http = Self.labels("requests", reporter: "destination")
        http["connection_security_policy"] = "mutual_tls"
        var http2 = http
        http2["request_protocol"] = "grpc"
        var tcp = Self.labels("sent", reporter: "source", src: "a", dst: "db")
        tcp["request_protocol"] = "tcp"
        let range = PrometheusAPIResult(resultType: .matrix, series: [
            .init(labels: http, samples: [.init(time: 60, value: 1), .init(time: 120, value: 2)]),
            .init(labels: http2, samples: [.init(time: 120, value: 3)]),
            .init(labels: tcp, samples: [.init(time: 60, value: 100), .init(time: 120, value: .nan)]),
        ])
        let h = PrometheusEdges.history(range)
        #expect(h["sleep.default|httpbin.default|httpbin.default.svc.cluster.local|destination"] == [1, 5])
        #expect(h["a.default|db.default|db.default.svc.cluster.local|source"] == [100])
        #expect(PromQL(window: 60).history.contains("(rate(istio_tcp_received_bytes_total[1m])), \"meshscope\", \"received\""))
    }

    @Test func originSummary() {
        #expect(MetricsOrigin().summary == "metrics: scraped")
        #expect(MetricsOrigin(kind: .prometheus, prometheus: "svc/istio-system/prometheus:9090", window: 60).summary
                == "metrics: prometheus svc/istio-system/prometheus:9090 (rate 1m)")
        #expect(MetricsOrigin(kind: .scrape, prometheus: "http://p:9090", message: "connection refused").summary
                == "metrics: scraped (prometheus http://p:9090: connection refused)")
    }
}
