import Foundation
import MeshTestSupport
import Testing
@testable import MeshModel

/// ``ClusterCounters`` reads names as bytes; it must agree with the String way (the way it
/// read them before) on real Envoy stats, on their Prometheus spelling and on hostile names,
/// and a proxy's counters must follow its stats.
@Suite struct ClusterCountersTests {
    /// The real stats fixtures (Envoy's text format), decoded as the sources decode them.
    static func fixtureStats() throws -> [StatsSnapshot] {
        try ["pp11", "is160", "egress"].map { try StatsSnapshot.decode(try Fixtures.bytes("envoy-admin/\($0)/stats.txt")) }
    }

    /// The same counters as Prometheus names (`envoy_cluster_C{cluster_name="N"}`), with a
    /// second label before and after the cluster name, summed over repeated label sets.
    static func prometheus(_ text: StatsSnapshot) -> StatsSnapshot {
        var out = StatsSnapshot(format: .prometheus)
        for s in text.stats where s.name.hasPrefix("cluster.") {
            for counter in ClusterCounters.names where s.name.hasSuffix("." + counter) {
                let cluster = String(s.name.dropFirst(8).dropLast(counter.count + 1))
                out.stats.append(Stat(name: "envoy_cluster_\(counter){cluster_name=\"\(cluster)\"}", kind: .counter, value: s.value))
                out.stats.append(Stat(name: "envoy_cluster_\(counter){zone=\"a\",cluster_name=\"\(cluster)\"}", kind: .counter, value: s.value))
                out.stats.append(Stat(name: "envoy_cluster_\(counter){cluster_name=\"\(cluster)\",zone=\"b\"}", kind: .counter, value: .real(0.5)))
            }
        }
        return out
    }

    /// Names at the edges of both spellings: short, unterminated, repeated labels, non-ASCII
    /// (which goes the String way), control characters, escapes kept as printed.
    static let hostileNames: [String] = [
        "cluster.upstream_rq_5xx", "cluster..upstream_rq_5xx", "cluster.x.upstream_rq_5xx", "cluster.x.upstream_rq_5xx.upstream_rq_total",
        "cluster.", "cluster", "cluster.x.upstream_rq_5xxx", "cluster.x.Upstream_rq_5xx", "cluster.é.upstream_cx_total",
        "cluster.a\u{301}.upstream_cx_total", "cluster.x\u{600}.upstream_rq_total", "cluster.x\r\n.upstream_rq_total", "cluster.x\t.upstream_rq_5xx",
        "envoy_cluster_upstream_rq_5xx", "envoy_cluster_upstream_rq_5xx{", "envoy_cluster_upstream_rq_5xx{cluster_name=\"", "envoy_cluster_upstream_rq_5xx{cluster_name=\"x",
        "envoy_cluster_upstream_rq_5xx{cluster_name=\"\"}", "envoy_cluster_upstream_rq_5xx{cluster_name=\"x\"}", "envoy_cluster_upstream_rq_5xx {cluster_name=\"x\"}",
        "envoy_cluster_upstream_rq_5xx{a=\"1\",cluster_name=\"y\",cluster_name=\"z\"}", "envoy_cluster_upstream_rq_5xx{a=\"{cluster_name=\\\"q\",cluster_name=\"r\"}",
        "envoy_cluster_upstream_rq_5xx{a=\",cluster_name=\"s\"}", "envoy_cluster_upstream_rq_5xx{xcluster_name=\"t\"}", "envoy_cluster_{cluster_name=\"x\"}",
        "envoy_cluster_upstream_rq_5xx{cluster_name=\"é\"}", "envoy_cluster_upstream_rq_5xx{cluster_name=\"e\u{301}\"}", "envoy_cluster_upstream_rq_5xx{cluster_name=\"\u{301}x\"}",
        "envoy_cluster_upstream_cx_total{cluster_name=\"a\\\\\"}", "envoy_cluster_upstream_cx_total{cluster_name=\"a\nb\"}", "envoy_cluster_upstream_cx_total\u{0}{cluster_name=\"x\"}",
        "", "{", "envoy_", "envoy_cluster_upstream_rq_total{cluster_name=\"x\"}{cluster_name=\"y\"}",
    ]

