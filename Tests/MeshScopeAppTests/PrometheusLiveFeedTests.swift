import Foundation
@testable import MeshModel
import Testing
@testable import MeshScopeApp

/// The history of the last hour from Prometheus (asked after the first counters answer, so it
/// arrives after the first edges are shown) goes before the rates the TUI recorded since.
@Suite struct PrometheusLiveFeedTests {
    static func state(requests: Double, history: [String: [Double]] = [:]) -> MeshState {
        var e = TrafficEdge(source: "sleep.shop", destination: "web.shop", service: "web.shop.svc.cluster.local", security: .mutualTLS,
                            reporter: "destination", sourcePrincipal: "", destinationPrincipal: "", protocols: ["http"])
        e.rates = TrafficEdge.Rates(opened: 0, closed: 0, sent: 0, received: 0, requests: requests, errors: 0, seconds: 60)
        var s = MeshState()
        s.interval = 60
        s.edges = [e]
        s.edgeHistory = history
        return s
    }

    static let key = "sleep.shop|web.shop|web.shop.svc.cluster.local|destination"

    @Test func historyAnsweredAfterTheFirstEdgesGoesBeforeTheirRates() {
        var feed = LiveFeed(label: "demo")
        feed.record(Self.state(requests: 5))
        #expect(feed.edgeHistory[Self.key] == [5])
        // The hour's history arrives with the next state: before what was recorded, once.
        feed.record(Self.state(requests: 6, history: [Self.key: [1, 2, 3]]))
        #expect(feed.edgeHistory[Self.key] == [1, 2, 3, 5, 6])
        feed.record(Self.state(requests: 7, history: [Self.key: [1, 2, 3]]))
        #expect(feed.edgeHistory[Self.key] == [1, 2, 3, 5, 6, 7])
    }

    @Test func historyBeforeTheFirstEdgesIsTheirStart() {
        var feed = LiveFeed(label: "demo")
        feed.record(Self.state(requests: 5, history: [Self.key: [1, 2]]))
        feed.record(Self.state(requests: 6, history: [Self.key: [1, 2]]))
        #expect(feed.edgeHistory[Self.key] == [1, 2, 5, 6])
    }
}
