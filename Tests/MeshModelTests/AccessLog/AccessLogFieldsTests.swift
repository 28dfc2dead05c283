import Foundation
import MeshGen
@testable import MeshModel
import MeshTestSupport
import Testing

/// A parse that asks for fewer fields (``AccessLogFields``) fills exactly the fields it asks
/// for, equal to the full parse's, and accepts and rejects the same lines for the same reasons.
@Suite struct AccessLogFieldsTests {
    /// The real waypoint and ztunnel lines, every demo proxy's, the benchmark's shapes (TEXT
    /// behind a timestamp prefix, JSON), hostile JSON and cut or foreign lines.
    static func lines() throws -> [[UInt8]] {
        var text = try Fixtures.text("accesslogs/waypoint.log") + "\n" + Fixtures.text("accesslogs/ztunnel.log")
        let demo = DemoMesh(.init(services: 4, replicas: 1))
        for p in demo.proxyPods { text += "\n" + DemoAccessLog.lines(demo, pod: p, tick: 4_000, epochSecond: 1_795_165_200).map(\.text).joined(separator: "\n") }
        text += "\n" + #"""
        2026-11-20T09:00:00.000Z [2026-11-20T09:00:00.000Z] "GET /api/4?q=1 HTTP/1.1" 503 UH,URX no_healthy_upstream term "tls" 120 19 332 7 "1.2.3.4" "Go-http-client/1.1" "1a466884f3f49249-0" "svc-10:8080" "-" outbound|8080||svc-10.demo.svc.cluster.local 10.0.0.1:1 10.96.0.11:8080 10.244.0.8:58180 sni default
        {"start_time":"2026-11-20T09:00:00.001Z","method":"GET","path":"/api/4","protocol":"HTTP/1.1","response_code":200,"response_flags":"-","response_code_details":"via_upstream","bytes_received":120,"bytes_sent":4180,"duration":294,"upstream_service_time":"12","user_agent":"Go-http-client/1.1","request_id":"bb049a79d7a7a3cc-1","authority":"svc-19:8080","upstream_host":"10.244.1.20:8080","upstream_cluster":"outbound|8080||svc-19.demo.svc.cluster.local","downstream_local_address":"10.96.0.20:8080","downstream_remote_address":"10.244.0.15:47950","route_name":"default","x_forwarded_for":"1.2.3.4","requested_server_name":"sni","upstream_local_address":"10.0.0.1:1","connection_termination_details":"t","upstream_transport_failure_reason":"f"}
        2025-01-30T12:10:13.682034460Z {"level":"info","time":"2025-01-30T12:10:13Z","scope":"access","message":"connection complete","src.addr":"10.244.0.7:40000","dst.addr":"10.244.0.9:15008","bytes_sent":1,"duration":"3ms"}
        2025-01-30T12:10:13.682034Z	info	access	connection complete	src.addr=10.244.0.7:40000 src.workload="a b" dst.addr=10.244.0.9:15008 bytes_sent=1 bytes_recv=2 duration=1.5s error="x \"y\""
        2025-01-30T12:10:13.682034Z	info	access	connection opened
        [2026-11-20T09:00:00.000Z] "GET /cut HTTP/1.1" 200 - via_upstream - "-" 0 0
        [2026-11-20 09:00:00.000][12][debug][router] not an access line
        garbage
        2026-11-20T09:00:00.000Z 
        """#
        return text.split(separator: "\n").map { Array($0.utf8) } + AccessLogJSONTests.hostile.map { Array($0.utf8) }
    }

    static let masks: [AccessLogFields] = [[], .time, .startTime, .receivedAt, .protocolName, .responseCodeDetails, .connectionTerminationDetails,
                                           .upstreamTransportFailureReason, .upstreamServiceTime, .forwardedFor, .userAgent, .upstreamLocalAddress,
                                           .requestedServerName, .routeName, [.userAgent, .routeName], .all]

    @Test func askedFieldsEqualTheFullParse() throws {
        var parsed = 0, rejected = 0
        for line in try Self.lines() {
            let full = line.withUnsafeBufferPointer { AccessLogParser.parse(buffer: $0) }
            if case .success = full { parsed += 1 } else { rejected += 1 }
            for mask in Self.masks {
                let lean = line.withUnsafeBufferPointer { AccessLogParser.parse(buffer: $0, fields: mask) }
                let label = "\(mask.rawValue): \(String(decoding: line.prefix(160), as: UTF8.self))"
                switch (full, lean) {
                case (.success(let f), .success(let l)): #expect(l == mask.masking(f), "\(label)")
                case (.failure(let f), .failure(let l)): #expect(l == f, "\(label)")
                default: Issue.record("parsed with one mask, not the other: \(label)")
                }
            }
        }
        #expect(parsed > 100)
        #expect(rejected >= 4)
    }

    /// The mask really leaves the fields out (not only equal by chance), and `.all` is the default.
    @Test func maskedFieldsAreLeftOut() throws {
        let line = Array(try Self.lines().first { String(decoding: $0, as: UTF8.self).contains("Go-http-client/1.1\" \"1a46") }!)
        let full = try line.withUnsafeBufferPointer { try AccessLogParser.parse(buffer: $0).get() }
        #expect(full.userAgent == "Go-http-client/1.1")
        #expect(full.receivedAt == "2026-11-20T09:00:00.000Z")
        #expect(full.startTime == "2026-11-20T09:00:00.000Z")
        #expect(full.routeName == "default")
        #expect(full.upstreamServiceTimeMs == 7)
        let lean = try line.withUnsafeBufferPointer { try AccessLogParser.parse(buffer: $0, fields: []).get() }
        #expect(lean.userAgent == nil && lean.receivedAt == nil && lean.startTime == nil && lean.routeName == nil && lean.upstreamServiceTimeMs == nil)
        #expect(lean.protocolName == nil && lean.responseCodeDetails == nil && lean.forwardedFor == nil && lean.requestedServerName == nil)
        #expect(lean.status == 503 && lean.flags.map(\.code) == ["UH", "URX"] && lean.path == "/api/4?q=1" && lean.requestID == "1a466884f3f49249-0")
        #expect(lean.durationMs == 332 && lean.bytesReceived == 120 && lean.bytesSent == 19 && lean.downstreamRemoteAddress == "10.244.0.8:58180")
        let timed = try line.withUnsafeBufferPointer { try AccessLogParser.parse(buffer: $0, fields: .time).get() }
        #expect(timed.startTime == full.startTime && timed.receivedAt == full.receivedAt && timed.userAgent == nil)
    }

    /// The JSON one pass and the generic decoder agree under every mask.
    @Test func jsonPathsAgreeUnderMasks() throws {
        for line in try Self.lines() where line.first == UInt8(ascii: "{") {
            for mask in Self.masks {
                let (fast, generic) = line.withUnsafeBufferPointer {
                    (AccessLogJSON.parse($0, 0, $0.count, fields: mask), AccessLogJSON.generic($0, 0, $0.count, fields: mask))
                }
                #expect(fast == generic, "\(mask.rawValue): \(String(decoding: line.prefix(160), as: UTF8.self))")
            }
        }
    }

    /// `top`'s view of the lines is the same whether the ingest asks for every field or none:
    /// the flows' ends, routes and request keys, the rows, the counts of lines not flows.
    @Test func topIsTheSameWithoutTheDescriptiveFields() throws {
        var lines = try Self.lines()
        lines += lines   // each request twice: deduplicated alike
        var full = FlowIngest(), lean = FlowIngest()
        lean.fields = []
        var topFull = FlowTop(), topLean = FlowTop()
        for line in lines {
            let a = full.read(line), b = lean.read(line)
            #expect((a == nil) == (b == nil))
            guard let a, let b else { continue }
            #expect(a.source == b.source && a.destination == b.destination && a.route == b.route && a.dedupKey == b.dedupKey && a.dedupHash == b.dedupHash)
            topFull.add(a)
            topLean.add(b)
        }
        #expect(full.lines == lean.lines && full.parsed == lean.parsed && full.rejected == lean.rejected && full.raw == lean.raw)
        #expect(topFull.rows() == topLean.rows())
        #expect(topFull.duplicates == topLean.duplicates && topFull.duplicates > 0)
    }

    /// A filter with `--since` asks for the time it reads; without, for nothing.
    @Test func filterAsksForTheTimeItReads() {
        var f = FlowFilter()
        #expect(f.fields == [])
        f.notBefore = 1_700_000_000
        #expect(f.fields == .time)
    }
}
