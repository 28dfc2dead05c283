import Foundation
import MeshTestSupport
import Testing
@testable import MeshModel

/// The one-pass layout (``SnapshotLayout``) against the level-by-level reading it replaces,
/// on snapshots written from the real fixtures and on cut, reshaped and too-deep files; and
/// the stats-line filter against decoding the whole recorded text.
@Suite struct SnapshotLayoutTests {
    static let admin = ["pp11", "is160", "egress"]

    /// A snapshot of three proxies whose responses are the captured Envoy admin answers.
    static func fixtureSnapshot() throws -> [UInt8] { try SnapshotFormatTests.write(fixtureProxies()).bytes }

    static func fixtureProxies() throws -> [SnapshotWriter.Proxy] {
        let at = SnapshotFormatTests.takenAt
        var proxies: [SnapshotWriter.Proxy] = []
        for (n, dir) in admin.enumerated() {
            func r(_ file: String) throws -> SnapshotResponse { .init(fetchedAt: at.addingTimeInterval(1), body: try Fixtures.bytes("envoy-admin/\(dir)/\(file)")) }
            proxies.append(SnapshotWriter.Proxy(
                name: "\(dir)-\(n)", namespace: "shop", kind: "sidecar", node: "n1", ip: "10.0.0.\(n)",
                responses: ["configDump": try r("config_dump.json"), "clusters": try r("clusters.txt"), "statsPrometheus": try r("stats.txt"),
                            "certs": try r("certs.json")],
                earlier: ["statsPrometheus": try r("stats.txt")]))
        }
        proxies.append(SnapshotWriter.Proxy(name: "ztunnel-0", namespace: "istio-system", kind: "ztunnel", node: "n1", ip: "10.0.1.1",
                                            responses: ["ztunnelConfigDump": .init(fetchedAt: at, body: try Fixtures.bytes("ztunnel/config_dump.json"))]))
        return proxies
    }

    /// What the level-by-level reading finds for one proxy: each section's responses and each response's fields.
    static func levelByLevel(_ bytes: [UInt8], _ proxy: Range<Int>) throws -> [String: [(String, Range<Int>, [JSONSkimmer.Member])]] {
        let members = try JSONSkimmer.members(bytes, objectAt: proxy.lowerBound)
        var out: [String: [(String, Range<Int>, [JSONSkimmer.Member])]] = [:]
        for name in SnapshotLayout.sectionNames {
            guard let m = members.first(where: { $0.key == name }) else { out[name] = []; continue }
            out[name] = try JSONSkimmer.members(bytes, objectAt: m.value.lowerBound).map { r in
                (r.key, r.value, try JSONSkimmer.members(bytes, objectAt: r.value.lowerBound))
            }
        }
        return out
    }

    static func skim(_ bytes: [UInt8]) throws -> SnapshotLayout {
        try JSONSkimmer.withBuffer(bytes) { b throws(JSONSkimmer.SkimError) in try SnapshotLayout.skim(b) }
    }

    @Test func onePassFindsWhatLevelByLevelReadingFinds() throws {
        let bytes = try Self.fixtureSnapshot()
        let layout = try Self.skim(bytes)
        let top = try JSONSkimmer.members(bytes, objectAt: 0)
        #expect(layout.members.map(\.key) == top.map(\.key))
        #expect(layout.members.map(\.value) == top.map(\.value))
        let proxiesRange = try #require(top.first { $0.key == "proxies" }).value
        let elements = try JSONSkimmer.elements(bytes, arrayAt: proxiesRange.lowerBound)
        let proxies = try #require(layout.proxies)
        #expect(proxies.map(\.range) == elements)
        for p in proxies {
            let expected = try Self.levelByLevel(bytes, p.range)
            let sections = try #require(p.sections)
            for name in SnapshotLayout.sectionNames {
                let found = try #require(sections[name])
                let want = try #require(expected[name])
                #expect(found.map(\.member.key) == want.map(\.0))
                #expect(found.map(\.member.value) == want.map(\.1))
                #expect(found.map { $0.fields?.map(\.key) ?? [] } == want.map { $0.2.map(\.key) })
                #expect(found.map { $0.fields?.map(\.value) ?? [] } == want.map { $0.2.map(\.value) })
            }
        }
        // The index answers each response with the bytes that were written.
        let index = try SnapshotIndex(bytes: bytes, name: "t.json")
        let p = try #require(index.proxy(name: "pp11-0", namespace: "shop"))
        #expect(try index.response(p, key: "clusters")?.body == Fixtures.bytes("envoy-admin/pp11/clusters.txt"))
        #expect(try index.response(p, key: "statsPrometheus", earlier: true)?.body == Fixtures.bytes("envoy-admin/pp11/stats.txt"))
        #expect(try index.responseKeys(p).sorted() == ["certs", "clusters", "configDump", "statsPrometheus"])
    }

