import Foundation
@testable import MeshModel
import MeshTestSupport
import Testing

/// ``ByteInterner`` numbers byte strings stably, and ``FlowTop`` keyed by those numbers gives
/// the rows a key of three Strings gives (counted here independently, with a String dictionary).
@Suite struct FlowTopInternTests {
    @Test func numbersInOrderOfFirstSightAndKeepsThem() {
        var t = ByteInterner()
        #expect(t.find(Array("a".utf8)) == nil)
        #expect(t.intern(Array("a".utf8)) == 0)
        #expect(t.intern(Array("".utf8)) == 1)
        #expect(t.intern(Array("ab".utf8)) == 2)
        #expect(t.intern(Array("a".utf8)) == 0)
        #expect(t.find([]) == 1)
        // Enough to grow the table several times: every number stays where it was.
        for i in 0..<5_000 { #expect(t.intern(Array("key-\(i)".utf8)) == 3 + i) }
        #expect(t.count == 5_003)
        for i in stride(from: 0, to: 5_000, by: 7) {
            #expect(t.find(Array("key-\(i)".utf8)) == 3 + i)
            #expect(Array(t.bytes(of: 3 + i)) == Array("key-\(i)".utf8))
        }
        #expect(t.find(Array("a".utf8)) == 0)
        #expect(Array(t.bytes(of: 1)).isEmpty)
        #expect(t.find(Array("key-5000".utf8)) == nil)
    }

    /// The fixtures' and the demo's flows, plus keys that differ only where a String key
    /// would not (canonically equivalent spellings) or where joining could mislead.
    static func flows() throws -> [Flow] {
        var flows = try FlowDedupHashTests.flows()
        let extra = [
            #"{"response_code":200,"request_id":"u1","authority":"caf\u00e9:80","path":"/K"}"#,
            #"{"response_code":503,"response_flags":"UH","request_id":"u2","authority":"cafe\u0301:80","path":"/\u212a"}"#,
            #"{"response_code":200,"request_id":"u3","authority":"a/b","path":"/c"}"#,
            #"{"response_code":200,"request_id":"u4","authority":"a","path":"/b/c"}"#,
            #"{"response_code":200,"request_id":"u5","authority":"a","path":"/b/c?q=1"}"#,
            #"{"response_code":200,"request_id":"u6","method":"GET","path":"/only-path"}"#,
            #"{"response_code":0,"request_id":"u7","upstream_cluster":"outbound|1||x.y.svc.cluster.local"}"#,
        ]
        flows += extra.map { Flow(try! AccessLogParser.parse($0).get()) }
        return flows
    }

    @Test func routeBytesAreTheRoute() throws {
        for f in try Self.flows() {
            var b: [UInt8] = []
            f.appendRoute(to: &b)
            #expect(b == Array(f.route.utf8), "\(f.route)")
        }
    }

    @Test func rowsEqualAStringKeyedCount() throws {
        let flows = try Self.flows()
        var top = FlowTop()
        for f in flows { top.add(f) }

        // The same count by hand: String keys (canonical equivalence included), dedup by dedupKey.
        struct Count { var source = "", destination = "", route = "", requests = 0, failures = 0, bytes = 0 }
        var counts: [FlowTop.Key: Count] = [:]
        var seen: Set<String> = []
        for f in flows {
            if let k = f.dedupKey, !seen.insert(k).inserted { continue }
            let key = FlowTop.Key(source: f.source.name, destination: f.destination.name, route: f.route)
            var c = counts[key] ?? Count(source: key.source, destination: key.destination, route: key.route)
            c.requests += 1
            if f.entry.failed { c.failures += 1 }
            c.bytes += (f.entry.bytesSent ?? 0) + (f.entry.bytesReceived ?? 0)
            counts[key] = c
        }
        let rows = top.rows()
        #expect(rows.count == counts.count)
        #expect(rows.count > 20)
        for r in rows {
            let c = counts[FlowTop.Key(source: r.source, destination: r.destination, route: r.route)]
            #expect(c?.source == r.source && c?.destination == r.destination && c?.route == r.route, "\(r.route)")
            #expect(c?.requests == r.requests && c?.failures == r.failures && c?.bytes == r.bytes, "\(r.route)")
        }
        // `café` composed and decomposed, `K` and the Kelvin sign: one row, spelled as first seen.
        let cafe = rows.filter { $0.route.hasPrefix("caf") }
        #expect(cafe.count == 1)
        #expect(cafe.first?.route == "caf\u{e9}:80/K")
        #expect(cafe.first?.requests == 2)
        #expect(cafe.first?.destination == "caf\u{e9}:80")
        #expect(cafe.first?.route.unicodeScalars.count == 9)
        // Joined, `a/b` + `/c` and `a` + `/b/c` are one route, as their Strings are (the
        // destinations, their authorities, differ).
        #expect(rows.filter { $0.route == "a/b/c" }.map(\.requests) == [2, 1])
    }

    @Test func rowNumbersStayAsKeysArrive() {
        var top = FlowTop()
        top.add(FlowTopTests.flow(200, "-", duration: 1, id: "first", path: "/first"))
        let key = FlowTop.Key(source: "client.ns", destination: "10.0.0.2", route: "svc:80/first")
        #expect(top.rowNumber(key) == 0)
        for i in 0..<2_000 { top.add(FlowTopTests.flow(200, "-", duration: 1, id: "n\(i)", path: "/p\(i)")) }
        #expect(top.rowNumber(key) == 0)
        #expect(top.rowNumber(FlowTop.Key(source: "client.ns", destination: "10.0.0.2", route: "svc:80/p1999")) == 2_000)
        #expect(top.rows().count == 2_001)
    }

    /// Keys that come and go over a long follow: the window forgets them, ``FlowTop/expire(now:)``
    /// renumbers the live ones, and a forgotten key is admitted again within ``FlowTop/maxKeys``.
    @Test func expiredKeysAreForgottenAndRenumbered() {
        var top = FlowTop(window: 10)
        top.maxKeys = 50
        for s in 0..<3_000 {
            top.add(FlowTopTests.flow(200, "-", duration: 1, id: "e\(s)", path: "/p\(s % 2_000)"), at: s)
            if s % 10 == 9 { top.expire(now: s) }
        }
        #expect(top.droppedKeys == 0)
        let rows = top.rows(now: 2_999)
        #expect(rows.count == 10)
        #expect(Set(rows.map(\.route)) == Set((2_990..<3_000).map { "svc:80/p\($0 % 2_000)" }))
        #expect(rows.allSatisfy { $0.requests == 1 })
        // Renumbered: the table holds about the live keys, not the 2,000 seen.
        #expect(top.rowNumber(FlowTop.Key(source: "client.ns", destination: "10.0.0.2", route: "svc:80/p0")) == nil)
        #expect((top.rowNumber(FlowTop.Key(source: "client.ns", destination: "10.0.0.2", route: "svc:80/p999")) ?? .max) < 1_024)
        // Full: a new key is dropped; once the window passes, keys are admitted again.
        for i in 0..<60 { top.add(FlowTopTests.flow(200, "-", duration: 1, id: "f\(i)", path: "/f\(i)"), at: 3_000) }
        #expect(top.droppedKeys == 20)
        top.expire(now: 3_020)
        top.add(FlowTopTests.flow(200, "-", duration: 1, id: "g", path: "/p5"), at: 3_020)
        #expect(top.rows(now: 3_020).map(\.route) == ["svc:80/p5"])
    }
}

/// ``BoundedLineSplitter/feed(bytes:)`` (the log streamer's path) splits any chunking of a
/// stream into the lines the stream has, as the generic ``BoundedLineSplitter/feed(_:)`` does.
@Suite struct BoundedLineSplitterChunkTests {
    /// The stream's lines, whole: each too long one cut to `max`, the unfinished last one cut.
    static func reference(_ stream: [UInt8], max: Int) -> [BoundedLineSplitter.Line] {
        let parts = stream.split(separator: 0x0A, omittingEmptySubsequences: false)
        var out: [BoundedLineSplitter.Line] = []
        for (i, p) in parts.enumerated() {
            let last = i == parts.count - 1
            if p.count > max { out.append(.init(bytes: Array(p.prefix(max)), cut: true)) }
            else if !p.isEmpty { out.append(.init(bytes: Array(p), cut: last)) }
        }
        return out
    }

