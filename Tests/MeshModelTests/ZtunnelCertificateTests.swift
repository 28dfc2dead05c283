import Foundation
import Testing
@testable import MeshModel

@Suite struct ZtunnelCertificateTests {
    static func fixtureRows() throws -> [ZtunnelCertificateRow] {
        ZtunnelViews.certificateRows(try ZtunnelParityTests.index().dump.certificates)
    }

    static func cell(_ table: Table, _ row: Int, _ column: String) -> String {
        table.rows[row][table.columns.firstIndex { $0.name == column }!]
    }

    @Test func serialsAreTheDecimalSerialsInHex() {
        #expect(GoCompat.decimalToHex("305554775863395697262503895661564044819") == "e5dfb59150b2ba7f108d93dcec5aa613")
        #expect(GoCompat.decimalToHex("183856113797057159350158029893417591233") == "8a516645c40ce76c2c0d27ab4e2461c1")
        #expect(GoCompat.decimalToHex("0") == "0")
        #expect(GoCompat.decimalToHex("4294967296") == "100000000")
        #expect(GoCompat.decimalToHex("12a") == nil)
        #expect(GoCompat.decimalToHex("") == nil)
    }

    @Test func pemsDecodeToTheirSubjectsAndSANs() throws {
        let rows = try Self.fixtureRows()
        let leaf = try #require(try rows[0].decoded?.get())
        #expect(leaf.spiffeIDs == ["spiffe://cluster.local/ns/istio-system/sa/istiod"])
        #expect(leaf.serialNumber == "e5dfb59150b2ba7f108d93dcec5aa613")
        // The certificate itself says 2023-03-21..2023-03-22; the dump's fields were edited.
        #expect(Timestamp.rfc3339(leaf.notAfter) == "2023-03-22T13:04:57Z")
        let root = try #require(try rows[1].decoded?.get())
        #expect(root.subject == "O=cluster.local")
        #expect(root.isCA)
    }

    /// VALID CERT is "now strictly inside [validFrom, expirationTime]" of the dump's fields.
    @Test func validityFollowsTheInjectedClock() throws {
        let rows = try Self.fixtureRows()
        func valid(_ at: String) -> String {
            Self.cell(ZtunnelViews.certificateTable(rows, now: Timestamp.parse(at)!), 0, "VALID CERT")
        }
        #expect(valid("2023-03-21T13:02:57Z") == "false")  // the first instant is not after validFrom
        #expect(valid("2023-03-21T13:02:58Z") == "true")
        #expect(valid("2033-03-22T13:04:56Z") == "true")
        #expect(valid("2033-03-22T13:04:57Z") == "false")
        // The root's window is inverted (expires before it starts): never valid.
        let table = ZtunnelViews.certificateTable(rows, now: Timestamp.parse("2022-03-20T00:00:00Z")!)
        #expect(Self.cell(table, 1, "VALID CERT") == "false")
    }

    /// With the real clock: the leaf's dump window runs to 2033, the root's is inverted,
    /// and PEM VALID reports the certificates' own windows (leaf expired in 2023).
    @Test func realClock() throws {
        let now = Date()
        let table = ZtunnelViews.certificateTable(try Self.fixtureRows(), now: now)
        let leafValid = now < Timestamp.parse("2033-03-22T13:04:57Z")!
        #expect(Self.cell(table, 0, "VALID CERT") == String(leafValid))
        #expect(Self.cell(table, 1, "VALID CERT") == "false")
        #expect(Self.cell(table, 0, "PEM VALID") == "false")
        #expect(Self.cell(table, 1, "PEM VALID") == String(now < Timestamp.parse("2033-03-18T13:04:49Z")!))
        #expect(Self.cell(table, 2, "VALID CERT") == "false")  // Initializing: no chain
    }

    @Test func anUnparsablePEMIsShownNotFatal() throws {
        let text = #"""
        {"certificates": [
          {"identity": "spiffe://td/ns/a/sa/bad", "state": "Available",
           "certChain": [{"pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "serialNumber": "255",
                          "validFrom": "2024-01-01T00:00:00Z", "expirationTime": "2025-01-01T00:00:00Z"}]},
          {"identity": "spiffe://td/ns/a/sa/ok", "state": "Initializing", "certChain": []}
        ]}
        """#
        let dump = ZtunnelDump.decode(try JSONDocument(text))
        let table = ZtunnelViews.certificateTable(ZtunnelViews.certificateRows(dump.certificates), now: Timestamp.parse("2024-06-01T00:00:00Z")!)
        #expect(table.rows.count == 2)
        #expect(Self.cell(table, 0, "VALID CERT").hasPrefix("INVALID: not an X.509 certificate"))
        #expect(Self.cell(table, 0, "SERIAL NUMBER") == "ff")
        #expect(Self.cell(table, 0, "TYPE") == "Leaf")
        #expect(Self.cell(table, 1, "STATUS") == "Initializing")
    }

    @Test func missingDumpFieldsFallBackToThePEM() throws {
        let original = try ZtunnelParityTests.index().dump.certificates[0].certChain[1]
        var c = ZtunnelCertificate(raw: try JSONDocument("{}").root)
        c.identity = "spiffe://cluster.local/ns/x/sa/y"
        c.state = "Available"
        c.certChain = [ZtunnelCertEntry(pem: original.pem)]
        c.rootCerts = [ZtunnelCertEntry(pem: original.pem)]
        let rows = ZtunnelViews.certificateRows([c])
        #expect(rows.map(\.type) == ["Leaf", "Root"])  // roots listed separately: the chain's last is not a root
        let table = ZtunnelViews.certificateTable(rows, now: Timestamp.parse("2024-06-01T00:00:00Z")!)
        #expect(Array(table.rows[0][0..<7]) == [
            "spiffe://cluster.local/ns/x/sa/y", "Leaf", "Available", "true", "8a516645c40ce76c2c0d27ab4e2461c1",
            "2033-03-18T13:04:49Z", "2023-03-21T13:04:49Z",
        ])
    }
}

@Suite struct GoCompatTests {
    @Test func splitHostPortLikeGo() {
        #expect(GoCompat.splitHostPort("10.0.0.1:80")! == ("10.0.0.1", "80"))
        #expect(GoCompat.splitHostPort("[fd00::1]:15008")! == ("fd00::1", "15008"))
        #expect(GoCompat.splitHostPort("ratings.am.svc.cluster.local") == nil)  // missing port
        #expect(GoCompat.splitHostPort("fd00::1:80") == nil)  // too many colons
        #expect(GoCompat.joinHostPort("fd00::1", "80") == "[fd00::1]:80")
        #expect(GoCompat.joinHostPort("a.b.svc", "80") == "a.b.svc:80")
    }

    @Test func bytewiseOrderNotUnicodeOrder() {
        #expect(GoCompat.less("Z", "a"))
        #expect(GoCompat.less(("a", "b"), ("a", "c")))
        #expect(!GoCompat.less(("a", "b"), ("a", "b")))
        #expect(GoCompat.compare("ab", "abc") < 0 && GoCompat.compare("é", "e") > 0 && GoCompat.compare("x", "x") == 0)
    }
}
