import Foundation
import MeshDemo
import MeshModel
import Testing
@testable import MeshClient

/// A one-shot prints its first state when it is complete and no longer waiting for the latency
/// (``MeshStore/latencyGrace``): a latency answered within the grace is in it, joined onto the
/// counters kept from their answer.
@Suite struct PrometheusFirstStateTests {
    /// Counters at once, the latency (p50 12 ms, p99 40 ms) after `latencyDelay`.
    static func prometheus(latencyDelay: Double) async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            guard text.contains("histogram_quantile") else { return .json(.ok, EdgesOnlyStoreTests.answer(text.contains("rate") ? 2 : 100)) }
            try? await Task.sleep(nanoseconds: UInt64(latencyDelay * 1e9))
            let labels = PrometheusLatencyStoreTests.labels
            let body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"meshscope":"p50",\#(labels)},"value":[1,"12"]},{"metric":{"meshscope":"p99",\#(labels)},"value":[1,"40"]}]}}"#
            return .json(.ok, Array(body.utf8))
        }
    }

    /// The grace counts from when the counters were asked: at 6,000 proxies they alone take
    /// about the grace, and the latency seconds more, so the edges wait only the floor.
    @Test func theGraceCountsFromTheCountersQuestion() {
        // Quick counters: wait until a second after asking.
        #expect(MeshStore.waitsForLatency(now: 0.9, countersAsked: 0, countersAnswered: 0.1))
        #expect(!MeshStore.waitsForLatency(now: 1.01, countersAsked: 0, countersAnswered: 0.1))
        // Slow counters: a quarter second after they answered, not a second.
        #expect(MeshStore.waitsForLatency(now: 1.7, countersAsked: 0, countersAnswered: 1.5))
        #expect(!MeshStore.waitsForLatency(now: 1.76, countersAsked: 0, countersAnswered: 1.5))
        // Counters that answered after the whole grace still leave the latency its floor.
        #expect(MeshStore.waitsForLatency(now: 3.2, countersAsked: 0, countersAnswered: 3))
    }

    @Test func aLatencyAnsweredWithinTheGraceIsInTheFirstPrintedState() async throws {
        try await EdgesOnlyStoreTests.withStore(try await Self.prometheus(latencyDelay: 0.1), listDelay: 0, counts: EndpointCounts()) { store in
            // What a one-shot prints: the first complete state not waiting for the latency.
            let printed = try #require(await store.firstState { $0.complete && !$0.metrics.latencyPending })
            #expect(printed.edges.first?.latency == TrafficEdge.Latency(p50: 12, p99: 40))
        }
    }
}
