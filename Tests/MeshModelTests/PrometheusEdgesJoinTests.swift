import Testing
@testable import MeshModel

/// The counters read once per refresh (``PrometheusEdges/reports(rates:totals:)``) and a latency
/// answer joined in later give the edges building from all three answers at once gives; a join
/// never changes the kept counters, so the next answer joins onto the counters alone.
@Suite struct PrometheusEdgesJoinTests {
    typealias T = PrometheusAPITests

    static let rates = T.vector([
        (T.labels("requests", reporter: "destination", extra: ["response_code": "200", "source_principal": "spiffe://cluster.local/ns/default/sa/sleep"]), 9),
        (T.labels("requests", reporter: "destination", extra: ["response_code": "503", "response_flags": "UH"]), 1),
        (T.labels("requests", reporter: "source", security: "unknown", extra: ["response_code": "200"]), 9),
        (T.labels("request_bytes", reporter: "destination"), 100),
        (T.labels("opened", reporter: "destination", src: "a", dst: "db", extra: ["request_protocol": "tcp", "cluster": "east"]), 2),
    ])
    static let totals = T.vector([
        (T.labels("requests", reporter: "destination", extra: ["response_code": "200"]), 900),
        (T.labels("requests", reporter: "destination", extra: ["response_code": "503", "response_flags": "UH"]), 100),
        (T.labels("opened", reporter: "destination", src: "a", dst: "db", extra: ["request_protocol": "tcp", "cluster": "east"]), 20),
        // Only in the totals: no rate inside the window, a measured zero.
        (T.labels("requests", reporter: "destination", src: "old", extra: ["response_code": "200"]), 5),
    ])
    static func latency(_ p50: Double, _ p99: Double) -> PrometheusAPIResult {
        T.vector([
            (T.labels("p50", reporter: "destination"), p50), (T.labels("p99", reporter: "destination"), p99),
            // Latency of an edge the counters do not have: no edge of its own.
            (T.labels("p50", reporter: "destination", src: "ghost"), 1),
        ])
    }

    @Test func joiningLaterGivesTheEdgesOfAllThreeAnswers() throws {
        let counters = PrometheusEdges.reports(rates: Self.rates, totals: Self.totals)
        for latency in [nil, Self.latency(12.5, 250), Self.latency(7, 70)] {
            let joined = try PrometheusEdges.joined(counters, latency: latency, window: 60)
            #expect(joined == (try PrometheusEdges.build(rates: Self.rates, totals: Self.totals, latency: latency, window: 60)))
        }
        let first = try PrometheusEdges.joined(counters, latency: Self.latency(12.5, 250))
        #expect(first.first { $0.source == "sleep.default" }?.latency == TrafficEdge.Latency(p50: 12.5, p99: 250))
        #expect(!first.contains { $0.source == "ghost.default" })
        #expect(first.first { $0.source == "old.default" }?.rates?.requests == 0)
        // The kept counters are untouched by a join: the next answer replaces the last, and no
        // latency means none.
        let second = try PrometheusEdges.joined(counters, latency: Self.latency(7, 70))
        #expect(second.first { $0.source == "sleep.default" }?.latency == TrafficEdge.Latency(p50: 7, p99: 70))
        #expect(try PrometheusEdges.joined(counters, latency: nil).allSatisfy { $0.latency == nil })
    }

    @Test func aForeignSchemeIsRefusedWhicheverAnswerCarriesIt() {
        let foreign = T.vector([(["meshscope": "p50", "pod": "x"], 5)])
        let counters = PrometheusEdges.reports(rates: T.vector([]), totals: T.vector([]))
        #expect(throws: PrometheusEdges.SchemeError.self) { try PrometheusEdges.joined(counters, latency: foreign) }
        #expect(throws: PrometheusEdges.SchemeError.self) { try PrometheusEdges.build(rates: T.vector([]), totals: T.vector([]), latency: foreign) }
        #expect((try? PrometheusEdges.joined(counters, latency: nil))?.isEmpty == true)
    }
}
