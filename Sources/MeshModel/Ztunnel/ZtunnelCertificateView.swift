import Foundation

/// One line of the certificate table: a certificate of an identity's chain, or the
/// identity alone while it has none (`Initializing`, `Unavailable`).
public struct ZtunnelCertificateRow: Sendable {
    public var identity: String
    /// `Leaf`, `Intermediate`, `Root`, or `NA` without a chain.
    public var type: String
    public var state: String
    public var entry: ZtunnelCertEntry?
    /// The PEM decoded; nil without a PEM, `.failure` when it does not parse.
    public var decoded: Result<CertificateSummary, CertificateDecodeError>?
}

extension ZtunnelViews {
    /// Certificates in dump order, filtered by the namespace of their SPIFFE identity, or
    /// with a workload filter, to the identities of the matching workloads.
    public static func certificates(_ index: ZtunnelIndex, filter: ZtunnelFilter = ZtunnelFilter()) -> [ZtunnelCertificate] {
        if filter.selectsWorkloads {
            let identities = Set(index.dump.workloads.filter(filter.matches).map(\.identity))
            return index.dump.certificates.filter { identities.contains($0.identity) }
        }
        return index.dump.certificates.filter { filter.matchesNamespace(spiffeNamespace($0.identity) ?? "") }
    }

    /// `ns` of `spiffe://td/ns/ns/sa/sa`.
    static func spiffeNamespace(_ identity: String) -> String? {
        let parts = identity.split(separator: "/", omittingEmptySubsequences: false)
        guard let i = parts.firstIndex(of: "ns"), i + 1 < parts.count else { return nil }
        return String(parts[i + 1])
    }

    /// Rows as istioctl lays them out: the chain in order (first `Leaf`, last `Root` when
    /// roots are not listed separately), then `rootCerts`. PEMs are decoded here once.
    public static func certificateRows(_ certs: [ZtunnelCertificate]) -> [ZtunnelCertificateRow] {
        var rows: [ZtunnelCertificateRow] = []
        for c in certs {
            let state = c.stateSummary
            if c.certChain.isEmpty {
                rows.append(ZtunnelCertificateRow(identity: c.identity, type: "NA", state: state, entry: nil, decoded: nil))
                continue
            }
            let legacy = c.rootCerts.isEmpty
            for (i, e) in c.certChain.enumerated() {
                let type = i == 0 ? "Leaf" : (i == c.certChain.count - 1 && legacy ? "Root" : "Intermediate")
                rows.append(ZtunnelCertificateRow(identity: c.identity, type: type, state: state, entry: e, decoded: decodePEM(e.pem)))
            }
            for e in c.rootCerts {
                rows.append(ZtunnelCertificateRow(identity: c.identity, type: "Root", state: state, entry: e, decoded: decodePEM(e.pem)))
            }
        }
        return rows
    }

    static func decodePEM(_ pem: String) -> Result<CertificateSummary, CertificateDecodeError>? {
        let text = pem.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        let results = text.hasPrefix("-----BEGIN") ? CertificateSummary.decodePEMChain(text) : CertificateSummary.decodeBase64(text)
        return results.first
    }

    /// CERTIFICATE NAME, TYPE, STATUS, VALID CERT, SERIAL NUMBER, NOT AFTER, NOT BEFORE,
    /// from the dump's fields as istioctl shows them (falling back to the decoded PEM where
    /// the dump leaves a field out). VALID CERT is whether `now` lies inside the validity
    /// window, or `INVALID: reason` when the PEM does not parse. Wide adds what only the
    /// PEM knows: SUBJECT, SPIFFE SANS and PEM VALID (the certificate's own window at `now`).
    public static func certificateTable(_ rows: [ZtunnelCertificateRow], now: Date) -> Table {
        var table = Table(
            columns: [
                .init("CERTIFICATE NAME"), .init("TYPE"), .init("STATUS"), .init("VALID CERT"), .init("SERIAL NUMBER"),
                .init("NOT AFTER"), .init("NOT BEFORE"),
                .init("SUBJECT", wideOnly: true), .init("SPIFFE SANS", wideOnly: true), .init("PEM VALID", wideOnly: true),
            ],
            layout: TabWriter(minWidth: 0, padding: 5))
        for row in rows {
            guard let e = row.entry else {
                table.rows.append([row.identity, "NA", row.state, "false", "NA", "NA", "NA", "", "", ""])
                continue
            }
            let summary = try? row.decoded?.get()
            var validFrom = e.validFrom
            var expiration = e.expirationTime
            if validFrom.isEmpty, let summary { validFrom = Timestamp.rfc3339(summary.notBefore) }
            if expiration.isEmpty, let summary { expiration = Timestamp.rfc3339(summary.notAfter) }
            let serial = GoCompat.decimalToHex(e.serialNumber) ?? summary?.serialNumber ?? "NA"
            var valid = String(validAt(now, from: validFrom, until: expiration))
            var subject = ""
            var sans = ""
            var pemValid = ""
            switch row.decoded {
            case .failure(let error)?:
                valid = "INVALID: \(error.reason)"
                subject = valid
                pemValid = valid
            case .success(let s)?:
                subject = s.subject
                sans = s.spiffeIDs.joined(separator: ",")
                pemValid = String(s.isValid(at: now))
            case nil:
                break
            }
            table.rows.append([
                row.identity, row.type, row.state, valid, serial, expiration.isEmpty ? "NA" : expiration,
                validFrom.isEmpty ? "NA" : validFrom, subject, sans, pemValid,
            ])
        }
        return table
    }

    /// istioctl's `certNotExpired`: strictly after the start and before the end; false when
    /// either time is missing or unparsable.
    static func validAt(_ now: Date, from: String, until: String) -> Bool {
        guard let start = Timestamp.parse(from), let end = Timestamp.parse(until) else { return false }
        return now > start && now < end
    }
}
