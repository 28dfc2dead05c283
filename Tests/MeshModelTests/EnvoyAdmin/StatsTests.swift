import Foundation
import Testing
@testable import MeshModel

@Suite struct StatsTests {
    static let text = """
    control_plane.identifier: "istiod-7d4f9c-abc"
    cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total: 4200
    cluster.xds-grpc.upstream_cx_active: 1
    cluster.xds-grpc.upstream_cx_total: 856
    cluster_manager.active_clusters: 62
    server.live: 1
    server.uptime: 1549069
    cluster.xds-grpc.upstream_cx_connect_ms: P0(nan,1) P25(nan,1.03375) P50(nan,1.06751) P75(nan,2.08889) P90(nan,5.08316) P95(nan,6.03373) P99(nan,7.0055) P99.5(nan,7.059) P99.9(nan,8.0144) P100(nan,8.1)
    cluster.xds-grpc.upstream_cx_length_ms: No recorded values

    """

    /// The same, as `/stats?format=json` prints it.
    static let json = """
    {
     "stats": [
      {"name": "control_plane.identifier", "value": "istiod-7d4f9c-abc"},
      {"name": "cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total", "value": 4200},
      {"name": "cluster.xds-grpc.upstream_cx_active", "value": 1},
      {"name": "cluster.xds-grpc.upstream_cx_total", "value": 856},
      {"name": "cluster_manager.active_clusters", "value": 62},
      {"name": "server.live", "value": 1},
      {"name": "server.uptime", "value": 1549069},
      {
       "histograms": {
        "supported_quantiles": [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100],
        "computed_quantiles": [
         {
          "name": "cluster.xds-grpc.upstream_cx_connect_ms",
          "values": [
           {"interval": null, "cumulative": 1}, {"interval": null, "cumulative": 1.03375},
           {"interval": null, "cumulative": 1.06751}, {"interval": null, "cumulative": 2.08889},
           {"interval": null, "cumulative": 5.08316}, {"interval": null, "cumulative": 6.03373},
           {"interval": null, "cumulative": 7.0055}, {"interval": null, "cumulative": 7.059},
           {"interval": null, "cumulative": 8.0144}, {"interval": null, "cumulative": 8.1}
          ]
         },
         {
          "name": "cluster.xds-grpc.upstream_cx_length_ms",
          "values": [
           {"interval": null, "cumulative": null}, {"interval": null, "cumulative": null},
           {"interval": null, "cumulative": null}, {"interval": null, "cumulative": null},
           {"interval": null, "cumulative": null}, {"interval": null, "cumulative": null},
           {"interval": null, "cumulative": null}, {"interval": null, "cumulative": null},
           {"interval": null, "cumulative": null}, {"interval": null, "cumulative": null}
          ]
         }
        ]
       }
      }
     ]
    }
    """

    @Test func textDecodes() throws {
        let s = try StatsSnapshot.decode(Array(Self.text.utf8))
        #expect(s.format == .text)
        #expect(s.stats.count == 7)
        #expect(s.histograms.count == 2)
        #expect(s.stat("control_plane.identifier") == Stat(name: "control_plane.identifier", kind: .text, value: .text("istiod-7d4f9c-abc")))
        #expect(s.stat("cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total")?.value == .integer(4200))
        #expect(s.stat("cluster.xds-grpc.upstream_cx_active")?.kind == .gauge)
        #expect(s.stat("cluster.xds-grpc.upstream_cx_total")?.kind == .counter)
        #expect(s.stat("server.uptime")?.kind == .gauge)
        let h = try #require(s.histogram("cluster.xds-grpc.upstream_cx_connect_ms"))
        #expect(h.quantiles.count == 10)
        #expect(h.quantile(99.9) == .init(percentile: 99.9, interval: nil, cumulative: 8.0144))
        #expect(h.display == "P50=1.06751 P90=5.08316 P99=7.0055 P100=8.1")
        #expect(s.histogram("cluster.xds-grpc.upstream_cx_length_ms")?.quantiles == [])
    }

