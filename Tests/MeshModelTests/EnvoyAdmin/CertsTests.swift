import Foundation
import Testing
@testable import MeshModel

@Suite struct CertsTests {
    static func load(_ dir: String) throws -> EnvoyCerts {
        try EnvoyCerts.decode(try Fixtures.bytes("envoy-admin/\(dir)/certs.json"))
    }

    @Test func is160() throws {
        let c = try Self.load("is160")
        #expect(c.contexts.count == 29)
        #expect(c.certificateCount == 58)
        let chain = c.contexts[0].certChain[0]
        #expect(chain.path == "<inline>")
        #expect(chain.serialNumber == "d88fe17a6f19be26f1cb181a5566c5c5")
        #expect(chain.subjectAltNames == [.uri("spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account")])
        #expect(chain.daysUntilExpiration == 0)
        #expect(chain.validFrom.map(Timestamp.rfc3339) == "2020-06-09T03:34:38Z")
        #expect(chain.expirationTime.map(Timestamp.rfc3339) == "2020-06-10T03:34:38Z")
        let ca = c.contexts[0].caCerts[0]
        #expect(ca.path == "./var/run/secrets/istio/root-cert.pem")
        #expect(ca.daysUntilExpiration == 3632)
        #expect(ca.subjectAltNames.isEmpty)
        #expect(ca.expirationTime.map(Timestamp.rfc3339) == "2030-05-20T14:39:27Z")
    }

    @Test func is160TableDeduplicates() throws {
        let t = CertsTable.build(try Self.load("is160"))
        #expect(t.render() == """
        TYPE         PATH                                    SERIAL NUMBER                      SANS                                                                             VALID FROM             EXPIRATION             DAYS LEFT
        CA           ./var/run/secrets/istio/root-cert.pem   79b7e16e612e50a1d84f88deb33d18d4                                                                                    2020-05-22T14:39:27Z   2030-05-20T14:39:27Z   3632
        Cert Chain   <inline>                                d88fe17a6f19be26f1cb181a5566c5c5   spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account   2020-06-09T03:34:38Z   2020-06-10T03:34:38Z   0
        CA           <inline>                                79b7e16e612e50a1d84f88deb33d18d4                                                                                    2020-05-22T14:39:27Z   2030-05-20T14:39:27Z   3632

        """)
        #expect(t.rows.map { $0[7] } == ["1", "29", "28"])
    }

    /// Istio 1.1: no validity dates, only days left.
    @Test func pp11AndEgress() throws {
        let pp = try Self.load("pp11")
        #expect(pp.contexts.count == 4)
        let chain = pp.contexts[3].certChain[0]
        #expect(chain.path == "/etc/certs/cert-chain.pem")
        #expect(chain.serialNumber == "4d56fffa4096bbdbaf7fbca32f155b23")
        #expect(chain.subjectAltNames == [.uri("spiffe://cluster.local/ns/default/sa/default")])
        #expect(chain.daysUntilExpiration == 89)
        #expect(chain.validFrom == nil && chain.expirationTime == nil)
        #expect(CertsTable.build(pp).rows.map { [$0[0], $0[4], $0[5], $0[6]] } == [["CA", "-", "-", "99"], ["Cert Chain", "-", "-", "89"]])

        let eg = try Self.load("egress")
        #expect(eg.contexts.count == 3)
        let e = eg.contexts[0].certChain[0]
        #expect(e.subjectAltNames == [.uri("spiffe://cluster.local/ns/istio-system/sa/istio-egressgateway-service-account")])
        #expect(e.daysUntilExpiration == 88)
        #expect(e.expirationTime.map(Timestamp.rfc3339) == "2019-02-18T15:24:54Z")
        #expect(eg.contexts[0].caCerts[0].serialNumber == "8e2582c21cfb8a7926cf81a6a6e8de26")
    }

    @Test func preEnvoy19StringShape() throws {
        let json = """
        {"certificates": [{"ca_cert": "Certificate Path: /etc/certs/root-cert.pem, Serial Number: 3c8a, Days until Expiration: 364",
                           "cert_chain": "Certificate Path: /etc/certs/cert-chain.pem, Serial Number: 1f, Days until Expiration: 89"}]}
        """
        let c = try EnvoyCerts.decode(Array(json.utf8))
        #expect(c.contexts[0].caCerts == [EnvoyCertificate(path: "/etc/certs/root-cert.pem", serialNumber: "3c8a", daysUntilExpiration: 364)])
        #expect(c.contexts[0].certChain[0].daysUntilExpiration == 89)
    }

    @Test func dnsAndIPSANs() throws {
        let json = #"{"certificates":[{"cert_chain":[{"path":"default","serial_number":"01","subject_alt_names":[{"dns":"web.example.com"},{"ip_address":"10.0.0.1"}],"days_until_expiration":"30","valid_from":"2024-01-01T00:00:00Z","expiration_time":"2024-03-01T00:00:00Z"}]}]}"#
        let c = try EnvoyCerts.decode(Array(json.utf8))
        #expect(c.contexts[0].caCerts.isEmpty)
        #expect(CertsTable.build(c).rows[0][3] == "web.example.com,10.0.0.1")
    }

    /// A PEM file (the real istio ROOTCA from the secrets capture) decodes through CertificateSummary.
    @Test func pemInput() throws {
        let pem = try Self.rootCAPEM()
        let c = try EnvoyCerts.decode(Array(pem.utf8), now: Timestamp.parse("2030-05-02T03:41:33Z")!)
        let ca = try #require(c.contexts.first?.caCerts.first)
        #expect(ca.serialNumber == "0193a543fe2b0d9cd4847675394dfc54")
        #expect(ca.expirationTime.map(Timestamp.rfc3339) == "2033-05-02T03:41:33Z")
        #expect(ca.daysUntilExpiration == 1096)
        #expect(ca.summary?.isCA == true)
    }

    static func rootCAPEM() throws -> String {
        let doc = try JSONDocument(bytes: try Fixtures.bytes("envoy/secrets/istio/config_dump.json"))
        var pems: [String] = []
        func walk(_ v: JSONValue) {
            if v.isObject {
                for (k, child) in v.members {
                    if k == "inline_bytes" || k == "inlineBytes", let s = child.string,
                       let d = Data(base64Encoded: s), let text = String(data: d, encoding: .utf8), text.contains("BEGIN CERTIFICATE") {
                        pems.append(text)
                    } else {
                        walk(child)
                    }
                }
            } else if v.isArray {
                v.elements.forEach(walk)
            }
        }
        walk(doc.root)
        return try #require(pems.first { pem in
            CertificateSummary.decodePEMChain(pem).contains { (try? $0.get())?.serialNumber == "0193a543fe2b0d9cd4847675394dfc54" }
        })
    }

    @Test func badInput() {
        #expect(throws: AdminDecodeError.self) { try EnvoyCerts.decode(Array("nope".utf8)) }
        do {
            _ = try EnvoyCerts.decode(Array(#"{"certificates": [{"cert_chain": [{"path": "a", "valid_from": "yesterday"}]}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "$.certificates[0].cert_chain[0].valid_from: not an RFC 3339 timestamp: yesterday")
        }
    }
}
