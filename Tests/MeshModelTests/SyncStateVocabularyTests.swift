import Foundation
import MeshTestSupport
import Testing
@testable import MeshModel

/// A sync state has one spelling wherever meshscope shows it (``XdsTypeStatus/State``'s
/// `description`: istioctl's table words), and CSDS JSON keeps the wire names istioctl's
/// `-o json` prints; both read back to the same state.
@Suite struct SyncStateVocabularyTests {
    static let doc = ProxyStatusTests.response(istiod: "istiod-1", [("a.ns", "Kubernetes", "1.24", ProxyStatusTests.all5)])

    @Test func everyStateReadsBackFromItsCellAndItsWireName() {
        for s in XdsTypeStatus.State.allCases {
            #expect(XdsTypeStatus.State(cell: s.description) == s)
            #expect(XdsTypeStatus.State(cell: s.description + " (5m)") == s)
            #expect(XdsTypeStatus.State(rawValue: s.rawValue) == s)
        }
        #expect(XdsTypeStatus.State.notSent.description == "NOT SENT")
        #expect(XdsTypeStatus.State(cell: "NOT_SENT") == nil)
    }

    /// istioctl's table says NOT SENT (fixture), its JSON NOT_SENT; our table, the xDS
    /// summary and the JSON follow.
    @Test func tableSummaryAndJSONAgree() throws {
        let expectedTable = try Fixtures.text("istiod/expected/proxy-status-multi-verbose.txt")
        #expect(expectedTable.contains("NOT SENT") && !expectedTable.contains("NOT_SENT"))
        let expectedJSON = try Fixtures.text("istiod/expected/proxy-status.json")
        #expect(expectedJSON.contains("\"NOT_SENT\""))

        let proxies = try ProxyStatusTests.proxies([Self.doc])
        let row = ProxyStatusView.table(proxies, verbose: true, now: ProxyStatusTests.now).rows[0]
        #expect(row.contains("NOT SENT") && !row.contains("NOT_SENT"))
        #expect(LiveTables.syncCell(proxies[0]) == "CDS STALE")
        let json = JSONWriter.string(ProxyStatusView.output(proxies))
        #expect(json.contains("\"NOT_SENT\"") && !json.contains("NOT SENT"))
    }
}
