import Foundation
import Testing
@testable import MeshModel

/// The one-pass reader of Prometheus's compact instant-vector answer agrees with the general
/// JSON decoder on every body it accepts, and declines (so the general decoder answers)
/// everything unusual: truncation, escapes, whitespace, warnings, other shapes, odd numbers.
@Suite struct PrometheusVectorScannerTests {
    /// Same result type, warnings, labels and samples (NaN equal to NaN).
    static func same(_ a: PrometheusAPIResult, _ b: PrometheusAPIResult) -> Bool {
        guard a.resultType == b.resultType, a.warnings == b.warnings, a.series.count == b.series.count else { return false }
        for (x, y) in zip(a.series, b.series) {
            guard x.labels == y.labels, x.samples.count == y.samples.count else { return false }
            for (s, t) in zip(x.samples, y.samples) {
                guard s.time.bitPattern == t.time.bitPattern || s.time == t.time,
                      s.value.bitPattern == t.value.bitPattern || s.value == t.value || (s.value.isNaN && t.value.isNaN) else { return false }
            }
        }
        return true
    }

    /// Checks `body`: whatever the scanner accepts the general decoder reads the same way, and
    /// ``PrometheusAPIResult/decode(_:)`` answers as the general decoder does. Returns whether
    /// the scanner accepted it.
    @discardableResult
    static func agree(_ body: [UInt8], _ note: Comment? = nil) -> Bool {
        let fast = PrometheusVectorScanner.scan(body)
        let generic = Result { () throws(PrometheusAPIError) in try PrometheusAPIResult.decodeGeneric(body) }
        let decoded = Result { () throws(PrometheusAPIError) in try PrometheusAPIResult.decode(body) }
        switch (generic, decoded) {
        case (.success(let g), .success(let d)): #expect(same(g, d), note)
        case (.failure(let g), .failure(let d)): #expect(g == d, note)
        default: Issue.record("decode and the general decoder disagree on \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        if let fast {
            guard case .success(let g) = generic else {
                Issue.record("scanner accepted what the general decoder refuses: \(String(decoding: body.prefix(200), as: UTF8.self))")
                return true
            }
            #expect(same(fast, g), note)
        }
        return fast != nil
    }

    static func answer(_ items: [String], tail: String = "") -> [UInt8] {
        Array(#"{"status":"success","data":{"resultType":"vector","result":[\#(items.joined(separator: ","))]}\#(tail)}"#.utf8)
    }

    static func item(_ labels: String, _ time: String = "1796579536.476", _ value: String = "\"43.85440536601707\"") -> String {
        #"{"metric":{\#(labels)},"value":[\#(time),\#(value)]}"#
    }

    static let typical = answer((0..<40).map { i in
        item(#""connection_security_policy":"mutual_tls","destination_principal":"spiffe://cluster.local/ns/demo-\#(i % 7)/sa/svc-\#(i)","destination_service":"svc-\#(i).demo-\#(i % 7).svc.cluster.local","destination_workload":"svc-\#(i)-v1","destination_workload_namespace":"demo-\#(i % 7)","meshscope":"\#(["opened", "requests", "p50"][i % 3])","reporter":"\#(i % 2 == 0 ? "source" : "destination")","request_protocol":"http","response_code":"\#(i % 5 == 0 ? "503" : "200")","source_workload":"svc-\#(i % 9)-v1","source_workload_namespace":"demo-\#(i % 9)""#,
             "1796579536.\(i)", "\"\(Double(i) * 1.25)\"")
    })

    @Test func acceptsTheTypicalAnswerAndReadsItAsTheGeneralDecoder() throws {
        #expect(Self.agree(Self.typical))
        let r = try #require(PrometheusVectorScanner.scan(Self.typical))
        #expect(r.series.count == 40)
        #expect(r.series[3].labels["destination_workload"] == "svc-3-v1")
        #expect(r.series[3].samples == [.init(time: 1796579536.3, value: 3.75)])
        #expect(Self.agree(Self.answer([])))
        #expect(Self.agree(Self.answer([Self.item("")])))
        #expect(Self.agree(Array((String(decoding: Self.typical, as: UTF8.self) + "\n").utf8)))
    }

    @Test func everyTruncationIsDeclinedAndRefused() {
        let body = Self.answer([Self.item(#""a":"b","c":"d""#), Self.item(#""a":"e""#, "1", "\"NaN\"")])
        for n in 0..<body.count {
            let prefix = Array(body.prefix(n))
            #expect(!Self.agree(prefix), "prefix \(n)")
            #expect(throws: PrometheusAPIError.self) { try PrometheusAPIResult.decode(prefix) }
        }
        #expect(Self.agree(body))
    }

    @Test func escapesControlsAndWhitespaceGoToTheGeneralDecoder() throws {
        for labels in [#""a":"q\"uote""#, #""a":"\u00e9""#, #""a\/b":"c""#, #""a":"back\\slash""#] {
            let body = Self.answer([Self.item(labels)])
            #expect(!Self.agree(body), "\(labels)")
            #expect(try PrometheusAPIResult.decode(body).series.count == 1)
        }
        // A raw control character is not JSON: declined here, refused there.
        #expect(!Self.agree(Self.answer([Self.item("\"a\":\"x\u{01}y\"")])))
        // Whitespace anywhere but at the end: read by the general decoder.
        #expect(!Self.agree(Array(#"{"status": "success","data":{"resultType":"vector","result":[]}}"#.utf8)))
        #expect(!Self.agree(Self.answer([#"{"metric":{"a": "b"},"value":[1,"2"]}"#])))
        // Invalid UTF-8 is repaired the same way by both.
        var bytes = Self.answer([Self.item(#""a":"xZy""#)])
        if let z = bytes.firstIndex(of: UInt8(ascii: "Z")) { bytes[z] = 0xFF }
        #expect(Self.agree(bytes))
        #expect(try PrometheusAPIResult.decode(bytes).series[0].labels["a"] == "x\u{FFFD}y")
    }

    @Test func otherShapesGoToTheGeneralDecoder() throws {
        #expect(!Self.agree(Self.answer([Self.item(#""a":"b""#)], tail: #","warnings":["store down"]"#)))
        #expect(try PrometheusAPIResult.decode(Array(#"{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["store down"]}"#.utf8)).warnings == ["store down"])
        for body in [#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"2"]]}]}}"#,
                     #"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
                     #"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#,
                     #"{"status":"success","data":[{"a":"b"}]}"#,
                     #"{"data":{"resultType":"vector","result":[]},"status":"success"}"#,
                     #"{"status":"success","data":{"result":[],"resultType":"vector"}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"2"],"metric":{"a":"b"}}]}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"metric":{"a":"c"},"value":[1,"2"]}]}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"2"],"value":[1,"3"]}]}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":[1,"2",3]}]}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b"},"value":["1","2"]}]}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[]}}x"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[]}}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[],}}"#,
                     #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]},]}}"#] {
            #expect(!Self.agree(Array(body.utf8)), "\(body)")
        }
    }

    @Test func duplicateLabelsKeepTheLastValueAsTheGeneralDecoder() throws {
        let body = Self.answer([Self.item(#""a":"first","b":"x","a":"second""#)])
        #expect(Self.agree(body))
        #expect(try PrometheusAPIResult.decode(body).series[0].labels == ["a": "second", "b": "x"])
    }

    @Test func numbersAndSpecialValuesAsTheGeneralDecoder() {
        let times = ["0", "-0", "1", "1.5", "1e3", "1E+3", "2.5e-3", "1e400", "-1e400", "123456789012345678901234567890", "01", "1.", ".5", "-", "1e", "+1", "0x10", "NaN", "1.5.5"]
        let values = ["\"NaN\"", "\"+Inf\"", "\"Inf\"", "\"-Inf\"", "\"nan\"", "\"inf\"", "\"infinity\"", "\"1e400\"", "\"-1e400\"", "\"0x10\"", "\"\"", "\" 1\"", "\"1 \"",
                      "\"1_0\"", "\"-0\"", "\"3.0000000000000000000001\"", "\"179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\"", "1", "null"]
        var accepted = 0
        for t in times {
            for v in values where Self.agree(Self.answer([Self.item(#""a":"b""#, t, v)]), "time \(t) value \(v)") { accepted += 1 }
        }
        #expect(accepted > 50)
        #expect(PrometheusVectorScanner.scan(Self.answer([Self.item("", "1", "\"NaN\"")]))?.series[0].value?.isNaN == true)
        #expect(PrometheusVectorScanner.scan(Self.answer([Self.item("", "1", "\"-Inf\"")]))?.series[0].value == -.infinity)
    }

    /// Every byte of a typical answer replaced by each of a few significant bytes.
    @Test func singleByteMutationsAgree() {
        let body = Self.answer([Self.item(#""a":"bc","reporter":"source""#, "17.5", "\"2.5\""), Self.item(#""a":"d""#, "18", "\"+Inf\"")])
        for at in body.indices {
            for byte in Array("\"\\,:{}[]0.e-a ".utf8) + [0x00, 0x0A, 0xFF] where body[at] != byte {
                var m = body
                m[at] = byte
                Self.agree(m, "byte \(at) → \(byte)")
            }
        }
    }

    /// The general decoder's bounds hold here too: a body it refuses for a string's length or
    /// its count of tokens is never accepted by the one-pass reader.
    @Test func theGeneralDecodersLimitsAreKept() throws {
        let defaults = PrometheusVectorScanner.Limits()
        #expect(defaults.maxStringBytes == JSONTapeBuilder.maxStringBytes && defaults.maxTokens == JSONTapeBuilder.maxTokens)
        let body = Self.answer([Self.item(#""a":"0123456789","bc":"d""#, "17.5", "\"2.5\""), Self.item(#""a":"e""#, "18", "\"+Inf\"")])
        #expect(Self.agree(body))
        // Tokens: as many as the general decoder's tape has entries.
        let tokens = try JSONDocument(bytes: body).tape.count
        var limits = PrometheusVectorScanner.Limits()
        limits.maxTokens = tokens
        #expect(PrometheusVectorScanner.scan(body, limits: limits) == nil)
        limits.maxTokens = tokens + 1
        #expect(PrometheusVectorScanner.scan(body, limits: limits) != nil)
        // Strings (names, values, the sample's value) and numbers: under the bound, not at it.
        limits = PrometheusVectorScanner.Limits()
        limits.maxStringBytes = 10
        #expect(PrometheusVectorScanner.scan(body, limits: limits) == nil)
        limits.maxStringBytes = 11
        #expect(PrometheusVectorScanner.scan(body, limits: limits) != nil)
        let longTime = Self.answer([Self.item(#""a":"b""#, "1234567890.5", "\"1\"")])
        limits.maxStringBytes = 12
        #expect(PrometheusVectorScanner.scan(longTime, limits: limits) == nil)
        limits.maxStringBytes = 13
        #expect(PrometheusVectorScanner.scan(longTime, limits: limits) != nil)
        limits = PrometheusVectorScanner.Limits()
        limits.maxInputBytes = body.count
        #expect(PrometheusVectorScanner.scan(body, limits: limits) == nil)
    }
}
