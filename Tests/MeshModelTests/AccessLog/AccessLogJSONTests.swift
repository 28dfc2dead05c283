import Foundation
import MeshGen
@testable import MeshModel
import MeshTestSupport
import Testing

/// The one-pass JSON reader (``AccessLogJSON``) against the generic decoder it replaces on
/// the common path: the same result on every line, real, generated or hostile.
@Suite struct AccessLogJSONTests {
    /// Both paths on one line (the part after any timestamp prefix, as the parser calls them).
    static func bothPaths(_ bytes: [UInt8]) -> (fast: Result<AccessLogEntry, AccessLogRejection>, generic: Result<AccessLogEntry, AccessLogRejection>, scanned: Bool) {
        bytes.withUnsafeBufferPointer { b in
            let n = AccessLogJSON.Key.allCases.count
            let scanned = withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * n) { mem in
                mem.initialize(repeating: 0)
                let slots = AccessLogJSON.Slots(kind: UnsafeMutableBufferPointer(rebasing: mem[0..<n]), start: UnsafeMutableBufferPointer(rebasing: mem[n..<(2 * n)]),
                                                end: UnsafeMutableBufferPointer(rebasing: mem[(2 * n)...]))
                return AccessLogJSON.scan(b, 0, b.count, slots)
            }
            return (AccessLogJSON.parse(b, 0, b.count), AccessLogJSON.generic(b, 0, b.count), scanned)
        }
    }

    /// An Envoy JSON line carrying `e`'s fields under Envoy's JSON names (numbers as numbers,
    /// absent fields as null), as `accessLogEncoding: JSON` writes them.
    static func envoyJSON(_ e: AccessLogEntry) throws -> [UInt8] {
        var o: [String: Any] = [:]
        func s(_ k: String, _ v: String?) { o[k] = v.map { $0 as Any } ?? NSNull() }
        func i(_ k: String, _ v: Int?) { o[k] = v.map { $0 as Any } ?? NSNull() }
        s("start_time", e.startTime); s("method", e.method); s("path", e.path); s("protocol", e.protocolName)
        i("response_code", e.status); s("response_flags", e.flags.isEmpty ? "-" : e.flags.map(\.code).joined(separator: ","))
        s("response_code_details", e.responseCodeDetails); s("connection_termination_details", e.connectionTerminationDetails)
        s("upstream_transport_failure_reason", e.upstreamTransportFailureReason)
        i("bytes_received", e.bytesReceived); i("bytes_sent", e.bytesSent); i("duration", e.durationMs); i("upstream_service_time", e.upstreamServiceTimeMs)
        s("x_forwarded_for", e.forwardedFor); s("user_agent", e.userAgent); s("request_id", e.requestID); s("authority", e.authority)
        s("upstream_host", e.upstreamHost); s("upstream_cluster", e.upstreamCluster); s("upstream_local_address", e.upstreamLocalAddress)
        s("downstream_local_address", e.downstreamLocalAddress); s("downstream_remote_address", e.downstreamRemoteAddress)
        s("requested_server_name", e.requestedServerName); s("route_name", e.routeName)
        return Array(try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// ztunnel's JSON form of a ztunnel text entry.
    static func ztunnelJSON(_ e: AccessLogEntry) throws -> [UInt8] {
        var o: [String: Any] = ["scope": "access", "level": "info"]
        func s(_ k: String, _ v: String?) { if let v { o[k] = v } }
        s("time", e.startTime); s("message", e.message); s("src.addr", e.downstreamRemoteAddress); s("src.workload", e.sourceWorkload)
        s("src.namespace", e.sourceNamespace); s("src.identity", e.sourceIdentity); s("dst.addr", e.downstreamLocalAddress)
        s("dst.service", e.destinationService); s("dst.workload", e.destinationWorkload); s("dst.namespace", e.destinationNamespace)
        s("dst.identity", e.destinationIdentity); s("direction", e.direction); s("error", e.error)
        if let v = e.bytesSent { o["bytes_sent"] = v }
        if let v = e.bytesReceived { o["bytes_recv"] = v }
        if let v = e.durationMs { o["duration"] = "\(v)ms" }
        return Array(try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// Every real and generated TEXT line, re-encoded as JSON: the fast path takes it, agrees
    /// with the generic decoder, and reads back the fields the TEXT line had.
    @Test func agreesOnFixtureAndDemoLines() throws {
        var text = try Fixtures.text("accesslogs/waypoint.log") + "\n" + Fixtures.text("accesslogs/ztunnel.log")
        let demo = DemoMesh(.init(services: 4, replicas: 1))
        for p in demo.proxyPods { text += "\n" + DemoAccessLog.lines(demo, pod: p, tick: 4_000, epochSecond: 1_795_165_200).map(\.text).joined(separator: "\n") }
        var checked = 0
        for line in text.split(separator: "\n") {
            guard case .success(var e) = AccessLogParser.parse(String(line)) else { continue }
            e.receivedAt = nil
            let json = e.format == .ztunnel ? try Self.ztunnelJSON(e) : try Self.envoyJSON(e)
            let r = Self.bothPaths(json)
            #expect(r.scanned, "\(String(decoding: json, as: UTF8.self))")
            #expect(r.fast == r.generic, "\(String(decoding: json, as: UTF8.self))")
            guard case .success(let got) = r.fast else { Issue.record("not parsed: \(String(decoding: json, as: UTF8.self))"); continue }
            var want = e
            if e.format != .ztunnel { want.format = .envoyJSON }
            // ztunnel's JSON names the destination once (dst.addr), the text form maybe twice.
            if e.format == .ztunnel { want.upstreamHost = got.upstreamHost }
            #expect(got == want, "\(String(decoding: json, as: UTF8.self))")
            checked += 1
        }
        #expect(checked > 100)
    }

    static let hostile: [String] = [
        #"{"response_code":200,"request_id":"a","user_agent":"a\"b\\c\u00e9\u2603","authority":"x","path":"/p"}"#,
        #"{"response_code":200,"request_id":"a","user_agent":"é☃ unicode as is"}"#,
        #"{"response_code":"503","response_flags":"UH,UF","duration":"12","bytes_sent":1.0,"bytes_received":1e2,"upstream_service_time":"+7"}"#,
        #"{"response_code":200,"response_code":503,"request_id":"first","request_id":"second"}"#,
        #"{"response_code":99999999999999999999999,"duration":-5,"bytes_sent":true,"bytes_received":null,"upstream_host":null,"authority":123}"#,
        #"{"response_code":9223372036854775807,"bytes_sent":-9223372036854775808,"bytes_received":9223372036854775808,"duration":1e400}"#,
        #"{"response_code":-0,"duration":1.5e3,"bytes_sent":2.5,"bytes_received":9007199254740993.0}"#,
        #"{"response_code":200,"request_id":"r","authority":"t","path":"/x""#,
        #"{"response_code":200,"nested":{"a":[1,2,{"b":null}]},"authority":"n"}"#,
        #"{"response_code":200 , "request_id" : "r" ,\#t"authority":"ws"}   "#,
        #"{"scope":"access","src.addr":"10.0.0.1:5555","dst.addr":"10.0.0.2:80","bytes_sent":"10","bytes_recv":20,"duration":"3ms","message":"connection complete"}"#,
        #"{"src.addr":"10.0.0.3:5555","dst.hbone_addr":"10.0.0.4:80","time":"2026-01-01T00:00:00Z","msg":"x","error":"boom"}"#,
        #"{"scope":"acc\u0065ss","dst.addr":"10.0.0.2:80"}"#,
        #"{"scope":"other","start_time":"t"}"#,
        #"{"start_time":"-","response_code":"-","request_id":"","authority":"-"}"#,
        "{\"response_code\":0,\"method\":\"GET\",\"x\":\"ctl\u{01}char\"}",
        #"{"response_code":0,"method":"GET"} junk"#,
        #"{"response_code":01}"#,
        #"{"response_code":-}"#,
        #"{"response_code":1.}"#,
        #"{"response_code":1e}"#,
        #"{"response_code":tru}"#,
        #"{"response_code":nul"#,
        #"{}"#,
        #"{ }"#,
        #"{"a":1}"#,
        #"{"a":1,}"#,
        #"{,"a":1}"#,
        #"{"a" 1}"#,
        #"{"k\u0065y":"v","response_code":200,"path":"/\u0041"}"#,
        #"{"response_code":200}{"response_code":201}"#,
        #"{"response_code":200,"path":"/\/slash"}"#,
        #"{"response_code":200,"":"empty key","path":""}"#,
        "{\"response_code\":200,\"authority\":\"raw\u{FFFD}\"}",
    ]

    @Test func agreesOnHostileLines() {
        var lines = Self.hostile.map { Array($0.utf8) }
        lines.append(Array(#"{"response_code":200,"authority":"raw"#.utf8) + [0xFF, 0xFE, 0x22, 0x7D])
        lines.append(Array(#"{"response_code":200,"path":"/"#.utf8) + [UInt8](repeating: 0x70, count: 200_000) + Array(#""}"#.utf8))
        lines.append(Array(#"{"response_code":"#.utf8) + [UInt8](repeating: 0x39, count: 5_000) + [0x7D])
        for line in lines {
            let r = Self.bothPaths(line)
            #expect(r.fast == r.generic, "\(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        // Through the parser: the first of a duplicate key counts, as the generic lookup has it.
        #expect((try? AccessLogParser.parse(Self.hostile[3]).get())?.status == 200)
        #expect((try? AccessLogParser.parse(Self.hostile[3]).get())?.requestID == "first")
    }

    /// Every prefix of a real line (a stream cut anywhere), and every byte of it replaced by
    /// each JSON metacharacter or a control or non-UTF-8 byte.
    @Test func agreesOnTruncationsAndMutations() throws {
        let e = try AccessLogParser.parse(String(try Fixtures.text("accesslogs/waypoint.log").split(separator: "\n")[0])).get()
        let line = try Self.envoyJSON(e)
        for k in 0...line.count {
            let r = Self.bothPaths(Array(line[0..<k]))
            #expect(r.fast == r.generic, "prefix \(k)")
        }
        let replacements: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x2C, 0x3A, 0x20, 0x01, 0xFF, 0x2D, 0x30, 0x65, 0x6E]
        for k in line.indices {
            for c in replacements where line[k] != c {
                var m = line
                m[k] = c
                let r = Self.bothPaths(m)
                #expect(r.fast == r.generic, "\(String(decoding: m, as: UTF8.self))")
            }
        }
    }
}
