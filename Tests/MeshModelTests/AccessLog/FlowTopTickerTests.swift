@testable import MeshModel
import Testing

/// `top --follow`'s clock (``FlowTopTicker``): tables every interval, the window sliding
/// before each, so a long follow through many routes keeps counting new ones.
@Suite struct FlowTopTickerTests {
    /// A request without a start time of its own (it counts at the follow's `now`).
    static func flow(id: String, path: String) -> Flow {
        let line = #"[-] "GET \#(path) HTTP/1.1" 200 - d - "-" 10 90 3 - "-" "ua" "\#(id)" "svc:80" "10.0.0.2:80" outbound|80||svc.ns.svc.cluster.local - 10.96.0.1:80 10.0.0.1:1234 - default"#
        return Flow(try! AccessLogParser.parse(line).get(), reporter: WorkloadDirectory.Endpoint(pod: "client-1", namespace: "ns", workload: "client", serviceAccount: nil))
    }

    @Test func tablesAreDueEveryInterval() {
        var ticker = FlowTopTicker(window: 10, interval: 2, start: 100)
        #expect(ticker.tick(now: 100) == false)
        #expect(ticker.tick(now: 101.9) == false)
        #expect(ticker.tick(now: 102) == true)
        #expect(ticker.tick(now: 103) == false)
        #expect(ticker.tick(now: 104.5) == true)
        #expect(ticker.lastTable == 104.5)
    }

    /// Ten minutes at three new routes a second with room for 50 keys: every route is counted,
    /// and the table holds the window's. A FlowTop nobody slides drops all but the first 50.
    @Test func aLongFollowKeepsAdmittingNewRoutes() {
        var ticker = FlowTopTicker(window: 10, interval: 2, start: 0)
        ticker.top.maxKeys = 50
        var unslid = FlowTop(window: 10)
        unslid.maxKeys = 50
        var tables = 0
        for s in 0..<600 {
            for k in 0..<3 {
                let f = Self.flow(id: "\(s)-\(k)", path: "/p\(s)-\(k)")
                ticker.add(f, now: s)
                unslid.add(f, at: s)
                if ticker.tick(now: Double(s) + Double(k) / 3) { tables += 1 }
            }
        }
        #expect(tables == 299)
        #expect(ticker.top.droppedKeys == 0)
        let rows = ticker.top.rows(now: 599)
        #expect(Set(rows.map(\.route)) == Set((590..<600).flatMap { s in (0..<3).map { "svc:80/p\(s)-\($0)" } }))
        #expect(rows.allSatisfy { $0.requests == 1 })
        #expect(unslid.droppedKeys == 1_800 - 50)
    }
}
