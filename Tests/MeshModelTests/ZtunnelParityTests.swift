import Foundation
import Testing
@testable import MeshModel

/// Our ztunnel tables against istioctl's renderings of the same dump.
@Suite struct ZtunnelParityTests {
    static let workloadColumns = ["NAMESPACE", "POD NAME", "ADDRESS", "NODE", "WAYPOINT", "PROTOCOL"]
    static let serviceColumns = ["NAMESPACE", "SERVICE NAME", "SERVICE VIP", "WAYPOINT", "ENDPOINTS"]
    static let policyColumns = ["NAMESPACE", "POLICY NAME", "ACTION", "SCOPE"]
    static let certificateColumns = ["CERTIFICATE NAME", "TYPE", "STATUS", "VALID CERT", "SERIAL NUMBER", "NOT AFTER", "NOT BEFORE"]
    static let connectionColumns = ["WORKLOAD", "DIRECTION", "LOCAL", "REMOTE", "REMOTE TARGET", "PROTOCOL"]

    /// The expected files were rendered while the leaf was valid and the (hand-edited) root's
    /// window was inverted; any instant inside the leaf's window reproduces them.
    static let renderedAt = Timestamp.parse("2024-06-01T00:00:00Z")!

    static func index() throws -> ZtunnelIndex {
        ZtunnelIndex(ZtunnelDump.decode(try JSONDocument(bytes: try Fixtures.bytes("ztunnel/config_dump.json"))))
    }

    @Test func workloads() throws {
        let index = try Self.index()
        let out = ZtunnelViews.workloadTable(ZtunnelViews.workloads(index), index: index).render()
        TableParity.expectSame(out, try Fixtures.text("ztunnel/expected/workloads.txt"), columns: Self.workloadColumns)
    }

    @Test func policies() throws {
        let index = try Self.index()
        let out = ZtunnelViews.policyTable(ZtunnelViews.policies(index)).render()
        TableParity.expectSame(out, try Fixtures.text("ztunnel/expected/policies.txt"), columns: Self.policyColumns)
    }

    @Test func certificates() throws {
        let index = try Self.index()
        let rows = ZtunnelViews.certificateRows(ZtunnelViews.certificates(index))
        let out = ZtunnelViews.certificateTable(rows, now: Self.renderedAt).render()
        TableParity.expectSame(out, try Fixtures.text("ztunnel/expected/certificates.txt"), columns: Self.certificateColumns)
    }

    @Test func allWithHeaders() throws {
        let index = try Self.index()
        let out = ZtunnelViews.renderAll(ZtunnelViews.allSections(index, now: Self.renderedAt), withHeaders: true)
        let expected = try Fixtures.text("ztunnel/expected/all-with-headers.txt")
        let columns = [Self.workloadColumns, Self.serviceColumns, Self.policyColumns, Self.certificateColumns, Self.connectionColumns]
        let got = TableParity.sections(out)
        let want = TableParity.sections(expected)
        #expect(got.count == 5 && want.count == 5)
        for (k, (g, w)) in zip(got, want).enumerated() { TableParity.expectSame(g, w, columns: columns[k]) }
        #expect(out == expected)
    }

    @Test func allWithoutHeaders() throws {
        let index = try Self.index()
        let out = ZtunnelViews.renderAll(ZtunnelViews.allSections(index, now: Self.renderedAt), withHeaders: false)
        let expected = try Fixtures.text("ztunnel/expected/all.txt")
        let columns = [Self.workloadColumns, Self.serviceColumns, Self.policyColumns, Self.certificateColumns, Self.connectionColumns]
        let got = TableParity.sections(out)
        let want = TableParity.sections(expected)
        #expect(got.count == 5 && want.count == 5)
        for (k, (g, w)) in zip(got, want).enumerated() { TableParity.expectSame(g, w, columns: columns[k]) }
        #expect(out == expected)
    }

    @Test func connectionsMatchTheWithHeadersSection() throws {
        let index = try Self.index()
        let rows = ZtunnelViews.connectionRows(ZtunnelViews.workloadStates(index), index: index)
        #expect(rows.count == 8)
        #expect(rows[1] == ZtunnelConnectionRow(
            workload: "productpage-v1-796f87b58-97bjk.bookinfo", direction: .inbound, local: "10.233.97.129:9080",
            remote: "10.233.97.150:35078", remoteTarget: "", protocol_: "HBONE"))
        let out = ZtunnelViews.connectionTable(rows).render()
        let expected = try Fixtures.text("ztunnel/expected/all-with-headers.txt")
        let section = try #require(TableParity.sections(expected).last)
        TableParity.expectSame(out, section, columns: Self.connectionColumns)
    }
}
