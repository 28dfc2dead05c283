import Foundation
import Testing
@testable import MeshModel

/// Rates first (issue 21): edges read from the rates alone say their totals are pending, every
/// table shows those as pending (never `0`) beside the rates' numbers, JSON leaves them out,
/// and the totals joined in later give the edges both answers at once give.
@Suite struct PrometheusTotalsPendingTests {
    typealias T = PrometheusAPITests
    typealias J = PrometheusEdgesJoinTests

    /// Principals the two answers disagree on: the totals say `unknown` where the rates name
    /// one, and name one where the rates say another.
    static let rates = T.vector([
        (T.labels("requests", reporter: "destination", src: "p", extra: ["response_code": "200", "source_principal": "spiffe://cluster.local/ns/default/sa/p"]), 3),
        (T.labels("requests", reporter: "destination", src: "q", extra: ["response_code": "200", "destination_principal": "spiffe://x/rates"]), 4),
        (T.labels("requests", reporter: "source", src: "q", security: "unknown", extra: ["response_code": "200", "request_protocol": "grpc"]), 4),
    ])
    static let totals = T.vector([
        (T.labels("requests", reporter: "destination", src: "p", extra: ["response_code": "200", "source_principal": "unknown"]), 30),
        (T.labels("requests", reporter: "destination", src: "q", extra: ["response_code": "200", "destination_principal": "spiffe://x/totals"]), 40),
    ])

    @Test func totalsJoinedLaterGiveTheEdgesOfBothAnswersAtOnce() throws {
        for (rates, totals) in [(J.rates, J.totals), (Self.rates, Self.totals), (Self.rates, T.vector([])), (T.vector([]), Self.totals)] {
            let later = PrometheusEdges.joining(PrometheusEdges.reports(rates: rates), totals: totals)
            #expect(!later.totalsPending)
            for latency in [nil, J.latency(12.5, 250)] {
                let joined = try PrometheusEdges.joined(later, latency: latency, window: 60)
                #expect(joined == (try PrometheusEdges.build(rates: rates, totals: totals, latency: latency, window: 60)))
                #expect(joined.allSatisfy { !$0.totalsPending })
            }
        }
        let edges = try PrometheusEdges.joined(PrometheusEdges.joining(PrometheusEdges.reports(rates: Self.rates), totals: Self.totals), latency: nil)
        #expect(edges.first { $0.source == "p.default" }?.sourcePrincipal == "spiffe://cluster.local/ns/default/sa/p")
        #expect(edges.first { $0.source == "q.default" }?.destinationPrincipal == "spiffe://x/totals")
    }

    /// The edges of the rates alone: rates from the answer, totals pending.
    static func pendingEdges() throws -> [TrafficEdge] {
        try PrometheusEdges.joined(PrometheusEdges.reports(rates: J.rates), latency: nil, window: 60)
    }

    @Test func edgesFromTheRatesAloneHaveRatesAndSayTotalsArePending() throws {
        let edges = try Self.pendingEdges()
        #expect(!edges.isEmpty && edges.allSatisfy(\.totalsPending))
        let http = try #require(edges.first { $0.source == "sleep.default" })
        // 9 answered 200 and 1 answered 503 UH, per second, as the rates answer says.
        #expect(http.rates?.requests == 10)
        #expect(http.rates?.errors == 1)
        #expect(http.rates?.flags == ["UH": 1])
        #expect(http.requests != nil)
        let tcp = try #require(edges.first { $0.source == "a.default" })
        #expect(tcp.rates?.opened == 2)
        #expect(tcp.requests == nil)
    }

    static func cell(_ table: Table, _ row: Int, _ column: String) -> String? {
        table.columns.firstIndex { $0.name == column }.map { table.rows[row][$0] }
    }

    @Test func tablesShowPendingTotalsAsPendingAndRatesAsNumbers() throws {
        let edges = try Self.pendingEdges()
        let http = try #require(edges.firstIndex { $0.source == "sleep.default" })
        let tcp = try #require(edges.firstIndex { $0.source == "a.default" })

        let table = TrafficEdges.table(edges)
        for column in ["OPEN", "OPENED", "CLOSED", "SENT", "RECEIVED", "REQUESTS", "ERRORS"] {
            #expect(Self.cell(table, http, column) == "…", "\(column)")
        }
        for column in ["OPEN", "OPENED", "CLOSED", "SENT", "RECEIVED"] { #expect(Self.cell(table, tcp, column) == "…", "\(column)") }
        // A TCP edge has no requests at all: that stays `-`, not pending.
        #expect(Self.cell(table, tcp, "REQUESTS") == "-")
        #expect(Self.cell(table, http, "REQUESTS/S") == "10")
        #expect(Self.cell(table, http, "ERRORS/S") == "1")
        #expect(Self.cell(table, tcp, "OPENED/S") == "2")
        // Error shares come from the rates, which are in.
        #expect(Self.cell(table, http, "ERRORS BY FLAG") == "ERR 10% (UH 10%)")

        var state = MeshState()
        state.edges = edges
        let live = LiveTables.edges(state)
        #expect(Self.cell(live, http, "OPEN") == "…")
        #expect(Self.cell(live, http, "REQUESTS") == "…")
        #expect(Self.cell(live, http, "ERRORS") == "…")
        #expect(Self.cell(live, http, "RQ/S") == "10")
        #expect(Self.cell(live, http, "ERR%") == "10")
        #expect(Self.cell(live, tcp, "OPEN") == "…")
        #expect(Self.cell(live, tcp, "CONN/S") == "2")
        #expect(Self.cell(live, tcp, "ERR%") == "-")

        // Without rates per request, ERR% and the flag shares would read the totals: pending.
        var noRates = edges[http]
        noRates.rates = nil
        state.edges = [noRates]
        #expect(Self.cell(LiveTables.edges(state), 0, "ERR%") == "…")
        #expect(noRates.errorSummary == "…")
    }

    @Test func jsonLeavesPendingTotalsOutAndSaysSo() throws {
        let edges = try Self.pendingEdges()
        let json = JSONWriter.string(TrafficEdges.output(edges))
        #expect(json.replacingOccurrences(of: " ", with: "").contains(#""totalsPending":true"#))
        #expect(json.contains(#""ratesPerSecond""#))
        // The totals' keys are left out (here without the rates, whose object has the same names).
        let withoutRates = JSONWriter.string(TrafficEdges.output(edges.map { var e = $0; e.rates = nil; return e }))
        for key in ["open", "opened", "closed", "sent", "received", "requests", "errors"] { #expect(!withoutRates.contains("\"\(key)\""), "\(key)") }
        // Complete edges say nothing about it.
        let complete = try PrometheusEdges.build(rates: J.rates, totals: J.totals, latency: nil)
        #expect(!JSONWriter.string(TrafficEdges.output(complete)).contains("totalsPending"))
    }

    @Test func theMetricsLineSaysTotalsArePending() {
        var m = MetricsOrigin(kind: .prometheus, prometheus: "http://prom:9090", window: 60)
        #expect(!m.summary.contains("totals"))
        m.totalsPending = true
        #expect(m.summary == "metrics: prometheus http://prom:9090 (rate 1m) · totals pending (Prometheus is still computing the totals query)")
    }
}
