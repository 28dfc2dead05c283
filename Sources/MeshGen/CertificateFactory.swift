import Crypto
import Foundation
import SwiftASN1
import X509

/// Real X.509 certificates for generated meshes: a root CA and SPIFFE workload leaves,
/// so every certificate view is exercised on genuine DER, not on placeholders.
/// Private keys stay inside this type; only certificate PEM leaves it.
public struct CertificateFactory: Sendable {
    public let trustDomain: String
    public let rootPEM: String
    private let rootKey: P256.Signing.PrivateKey
    private let rootName: DistinguishedName
    private let now: Date

    public init(trustDomain: String = "cluster.local", now: Date = Date(timeIntervalSince1970: 1_767_225_600)) throws {
        self.trustDomain = trustDomain
        self.now = now
        rootKey = P256.Signing.PrivateKey()
        rootName = try DistinguishedName { OrganizationName(trustDomain) }
        let root = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: [0x01, 0x93, 0xA5, 0x43, 0x0F, 0x11]),
            publicKey: .init(rootKey.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey))
        rootPEM = try root.serializeAsPEM().pemString
    }

    /// A workload certificate for `spiffe://TRUST_DOMAIN/ns/NS/sa/SA`, valid for a day
    /// around `now` unless `expired` is set. The serial is derived from `serial` so that
    /// tests can name it.
    public func leafPEM(namespace: String, serviceAccount: String, serial: UInt64, expired: Bool = false) throws -> String {
        try leafPEM(namespace: namespace, serviceAccount: serviceAccount, serial: serial, startingIn: expired ? -3 * 86_400 : -3600)
    }

    /// As above, valid for a day from `startingIn` seconds after `now` (negative: in the past),
    /// so a demo can hold a certificate that expires soon or is not valid yet.
    public func leafPEM(namespace: String, serviceAccount: String, serial: UInt64, startingIn: TimeInterval) throws -> String {
        let key = P256.Signing.PrivateKey()
        let spiffe = "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
        let start = now.addingTimeInterval(startingIn)
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(serial | 1 << 62),
            publicKey: .init(key.publicKey),
            notValidBefore: start, notValidAfter: start.addingTimeInterval(86_400),
            issuer: rootName, subject: try DistinguishedName { OrganizationName(trustDomain) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.uniformResourceIdentifier(spiffe)])
            },
            issuerPrivateKey: .init(rootKey))
        return try leaf.serializeAsPEM().pemString
    }
}