    @Test func jsonSaysTheSameAsText() throws {
        let t = try StatsSnapshot.decode(Array(Self.text.utf8))
        let j = try StatsSnapshot.decode(Array(Self.json.utf8))
        #expect(j.format == .json)
        #expect(j.stats == t.stats)
        #expect(j.histograms == t.histograms)
    }

    @Test func prometheusTypesAndLabels() throws {
        let prom = """
        # TYPE envoy_cluster_upstream_cx_total counter
        envoy_cluster_upstream_cx_total{envoy_cluster_name="xds-grpc"} 856
        # TYPE envoy_cluster_upstream_cx_active gauge
        envoy_cluster_upstream_cx_active{envoy_cluster_name="xds-grpc"} 1
        # TYPE envoy_cluster_upstream_cx_connect_ms histogram
        envoy_cluster_upstream_cx_connect_ms_bucket{envoy_cluster_name="xds-grpc",le="0.5"} 0
        envoy_cluster_upstream_cx_connect_ms_bucket{envoy_cluster_name="xds-grpc",le="+Inf"} 3
        envoy_cluster_upstream_cx_connect_ms_sum{envoy_cluster_name="xds-grpc"} 10.5
        envoy_cluster_upstream_cx_connect_ms_count{envoy_cluster_name="xds-grpc"} 3
        istio_requests_total{response_code="200",destination_service="reviews.default.svc.cluster.local"} 12
        bad line here

        """
        let s = try StatsSnapshot.decode(Array(prom.utf8))
        #expect(s.format == .prometheus)
        #expect(s.stats.count == 7)
        #expect(s.stats[0] == Stat(name: #"envoy_cluster_upstream_cx_total{envoy_cluster_name="xds-grpc"}"#, kind: .counter, value: .integer(856)))
        #expect(s.stats[1].kind == .gauge)
        #expect(s.stats[2].name == #"envoy_cluster_upstream_cx_connect_ms_bucket{envoy_cluster_name="xds-grpc",le="0.5"}"#)
        #expect(s.stats[2].kind == .counter)
        #expect(s.stats[4] == Stat(name: #"envoy_cluster_upstream_cx_connect_ms_sum{envoy_cluster_name="xds-grpc"}"#, kind: .counter, value: .real(10.5)))
        #expect(s.stats[6].kind == .counter)  // untyped *_total
        #expect(s.malformed.count == 1 && s.malformed.entries[0].line == 11)
    }

    @Test func formatDetection() {
        #expect(StatsSnapshot.detectFormat(Array("a.b: 1\n".utf8)) == .text)
        #expect(StatsSnapshot.detectFormat(Array("\n  {\"stats\": []}".utf8)) == .json)
        #expect(StatsSnapshot.detectFormat(Array("# HELP x y\n".utf8)) == .prometheus)
        #expect(StatsSnapshot.detectFormat(Array("envoy_server_live 1\n".utf8)) == .prometheus)
        #expect(StatsSnapshot.detectFormat(Array("a{b=\"c\"} 1\n".utf8)) == .prometheus)
        #expect(StatsSnapshot.detectFormat(Array("garbage\n".utf8)) == .text)
    }

    @Test func kindInference() {
        #expect(StatKind.infer("cluster.a.upstream_rq_active") == .gauge)
        #expect(StatKind.infer("cluster.a.upstream_cx_rx_bytes_buffered") == .gauge)
        #expect(StatKind.infer("cluster.a.circuit_breakers.default.cx_open") == .gauge)
        #expect(StatKind.infer("cluster.a.membership_healthy") == .gauge)
        #expect(StatKind.infer("cluster_manager.cds.version") == .gauge)
        #expect(StatKind.infer("server.memory_allocated") == .gauge)
        #expect(StatKind.infer("cluster.a.upstream_cx_destroy_with_active_rq") == .counter)
        #expect(StatKind.infer("http.inbound_0.0.0.0_8080.downstream_rq_2xx") == .counter)
    }

