import Foundation
import Testing
@testable import MeshModel

/// Numbers from broken or hostile captures: nothing traps, nothing wraps, rates stay ≥ 0.
/// Expected cells follow the documented rules (saturate to `>999P`, ports outside 0...65535
/// shown as `<invalid port RAW>`), written from the inputs.
@Suite struct HostileNumberTests {
    @Test func rateCellsSaturateInsteadOfTrapping() {
        let cases: [(Double, String)] = [
            (1e40, ">999P"), (1e300, ">999P"), (Double(UInt64.max), ">999P"), (.greatestFiniteMagnitude, ">999P"),
            (.infinity, ">999P"), (-.infinity, "<-999P"), (-1e300, "<-999P"), (.nan, "NaN"), (-0.0, "0"),
            (1e-300, "<0.01"), (.leastNonzeroMagnitude, "<0.01"), (999.4e15, "999P"),
        ]
        for (v, text) in cases { #expect(RateFormat.rate(v) == text, "\(v)") }
        let bytes: [(Double, String)] = [(1e300, ">1023PiB"), (.infinity, ">1023PiB"), (.nan, "NaN"), (-.infinity, "0B"), (-0.0, "0B")]
        for (v, text) in bytes { #expect(RateFormat.bytes(v) == text, "\(v)") }
    }

    /// Every power of ten a Double holds, both signs: a short cell, never a trap.
    @Test func everyMagnitudeGivesAShortCell() {
        for e in -323...308 {
            for v in [pow(10, Double(e)), -pow(10, Double(e)), 9.99 * pow(10, Double(e))] {
                #expect(RateFormat.rate(v).count <= 6, "\(v) → \(RateFormat.rate(v))")
                #expect(RateFormat.bytes(v).count <= 8, "\(v) → \(RateFormat.bytes(v))")
            }
        }
    }

    @Test func successRatesBeyondAnyPercentagePrintAsTheDouble() {
        #expect(CounterRate.format(97.5) == "97.50")
        #expect(CounterRate.format(-1) == "-1.00")
        #expect(CounterRate.format(1e300) == "1e+300")
        #expect(CounterRate.format(-1e300) == "-1e+300")
        #expect(CounterRate.format(.infinity) == "inf")
        #expect(CounterRate.format(.nan) == "nan")
    }

    @Test func counterRatesAreNeverNegative() {
        // 5 → -5 (a value no counter holds) is a reset to zero, not -0.5/s.
        #expect(CounterRate(previous: 5.0, current: -5.0, interval: 10) == .reset(0))
        #expect(CounterRate(previous: 5.0, current: -5.0, interval: 10).cell == "0 (reset)")
        #expect(CounterRate(previous: 5.0, current: 0.0, interval: 10).cell == "0 (reset)")
        #expect(CounterRate(previous: -0.0, current: 0.0, interval: 10).cell == "0")
        #expect(CounterRate(previous: .nan, current: 3.0, interval: 10) == .notCounter)
        #expect(CounterRate(previous: 1.0, current: .infinity, interval: 10) == .notCounter)
        #expect(CounterRate(previous: -1e308, current: 1e308, interval: 1e-300).cell == ">999P")
        #expect(CounterRate(previous: UInt64(0), current: UInt64.max, interval: 1e-300).cell == ">999P")
        let values: [Double] = [-1e300, -5, -0.0, 0, 0.5, 5, 1e40, 1e300]
        for p in values {
            for c in values {
                if let r = CounterRate(previous: p, current: c, interval: 10).perSecond { #expect(r >= 0, "\(p) → \(c)") }
            }
        }
    }

    @Test func statsRatesFromRealValuesNeverNegative() throws {
        let before = try StatsSnapshot.decode(Array(#"{"stats":[{"name":"a.b","value":5.0}]}"#.utf8))
        let after = try StatsSnapshot.decode(Array(#"{"stats":[{"name":"a.b","value":-5}]}"#.utf8))
        let rates = after.rates(since: before, interval: 10)
        #expect(rates == [.reset(0)])
    }

    @Test func jsonIntegersNeverWrap() throws {
        func int(_ text: String) throws -> Int? { try JSONDocument("[\(text)]").root[0]?.int }
        #expect(try int("9223372036854775807") == Int.max)
        #expect(try int("-9223372036854775808") == Int.min)
        #expect(try int("9223372036854775808") == nil)
        #expect(try int("-9223372036854775809") == nil)
        #expect(try int("9999999999999999999") == nil)
        #expect(try int("99999999999999999999") == nil)
        #expect(try int("\"9223372036854775808\"") == nil)
        #expect(try int("80") == 80)
        #expect(try int("80.0") == 80)
        #expect(try int("80.5") == nil)
    }

    @Test func portNumbers() throws {
        #expect(PortNumber(text: "8080") == .valid(8080))
        #expect(PortNumber(text: "0") == .valid(0))
        #expect(PortNumber(text: "65535") == .valid(65535))
        for raw in ["65536", "4294967296", "-1", "80.5", "99999999999999999999", "9223372036854775808", "", "1e3"] {
            #expect(PortNumber(text: raw) == .invalid(raw), "\(raw)")
        }
        #expect(PortNumber(text: "4294967296").description == "<invalid port 4294967296>")
        #expect(PortNumber(-1) == .invalid("-1"))
        #expect(PortNumber.valid(65535) < .invalid("0"))
        let doc = try JSONDocument(#"{"a": 443, "b": "443", "c": 4294967296, "d": null, "e": true}"#)
        #expect(PortNumber(json: doc.root["a"]) == .valid(443))
        #expect(PortNumber(json: doc.root["b"]) == .valid(443))
        #expect(PortNumber(json: doc.root["c"]) == .invalid("4294967296"))
        #expect(PortNumber(json: doc.root["d"]) == .valid(0))
        #expect(PortNumber(json: doc.root["e"]) == .invalid("true"))
        #expect(PortNumber(json: doc.root["missing"]) == .valid(0))
    }

    /// A config dump's `port_value` that is not a port is shown as such, never as 0, a
    /// negative number or a truncated one, and matches no port.
    @Test func envoyAddressKeepsAnInvalidPortVisible() throws {
        let cases = ["99999999999999999999", "9223372036854775808", "4294967296", "-1", "80.5", "65536"]
        for raw in cases {
            let doc = try JSONDocument(#"{"socket_address": {"address": "10.0.0.1", "port_value": \#(raw)}}"#)
            let a = try #require(EnvoyAddress(doc.root))
            #expect(a.description == "10.0.0.1:<invalid port \(raw)>")
            #expect(a.port == nil)
        }
        let ok = try #require(EnvoyAddress(try JSONDocument(#"{"socket_address": {"address": "10.0.0.1", "port_value": 8080}}"#).root))
        #expect(ok.description == "10.0.0.1:8080" && ok.port == 8080)
        let none = try #require(EnvoyAddress(try JSONDocument(#"{"socket_address": {"address": "10.0.0.1"}}"#).root))
        #expect(none.port == 0)
    }

    @Test func clustersKeepAnInvalidPortVisible() throws {
        let json = #"""
        {"cluster_statuses": [{"name": "c", "host_statuses": [
          {"address": {"socket_address": {"address": "10.0.0.1", "port_value": 4294967296}}, "stats": []},
          {"address": {"socket_address": {"address": "10.0.0.2", "port_value": -1}}, "stats": []},
          {"address": {"socket_address": {"address": "10.0.0.3", "port_value": 80}}, "stats": []}]}]}
        """#
        let c = try EnvoyClusters.decode(Array(json.utf8))
        #expect(c.clusters[0].hosts.map(\.address) == [
            .socket(address: "10.0.0.1", port: .invalid("4294967296")), .socket(address: "10.0.0.2", port: .invalid("-1")),
            .socket(address: "10.0.0.3", port: 80),
        ])
        let table = EndpointHostsTable.build(c).render()
        #expect(table.contains("10.0.0.1:<invalid port 4294967296>"))
        #expect(table.contains("10.0.0.2:<invalid port -1>"))
        #expect(EndpointHostsTable.rows(c, filter: EndpointHostFilter(port: 80)).map(\.host.address.istioctlAddress) == ["10.0.0.3"])
        let text = try EnvoyClusters.decode(Array("c::10.0.0.1:99999::cx_total::1\nc::10.0.0.1:99999::health_flags::healthy\n".utf8))
        #expect(text.clusters[0].hosts[0].address == .socket(address: "10.0.0.1", port: .invalid("99999")))
    }

    @Test func ztunnelTargetPortsAreChecked() throws {
        let doc = try JSONDocument(#"{"services": [{"name": "s", "namespace": "n", "hostname": "s.n.svc.cluster.local", "ports": {"80": 8080, "81": 4294967296}}]}"#)
        let dump = ZtunnelDump.decode(doc)
        let ports = try #require(dump.services.first?.ports)
        #expect(ports.map(\.target) == [.valid(8080), .invalid("4294967296")])
    }

    @Test func conversionsOfAnyDoubleSaturate() {
        #expect(Int(saturating: 1e300) == .max)
        #expect(Int(saturating: -1e300) == .min)
        #expect(Int(saturating: .nan) == 0)
        #expect(Int(saturating: -2.7) == -2)
        #expect(Int(saturating: 9_223_372_036_854_775_807) == .max)
        #expect(HumanDuration.format(seconds: .nan) == "<invalid>")
        #expect(!HumanDuration.format(seconds: 1e300).isEmpty)
        #expect(!HumanDuration.format(seconds: .infinity).isEmpty)
        #expect(!Timestamp.rfc3339(Date(timeIntervalSince1970: 1e300)).isEmpty)
        #expect(!Timestamp.rfc3339(Date(timeIntervalSince1970: -.infinity)).isEmpty)
    }
}
