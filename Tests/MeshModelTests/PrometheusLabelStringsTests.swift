import Foundation
import Testing
@testable import MeshModel

/// Label sets decoded through ``PrometheusAPIResult/LabelStrings`` (each distinct string made
/// once per answer) are exactly what reading every member with ``JSONValue/string`` gives.
@Suite struct PrometheusLabelStringsTests {
    /// The reference: every member of every `metric` object read on its own.
    static func reference(_ body: [UInt8]) throws -> [[String: String]] {
        let doc = try JSONDocument(bytes: body)
        let items = try #require(doc.root["data"]?["result"]?.array)
        return items.map { item in
            var out: [String: String] = [:]
            if let metric = item["metric"] {
                for (k, v) in metric.members { out[k] = v.string }
            }
            return out
        }
    }

    @Test func repeatedEscapedAndUnicodeLabelsDecodeAsEachAlone() throws {
        let principal = "spiffe://cluster.local/ns/bookinfo-ambient/sa/bookinfo-productpage"
        var rows: [String] = []
        for i in 0..<50 {
            let workload = ["reviews-v1", "details-v1", "a-workload-name-longer-than-fifteen-bytes"][i % 3]
            rows.append(#"{"metric":{"meshscope":"requests","source_principal":"\#(principal)","destination_workload":"\#(workload)","#
                + #""destination_service":"q\"uoted\\back\u00e9\/slash","ünïcode_näme":"välue-\#(i % 4)","empty":"","#
                + #""source_workload":"\#(workload)"},"value":[1,"\#(i)"]}"#)
        }
        let body = Array(#"{"status":"success","data":{"resultType":"vector","result":[\#(rows.joined(separator: ","))]}}"#.utf8)
        let result = try PrometheusAPIResult.decode(body)
        let want = try Self.reference(body)
        #expect(result.series.count == 50)
        #expect(result.series.map(\.labels) == want)
        #expect(result.series[0].labels["destination_service"] == "q\"uoted\\backé/slash")
        #expect(result.series[5].labels["ünïcode_näme"] == "välue-1")
        #expect(result.series[7].labels["empty"] == "")
        #expect(result.series.map { $0.samples.first?.value } == (0..<50).map { Double($0) })
    }

    @Test func aLabelThatIsNotAStringIsStillRefused() {
        let body = Array(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"x"},"value":[1,"1"]},{"metric":{"a":1},"value":[1,"1"]}]}}"#.utf8)
        #expect(throws: PrometheusAPIError.self) { try PrometheusAPIResult.decode(body) }
    }

    /// A matrix (the history's `query_range`) reads its labels the same way.
    @Test func matrixLabels() throws {
        let body = Array(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"k":"v","long_label_name_here":"long-value-here-too"},"values":[[1,"1"],[2,"2"]]},{"metric":{"k":"v","long_label_name_here":"long-value-here-too"},"values":[[1,"3"]]}]}}"#.utf8)
        let result = try PrometheusAPIResult.decode(body)
        #expect(result.series.map(\.labels) == (try Self.reference(body)))
        #expect(result.series.map(\.samples.count) == [2, 1])
    }
}
