import Foundation
import SwiftASN1
import X509

/// The public facts of one X.509 certificate, as mesh tools show them.
///
/// Built from PEM or DER; private keys in the input are skipped, never parsed or kept.
///
/// ```swift
/// let chain = CertificateSummary.decodePEMChain(pem)
/// chain.first?.value?.spiffeIDs   // ["spiffe://cluster.local/ns/default/sa/httpbin"]
/// ```
public struct CertificateSummary: Sendable, Equatable {
    public var subject: String
    public var issuer: String
    /// Serial as istioctl prints it: lowercase hex of the minimal big-endian bytes.
    public var serialNumber: String
    public var notBefore: Date
    public var notAfter: Date
    public var dnsNames: [String]
    public var uris: [String]
    public var isCA: Bool

    public var spiffeIDs: [String] { uris.filter { $0.hasPrefix("spiffe://") } }

    /// Trust domain of the first SPIFFE ID (`cluster.local` in `spiffe://cluster.local/ns/a/sa/b`).
    public var trustDomain: String? {
        guard let id = spiffeIDs.first else { return nil }
        let rest = id.dropFirst("spiffe://".count)
        return String(rest.prefix { $0 != "/" })
    }

    public func isValid(at now: Date) -> Bool { now >= notBefore && now <= notAfter }

    public init(der: [UInt8]) throws(CertificateDecodeError) {
        let cert: Certificate
        do {
            cert = try Certificate(derEncoded: der)
        } catch {
            throw CertificateDecodeError(reason: "not an X.509 certificate (\(error))")
        }
        subject = cert.subject.description
        issuer = cert.issuer.description
        var serial = Array(cert.serialNumber.bytes)
        while serial.count > 1 && serial.first == 0 { serial.removeFirst() }
        serialNumber = serial.map { byte in
            let hex = Array("0123456789abcdef")
            return String([hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }.joined()
        notBefore = cert.notValidBefore
        notAfter = cert.notValidAfter
        var dns: [String] = []
        var uris: [String] = []
        if let sans = try? cert.extensions.subjectAlternativeNames {
            for name in sans {
                switch name {
                case .dnsName(let d): dns.append(d)
                case .uniformResourceIdentifier(let u): uris.append(u)
                default: break
                }
            }
        }
        dnsNames = dns
        self.uris = uris
        if case .isCertificateAuthority = try? cert.extensions.basicConstraints {
            isCA = true
        } else {
            isCA = false
        }
    }

    /// Decodes every `CERTIFICATE` block of a PEM text, in order. Blocks that fail are
    /// reported in place so a table can show `INVALID: reason` without losing the rest.
    /// Any other block type (private keys above all) is ignored.
    public static func decodePEMChain(_ pem: String) -> [Result<CertificateSummary, CertificateDecodeError>] {
        var results: [Result<CertificateSummary, CertificateDecodeError>] = []
        var inCert = false
        var body = ""
        for rawLine in pem.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line == "-----BEGIN CERTIFICATE-----" {
                inCert = true
                body = ""
            } else if line == "-----END CERTIFICATE-----" {
                if inCert {
                    if let der = Data(base64Encoded: body) {
                        results.append(Result { () throws(CertificateDecodeError) in try CertificateSummary(der: [UInt8](der)) })
                    } else {
                        results.append(.failure(CertificateDecodeError(reason: "bad base64 in PEM block")))
                    }
                }
                inCert = false
            } else if inCert {
                body += line
            }
        }
        if results.isEmpty && !pem.isEmpty {
            results.append(.failure(CertificateDecodeError(reason: "no CERTIFICATE block in PEM")))
        }
        return results
    }

    /// Certificates carried base64-encoded (Envoy's `inline_bytes`, ztunnel's chains):
    /// the base64 may wrap PEM text or raw DER.
    public static func decodeBase64(_ b64: String) -> [Result<CertificateSummary, CertificateDecodeError>] {
        guard let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters) else {
            return [.failure(CertificateDecodeError(reason: "bad base64"))]
        }
        let bytes = [UInt8](data)
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN") {
            return decodePEMChain(text)
        }
        return [Result { () throws(CertificateDecodeError) in try CertificateSummary(der: bytes) }]
    }
}

public struct CertificateDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
