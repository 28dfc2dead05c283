import Testing
@testable import MeshScopeCLI

/// How long a counters query may take without `--request-timeout` (docs/prometheus.md,
/// "Fallback"): half the scrape interval, at least two refreshes and 2 s, at most 60 s.
@Suite struct PrometheusQueryTimeoutTests {
    @Test func halfTheScrapeIntervalAtLeastTwoRefreshesAndTwoSeconds() {
        // Istio's usual 15 s scrape at the TUI's 2 s refresh: 7.5 s, where it was 4 s (two
        // refreshes), which a busy Prometheus at 6,000 proxies sometimes needed.
        #expect(PrometheusOptions.queryTimeout(refresh: 2, scrapeInterval: 15) == 7.5)
        #expect(PrometheusOptions.queryTimeout(refresh: 2, scrapeInterval: 1) == 4)
        #expect(PrometheusOptions.queryTimeout(refresh: 0.5, scrapeInterval: 1) == 2)
        #expect(PrometheusOptions.queryTimeout(refresh: 10, scrapeInterval: 30) == 20)
        #expect(PrometheusOptions.queryTimeout(refresh: 2, scrapeInterval: 600) == 60)
    }
}
