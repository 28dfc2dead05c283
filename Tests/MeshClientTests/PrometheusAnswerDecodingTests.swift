import Foundation
@testable import MeshClient
@testable import MeshModel
import Testing

/// Real Prometheus answers (Debian's `prometheus` scraping the demo) are read by the one-pass
/// vector scanner, exactly as the general JSON decoder reads them, down to the edges built.
@Suite(.serialized) struct PrometheusAnswerDecodingTests {
    /// Same result type, warnings, labels and samples (NaN equal to NaN).
    static func same(_ a: PrometheusAPIResult, _ b: PrometheusAPIResult) -> Bool {
        guard a.resultType == b.resultType, a.warnings == b.warnings, a.series.count == b.series.count else { return false }
        return zip(a.series, b.series).allSatisfy { x, y in
            x.labels == y.labels && x.samples.count == y.samples.count
                && zip(x.samples, y.samples).allSatisfy { s, t in s.time == t.time && (s.value == t.value || s.value.isNaN && t.value.isNaN) }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: PrometheusDemoTests.binary)))
    func realAnswersTakeTheOnePassPathAndAgreeWithTheGeneralDecoder() async throws {
        try await PrometheusDemoTests.withRig { rig in
            _ = try await PrometheusDemoTests.promEdges(rig)
            let q = rig.metrics.queries
            var answers: [PrometheusAPIResult] = []
            for (name, promql) in [("rates", q.rates), ("totals", q.totals), ("latency", q.latency), ("up", "up")] {
                // An answer with series: on a loaded CI machine scrapes time out now and then, and
                // a rate over a window they left with one sample is empty (CI saw it); the test is
                // about reading answers, so it asks again, for up to a minute.
                var (code, body) = try await rig.prom.once("/api/v1/query", [("query", promql)], timeout: 10)
                let deadline = Date().addingTimeInterval(60)
                while code == 200, PrometheusVectorScanner.scan(body)?.series.isEmpty == true, Date() < deadline {
                    try await Task.sleep(nanoseconds: 500_000_000)
                    (code, body) = try await rig.prom.once("/api/v1/query", [("query", promql)], timeout: 10)
                }
                #expect(code == 200, "\(name)")
                let fast = try #require(PrometheusVectorScanner.scan(body), "\(name): the compact answer was not taken by the one-pass path")
                let generic = try PrometheusAPIResult.decodeGeneric(body)
                #expect(Self.same(fast, generic), "\(name)")
                #expect(!fast.series.isEmpty, "\(name)")
                // Every truncation of a real answer is declined (and refused by the general decoder).
                for n in stride(from: 0, to: body.count, by: max(1, body.count / 97)) {
                    #expect(PrometheusVectorScanner.scan(Array(body.prefix(n))) == nil, "\(name) prefix \(n)")
                }
                answers.append(fast)
                if name == "rates" {
                    // The same bytes with an escape in them: the general decoder, same series.
                    let text = String(decoding: body, as: UTF8.self)
                    let escaped = Array(text.replacingOccurrences(of: "\"reporter\"", with: "\"report\\u0065r\"").utf8)
                    #expect(PrometheusVectorScanner.scan(escaped) == nil)
                    #expect(Self.same(try PrometheusAPIResult.decode(escaped), generic))
                }
            }
            // The edges (and so every table) built from either reading are the same.
            let (code, body) = try await rig.prom.once("/api/v1/query", [("query", q.rates)], timeout: 10)
            #expect(code == 200)
            let viaScanner = try PrometheusEdges.build(rates: try PrometheusAPIResult.decode(body), totals: answers[1], latency: answers[2])
            let viaTape = try PrometheusEdges.build(rates: try PrometheusAPIResult.decodeGeneric(body), totals: answers[1], latency: answers[2])
            #expect(viaScanner == viaTape)
            #expect(!viaScanner.isEmpty)
        }
    }
}
