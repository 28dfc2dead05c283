import Testing
@testable import MeshModel

/// The one writer's policies, against what the Go encoders they reproduce print.
@Suite struct JSONWriterTests {
    private func escaped(_ s: String, _ e: JSONEscaping) -> String {
        var out: [UInt8] = []
        e.append(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func escapingDialects() {
        let s = "<a>&\u{2028}\u{2029}\u{8}\u{C}\u{1}\"\\\n\r\té"
        // Go 1.22+ encoding/json: json.Marshal(s)
        #expect(escaped(s, .goJSON) == #""\u003ca\u003e\u0026\u2028\u2029\b\f\u0001\"\\\n\r\té""#)
        // protojson: no HTML escaping, U+2028/9 as UTF-8.
        #expect(escaped(s, .protojson) == "\"<a>&\u{2028}\u{2029}\\b\\f\\u0001\\\"\\\\\\n\\r\\té\"")
        // Plain: the JSON minimum.
        #expect(escaped(s, .plain) == "\"<a>&\u{2028}\u{2029}\\u0008\\u000c\\u0001\\\"\\\\\\n\\r\\té\"")
        var out: [UInt8] = []
        JSONWriter.appendString(s, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == escaped(s, .plain))
        // A lone E2 lead byte of another character is not a line separator.
        #expect(escaped("\u{2022}\u{2030}", .goJSON) == "\"\u{2022}\u{2030}\"")
    }

    @Test(arguments: [
        ("lb_policy", "lbPolicy"), ("per_connection_buffer_limit_bytes", "perConnectionBufferLimitBytes"),
        ("x_1y", "x1y"), ("a__b", "aB"), ("trailing_", "trailing"), ("name", "name"),
        ("ISTIO_VERSION", "ISTIO_VERSION"), ("app.kubernetes.io/name", "app.kubernetes.io/name"), ("Mixed_case", "Mixed_case"),
    ])
    func snakeToCamelIsOneRule(key: String, expected: String) throws {
        #expect(KeyStyle.protoJSON.convert(key) == expected)
        #expect(KeyStyle.preserve.convert(key) == key)
        // The proto-message writer converts field names from the tape's bytes by the same rule.
        let doc = try JSONDocument("{\"\(key)\": 1}")
        let printed = JSONWriter.string(.json(doc.root), style: .protojson)
        #expect(printed == "{\n    \"\(expected)\": 1\n}\n")
    }

    @Test func plainLayoutsAndKeyStyles() throws {
        let doc = try JSONDocument(#"{"node": {"metadata": {"ISTIO_META_x": "a<b"}, "user_agent": [1, 2.50]}, "filter_metadata": {"a_b": {}}}"#)
        let tree = JSONTree.object([("n", .int(3)), ("d", .double(0.5)), ("x", .null), ("doc", .json(doc.root)), ("e", .array([]))])
        #expect(String(decoding: tree.compactJSON(), as: UTF8.self)
            == #"{"n":3,"d":0.5,"x":null,"doc":{"node":{"metadata":{"ISTIO_META_x":"a<b"},"user_agent":[1,2.50]},"filter_metadata":{"a_b":{}}},"e":[]}"#)
        #expect(JSONWriter.string(.json(doc.root), indent: 2, keyStyle: .protoJSON) == """
            {
              "node": {
                "metadata": {
                  "ISTIO_META_x": "a<b"
                },
                "userAgent": [
                  1,
                  2.50
                ]
              },
              "filterMetadata": {
                "a_b": {}
              }
            }

            """)
    }

    @Test func jsonpbLayout() throws {
        // golang/protobuf jsonpb with Indent "    ": empty messages on two lines, Structs one level deeper.
        let doc = try JSONDocument(#"{"empty": {}, "node": {"metadata": {"k": "v"}}}"#)
        #expect(JSONWriter.string(.json(doc.root), style: .jsonpb) == """
            {
                "empty": {

                },
                "node": {
                    "metadata": {
                            "k": "v"
                        }
                }
            }

            """)
    }

    @Test func streamingHandsOverTheSameBytes() throws {
        var text = "["
        for i in 0..<30_000 { text += (i > 0 ? "," : "") + #"{"cluster_name": "c\#(i)", "lb_policy": "ROUND_ROBIN"}"# }
        text += "]"
        let doc = try JSONDocument(text)
        var chunks: [[UInt8]] = []
        JSONWriter.write(.json(doc.root), style: .istioctlList) { chunks.append($0) }
        #expect(chunks.count > 1)
        #expect(Array(chunks.joined()) == JSONWriter.bytes(.json(doc.root), style: .istioctlList))
    }

    @Test func treeOverTheTapeEditsAndCompares() throws {
        let doc = try JSONDocument(#"{"b_c": [1, 2.50], "s": "x"}"#)
        var tree = JSONTree.json(doc.root)
        #expect(tree == JSONTree(doc.root))
        #expect(tree.hashValue == JSONTree(doc.root).hashValue)
        #expect(tree["s"]?.string == "x")
        #expect(tree["bC"] == nil)  // exact member names, unlike JSONValue lookups
        #expect(tree.semanticallyEquals(.object([("s", "x"), ("b_c", .array([1, .number("2.5")]))])))
        tree["n"] = 1
        #expect(String(decoding: tree.compactJSON(), as: UTF8.self) == #"{"b_c":[1,2.50],"s":"x","n":1}"#)
    }

    @Test func numbersRespelledAsGoPrintsThem() {
        let tree = JSONTree.array([.number("1e3"), .number("1.50"), .number("-7"), .number("2.5e-3")])
        #expect(String(decoding: tree.respellingNumbers().compactJSON(), as: UTF8.self) == "[1000,1.5,-7,0.0025]")
    }

    @Test func repeatedKeysKeepFirstPlaceAndLastValue() {
        let pairs = (0..<20).map { ("k\($0 % 10)", JSONTree.int($0)) }
        let o = JSONObject(pairs)
        #expect(o.keys == (0..<10).map { "k\($0)" })
        #expect(o["k3"] == .int(13))
        let small = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(small.keys == ["a", "b"] && small["a"] == 3)
    }
}
