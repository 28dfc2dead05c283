import Foundation
import MeshDemo
import MeshModel
import Testing
@testable import MeshClient

/// A one-shot prints its first state when it is complete and no longer waiting for the latency
/// (``MeshStore/latencyGrace``). It waits when the latency can come within the grace, and not
/// when the counters alone took over a quarter of it: the histogram query is several times
/// heavier (4–8 s at 6,000 proxies, where the counters take under one).
@Suite struct PrometheusFirstStateTests {
    /// Counters after `countersDelay` seconds, the latency (p50 12 ms, p99 40 ms) after `latencyDelay`.
    static func prometheus(countersDelay: Double, latencyDelay: Double) async throws -> LoopbackHTTPServer {
        try await LoopbackHTTPServer.start { req in
            let text = req.rawQuery + String(decoding: req.body, as: UTF8.self)
            guard text.contains("histogram_quantile") else {
                try? await Task.sleep(nanoseconds: UInt64(countersDelay * 1e9))
                return .json(.ok, EdgesOnlyStoreTests.answer(text.contains("rate") ? 2 : 100))
            }
            try? await Task.sleep(nanoseconds: UInt64(latencyDelay * 1e9))
            let labels = PrometheusLatencyStoreTests.labels
            let body = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"meshscope":"p50",\#(labels)},"value":[1,"12"]},{"metric":{"meshscope":"p99",\#(labels)},"value":[1,"40"]}]}}"#
            return .json(.ok, Array(body.utf8))
        }
    }

    @Test func slowCountersDoNotHoldTheFirstStateForTheLatency() async throws {
        try await EdgesOnlyStoreTests.withStore(try await Self.prometheus(countersDelay: 0.6, latencyDelay: 6), listDelay: 0, counts: EndpointCounts()) { store in
            let first = try #require(await store.firstState { $0.complete })
            #expect(first.edges.first?.rates?.requests == 2)
            #expect(!first.metrics.latencyPending)
            #expect(first.metrics.summary.contains("P50/P99 not answered yet"))
        }
    }

    @Test func fastCountersWaitForALatencyThatComesWithinTheGrace() async throws {
        try await EdgesOnlyStoreTests.withStore(try await Self.prometheus(countersDelay: 0, latencyDelay: 0.1), listDelay: 0, counts: EndpointCounts()) { store in
            // What a one-shot prints: the first complete state not waiting for the latency.
            let printed = try #require(await store.firstState { $0.complete && !$0.metrics.latencyPending })
            #expect(printed.edges.first?.latency == TrafficEdge.Latency(p50: 12, p99: 40))
        }
    }
}
