import MeshTestSupport
import Testing
@testable import MeshModel

/// The byte toolkit (Support/Bytes) and the sensitive-field matcher, against values from
/// their definitions: FNV-1a's published test vectors, Go's `strconv.Atoi` rules, Envoy's
/// field spellings.
@Suite struct ByteToolkitTests {
    @Test func fnv1aMatchesThePublishedVectors() {
        #expect(FNV1a.hash("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
        let bytes = Array("xfoobarx".utf8)
        #expect(bytes.withUnsafeBufferPointer { FNV1a.hash($0, 1, 7) } == FNV1a.hash("foobar".utf8))
    }

    @Test func linesKeepTheirNumbersAndTellACutOffLastLine() {
        var seen: [String] = []
        Array("a\r\n\nb".utf8).withUnsafeBufferPointer { b in
            ByteText.forEachLine(b) { s, e, n, terminated in seen.append("\(n):\(ByteText.string(b, s, e)):\(terminated)") }
        }
        #expect(seen == ["1:a:true", "2::true", "3:b:false"])
    }

    @Test func substringSearch() {
        #expect(ByteText.contains(Array("outbound|80||a".utf8), Array("|80|".utf8)))
        #expect(!ByteText.contains(Array("outbound|8||a".utf8), Array("|80|".utf8)))
        #expect(ByteText.contains(Array("x".utf8), []))
        #expect(!ByteText.contains([], Array("x".utf8)))
        #expect(ByteText.contains(Array("aab".utf8)[1...], Array("ab".utf8)))
    }

    @Test func int64IsGoAtoi() {
        func parse(_ s: String) -> Int64? { ByteText.int64(s) }
        #expect(parse("8080") == 8080 && parse("+7") == 7 && parse("-7") == -7)
        #expect(parse("9223372036854775807") == Int64.max)
        #expect(parse("9223372036854775808") == nil && parse("99999999999999999999") == nil)
        #expect(parse("") == nil && parse("-") == nil && parse(" 1") == nil && parse("1.0") == nil)
    }

    @Test func sensitiveFieldsMatchEverySpelling() {
        for e in SensitiveFields.entries {
            #expect(SensitiveFields.isSensitive(key: e.name), "\(e.name)")
            #expect(SensitiveFields.isSensitive(key: e.name.uppercased()), "\(e.name)")
            #expect(!e.why.isEmpty)
        }
        #expect(SensitiveFields.isSensitive(key: "privateKey") && SensitiveFields.isSensitive(key: "sessionTicketKeys"))
        #expect(!SensitiveFields.isSensitive(key: "private_key_provider") && !SensitiveFields.isSensitive(key: "tokens"))
        #expect(!SensitiveFields.isSensitive(key: "") && !SensitiveFields.isSensitive(key: "filename"))
        // The byte prefilter finds each field however a dump spells its key.
        for e in SensitiveFields.entries {
            #expect(!SensitiveMentions(Array("{\"\(e.name)\": 1}".utf8)[...]).isEmpty, "\(e.name)")
        }
        #expect(!SensitiveMentions(Array(#"{"a": "{\"token\":\"x\"}"}"#.utf8)[...]).isEmpty)
        #expect(SensitiveMentions(Array(#"{"path": "/var/run/secrets/tokens/istio-token"}"#.utf8)[...]).isEmpty)
    }

    /// The one-pass index answers for every subtree what scanning that subtree's own bytes
    /// answers (the per-level scan it replaced), on a real dump and on a made-up one.
    @Test func sensitiveMentionsAgreeWithScanningEachSubtree() throws {
        let made = Array(#"{"a":{"b":[{"private_key":{"inline_string":"x"}},{"c":"d"}]},"e":{"f":"-----BEGIN RSA PRIVATE KEY-----"},"g":{"token":1},"h":"\"password\""}"#.utf8)
        let docs = [made, try Fixtures.bytes("envoy/sidecar/config_dump.json")]
        for bytes in docs {
            let doc = try JSONDocument(bytes: bytes)
            let mentions = SensitiveMentions(doc.root.rawBytes)
            var checked = 0
            func visit(_ v: JSONValue, depth: Int = 0) {
                let raw = v.rawBytes
                let scanned = SensitiveFields.needles.contains { ByteText.contains(raw, $0) } || ByteText.contains(raw, SensitiveFields.pemNeedle)
                #expect(mentions.mentions(raw) == scanned, "\(String(decoding: raw.prefix(80), as: UTF8.self))")
                checked += 1
                guard depth < 6 else { return }
                for (_, c) in v.members { visit(c, depth: depth + 1) }
                for c in v.elements { visit(c, depth: depth + 1) }
            }
            visit(doc.root)
            #expect(checked > 5)
        }
        #expect(!SensitiveMentions(made[...]).isEmpty && SensitiveMentions(Array(#"{"a":1}"#.utf8)[...]).isEmpty)
    }

    @Test func markersFollowEnvoy() {
        #expect(SensitiveFields.marker(forFoldedKey: "inlinebytes", inside: true) == SensitiveFields.redactedBytes)
        #expect(SensitiveFields.marker(forFoldedKey: "inlinestring", inside: true) == "[redacted]")
        #expect(SensitiveFields.marker(forFoldedKey: "inlinestring", inside: false) == nil)
        #expect(SensitiveFields.marker(forFoldedKey: "filename", inside: true) == nil)
        #expect(SensitiveFields.marker(forFoldedKey: "token", inside: true) == "[redacted]")
        // Envoy's marker for bytes is base64 of "[redacted]".
        #expect(SensitiveFields.redactedBytes == "W3JlZGFjdGVkXQ==")
    }
}