    @Test func anyChunkingGivesTheStreamsLines() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<300 {
            let max = 1 + round % 12
            let stream = (0..<Int.random(in: 0...80, using: &rng)).map { _ in Bool.random(using: &rng) && Bool.random(using: &rng) ? UInt8(0x0A) : UInt8(ascii: "a") + UInt8.random(in: 0...5, using: &rng) }
            var fast = BoundedLineSplitter(maxLineBytes: max), generic = BoundedLineSplitter(maxLineBytes: max)
            var fastLines: [BoundedLineSplitter.Line] = [], genericLines: [BoundedLineSplitter.Line] = []
            var at = 0
            while at < stream.count {
                let end = min(stream.count, at + Int.random(in: 1...20, using: &rng))
                let chunk = Array(stream[at..<end])
                fastLines += chunk.withUnsafeBufferPointer { fast.feed(bytes: $0) }
                genericLines += generic.feed(chunk[...].lazy.map { $0 })   // not contiguous: the copying path
                at = end
            }
            if let l = fast.finish() { fastLines.append(l) }
            if let l = generic.finish() { genericLines.append(l) }
            let expected = Self.reference(stream, max: max)
            #expect(fastLines == expected, "\(String(decoding: stream, as: UTF8.self).debugDescription) max \(max)")
            #expect(genericLines == expected)
        }
    }
}
