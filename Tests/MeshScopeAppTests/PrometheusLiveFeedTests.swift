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

    /// An edge joined from two reporters (bytes from ztunnel at the destination, requests from
    /// the client's sidecar) draws its request rate, so its history is the requests reporter's.
    @Test func historyKeyOfAnEdgeJoinedFromTwoReporters() {
        var e = TrafficEdge(source: "gw.istio-system", destination: "web.shop", service: "web.shop.svc.cluster.local", security: .mutualTLS,
                            reporter: "destination+source", sourcePrincipal: "", destinationPrincipal: "", protocols: ["http"])
        e.rates = TrafficEdge.Rates(opened: 1, closed: 1, sent: 10, received: 10, requests: 3, errors: 0, seconds: 60)
        #expect(PrometheusEdges.historyKey(e) == "gw.istio-system|web.shop|web.shop.svc.cluster.local|source")
        e.rates?.requests = nil
        #expect(PrometheusEdges.historyKey(e) == "gw.istio-system|web.shop|web.shop.svc.cluster.local|destination")
        e.reporter = "destination"
        #expect(PrometheusEdges.historyKey(e) == "gw.istio-system|web.shop|web.shop.svc.cluster.local|destination")
    }

    @Test func anEdgeOfTwoReportersGetsTheHistoryOfTheOneItDraws() {
        var s = Self.state(requests: 5, history: ["sleep.shop|web.shop|web.shop.svc.cluster.local|source": [1, 2]])
        s.edges[0].reporter = "destination+source"
        var feed = LiveFeed(label: "demo")
        feed.record(s)
        #expect(feed.edgeHistory[SourceData.edgeKey(s.edges[0])] == [1, 2, 5])
    }

    @Test func historyBeforeTheFirstEdgesIsTheirStart() {
        var feed = LiveFeed(label: "demo")
        feed.record(Self.state(requests: 5, history: [Self.key: [1, 2]]))
        feed.record(Self.state(requests: 6, history: [Self.key: [1, 2]]))
        #expect(feed.edgeHistory[Self.key] == [1, 2, 5, 6])
    }
}