    static func snapshot(_ names: [String], _ value: StatValue = .integer(3)) -> StatsSnapshot {
        StatsSnapshot(format: .prometheus, stats: names.map { Stat(name: $0, kind: .counter, value: value) })
    }

    @Test func bytesAgreeWithStringsOnTheFixtures() throws {
        let all = try Self.fixtureStats()
        var clusters = 0
        for stats in all {
            let fast = ClusterCounters(stats)
            #expect(fast == ClusterCounters(strings: stats))
            let prom = Self.prometheus(stats)
            #expect(ClusterCounters(prom) == ClusterCounters(strings: prom))
            #expect(Set(ClusterCounters(prom).values.keys) == Set(fast.values.keys))
            clusters += fast.values.count
        }
        #expect(clusters > 50)
        // What the text says, read independently: pp11's `cluster.xds-grpc.upstream_rq_5xx: 90`.
        #expect(ClusterCounters(all[0]).values["xds-grpc"]?["upstream_rq_5xx"] == 90)
    }

    @Test func bytesAgreeWithStringsOnHostileNames() {
        for name in Self.hostileNames {
            for value in [StatValue.integer(3), .real(.nan), .real(-1), .text("x")] {
                let s = Self.snapshot([name, name], value)
                #expect(ClusterCounters(s) == ClusterCounters(strings: s), "\(name.debugDescription)")
            }
        }
        // Every truncation and every single-byte change of a Prometheus and a text name.
        let seeds = ["envoy_cluster_upstream_cx_connect_fail{zone=\"a\",cluster_name=\"outbound|80||r.ns.svc\"}", "cluster.outbound|80||r.ns.svc.upstream_cx_total"]
        for seed in seeds {
            let bytes = Array(seed.utf8)
            var names: [String] = (0...bytes.count).map { String(decoding: bytes[..<$0], as: UTF8.self) }
            for i in bytes.indices {
                for b: UInt8 in [0x22, 0x2C, 0x2E, 0x7B, 0x7D, 0x5C, 0x00, 0x0A, 0xC3, 0xFF, 0x61] {
                    var m = bytes
                    m[i] = b
                    names.append(String(decoding: m, as: UTF8.self))
                }
            }
            for name in names {
                let s = Self.snapshot([name])
                #expect(ClusterCounters(s) == ClusterCounters(strings: s), "\(name.debugDescription)")
            }
        }
    }

    @Test func namesReadAsWritten() {
        let s = Self.snapshot([
            "envoy_cluster_upstream_rq_5xx{cluster_name=\"outbound|80||a.ns.svc\",zone=\"x\"}", "envoy_cluster_upstream_rq_5xx{zone=\"y\",cluster_name=\"outbound|80||a.ns.svc\"}",
            "cluster.outbound|80||b.ns.svc.upstream_cx_connect_fail", "cluster.upstream_rq_5xx",
        ])
        let c = ClusterCounters(s)
        #expect(c.values["outbound|80||a.ns.svc"]?["upstream_rq_5xx"] == 6)   // two series of 3, summed
        #expect(c.values["outbound|80||a.ns.svc"]?["upstream_rq_total"] == nil)
        #expect(c.values["outbound|80||b.ns.svc"]?["upstream_cx_connect_fail"] == 3)
        #expect(c.values.count == 2)
    }

    @Test func aProxysCountersFollowItsStats() {
        var p = ProxyFacts(name: "a-1", namespace: "ns", kind: .sidecar)
        #expect(p.clusterCounters(before: false).values.isEmpty)
        p.stats = Self.snapshot(["cluster.c1.upstream_rq_total"])
        p.previousStats = Self.snapshot(["cluster.c0.upstream_rq_total"])
        #expect(Array(p.clusterCounters(before: false).values.keys) == ["c1"])
        #expect(Array(p.clusterCounters(before: true).values.keys) == ["c0"])
        let copy = p
        p.stats = Self.snapshot(["cluster.c2.upstream_rq_total"])
        #expect(Array(p.clusterCounters(before: false).values.keys) == ["c2"])
        #expect(Array(p.clusterCounters(before: true).values.keys) == ["c0"])
        #expect(Array(copy.clusterCounters(before: false).values.keys) == ["c1"])
        p.previousStats = nil
        #expect(p.clusterCounters(before: true).values.isEmpty)
    }
}
