import Foundation
import MeshModel
import Testing
@testable import MeshScopeCLI

/// The commands that used to trap (SIGILL) or print wrong numbers on hand-made captures:
/// huge counters and success rates, tiny or nonsense intervals, ports that are not ports.
@Suite struct HostileNumberCommandTests {
    static func stats(_ values: [String]) -> String {
        "{\"stats\":[" + values.enumerated().map { "{\"name\":\"c\($0.offset).upstream_rq_total\",\"value\":\($0.element)}" }.joined(separator: ",") + "]}"
    }

    @Test func statsRatesOfHugeCountersSaturate() async throws {
        let before = try tempFile(Self.stats(["0", "0", "0", "1e300"]), "before.json")
        let after = try tempFile(Self.stats(["1e40", "1e300", "18446744073709551615", "-1e300"]), "after.json")
        for output in ["table", "wide"] {
            let r = await MeshScopeMain.invoke(["stats", "--file", after, "--previous", before, "--interval", "10", "-o", output])
            #expect(r.code == 0, "\(r.stderr)")
            if output == "wide" {
                let rates = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true)[2] }
                #expect(rates == [">999P", ">999P", ">999P", "0"], "\(r.stdout)")
            }
        }
        let tiny = await MeshScopeMain.invoke(["stats", "--file", after, "--previous", before, "--interval", "1e-300", "-o", "wide"])
        #expect(tiny.code == 0)
        #expect(tiny.stdout.contains(">999P"))
    }

    /// `5 → 0` and `5 → -5`: a reset, rated from what is left (never below zero).
    @Test func resetRatesAreNeverNegative() async throws {
        let before = try tempFile(Self.stats(["5", "5.0"]), "before.json")
        let after = try tempFile(Self.stats(["0", "-5"]), "after.json")
        let r = await MeshScopeMain.invoke(["stats", "--file", after, "--previous", before, "--interval", "10", "-o", "wide"])
        #expect(r.code == 0)
        let rows = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows == [["c0.upstream_rq_total", "counter", "0", "(reset)", "0"], ["c1.upstream_rq_total", "counter", "0", "(reset)", "-5"]], "\(r.stdout)")
    }

    @Test func nonsenseIntervalsAreUsageErrors() async throws {
        let path = try tempFile(Self.stats(["1"]), "s.json")
        for bad in ["0", "-1", "nan", "inf", "-inf"] {
            let s = await MeshScopeMain.invoke(["stats", "--file", path, "--previous", path, "--interval=\(bad)"])
            #expect(s.code == 2, "\(bad)")
            #expect(s.stderr.contains("--interval must be a finite number of seconds above 0, got"), "\(bad): \(s.stderr)")
            let e = await MeshScopeMain.invoke(["ztunnel-config", "edges", "--file", path, "--previous", path, "--interval=\(bad)"])
            #expect(e.code == 2, "\(bad)")
            #expect(e.stderr.contains("--interval must be a finite number"), "\(bad): \(e.stderr)")
            let p = await MeshScopeMain.invoke(["pc", "endpoint", "--clusters-file", path, "--previous-clusters-file", path, "--interval=\(bad)"])
            #expect(p.code == 2, "\(bad)")
            #expect(p.stderr.contains("--interval must be a finite number"), "\(bad): \(p.stderr)")
        }
    }

    @Test func endpointSuccessRatesBeyondAnyPercentage() async throws {
        let text = try tempFile("c::10.0.0.1:80::cx_total::1\nc::10.0.0.1:80::health_flags::healthy\nc::10.0.0.1:80::success_rate::1e300\n", "clusters.txt")
        let json = try tempFile(#"""
            {"cluster_statuses": [{"name": "c", "host_statuses": [{"address": {"socket_address": {"address": "10.0.0.1", "port_value": 80}},
              "stats": [{"name": "cx_total", "value": "1"}], "health_status": {"eds_health_status": "HEALTHY"}, "success_rate": {"value": 1e300}}]}]}
            """#, "clusters.json")
        for file in [text, json] {
            for output in ["table", "wide"] {
                let r = await MeshScopeMain.invoke(["pc", "endpoint", "--clusters-file", file, "-o", output])
                #expect(r.code == 0, "\(file) \(output): \(r.stderr)")
                if output == "wide" { #expect(r.stdout.contains("1e+300%"), "\(r.stdout)") }
            }
        }
    }

    @Test func endpointRatesOfHugeCountersSaturate() async throws {
        func clusters(_ total: String) throws -> String {
            try tempFile(#"""
                {"cluster_statuses": [{"name": "c", "host_statuses": [{"address": {"socket_address": {"address": "10.0.0.1", "port_value": 80}},
                  "stats": [{"name": "rq_total", "value": "\#(total)"}], "health_status": {"eds_health_status": "HEALTHY"}}]}]}
                """#, "clusters.json")
        }
        let before = try clusters("0")
        let after = try clusters("18446744073709551615")
        for interval in ["10", "1e-300"] {
            let r = await MeshScopeMain.invoke(["pc", "endpoint", "--clusters-file", after, "--previous-clusters-file", before, "--interval", interval, "-o", "wide"])
            #expect(r.code == 0, "\(r.stderr)")
            #expect(interval == "10" || r.stdout.contains(">999P"), "\(r.stdout)")
        }
    }

    @Test func edgeRatesOfHugeCountersSaturate() async throws {
        let labels = #"reporter="destination",source_workload="a",source_workload_namespace="x",destination_workload="b",destination_workload_namespace="y",destination_service="b.y.svc.cluster.local",connection_security_policy="mutual_tls""#
        func metrics(_ v: String) throws -> String {
            try tempFile("# TYPE istio_tcp_sent_bytes_total counter\nistio_tcp_sent_bytes_total{\(labels)} \(v)\n# TYPE istio_tcp_connections_opened_total counter\nistio_tcp_connections_opened_total{\(labels)} \(v)\n", "m.txt")
        }
        let before = try metrics("0")
        for v in ["1e40", "1e300", "18446744073709551615", "-5"] {
            let after = try metrics(v)
            for interval in ["10", "1e-300"] {
                let r = await MeshScopeMain.invoke(["ztunnel-config", "edges", "--file", after, "--previous", before, "--interval", interval])
                #expect(r.code == 0, "\(v) \(interval): \(r.stderr)")
                // The six rate columns (OPENED/S … ERRORS/S): never negative.
                let row = r.stdout.split(separator: "\n")[1].split(separator: " ", omittingEmptySubsequences: true)
                #expect(row.suffix(6).allSatisfy { !($0.hasPrefix("-") && $0.count > 1) }, "\(v) \(interval): \(r.stdout)")
                if v != "-5" { #expect(row.suffix(6).contains(">999P"), "\(r.stdout)") }
            }
        }
    }

    @Test func invalidPortsInDumpsAreShownAsInvalid() async throws {
        for raw in ["99999999999999999999", "9223372036854775808", "4294967296", "-1", "80.5"] {
            let file = try tempFile(#"""
                {"cluster_statuses": [{"name": "c", "host_statuses": [{"address": {"socket_address": {"address": "10.0.0.1", "port_value": \#(raw)}},
                  "stats": [], "health_status": {"eds_health_status": "HEALTHY"}}]}]}
                """#, "clusters.json")
            let r = await MeshScopeMain.invoke(["pc", "endpoint", "--clusters-file", file])
            #expect(r.code == 0)
            #expect(r.stdout.contains("10.0.0.1:<invalid port \(raw)>"), "\(raw): \(r.stdout)")
        }
    }

    @Test func layersPortsOutOfRangeAreUsageErrors() async throws {
        let dump = Fixtures.path("envoy/waypoint/config_dump.json")
        for bad in ["99999999999", "-1", "0", "65536"] {
            let to = await MeshScopeMain.invoke(["layers", "--ztunnel", Fixtures.path("ztunnel/config_dump.json"), "--from", "a.default", "--to", "host:\(bad)"])
            #expect(to.code == 2, "\(bad)")
            #expect(to.stderr.contains("--to: port must be 1-65535, got \(bad) in host:\(bad)"), "\(bad): \(to.stderr)")
            let live = await MeshScopeMain.invoke(["layers", "--from", "a.default", "--to", "host:\(bad)"])
            #expect(live.code == 2, "\(bad)")
            #expect(live.stderr.contains("--to: port must be 1-65535"), "\(bad): \(live.stderr)")
            let inbound = await MeshScopeMain.invoke(["layers", "--file", dump, "--inbound=\(bad)"])
            #expect(inbound.code == 2, "\(bad)")
            #expect(inbound.stderr.contains("--inbound: port must be 1-65535, got \(bad)"), "\(bad): \(inbound.stderr)")
            let hostInbound = await MeshScopeMain.invoke(["layers", "--file", dump, "--inbound", "10.0.0.1:\(bad)"])
            #expect(hostInbound.code == 2, "\(bad)")
            #expect(hostInbound.stderr.contains("--inbound: port must be 1-65535, got \(bad) in 10.0.0.1:\(bad)"), "\(bad): \(hostInbound.stderr)")
            let outbound = await MeshScopeMain.invoke(["layers", "--file", dump, "--outbound", "host:\(bad)"])
            #expect(outbound.code == 2, "\(bad)")
            #expect(outbound.stderr.contains("--outbound: port must be 1-65535, got \(bad) in host:\(bad)"), "\(bad): \(outbound.stderr)")
        }
    }
}
