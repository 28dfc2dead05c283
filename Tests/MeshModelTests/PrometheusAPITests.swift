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
        #expect(q.rates.contains("label_replace(\(by),response_code,response_flags) (rate(istio_requests_total[1m])), \"meshscope\", \"requests\", \"\", \"\")"))
        #expect(q.totals.contains("label_replace(\(by),response_code,response_flags) (istio_requests_total)"))
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
        // Each point the average over its whole step, summed by the edge key's labels alone.
        let q = PromQL(window: 60).history(step: 225)
        #expect(q.contains("sum by (reporter,source_workload,source_workload_namespace,destination_workload,destination_workload_namespace,destination_service) (rate(istio_tcp_received_bytes_total[225s])), \"meshscope\", \"received\""))
        #expect(!q.contains("connection_security_policy"))
        // Never shorter than the rates' window: a step under four scrapes would miss some.
        #expect(PromQL(window: 60).history(step: 15).contains("(rate(istio_requests_total[1m]))"))
        #expect(PromQL(window: 60).history(step: 3600).contains("[1h]"))
    }

    @Test func originSummary() {
        #expect(MetricsOrigin().summary == "metrics: scraped")
        #expect(MetricsOrigin(kind: .prometheus, prometheus: "svc/istio-system/prometheus:9090", window: 60).summary
                == "metrics: prometheus svc/istio-system/prometheus:9090 (rate 1m)")
        #expect(MetricsOrigin(kind: .scrape, prometheus: "http://p:9090", message: "connection refused").summary
                == "metrics: scraped (prometheus http://p:9090: connection refused)")
    }

    @Test func errorsByResponseFlagAgreeFromPromQLAndFromScraping() throws {
        // 100 req/s: 95.9 answered 200 without a flag, 3.9 answered 503 UH, 0.2 answered 503 URX.
        let rows: [(code: String, flag: String, rate: Double)] = [("200", "-", 95.9), ("503", "UH", 3.9), ("503", "URX", 0.2)]
        let rates = Self.vector(rows.map { (Self.labels("requests", reporter: "destination", extra: ["response_code": $0.code, "response_flags": $0.flag]), $0.rate) })
        let totals = Self.vector(rows.map { (Self.labels("requests", reporter: "destination", extra: ["response_code": $0.code, "response_flags": $0.flag]), $0.rate * 10) })
        let prom = try #require(try PrometheusEdges.build(rates: rates, totals: totals, latency: nil).first)
        #expect(prom.rates?.flags == ["UH": 3.9, "URX": 0.2])
        #expect(prom.flags == ["UH": 39, "URX": 2])
        #expect(prom.errorSummary == "ERR 4.1% (UH 3.9%, URX 0.2%)")

        // The same traffic scraped: two samples 10 s apart of the proxy's own series.
        func text(_ scale: Double) -> String {
            rows.map { r in
                #"istio_requests_total{reporter="destination",source_workload="sleep",source_workload_namespace="default",destination_workload="httpbin",destination_workload_namespace="default",destination_service="httpbin.default.svc.cluster.local",request_protocol="http",response_code="\#(r.code)",response_flags="\#(r.flag)",connection_security_policy="mutual_tls"} \#(Int((r.rate * scale).rounded()))"#
            }.joined(separator: "\n") + "\n"
        }
        let scraped = try #require(TrafficEdges.build(current: PrometheusText.parse(text(20)), previous: PrometheusText.parse(text(10)), interval: 10).first)
        #expect(scraped.flags == ["UH": 78, "URX": 4])
        #expect(scraped.errorSummary == prom.errorSummary)
        // Replicas add up, flag by flag.
        let merged = try #require(LiveEdges.merge([[scraped], [scraped]]).first)
        #expect(merged.rates?.flags == ["UH": 7.8, "URX": 0.4])
        #expect(merged.errorSummary == "ERR 4.1% (UH 3.9%, URX 0.2%)")
        // Where edges show them: the wide table and JSON.
        let wide = TrafficEdges.table([prom]).render(wide: true)
        #expect(wide.contains("ERRORS BY FLAG") && wide.contains("ERR 4.1% (UH 3.9%, URX 0.2%)"))
        #expect(!TrafficEdges.table([prom]).render(wide: false).contains("ERRORS BY FLAG"))
        let json = String(decoding: TrafficEdges.output([prom]).compactJSON(), as: UTF8.self)
        #expect(json.contains(#""responseFlags":{"UH":39,"URX":2}"#) && json.contains(#""responseFlags":{"UH":3.9,"URX":0.2}"#), "\(json)")
        // No requests, no summary; requests without errors, a plain 0%.
        var tcp = prom
        tcp.requests = nil
        tcp.rates = nil
        #expect(tcp.errorSummary == nil)
        var clean = prom
        clean.rates?.errors = 0
        clean.rates?.flags = [:]
        #expect(clean.errorSummary == "ERR 0%")
        // A hostile exporter's NaN errors: a question mark, not `nan%` and not a trap.
        var nan = prom
        nan.rates?.errors = .nan
        #expect(nan.errorSummary == "ERR ?% (UH 3.9%, URX 0.2%)")
    }

    @Test func latencyQuantilesFromBucketsAsHistogramQuantileReadsThem() throws {
        // 100 observations: 20 ≤ 5 ms, 40 in (5, 10], 30 in (10, 25], 8 in (25, 50], 2 above 50.
        var h = LatencyHistogram()
        for (le, n) in [(Double.infinity, 100.0), (5, 20), (10, 60), (25, 90), (50, 98)] { h.add(le: le, n) }
        #expect(h.buckets.map(\.le) == [5, 10, 25, 50, .infinity])
        // p50: rank 50 falls in (5, 10] at the 30th of its 40: 5 + 5 × 30/40.
        #expect(h.quantile(0.5) == 8.75)
        // p90: rank 90 is the last of (10, 25].
        #expect(h.quantile(0.9) == 25)
        // p99: rank 99 falls in +Inf: the highest finite bound.
        #expect(h.quantile(0.99) == 50)
        // p10: rank 10 in the first bucket, from 0.
        #expect(h.quantile(0.1) == 2.5)
        var noInf = LatencyHistogram()
        noInf.add(le: 10, 5)
        noInf.add(le: 20, 10)
        #expect(noInf.quantile(0.5) == nil)
        var empty = LatencyHistogram()
        empty.add(le: 10, 0)
        empty.add(le: .infinity, 0)
        #expect(empty.latency == nil)
        #expect(LatencyHistogram.bound("+Inf") == .infinity && LatencyHistogram.bound("2.5") == 2.5 && LatencyHistogram.bound("x") == nil)
        // A hostile number of bounds is capped.
        var many = LatencyHistogram()
        for k in 0..<1_000 { many.add(le: Double(k), 1) }
        #expect(many.buckets.count == LatencyHistogram.maxBuckets)

        // Scraped: the buckets' increases between two samples, summed over two replicas, give
        // the same quantiles.
        func text(_ counts: [(String, Int)]) -> String {
            counts.map { le, n in
                #"istio_request_duration_milliseconds_bucket{reporter="destination",source_workload="sleep",source_workload_namespace="default",destination_workload="httpbin",destination_workload_namespace="default",destination_service="httpbin.default.svc.cluster.local",request_protocol="http",response_code="200",connection_security_policy="mutual_tls",le="\#(le)"} \#(n)"#
            }.joined(separator: "\n") + "\n" + #"istio_requests_total{reporter="destination",source_workload="sleep",source_workload_namespace="default",destination_workload="httpbin",destination_workload_namespace="default",destination_service="httpbin.default.svc.cluster.local",request_protocol="http",response_code="200",connection_security_policy="mutual_tls"} "# + String(counts.last!.1) + "\n"
        }
        let before = PrometheusText.parse(text([("5", 100), ("10", 100), ("25", 100), ("50", 100), ("+Inf", 100)]))
        // Each replica adds half of the observations above.
        let after = PrometheusText.parse(text([("5", 110), ("10", 130), ("25", 145), ("50", 149), ("+Inf", 150)]))
        let replica = try #require(TrafficEdges.build(current: after, previous: before, interval: 10).first)
        #expect(replica.latency == TrafficEdge.Latency(p50: 8.75, p99: 50))
        let merged = try #require(LiveEdges.merge([[replica], [replica]]).first)
        #expect(merged.durations.buckets.map(\.count) == [20, 60, 90, 98, 100])
        #expect(merged.latency == TrafficEdge.Latency(p50: 8.75, p99: 50))
        // One sample alone has no interval: no latency.
        #expect(TrafficEdges.build(current: after).first?.latency == nil)
    }
}
