import Foundation

/// One row of the secret table: a secret, or one trust domain's bundle of a SPIFFE
/// validator (SPIRE federation puts several roots in one `ROOTCA`).
public struct SecretItem: Sendable {
    public var name: String
    /// ACTIVE, WARMING, or UNINITIALIZED (active with `version_info: uninitialized`).
    public var status: String
    /// The first certificate of the chain or bundle, as istioctl reads it (nil when absent
    /// or not a certificate).
    public var certificate: CertificateSummary?
    /// Why the data did not decode, when there was data.
    public var decodeError: String?
    public var trustDomain: String
    public var certificateCount: Int
    /// The row is one trust domain of a SPIFFE certificate validator.
    public var fromSPIFFEValidator: Bool
}

/// `proxy-config secret`: RESOURCE NAME, TYPE, STATUS, VALID CERT, SERIAL NUMBER,
/// NOT AFTER, NOT BEFORE, and TRUST DOMAIN when a secret carries SPIFFE trust domains.
///
/// VALID CERT depends on the clock; pass `now` (tests inject a fixed one).
///
/// ```swift
/// let items = SecretView.items(dump)
/// print(SecretView.table(items, now: Date()).render())
/// ```
public enum SecretView {
    /// Warming secrets, then active ones (static secrets are not listed, as in istioctl).
    /// `inlineStrings` also reads PEM given as `inline_string` (wide); istioctl reads only
    /// `inline_bytes`.
    public static func items(_ dump: EnvoyConfigDump, inlineStrings: Bool = false) -> [SecretItem] {
        var items: [SecretItem] = []
        for s in dump.secrets where s.state == .warming { items += self.items(for: s, status: "WARMING", inlineStrings: inlineStrings) }
        for s in dump.secrets where s.state == .active {
            items += self.items(for: s, status: s.versionInfo == "uninitialized" ? "UNINITIALIZED" : "ACTIVE", inlineStrings: inlineStrings)
        }
        return items
    }

    /// Whether the dump has any dynamic (active or warming) secret; istioctl prints
    /// "No active or warming secrets found." instead of a table otherwise.
    public static func hasDynamicSecrets(_ dump: EnvoyConfigDump) -> Bool {
        dump.secrets.contains { $0.state == .active || $0.state == .warming }
    }

    public static let noSecretsMessage = "No active or warming secrets found.\n"

    static func items(for s: EnvoySecret, status: String, inlineStrings: Bool) -> [SecretItem] {
        let domains = s.spiffeTrustDomains
        if !domains.isEmpty {
            return domains.map { td in
                var i = item(s.name, status, base64: td.bundleBase64, pem: nil, trustDomain: td.name)
                i.fromSPIFFEValidator = true
                return i
            }
        }
        if let chain = s.certificateChainBase64 { return [item(s.name, status, base64: chain, pem: nil, trustDomain: nil)] }
        if let ca = s.trustedCABase64 { return [item(s.name, status, base64: ca, pem: nil, trustDomain: nil)] }
        if inlineStrings {
            if let pem = s.certificateChainPEM ?? s.trustedCAPEM { return [item(s.name, status, base64: nil, pem: pem, trustDomain: nil)] }
        }
        return [SecretItem(name: s.name, status: status, certificate: nil, decodeError: nil, trustDomain: "", certificateCount: 0, fromSPIFFEValidator: false)]
    }

    static func item(_ name: String, _ status: String, base64: String?, pem: String?, trustDomain: String?) -> SecretItem {
        var results: [Result<CertificateSummary, CertificateDecodeError>] = []
        if let base64 { results = CertificateSummary.decodeBase64(base64) } else if let pem { results = CertificateSummary.decodePEMChain(pem) }
        var cert: CertificateSummary?
        var error: String?
        switch results.first {
        case .success(let c)?: cert = c
        case .failure(let e)?: error = e.reason
        case nil: break
        }
        return SecretItem(
            name: name, status: status, certificate: cert, decodeError: error,
            trustDomain: trustDomain ?? cert?.trustDomain ?? "",
            certificateCount: results.count, fromSPIFFEValidator: false)
    }

    public static func table(_ items: [SecretItem], now: Date, options: ProxyConfigTableOptions = ProxyConfigTableOptions()) -> Table {
        // TRUST DOMAIN appears when some secret lists SPIFFE trust domains (the SPIRE layout);
        // the cert-derived domain of an ordinary Istio secret alone does not add the column.
        let showTrustDomain = items.contains { $0.fromSPIFFEValidator }
        var columns: [Table.Column] = [.init("RESOURCE NAME"), .init("TYPE"), .init("STATUS"), .init("VALID CERT"), .init("SERIAL NUMBER"), .init("NOT AFTER"), .init("NOT BEFORE")]
        if showTrustDomain { columns.append(.init("TRUST DOMAIN")) }
        if options.wide { columns += [.init("CERTS", wideOnly: true, numeric: true), .init("SPIFFE ID", wideOnly: true), .init("ERROR", wideOnly: true)] }
        var rows: [[String]] = []
        for item in items {
            let c = item.certificate
            var row = [
                options.typePrefix ? "secret/" + item.name : item.name,
                c.map { $0.isCA ? "CA" : "Cert Chain" } ?? "",
                item.status,
                // istioctl: now.After(NotBefore) && now.Before(NotAfter), both strict.
                c.map { now > $0.notBefore && now < $0.notAfter } == true ? "true" : "false",
                c?.serialNumber ?? "",
                c.map { Timestamp.rfc3339($0.notAfter) } ?? "",
                c.map { Timestamp.rfc3339($0.notBefore) } ?? "",
            ]
            if showTrustDomain { row.append(item.trustDomain) }
            if options.wide {
                row += [String(item.certificateCount), c?.spiffeIDs.first ?? "", item.decodeError ?? ""]
            }
            rows.append(row)
        }
        return Table(columns: columns, rows: rows, layout: TabWriter(padding: 5))
    }
}
