import MeshModel
import Testing

/// JSON nesting is bounded by `InputLimits.maxJSONDepth`, and errors from deep inputs stay short.
@Suite struct JSONDepthLimitTests {
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func limits(depth: Int) -> InputLimits {
        var l = InputLimits()
        l.maxJSONDepth = depth
        return l
    }

    @Test func depthUpToTheLimitParses() throws {
        _ = try JSONDocument(Self.nested(1_000))
        try InputLimits.withLimits(Self.limits(depth: 20)) {
            _ = try JSONDocument(Self.nested(20))
        }
        try InputLimits.withLimits(Self.limits(depth: 12_000)) {
            _ = try JSONDocument(Self.nested(11_000))
        }
    }

    @Test func deeperThanTheLimitNamesTheFlag() {
        InputLimits.withLimits(Self.limits(depth: 20)) {
            do throws(JSONParseError) {
                _ = try JSONDocument(Self.nested(21))
                Issue.record("expected an error")
            } catch {
                #expect(error.message == "JSON nested deeper than 20 levels (limit 20; raise it with --max-json-depth)")
                #expect(error.offset == 20)   // the 21st '['
            }
        }
    }

    /// 10,000 levels (over the default of 1,000) fail fast with a line under 300 characters.
    @Test func deepErrorsStayShort() {
        for input in [Self.nested(10_000), #"{"configs":"# + String(repeating: #"{"a_rather_long_key_name":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_001)] {
            do {
                _ = try JSONDocument(input)
                Issue.record("expected an error")
            } catch {
                #expect(error.description.count < 300, "\(error.description)")
                #expect(error.description.contains("(depth 1000)"), "\(error.description)")
            }
        }
    }

    @Test func longPathsKeepBothEndsAndLongKeysAreCut() throws {
        let key = String(repeating: "k", count: 500)
        let text = "{\"\(key)\":" + String(repeating: "[", count: 30) + "true" + String(repeating: "]", count: 30) + "}"
        let doc = try JSONDocument(text)
        var v = doc.root[key]!
        for _ in 0..<30 { v = v[0]! }
        #expect(v.bool == true)
        // 31 components: the key (cut to 24 characters) and 30 indexes; three kept at each end.
        #expect(v.path == "$[\"" + String(repeating: "k", count: 24) + "…\"][0][0]…[0][0][0] (depth 31)")
    }

    @Test func skimmerBoundsDepthToo() {
        let bytes = Array(Self.nested(30).utf8)
        InputLimits.withLimits(Self.limits(depth: 20)) {
            #expect(throws: JSONSkimmer.SkimError.self) { try JSONSkimmer.elements(bytes, arrayAt: 0) }
        }
    }
}
