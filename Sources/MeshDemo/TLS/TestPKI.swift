import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority with a server certificate for 127.0.0.1 and
/// localhost, and client certificates for named users: what the fake API server needs
/// for TLS, CA verification and client-certificate authentication tests.
///
/// ```swift
/// let pki = try TestPKI.generate(serverNames: ["localhost"])
/// let alice = try pki.clientCertificate(user: "alice", groups: ["system:masters"])
/// alice.certificatePEM   // "-----BEGIN CERTIFICATE-----\n..."
/// ```
public struct TestPKI: Sendable {
    public let caCertificatePEM: String
    public let serverCertificatePEM: String
    public let serverKeyPEM: String
    let caKeyPEM: String

    public struct ClientCertificate: Sendable {
        public let certificatePEM: String
        public let keyPEM: String
    }

    /// - Parameter includeLoopbackIP: put 127.0.0.1 in the server certificate. Without it
    ///   only the names verify, which is what tls-server-name tests need (NIOSSL accepts a
    ///   certificate whose IP SAN matches the connected address, whatever the name).
    public static func generate(serverNames: [String], includeLoopbackIP: Bool = true) throws -> TestPKI {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("meshscope tests")
            CommonName("meshscope test CA")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400 * 30),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey)
        )
        let serverKey = P256.Signing.PrivateKey()
        var names: [GeneralName] = serverNames.map { .dnsName($0) }
        if includeLoopbackIP { names.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))) }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400 * 30),
            issuer: caName, subject: try DistinguishedName { CommonName("kube-apiserver") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey)
        )
        return TestPKI(
            caCertificatePEM: try ca.serializeAsPEM().pemString,
            serverCertificatePEM: try server.serializeAsPEM().pemString,
            serverKeyPEM: serverKey.pemRepresentation,
            caKeyPEM: caKey.pemRepresentation
        )
    }

    /// A client certificate signed by the CA: CN is the user, O the groups (as Kubernetes reads them).
    public func clientCertificate(user: String, groups: [String] = []) throws -> ClientCertificate {
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: caKeyPEM)
        let caCert = try Certificate(pemEncoded: caCertificatePEM)
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let subject = try DistinguishedName {
            for g in groups { OrganizationName(g) }
            CommonName(user)
        }
        let cert = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400 * 30),
            issuer: caCert.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.clientAuth])
            },
            issuerPrivateKey: .init(caKey)
        )
        return ClientCertificate(certificatePEM: try cert.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
    }
}
