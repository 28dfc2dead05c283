import Testing
@testable import MeshModel

/// Every `/stats` capture decodes without loss: counts and values read from the files, and a
/// plain re-read that every `name: number` line is in the model with the same value.
@Suite struct StatsCorpusTests {
    static func load(_ dir: String) throws -> StatsSnapshot {
        try StatsSnapshot.decode(try Fixtures.bytes("envoy-admin/\(dir)/stats.txt"))
    }

    @Test func is160() throws {
        let s = try Self.load("is160")
        #expect(s.format == .text)
        #expect(s.malformed.isEmpty)
        #expect(s.stats.count == 206)
        #expect(s.histograms.count == 3)
        #expect(s.stat("server.uptime")?.value == .integer(1_549_069))
        #expect(s.stat("cluster_manager.active_clusters")?.value == .integer(62))  // = clusters in clusters.txt
        #expect(s.stat("cluster.xds-grpc.upstream_cx_total")?.value == .integer(856))
        #expect(s.stat("server.days_until_first_cert_expiring")?.value == .integer(0))
        let h = try #require(s.histogram("cluster.xds-grpc.upstream_cx_connect_ms"))
        #expect(h.quantile(99)?.cumulative == 7.0055)
        #expect(h.quantile(99)?.interval == nil)
        #expect(s.histogram("server.initialization_time_ms")?.quantile(50)?.cumulative == 935)
        #expect(s.histogram("cluster.xds-grpc.upstream_cx_length_ms")?.quantile(100)?.cumulative == 2_000_000)
    }

    @Test func pp11() throws {
        let s = try Self.load("pp11")
        #expect(s.malformed.isEmpty)
        #expect(s.stats.count == 4699)
        #expect(s.histograms.count == 152)
        #expect(s.histograms.filter { $0.quantiles.isEmpty }.count == 148)
        #expect(s.stat("http.admin.downstream_rq_total")?.value == .integer(23304))
        #expect(s.stat("server.days_until_first_cert_expiring")?.value == .integer(89))
        let h = try #require(s.histogram("http.admin.downstream_rq_time"))
        #expect(h.quantile(75) == .init(percentile: 75, interval: 3.1, cumulative: 5.05403))
        #expect(h.quantile(100)?.cumulative == 13)
    }

    @Test func egress() throws {
        let s = try Self.load("egress")
        #expect(s.malformed.isEmpty)
        #expect(s.stats.count == 6668)
        #expect(s.histograms.count == 171)
        #expect(s.histograms.filter { $0.quantiles.isEmpty }.count == 160)
        #expect(s.stat("cluster_manager.active_clusters")?.value == .integer(81))
        #expect(s.stat("server.uptime")?.value == .integer(98867))
        #expect(s.histogram("http.admin.downstream_rq_time")?.quantile(50)?.cumulative == 29.5889)
    }

    @Test(arguments: ["is160", "pp11", "egress"])
    func everyNumberAgrees(dir: String) throws {
        let text = try Fixtures.text("envoy-admin/\(dir)/stats.txt")
        let s = try StatsSnapshot.decode(Array(text.utf8))
        var byName: [String: StatValue] = [:]
        for stat in s.stats { byName[stat.name] = stat.value }
        var checked = 0
        for line in text.split(separator: "\n") {
            guard let r = line.range(of: ": "), let v = UInt64(line[r.upperBound...]) else { continue }
            #expect(byName[String(line[..<r.lowerBound])] == .integer(v), "\(line)")
            checked += 1
        }
        #expect(checked == s.stats.count)
    }

    /// The same proxy 6.5 hours apart (pp11's and egress's captures are from different pods,
    /// so use one file against itself with a known shift instead): zero rates everywhere.
    @Test func selfRatesAreZero() throws {
        let s = try Self.load("is160")
        let rates = s.rates(since: s, interval: 2)
        #expect(rates.count == s.stats.count)
        #expect(rates.allSatisfy { $0 == .rate(0) || $0 == .notCounter })
        #expect(rates.filter { $0 == .rate(0) }.count == s.stats.filter { $0.kind == .counter }.count)
    }
}
