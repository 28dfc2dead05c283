import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// Why Prometheus failed, in the TUI (issue 21): the header says `scraped (prometheus
/// failing)`; the reason goes to the bottom line as a warning, and into `:messages`, when the
/// edges' origin turns to scraping (or fails for a new reason); an info when it answers again.
/// Totals not answered yet are said in the header.
@Suite struct PrometheusFlashTests {
    static let prometheus = "http://prom.example:9090"
    static let reason = "no answer to /api/v1/query within 7.5s; scraping proxies instead"

    static func loaded(_ h: inout LiveDriverHarness, _ metrics: MetricsOrigin, after seconds: Double) {
        var data = h.d.state.data
        data.live?.metrics = metrics
        h.d.send(.loaded(data, at: LiveDemoData.t0.addingTimeInterval(seconds)))
    }

    @Test func aFailingPrometheusSaysWhyAndItsRecoveryIsSaid() throws {
        var h = try LiveDemoData.driver(width: 160)
        let answering = MetricsOrigin(kind: .prometheus, prometheus: Self.prometheus, window: 60)
        let failing = MetricsOrigin(kind: .scrape, prometheus: Self.prometheus, message: Self.reason)
        Self.loaded(&h, answering, after: 1)
        #expect(h.d.state.flash == nil || h.d.state.flash?.text.contains("prometheus") == false)
        let before = h.d.state.messages.total

        Self.loaded(&h, failing, after: 2)
        let warn = try #require(h.d.state.flash)
        #expect(warn.level == .warn)
        #expect(warn.text == "prometheus \(Self.prometheus) failing: \(Self.reason)")
        #expect(h.d.state.messages.entries.last?.text == warn.text)
        #expect(h.d.screen.lines[0].contains("scraped (prometheus failing)"))
        #expect(h.text.contains("no answer to /api/v1/query within 7.5s"))

        // Failing again for the same reason: nothing new is said.
        Self.loaded(&h, failing, after: 4)
        #expect(h.d.state.messages.total == before + 1)
        // A new reason is.
        var refused = failing
        refused.message = "connection refused\u{1B}[31m\nsecond line; scraping proxies instead"
        Self.loaded(&h, refused, after: 6)
        #expect(h.d.state.messages.total == before + 2)
        // Whole in the flash (and `:messages`), its first line on the bottom line, the escape
        // made inert where it is painted.
        #expect(h.d.state.flash?.text == "prometheus \(Self.prometheus) failing: connection refused\u{1B}[31m\nsecond line; scraping proxies instead")
        #expect(h.d.state.flash?.headline.line == "prometheus \(Self.prometheus) failing: connection refused\u{1B}[31m")
        #expect(!h.text.contains("\u{1B}"))

        Self.loaded(&h, answering, after: 8)
        let info = try #require(h.d.state.flash)
        #expect(info.level == .info)
        #expect(info.text.hasPrefix("prometheus \(Self.prometheus) answers again"))
        #expect(h.d.state.messages.total == before + 3)

        // Every one of them in `:messages`.
        try h.command("messages")
        #expect(h.text.contains("failing: no answer to /api/v1/query within 7.5s"))
        #expect(h.text.contains("answers again"))
    }

    /// A source without Prometheus, or one that never failed, says nothing about it.
    @Test func nothingIsSaidWithoutAChange() {
        let answering = MetricsOrigin(kind: .prometheus, prometheus: Self.prometheus, window: 60)
        #expect(App.metricsFlash(from: MetricsOrigin(), to: MetricsOrigin(), at: LiveDemoData.t0) == nil)
        #expect(App.metricsFlash(from: answering, to: answering, at: LiveDemoData.t0) == nil)
        // The first state of a source whose Prometheus already fails: said.
        #expect(App.metricsFlash(from: MetricsOrigin(), to: MetricsOrigin(kind: .scrape, prometheus: Self.prometheus, message: Self.reason),
                                 at: LiveDemoData.t0)?.level == .warn)
        // Taken up at start (not after a failure): no "answers again".
        #expect(App.metricsFlash(from: MetricsOrigin(kind: .prometheus, prometheus: Self.prometheus), to: answering, at: LiveDemoData.t0) == nil)
        #expect(App.metricsFlash(from: nil, to: answering, at: LiveDemoData.t0) == nil)
    }

    @Test func theHeaderSaysTotalsArePending() throws {
        var h = try LiveDemoData.driver(width: 160)
        var pending = MetricsOrigin(kind: .prometheus, prometheus: Self.prometheus, window: 60)
        pending.totalsPending = true
        Self.loaded(&h, pending, after: 1)
        #expect(h.d.screen.lines[0].contains("prometheus · totals pending"), "\(h.d.screen.lines[0])")
        pending.totalsPending = false
        Self.loaded(&h, pending, after: 2)
        #expect(!h.d.screen.lines[0].contains("totals pending"))
    }
}
