import Foundation

/// Envoy's `/certs`: for each TLS context, its CA certificates and certificate chain with
/// path (or `<inline>`/SDS name), serial, SANs, validity and days to expiry.
///
/// Reads the v3 shape (`envoy.admin.v3.Certificates`), the Istio 1.1-era one (no
/// `valid_from`/`expiration_time`), and the pre-1.9 one whose entries are strings like
/// `Certificate Path: /etc/certs/root-cert.pem, Serial Number: 1f, Days until Expiration: 89`.
/// A PEM or DER certificate file decodes too, through ``CertificateSummary``.
///
/// ```swift
/// let certs = try EnvoyCerts.decode(bytes)
/// certs.contexts[0].certChain[0].subjectAltNames   // [.uri("spiffe://cluster.local/ns/default/sa/default")]
/// ```
public struct EnvoyCerts: Sendable, Equatable {
    /// One entry of `certificates`: a TLS context.
    public struct Context: Sendable, Equatable {
        public var caCerts: [EnvoyCertificate]
        public var certChain: [EnvoyCertificate]

        public init(caCerts: [EnvoyCertificate] = [], certChain: [EnvoyCertificate] = []) {
            self.caCerts = caCerts
            self.certChain = certChain
        }
    }

    public var contexts: [Context]

    public init(contexts: [Context] = []) { self.contexts = contexts }

    public var certificateCount: Int { contexts.reduce(0) { $0 + $1.caCerts.count + $1.certChain.count } }
}

public enum SubjectAltName: Sendable, Hashable, CustomStringConvertible {
    case uri(String)
    case dns(String)
    case ipAddress(String)

    public var description: String {
        switch self {
        case .uri(let s), .dns(let s), .ipAddress(let s): s
        }
    }
}

/// `envoy.admin.v3.CertificateDetails`.
public struct EnvoyCertificate: Sendable, Equatable {
    /// File path, `<inline>`, or the SDS secret name.
    public var path: String
    public var serialNumber: String
    public var subjectAltNames: [SubjectAltName]
    /// As Envoy computed it when the capture was taken.
    public var daysUntilExpiration: Int?
    public var validFrom: Date?
    public var expirationTime: Date?
    /// OCSP response validity, when Envoy staples one.
    public var ocspValidFrom: Date?
    public var ocspExpiration: Date?
    /// The decoded certificate, when the input carried its bytes (a PEM/DER file, or an
    /// entry with `inline_bytes`/`inline_string`).
    public var summary: CertificateSummary?

    public init(path: String, serialNumber: String, subjectAltNames: [SubjectAltName] = [], daysUntilExpiration: Int? = nil,
                validFrom: Date? = nil, expirationTime: Date? = nil, summary: CertificateSummary? = nil) {
        self.path = path
        self.serialNumber = serialNumber
        self.subjectAltNames = subjectAltNames
        self.daysUntilExpiration = daysUntilExpiration
        self.validFrom = validFrom
        self.expirationTime = expirationTime
        self.summary = summary
    }

    /// From a decoded X.509 certificate; days left counted from `now`, as Envoy does (whole days, floor).
    public init(summary: CertificateSummary, path: String, now: Date) {
        self.init(path: path, serialNumber: summary.serialNumber,
                  subjectAltNames: summary.uris.map(SubjectAltName.uri) + summary.dnsNames.map(SubjectAltName.dns),
                  daysUntilExpiration: max(0, Int((summary.notAfter.timeIntervalSince(now) / 86_400).rounded(.down))),
                  validFrom: summary.notBefore, expirationTime: summary.notAfter, summary: summary)
    }
}
