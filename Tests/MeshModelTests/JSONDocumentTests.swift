import Testing
@testable import MeshModel

@Suite struct JSONDocumentTests {
    @Test func navigatesObjectsArraysAndScalars() throws {
        let doc = try JSONDocument(#"{"a": [1, 2.5, "x", true, null, {"b_c": -3}], "s": "h\u00e9\n"}"#)
        let a = try #require(doc.root["a"])
        #expect(a.count == 6)
        #expect(a[0]?.int == 1)
        #expect(a[1]?.double == 2.5)
        #expect(a[2]?.string == "x")
        #expect(a[3]?.bool == true)
        #expect(a[4]?.isNull == true)
        #expect(a[5]?["bC"]?.int == -3)
        #expect(a[5]?["b_c"]?.int == -3)
        #expect(doc.root["s"]?.string == "hé\n")
        #expect(a[5]?.path == "$.a[5]")
        #expect(String(decoding: a[5]!.rawBytes, as: UTF8.self) == #"{"b_c": -3}"#)
    }

    @Test func snakeAndCamelKeysMatch() throws {
        let doc = try JSONDocument(#"{"dynamicActiveClusters": 1, "version_info": "v"}"#)
        #expect(doc.root["dynamic_active_clusters"]?.int == 1)
        #expect(doc.root["versionInfo"]?.string == "v")
        #expect(doc.root.member(exactly: "versionInfo") == nil)
    }

    @Test func int64AsStringReadsAsInt() throws {
        let doc = try JSONDocument(#"{"n": "12345678901"}"#)
        #expect(doc.root["n"]?.int == 12_345_678_901)
    }

    @Test(arguments: [
        ("", "empty input at byte 0 (line 1, column 1)"),
        ("{\"a\": [1, 2", "unexpected end of input at byte 11 (line 1, column 12) in $.a[2]"),
        ("{\"a\": {\"b\": tru}}", "invalid literal at byte 15 (line 1, column 16) in $.a.b"),
        ("{\"a\" 1}", "expected ':' after key at byte 5 (line 1, column 6) in $.a"),
        ("[1,]", "unexpected character ']' at byte 3 (line 1, column 4) in $[1]"),
        ("{}\n{}", "unexpected trailing data at byte 3 (line 2, column 1)"),
        ("[01]", "expected ',' or ']' at byte 2 (line 1, column 3) in $[1]"),
        ("\"abc", "unterminated string at byte 4 (line 1, column 5)"),
    ])
    func errorsSayWhatAndWhere(input: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONDocument(input) }
        do {
            _ = try JSONDocument(input)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 20_000)
        #expect(throws: JSONParseError.self) { try JSONDocument(deep) }
    }

    @Test func writerConvertsProtoKeysButNotMapKeys() throws {
        let doc = try JSONDocument(#"{"cluster_name": "a", "metadata": {"filter_metadata": {"istio": {"some_key": 1}}}, "port_value": 80}"#)
        let json = JSONWriter.string(.json(doc.root), indent: 2, keyStyle: .protoJSON)
        #expect(json == """
        {
          "clusterName": "a",
          "metadata": {
            "filterMetadata": {
              "istio": {
                "some_key": 1
              }
            }
          },
          "portValue": 80
        }

        """)
    }

    @Test func yamlLooksLikeGoYAML() throws {
        let doc = try JSONDocument(#"{"name": "x", "@type": "t", "ports": [{"port": 80, "v": "1605"}], "e": {}, "l": [], "ts": "2022-12-08T11:03:53.361Z", "s": "a: b"}"#)
        #expect(YAMLWriter.string(.json(doc.root)) == """
        '@type': t
        e: {}
        l: []
        name: x
        ports:
        - port: 80
          v: "1605"
        s: 'a: b'
        ts: "2022-12-08T11:03:53.361Z"

        """)
    }

    @Test func goKeyOrderPutsNumbersNaturally() {
        #expect(YAMLWriter.goYAMLKeyLess("a2", "a10"))
        #expect(YAMLWriter.goYAMLKeyLess("@type", "name"))
        #expect(!YAMLWriter.goYAMLKeyLess("b", "a"))
    }
}
