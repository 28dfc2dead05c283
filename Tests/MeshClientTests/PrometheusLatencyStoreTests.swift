import Foundation
import MeshDemo
import MeshModel
import Testing
@testable import MeshClient

/// The latency query (`histogram_quantile`, seconds at thousands of proxies) never holds the
/// edges back: the store publishes the counters' edges at once, says the latency is pending
/// for ``MeshStore/latencyGrace``, then why it is missing, and joins it in when it comes.
@Suite struct PrometheusLatencyStoreTests {
    static let labels = #""reporter":"destination","source_workload":"sleep","source_workload_namespace":"shop","destination_workload":"web","destination_workload_namespace":"shop","destination_service":"web.shop.svc.cluster.local","connection_security_policy":"mutual_tls","request_protocol":"http""#

    /// Counters at once; the latency query answered after `latencyDelay` seconds (p50 12 ms,
    /// p99 40 ms), or a 500 when `latencyFails`. Counts the latency queries.
    static func prometheus(latencyDelay: Double, latencyFails: Bool = false, asked: EndpointCounts) async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            guard text.contains("histogram_quantile") else { return .json(.ok, EdgesOnlyStoreTests.answer(text.contains("rate") ? 2 : 100)) }
            asked.add(.stats)
            try? await Task.sleep(nanoseconds: UInt64(latencyDelay * 1e9))
            if latencyFails { return .text(.internalServerError, "query timed out in expression evaluation") }
            let body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"meshscope":"p50",\#(labels)},"value":[1,"12"]},{"metric":{"meshscope":"p99",\#(labels)},"value":[1,"40"]}]}}"#
            return .json(.ok, Array(body.utf8))
        }
    }

    @Test func edgesComeBeforeASlowLatencyWhichIsJoinedInWhenItAnswers() async throws {
        let asked = EndpointCounts()
        let started = Date()
        // A loaded machine can stall a counters answer past 5 s, which drops Prometheus for
        // 30 s and loses the latency in flight; the test is about the join, not that timeout.
        try await EdgesOnlyStoreTests.withStore(try await Self.prometheus(latencyDelay: 6, asked: asked), listDelay: 0, counts: EndpointCounts(), timeout: 30) { store in
            let first = try #require(await store.firstState { $0.complete })
            // Long before the latency's 6 s (bounded loosely: a loaded machine stalls the loop).
            #expect(Date().timeIntervalSince(started) < 5, "the edges waited for the latency query")
            #expect(first.edges.count == 1)
            #expect(first.edges.first?.rates?.requests == 2)
            #expect(first.edges.first?.latency == nil)
            // Pending for the grace (or, if this loaded loop looked late, already said missing).
            #expect(first.metrics.latencyPending || first.metrics.latencyMessage != nil)
            // After the grace: no longer pending, and the summary says why P50/P99 are missing.
            let waiting = try #require(await store.firstState { $0.complete && !$0.metrics.latencyPending })
            #expect(waiting.edges.first?.latency == nil)
            #expect(waiting.metrics.summary.contains("P50/P99 not answered yet"))
            // Then joined in, with the counters' edges.
            let joined = try #require(await store.firstState(timeout: 40) { $0.edges.first?.latency != nil })
            #expect(joined.edges.first?.latency == TrafficEdge.Latency(p50: 12, p99: 40))
            #expect(joined.edges.first?.rates?.requests == 2)
            #expect(joined.metrics.latencyMessage == nil)
            #expect(!joined.metrics.summary.contains("P50"))
            // Later counters keep the last latency answer.
            let later = try #require(await store.firstState { $0.generation > joined.generation + 3 })
            #expect(later.edges.first?.latency == TrafficEdge.Latency(p50: 12, p99: 40))
        }
        // One latency query in flight at a time, whatever the refresh (0.2 s here).
        #expect(asked.total <= 3, "\(asked.total)")
    }

    /// Counters asked before the latency answered, answering after it: the latency is joined
    /// into them, not dropped until the next round (a one-shot printed such a state once in CI).
    @Test func countersAskedBeforeTheLatencyAnsweredKeepIt() async throws {
        let counters = EndpointCounts()
        // The first counters at once, every later one 1.5 s late; the latency after 1 s. The
        // second counters are asked 0.5 s in, before the latency answered, and answer after it.
        let server = try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            if text.contains("histogram_quantile") {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                let body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"meshscope":"p50",\#(Self.labels)},"value":[1,"12"]},{"metric":{"meshscope":"p99",\#(Self.labels)},"value":[1,"40"]}]}}"#
                return .json(.ok, Array(body.utf8))
            }
            if text.contains("rate") {
                counters.add(.stats)
                if counters.total > 1 { try? await Task.sleep(nanoseconds: 1_500_000_000) }
            }
            return .json(.ok, EdgesOnlyStoreTests.answer(text.contains("rate") ? 2 : 100))
        }
        try await EdgesOnlyStoreTests.withStore(server, listDelay: 0, counts: EndpointCounts(), timeout: 30) { store in
            _ = try #require(await store.firstState { $0.edges.first?.latency != nil })
            let joinedAt = counters.total
            // Every state until two more counters answers have come keeps the latency.
            var lost: MeshState?
            let deadline = Date().addingTimeInterval(30)
            while counters.total < joinedAt + 2, Date() < deadline {
                if let s = await store.current, s.edges.first?.latency == nil {
                    lost = s
                    break
                }
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            #expect(lost == nil, "a state without the latency after it answered: \(lost?.metrics.summary ?? "")")
            #expect(counters.total >= joinedAt + 2)
        }
    }

    /// Once the latency has answered nothing is pending and the summary is the plain one.
    @Test func anAnsweredLatencyIsNeitherPendingNorMentioned() async throws {
        try await EdgesOnlyStoreTests.withStore(try await Self.prometheus(latencyDelay: 0, asked: EndpointCounts()), listDelay: 0, counts: EndpointCounts()) { store in
            let joined = try #require(await store.firstState { $0.complete && $0.edges.first?.latency != nil })
            #expect(joined.edges.first?.latency == TrafficEdge.Latency(p50: 12, p99: 40))
            #expect(!joined.metrics.latencyPending)
            #expect(joined.metrics.summary == "metrics: prometheus \(joined.metrics.prometheus ?? "") (rate 4s)")
        }
    }

    @Test func aFailingLatencyLeavesTheEdgesWithoutItAndSaysWhy() async throws {
        try await EdgesOnlyStoreTests.withStore(try await Self.prometheus(latencyDelay: 0, latencyFails: true, asked: EndpointCounts()), listDelay: 0, counts: EndpointCounts()) { store in
            let state = try #require(await store.firstState { $0.complete && $0.metrics.latencyMessage != nil && !$0.metrics.latencyPending })
            #expect(state.metrics.kind == .prometheus)
            #expect(state.edges.count == 1)
            #expect(state.edges.first?.latency == nil)
            #expect(state.metrics.summary.contains(" · P50/P99: "))
        }
    }
}