    // MARK: Rates

    static let before = """
    cluster.a.upstream_rq_total: 100
    cluster.a.upstream_cx_active: 5
    cluster.b.upstream_rq_total: 500
    server.uptime: 1000

    """
    static let after = """
    cluster.a.upstream_rq_total: 160
    cluster.a.upstream_cx_active: 3
    cluster.b.upstream_rq_total: 20
    cluster.c.upstream_rq_total: 7
    server.uptime: 1010
    control_plane.identifier: "istiod"

    """

    @Test func ratesPerSecondWithReset() throws {
        let prev = try StatsSnapshot.decode(Array(Self.before.utf8))
        let cur = try StatsSnapshot.decode(Array(Self.after.utf8))
        let rates = cur.rates(since: prev, interval: 10)
        #expect(rates == [.rate(6), .notCounter, .reset(2), .new, .notCounter, .notCounter])
        #expect(rates.allSatisfy { ($0.perSecond ?? 0) >= 0 })
        #expect(CounterRate(previous: 10 as UInt64, current: 10, interval: 2) == .rate(0))
        #expect(CounterRate(previous: UInt64.max, current: 0, interval: 2) == .reset(0))
        #expect(CounterRate(previous: 1.5, current: 0.5, interval: 0.5) == .reset(1))
    }

    @Test func tableWithRates() throws {
        let prev = try StatsSnapshot.decode(Array(Self.before.utf8))
        let cur = try StatsSnapshot.decode(Array(Self.after.utf8))
        let t = StatsTable.build(cur, include: { $0.hasPrefix("cluster.") }, previous: prev, interval: 10)
        #expect(t.render() == """
        NAME                           VALUE
        cluster.a.upstream_rq_total    160
        cluster.a.upstream_cx_active   3
        cluster.b.upstream_rq_total    20
        cluster.c.upstream_rq_total    7

        """)
        #expect(t.render(wide: true) == """
        NAME                           TYPE      RATE/s      VALUE
        cluster.a.upstream_rq_total    counter   6           160
        cluster.a.upstream_cx_active   gauge     -           3
        cluster.b.upstream_rq_total    counter   2 (reset)   20
        cluster.c.upstream_rq_total    counter   new         7

        """)
    }

    // MARK: Bad input

    @Test func garbageIsFatal() {
        do {
            _ = try StatsSnapshot.decode(Array("hello world\nmore\n".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"line 1: not Envoy /stats output: expected NAME: VALUE, got "hello world""#)
        }
    }

    @Test func truncatedTextIsFatal() {
        let cut = "server.live: 1\ncluster.xds-grpc.upstream_cx_connect_ms: P0(nan,1) P25(nan"
        do {
            _ = try StatsSnapshot.decode(Array(cut.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("line 2: truncated input: cluster.xds-grpc.upstream_cx_connect_ms: malformed histogram summary"))
        }
    }

    @Test func malformedLinesAreCounted() throws {
        let s = try StatsSnapshot.decode(Array("server.live: 1\noops\nserver.uptime: soon\nserver.state: 0\n".utf8))
        #expect(s.stats.map(\.name) == ["server.live", "server.state"])
        #expect(s.malformed.entries.map(\.line) == [2, 3])
        #expect(s.malformed.summary == #"2 malformed lines skipped (line 2: expected NAME: VALUE, got "oops"; line 3: server.uptime: expected a number, got "soon")"#)
    }

    @Test func truncatedJSONNamesOffsetAndPath() {
        let cut = Array(Self.json.utf8.prefix(300))
        do {
            _ = try StatsSnapshot.decode(cut)
            Issue.record("expected an error")
        } catch {
            #expect(error.byteOffset == 300)
            #expect(error.description.contains("at byte 300"))
            #expect(error.description.contains("in $.stats["))
        }
    }
}
