import Foundation
import MeshDemo
import MeshModel
import Testing
@testable import MeshClient

/// Rates first (issue 21): a store for a reader that redraws asks Prometheus's rates alone in
/// the first round, publishes their edges with the totals pending, then asks the totals and
/// joins them in; a one-shot store asks both at once and never publishes pending totals.
@Suite struct PrometheusRatesFirstStoreTests {
    /// What the fake answers: 2.5 requests a second, 1234 requests in all.
    static let rate = 2.5, total = 1234.0

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var queries: [String] = []
        func add(_ q: String) { lock.withLock { queries.append(q) } }
        var all: [String] { lock.withLock { queries } }
    }

    /// Rates at once; totals after `totalsDelay` seconds, or a 500 when `totalsFail`. Logs
    /// `rates` and `totals` in the order they were asked.
    static func prometheus(totalsDelay: Double, totalsFail: Bool = false, log: Log) async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            if text.contains("histogram_quantile") { return .json(.ok, Array(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8)) }
            if text.contains("query_range") || req.path.hasSuffix("query_range") { return .json(.ok, Array(#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#.utf8)) }
            if text.contains("rate") {
                log.add("rates")
                return .json(.ok, EdgesOnlyStoreTests.answer(rate))
            }
            log.add("totals")
            try? await Task.sleep(nanoseconds: UInt64(totalsDelay * 1e9))
            if totalsFail { return .text(.internalServerError, "query timed out in expression evaluation") }
            return .json(.ok, EdgesOnlyStoreTests.answer(total))
        }
    }

    static func withStore(_ server: LoopbackHTTPServer, ratesFirst: Bool, _ body: (MeshStore) async throws -> Void) async throws {
        let metrics = PrometheusMetrics(client: try PrometheusClient(try PrometheusTarget.parse(server.baseURL), timeout: 20),
                                        queries: PromQL(scrapeInterval: 1, refresh: 0.2))
        let store = MeshStore(options: .init(refresh: 0.2, maxBackoff: 1, edgesOnly: true, ratesFirst: ratesFirst), prometheus: metrics,
                              listProxies: { EdgesOnlyStoreTests.all }, fetch: { _, _ in throw LiveDecodeError("not served") })
        try await EdgesOnlyStoreTests.running(store, metrics, server, body)
    }

    @Test func ratesComeFirstWithTotalsPendingAndTheTotalsAreJoinedInWhenTheyAnswer() async throws {
        let log = Log()
        try await Self.withStore(try await Self.prometheus(totalsDelay: 3, log: log), ratesFirst: true) { store in
            let first = try #require(await store.firstState { $0.complete && !$0.edges.isEmpty })
            #expect(first.metrics.kind == .prometheus)
            let edge = try #require(first.edges.first)
            #expect(edge.rates?.requests == Self.rate)
            #expect(edge.totalsPending)
            #expect(first.metrics.totalsPending)
            #expect(first.metrics.summary.contains("totals pending"))
            #expect(LiveTables.edges(first).render(wide: true).contains("…"))
            // The rates were asked alone: the totals after their answer.
            #expect(log.all.first == "rates")

            let joined = try #require(await store.firstState { $0.edges.first.map { !$0.totalsPending } ?? false })
            #expect(joined.edges.first?.requests == Self.total)
            #expect(joined.edges.first?.rates?.requests == Self.rate)
            #expect(!joined.metrics.totalsPending)
            #expect(!joined.metrics.summary.contains("totals pending"))
            #expect(Array(log.all.prefix(2)) == ["rates", "totals"])
            // Later rounds ask both together and never say pending again.
            let later = try #require(await store.firstState { $0.generation > joined.generation + 3 && $0.metrics.queries >= 2 })
            #expect(!later.metrics.totalsPending && later.edges.first?.requests == Self.total)
        }
    }

    @Test func aFailedTotalsQueryIsAFailedPrometheus() async throws {
        let log = Log()
        try await Self.withStore(try await Self.prometheus(totalsDelay: 0, totalsFail: true, log: log), ratesFirst: true) { store in
            let failed = try #require(await store.firstState { $0.metrics.kind == .scrape })
            // The rates answered, then the totals failed: that is what dropped Prometheus.
            #expect(Array(log.all.prefix(2)) == ["rates", "totals"])
            #expect(failed.metrics.message?.contains("query timed out") == true, "\(failed.metrics.summary)")
            #expect(failed.metrics.message?.contains("scraping proxies instead") == true, "\(failed.metrics.summary)")
            #expect(failed.edges.allSatisfy { !$0.totalsPending })
            #expect(!failed.metrics.totalsPending)
        }
    }

    /// What a one-shot `connections --edges` prints from: both asked together, totals in the
    /// first state, nothing ever pending.
    @Test func withoutRatesFirstNoStateHasPendingTotals() async throws {
        let log = Log()
        try await Self.withStore(try await Self.prometheus(totalsDelay: 1, log: log), ratesFirst: false) { store in
            // Every state published until the first complete one (polled as the reader does).
            var states: [MeshState] = []
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline, states.last.map({ !($0.complete && !$0.edges.isEmpty) }) ?? true {
                if let s = await store.current, s.generation != states.last?.generation { states.append(s) }
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            let first = try #require(states.last)
            #expect(first.edges.first?.requests == Self.total)
            #expect(first.edges.first?.rates?.requests == Self.rate)
            #expect(states.allSatisfy { !$0.metrics.totalsPending && $0.edges.allSatisfy { !$0.totalsPending } })
        }
    }
}

/// While Prometheus's first answer is out, the proxies' own admin reads wait, at most
/// ``MeshStore/prometheusFirstHold`` seconds, and then while the first totals or history are
/// out, at most twice that, unless a proxy is focused: the edges and their sparklines come
/// first at start.
@Suite struct PrometheusFirstHoldTests {
    enum Case: Sendable, CaseIterable { case answersFirst, historyOut, silent, silentWithAFocus }

    @Test(arguments: Case.allCases)
    func theProxiesReadsWaitForPrometheusFirstAnswer(_ c: Case) async throws {
        let ratesDelay = c == .answersFirst || c == .historyOut ? 1.0 : 8.0
        let answered = Locked<Date?>(nil), firstFetch = Locked<Date?>(nil), historyAnswered = Locked<Date?>(nil)
        let server = try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            if req.path.hasSuffix("query_range") {
                // The history: 2 s more after the rates, in the case it is out.
                if c == .historyOut { try? await Task.sleep(nanoseconds: 2_000_000_000) }
                historyAnswered.withLock { if $0 == nil { $0 = Date() } }
                return .json(.ok, PrometheusHistoryAtStartTests.range)
            }
            guard text.contains("rate"), !text.contains("histogram_quantile") else {
                return .json(.ok, Array(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8))
            }
            if answered.withLock({ $0 }) == nil { try? await Task.sleep(nanoseconds: UInt64(ratesDelay * 1e9)) }
            answered.withLock { if $0 == nil { $0 = Date() } }
            return .json(.ok, EdgesOnlyStoreTests.answer(PrometheusRatesFirstStoreTests.rate))
        }
        let metrics = PrometheusMetrics(client: try PrometheusClient(try PrometheusTarget.parse(server.baseURL), timeout: 60),
                                        queries: PromQL(scrapeInterval: 1, refresh: 0.2))
        let store = MeshStore(options: .init(refresh: 0.2, maxBackoff: 1, ratesFirst: true), prometheus: metrics,
                              listProxies: { EdgesOnlyStoreTests.all }, fetch: { _, _ in
                                  firstFetch.withLock { if $0 == nil { $0 = Date() } }
                                  throw LiveDecodeError("not served")
                              })
        if c == .silentWithAFocus { await store.setFocus([EdgesOnlyStoreTests.sidecar.key]) }
        let started = Date()
        try await EdgesOnlyStoreTests.running(store, metrics, server) { _ in
            let deadline = Date().addingTimeInterval(20)
            while firstFetch.withLock({ $0 }) == nil && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        let fetched = try #require(firstFetch.withLock { $0 }, "no admin read within 20 s")
        switch c {
        case .silentWithAFocus:
            #expect(fetched.timeIntervalSince(started) < MeshStore.prometheusFirstHold - 1, "a focused proxy's reads waited")
        case .silent:
            // Prometheus still silent: the reads start once the hold is over, not before.
            #expect(answered.withLock { $0 }.map { $0 > fetched } ?? true)
            #expect(fetched.timeIntervalSince(started) >= MeshStore.prometheusFirstHold - 0.05)
            #expect(fetched.timeIntervalSince(started) < MeshStore.prometheusFirstHold + 5)
        case .answersFirst:
            let answer = try #require(answered.withLock { $0 })
            #expect(fetched >= answer.addingTimeInterval(-0.05), "an admin read before Prometheus answered")
        case .historyOut:
            // Answered at 1 s, the history 2 s later: the reads wait for it (at most twice the
            // hold). A machine so loaded that the rates answered after the first hold has no
            // history hold to show (the reads were let go when that hold ended).
            let answer = try #require(answered.withLock { $0 })
            #expect(fetched.timeIntervalSince(started) < 2 * MeshStore.prometheusFirstHold + 5)
            if answer.timeIntervalSince(started) < MeshStore.prometheusFirstHold - 0.5 {
                let history = try #require(historyAnswered.withLock { $0 }, "an admin read before the history answered")
                #expect(fetched >= history.addingTimeInterval(-0.05), "an admin read while the first history was out")
            }
        }
    }
}

/// The sparklines' history (`query_range`) is asked when the first rates answer, beside the
/// totals (not beside the rates, whose answer it slowed), and drawn as soon as it is in; one
/// that failed is asked once more after a later counters answer.
@Suite struct PrometheusHistoryAtStartTests {
    /// The history of the edge ``EdgesOnlyStoreTests/answer(_:)`` describes: two points.
    static let range = Array(#"""
    {"status":"success","data":{"resultType":"matrix","result":[{"metric":{"meshscope":"requests","reporter":"destination","source_workload":"sleep","source_workload_namespace":"shop","destination_workload":"web","destination_workload_namespace":"shop","destination_service":"web.shop.svc.cluster.local"},"values":[[1000,"1.5"],[1225,"2"]]}]}}
    """#.utf8)

    /// Rates after `ratesDelay` seconds, totals after `totalsDelay`; the history at once, a 500
    /// for its first `historyFailures` asks.
    static func prometheus(ratesDelay: Double, totalsDelay: Double = 0, historyFailures: Int,
                           log: PrometheusRatesFirstStoreTests.Log) async throws -> LoopbackHTTPServer {
        let asked = Locked(0)
        return try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            if req.path.hasSuffix("query_range") {
                log.add("history")
                let n = asked.withLock { $0 += 1; return $0 }
                return n <= historyFailures ? .text(.internalServerError, "query timed out in expression evaluation") : .json(.ok, range)
            }
            if text.contains("histogram_quantile") { return .json(.ok, Array(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.utf8)) }
            if text.contains("rate") {
                log.add("rates")
                try? await Task.sleep(nanoseconds: UInt64(ratesDelay * 1e9))
                log.add("rates answered")
                return .json(.ok, EdgesOnlyStoreTests.answer(PrometheusRatesFirstStoreTests.rate))
            }
            log.add("totals")
            try? await Task.sleep(nanoseconds: UInt64(totalsDelay * 1e9))
            return .json(.ok, EdgesOnlyStoreTests.answer(PrometheusRatesFirstStoreTests.total))
        }
    }

    static func withStore(_ server: LoopbackHTTPServer, refresh: Double = 0.2, _ body: (MeshStore) async throws -> Void) async throws {
        let metrics = PrometheusMetrics(client: try PrometheusClient(try PrometheusTarget.parse(server.baseURL), timeout: 20),
                                        queries: PromQL(scrapeInterval: 1, refresh: refresh))
        let store = MeshStore(options: .init(refresh: refresh, maxBackoff: 1, ratesFirst: true), prometheus: metrics,
                              listProxies: { EdgesOnlyStoreTests.all }, fetch: { _, _ in throw LiveDecodeError("not served") })
        try await EdgesOnlyStoreTests.running(store, metrics, server, body)
    }

    static let key = "sleep.shop|web.shop|web.shop.svc.cluster.local|destination"

    @Test func theHistoryIsAskedWhenTheFirstRatesAnswerAndDrawnWhenItIsIn() async throws {
        let log = PrometheusRatesFirstStoreTests.Log()
        try await Self.withStore(try await Self.prometheus(ratesDelay: 0.3, historyFailures: 0, log: log)) { store in
            let edges = await store.firstState { !$0.edges.isEmpty }
            let summary = await store.current?.metrics.summary ?? "no state"
            let first = try #require(edges, "\(log.all) \(summary)")
            let filled = try #require(await store.firstState { !$0.edgeHistory.isEmpty })
            // Not while the rates were out: after their answer, beside the totals.
            let order = log.all
            let history = try #require(order.firstIndex(of: "history"), "\(order)")
            #expect(try #require(order.firstIndex(of: "rates answered")) < history, "\(order)")
            #expect(filled.edgeHistory[Self.key] == [1.5, 2])
            #expect(first.edges.first.map(PrometheusEdges.historyKey) == Self.key)
            // Once: it answered.
            _ = try #require(await store.firstState { $0.generation > filled.generation + 5 })
            #expect(log.all.filter { $0 == "history" }.count == 1)
        }
    }

    /// Published when it answers, not with the next round: here the totals take 6 s and the
    /// refresh is 30 s, and the sparklines still fill at once.
    @Test func theHistoryIsPublishedWhenItAnswers() async throws {
        let log = PrometheusRatesFirstStoreTests.Log()
        try await Self.withStore(try await Self.prometheus(ratesDelay: 0, totalsDelay: 6, historyFailures: 0, log: log), refresh: 30) { store in
            let filled = try #require(await store.firstState(timeout: 5) { !$0.edgeHistory.isEmpty })
            #expect(filled.metrics.totalsPending)
        }
    }

    @Test func aFailedHistoryIsAskedOnceMoreAfterTheCountersAnswer() async throws {
        let log = PrometheusRatesFirstStoreTests.Log()
        try await Self.withStore(try await Self.prometheus(ratesDelay: 0.5, historyFailures: 1, log: log)) { store in
            let filled = try #require(await store.firstState { !$0.edgeHistory.isEmpty })
            #expect(filled.edgeHistory[Self.key] == [1.5, 2])
            let order = log.all
            #expect(order.filter { $0 == "history" }.count == 2, "\(order)")
            // The second ask came after the counters (rates, then totals) answered.
            let second = try #require(order.lastIndex(of: "history"))
            #expect((order.firstIndex(of: "totals") ?? order.count) < second, "\(order)")
        }
    }

    @Test func aHistoryThatKeepsFailingIsAskedTwiceAtMost() async throws {
        let log = PrometheusRatesFirstStoreTests.Log()
        try await Self.withStore(try await Self.prometheus(ratesDelay: 0, historyFailures: 100, log: log)) { store in
            let first = try #require(await store.firstState { !$0.edges.isEmpty && !$0.metrics.totalsPending })
            _ = try #require(await store.firstState { $0.generation > first.generation + 10 })
            #expect(log.all.filter { $0 == "history" }.count == 2, "\(log.all)")
            // The edges do not depend on it.
            #expect(await store.current?.metrics.kind == .prometheus)
        }
    }
}