    @Test func aFileCutAnywhereFailsAsTheLevelByLevelReadingDoes() throws {
        let whole = try SnapshotFormatTests.write([SnapshotWriter.Proxy(
            name: "web-0", namespace: "shop", kind: "sidecar", node: "n1", ip: "10.0.0.1",
            responses: ["statsPrometheus": .init(fetchedAt: SnapshotFormatTests.takenAt, body: Array("a{b=\"c\\\\\"} 1\n".utf8)),
                        "serverInfo": .init(fetchedAt: SnapshotFormatTests.takenAt, body: Array(#"{"state": "LIVE", "x": [1, {"y": "}"}]}"#.utf8))])]).bytes
        for cut in stride(from: 0, to: whole.count, by: 7) {
            let prefix = Array(whole[..<cut])
            let old: Result<[JSONSkimmer.Member], JSONSkimmer.SkimError> = Result { () throws(JSONSkimmer.SkimError) in
                try JSONSkimmer.members(prefix, objectAt: JSONSkimmer.withBuffer(prefix) { JSONSkimmer.skipSpace($0, 0) })
            }
            guard case .failure(let e) = old else { continue }
            do {
                _ = try SnapshotIndex(bytes: prefix, name: "cut.json")
                Issue.record("a file cut at byte \(cut) opened")
            } catch {
                if cut > 0 { #expect(error.message == "cut.json: not a readable snapshot: \(e.description)") }
            }
        }
    }

    /// Sections and responses of the wrong shape still open the file; asking for them fails
    /// with the message the lazy reading gives, naming the proxy and the byte.
    @Test func reshapedSectionsFailWhenAskedWithTheirPlace() throws {
        let at = #""fetchedAt": "2026-11-17T10:00:00.000Z""#
        let text = #"""
        {"meshscopeSnapshot": 1, "metadata": {"takenAt": "2026-11-17T10:00:00Z", "meshscopeVersion": "0.15.0", "source": {"kind": "cluster", "name": "c"}, "options": {}},
         "proxies": [
          {"name": "a", "namespace": "shop", "kind": "sidecar", "admin": ["x"], "earlier": {"statsPrometheus": {\#(at), "text": "istio_x 1\n"}}},
          {"name": "b", "namespace": "shop", "kind": "sidecar", "admin": {"clusters": "oops", "serverInfo": {\#(at), "json": {"state": "LIVE"}}}},
          {"name": "c", "namespace": "shop", "kind": "sidecar", "admin": {"serverInfo": {\#(at) "json": 1}}}
         ]}
        """#
        let bytes = Array(text.utf8)
        let index = try SnapshotIndex(bytes: bytes, name: "odd.json")
        let a = try #require(index.proxy(name: "a", namespace: "shop"))
        let adminAt = try #require(bytes.firstRange(of: Array(#"["x"]"#.utf8))).lowerBound
        #expect(throws: SnapshotFormatError("odd.json: proxy shop/a: expected an object at byte \(adminAt)")) { try index.responseKeys(a) }
        #expect(try index.response(a, key: "statsPrometheus", earlier: true)?.body == Array("istio_x 1\n".utf8))
        let b = try #require(index.proxy(name: "b", namespace: "shop"))
        let oopsAt = try #require(bytes.firstRange(of: Array(#""oops""#.utf8))).lowerBound
        #expect(throws: SnapshotFormatError("odd.json: proxy shop/b clusters: expected an object at byte \(oopsAt)")) { try index.response(b, key: "clusters") }
        #expect(try index.response(b, key: "serverInfo")?.body == Array(#"{"state": "LIVE"}"#.utf8))
        let c = try #require(index.proxy(name: "c", namespace: "shop"))
        #expect(throws: SnapshotFormatError.self) { try index.response(c, key: "serverInfo") }
        #expect(try index.responseKeys(c) == ["serverInfo"])
    }

    @Test func theDepthLimitCountsAsWhenTheFileIsSkimmedWhole() throws {
        let bytes = try Self.fixtureSnapshot()
        // The config dumps nest about a dozen levels below the response: a limit just above
        // the deepest value opens the file, one level less fails it as before.
        let deepest = try JSONSkimmer.withBuffer(bytes) { b throws(JSONSkimmer.SkimError) -> Int in
            var depth = 0, most = 0, i = 0
            while i < b.count {
                switch b[i] {
                case 0x22: i = try JSONSkimmer.stringEnd(b, i); continue
                case 0x7B, 0x5B: depth += 1; most = max(most, depth)
                case 0x7D, 0x5D: depth -= 1
                default: break
                }
                i += 1
            }
            return most - 1  // the top object is not counted
        }
        var limits = InputLimits()
        limits.maxJSONDepth = deepest
        try InputLimits.withLimits(limits) { _ = try SnapshotIndex(bytes: bytes, name: "deep.json") }
        limits.maxJSONDepth = deepest - 1
        InputLimits.withLimits(limits) {
            #expect(throws: SnapshotFormatError.self) { try SnapshotIndex(bytes: bytes, name: "deep.json") }
        }
        for depth in 1...4 {
            limits.maxJSONDepth = depth
            InputLimits.withLimits(limits) {
                #expect(throws: SnapshotFormatError.self) { try SnapshotIndex(bytes: bytes, name: "deep.json") }
            }
        }
    }

    // MARK: - Stats lines

    static func json(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.appendString(text, to: &out)
        return out
    }

    static func kept(_ json: [UInt8], _ keep: @escaping (String) -> Bool) -> [UInt8]? {
        json.withUnsafeBufferPointer { b in
            SnapshotTextLines.kept(in: b, string: 0..<json.count) { name, _ in keep(String(decoding: name, as: UTF8.self)) }
        }
    }

    @Test func keptLinesParseToTheSamplesOfTheWholeTextFiltered() throws {
        let keep: (String) -> Bool = { $0.hasPrefix("istio_") || $0.hasPrefix("envoy_cluster_upstream_rq") || $0.hasSuffix("rbac_denied") }
        var texts = try Self.admin.map { String(decoding: try Fixtures.bytes("envoy-admin/\($0)/stats.txt"), as: UTF8.self) }
        texts.append("# HELP x\n istio_a{l=\"q\\\"u\\\\o\\nte\"} 1\r\n\tistio_b 2\nenvoy_cluster_upstream_rq_total{cluster_name=\"a\"} 3 1700000000\nistio_c 4")
        texts.append("istio_only 1")
        texts.append("")
        for text in texts {
            let whole = PrometheusText.parse(text).samples.filter { keep($0.name) }
            let kept = try #require(Self.kept(Self.json(text), keep))
            #expect(PrometheusText.parse(kept).samples == whole)
        }
        let synthetic = PrometheusText.parse(texts[texts.count - 3]).samples.filter { keep($0.name) }
        #expect(synthetic.map(\.name) == ["istio_a", "istio_b", "envoy_cluster_upstream_rq_total", "istio_c"])
        #expect(synthetic[0].label("l") == "q\"u\\o\nte")
    }

    /// The compactor's one pass (``SnapshotTextLines/keptEscaped(in:stringAt:_:)``) against
    /// the skimmer's string end and ``SnapshotTextLines/kept(in:string:_:)``'s lines: the same
    /// end, and stored lines that decode (as JSON) to the kept ones. On the captured stats with
    /// a member after them, every prefix of the synthetic text (cut strings), and strings with
    /// bytes or escapes only the exact decode takes.
    @Test func keptEscapedIsTheEndThenTheKeptLines() throws {
        let keep: (String) -> Bool = { $0.hasPrefix("istio_") || $0.hasPrefix("envoy_cluster_upstream_rq") }
        var inputs = try Self.admin.map { Self.json(String(decoding: try Fixtures.bytes("envoy-admin/\($0)/stats.txt"), as: UTF8.self)) + Array(#","next":1}"#.utf8) }
        let synthetic = Self.json("# HELP x\n istio_a{l=\"q\\\"u\\\\o\\nte\"} 1\r\n\tistio_b 2\nenvoy_cluster_upstream_rq_total 3\nistio_c 4")
        inputs += (0...synthetic.count).map { Array(synthetic.prefix($0)) }
        inputs += [#""istio_\u0041 1""#, "\"istio_a 1\u{01}\"", "\"istio_a{l=\\\"é\\\"} 1\"", #""istio_a 1\x""#, #""istio_a 1\""#,
                   #""""#, #""\n""#, #""  \t istio_a 1\n  ""#, #""istio_a 1\\""#, #""istio_a 1\\\"x"}"#].map { Array($0.utf8) }
        for json in inputs {
            json.withUnsafeBufferPointer { b in
                let pick: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool = { name, _ in keep(String(decoding: name, as: UTF8.self)) }
                let one = SnapshotTextLines.keptEscaped(in: b, stringAt: 0, pick)
                let end = try? JSONSkimmer.stringEnd(b, 0)
                let two = end.flatMap { SnapshotTextLines.kept(in: b, string: 0..<$0, pick) }
                let decoded = one.flatMap { try? JSONDocument(bytes: [0x22] + $0.lines + [0x22]).root.string }
                #expect(decoded == two.map { String(decoding: $0, as: UTF8.self) }, "\(String(decoding: json.prefix(80), as: UTF8.self))")
                #expect(one.map(\.end) == (two == nil ? nil : end))
            }
        }
    }

    @Test func unusualStringsAreLeftToTheWholeDecode() {
        let all: (String) -> Bool = { _ in true }
        #expect(Self.kept(Array(#""istio_\u0041 1""#.utf8), all) == nil)
        #expect(Self.kept(Array("\"istio_a 1\u{01}\"".utf8), all) == nil)
        #expect(Self.kept(Array("\"istio_a{l=\"é\"} 1\"".utf8), all) == nil)
        #expect(Self.kept(Array(#""istio_a 1\x""#.utf8), all) == nil)
        #expect(Self.kept(Array(#""istio_a 1\"#.utf8), all) == nil)
        #expect(Self.kept(Array(#"istio_a 1"#.utf8), all) == nil)
        #expect(Self.kept(Array(#""""#.utf8), all) == [])
    }

    @Test func relevantNameBytesAgreeWithTheStringTest() throws {
        var names = ["envoy_cluster_upstream_rq_5xx", "envoy_cluster_upstream_rq_total", "envoy_cluster_upstream_cx_connect_fail",
                     "envoy_cluster_upstream_cx_total", "envoy_cluster_upstream_rq_5xxx", "envoy_cluster_", "envoy_cluster_rbac_denied",
                     "envoy_http_rbac_denied", "envoy_http_shadow_rbac_denied", "rbac_denied", "shadowrbac_denied", "istio_requests_total", "", "x"]
        for dir in Self.admin {
            names += PrometheusText.parse(try Fixtures.bytes("envoy-admin/\(dir)/stats.txt")).samples.map(\.name)
        }
        for name in Set(names) {
            let bytes = Array(name.utf8)
            #expect(bytes.withUnsafeBufferPointer { FindingStats.isRelevant(name: $0) } == FindingStats.isRelevant(name), "\(name)")
        }
    }
}
