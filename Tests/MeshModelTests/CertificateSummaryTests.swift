import Foundation
import Testing
@testable import MeshModel

@Suite struct CertificateSummaryTests {
    /// The waypoint capture's ROOTCA secret, checked against istioctl's expected row.
    @Test func decodesRootCAFromRealSecret() throws {
        let doc = try JSONDocument(bytes: try Fixtures.bytes("envoy/secrets/istio/config_dump.json"))
        var found: [CertificateSummary] = []
        func walk(_ v: JSONValue) {
            if v.isObject {
                for (k, child) in v.members {
                    if k == "inline_bytes" || k == "inlineBytes", let s = child.string {
                        found += CertificateSummary.decodeBase64(s).compactMap { try? $0.get() }
                    } else {
                        walk(child)
                    }
                }
            } else if v.isArray {
                v.elements.forEach(walk)
            }
        }
        walk(doc.root)
        let root = try #require(found.first { $0.serialNumber == "0193a543fe2b0d9cd4847675394dfc54" })
        #expect(Timestamp.rfc3339(root.notAfter) == "2033-05-02T03:41:33Z")
        #expect(Timestamp.rfc3339(root.notBefore) == "2023-05-05T03:41:33Z")
        #expect(root.isCA)
        #expect(root.isValid(at: Timestamp.parse("2026-01-01T00:00:00Z")!))
    }

    @Test func timestampsRoundTrip() {
        let d = Timestamp.parse("2023-05-16T01:32:52Z")!
        #expect(Timestamp.rfc3339(d) == "2023-05-16T01:32:52Z")
        #expect(Timestamp.parse("2023-05-16T03:32:52.5+02:00")!.timeIntervalSince1970 == d.timeIntervalSince1970 + 0.5)
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }

    @Test func garbageIsAnErrorInPlace() {
        let r = CertificateSummary.decodePEMChain("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        #expect(r.count == 1)
        if case .failure(let e) = r[0] { #expect(e.reason.hasPrefix("not an X.509")) } else { Issue.record("expected failure") }
    }
}
