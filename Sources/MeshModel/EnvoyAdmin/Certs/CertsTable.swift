/// The certificates view: one row per distinct certificate (Envoy repeats the same
/// certificates for every TLS context that uses them), CA certificates first per context.
/// `-o wide` adds how many contexts carry each.
///
/// ```swift
/// print(CertsTable.build(certs).render())
/// // TYPE           PATH                        SERIAL NUMBER    SANS    VALID FROM    EXPIRATION    DAYS LEFT
/// // CA             /etc/certs/root-cert.pem    277d…                    -             -             99
/// ```
public enum CertsTable {
    public struct Row: Sendable, Equatable {
        public var isCA: Bool
        public var certificate: EnvoyCertificate
        /// TLS contexts in which this certificate appears.
        public var contexts: Int
    }

    public static func rows(_ certs: EnvoyCerts) -> [Row] {
        var rows: [Row] = []
        var index: [String: Int] = [:]
        for context in certs.contexts {
            for (isCA, list) in [(true, context.caCerts), (false, context.certChain)] {
                for cert in list {
                    let key = "\(isCA)\u{0}\(cert.path)\u{0}\(cert.serialNumber)"
                    if let i = index[key] {
                        rows[i].contexts += 1
                    } else {
                        index[key] = rows.count
                        rows.append(Row(isCA: isCA, certificate: cert, contexts: 1))
                    }
                }
            }
        }
        return rows
    }

    public static func build(_ certs: EnvoyCerts) -> Table {
        var table = Table(columns: [
            .init("TYPE"), .init("PATH"), .init("SERIAL NUMBER"), .init("SANS"), .init("VALID FROM"),
            .init("EXPIRATION"), .init("DAYS LEFT", numeric: true), .init("CONTEXTS", wideOnly: true, numeric: true),
        ])
        for row in rows(certs) {
            let c = row.certificate
            table.rows.append([
                row.isCA ? "CA" : "Cert Chain",
                c.path,
                c.serialNumber,
                c.subjectAltNames.map(\.description).joined(separator: ","),
                c.validFrom.map(Timestamp.rfc3339) ?? "-",
                c.expirationTime.map(Timestamp.rfc3339) ?? "-",
                c.daysUntilExpiration.map(String.init) ?? "-",
                String(row.contexts),
            ])
        }
        return table
    }
}

extension EnvoyCerts {
    /// `/certs` in Envoy's own (v3, snake_case) shape, for `-o json|yaml`.
    public var outputNode: JSONTree {
        func details(_ list: [EnvoyCertificate]) -> JSONTree {
            .array(list.map { c in
                var pairs: [(String, JSONTree)] = [
                    ("path", .string(c.path)),
                    ("serial_number", .string(c.serialNumber)),
                    ("subject_alt_names", .array(c.subjectAltNames.map { san in
                        switch san {
                        case .uri(let u): .object([("uri", .string(u))])
                        case .dns(let d): .object([("dns", .string(d))])
                        case .ipAddress(let ip): .object([("ip_address", .string(ip))])
                        }
                    })),
                ]
                if let d = c.daysUntilExpiration { pairs.append(("days_until_expiration", .string(String(d)))) }
                if let v = c.validFrom { pairs.append(("valid_from", .string(Timestamp.rfc3339(v)))) }
                if let e = c.expirationTime { pairs.append(("expiration_time", .string(Timestamp.rfc3339(e)))) }
                return .object(pairs)
            })
        }
        return .object([("certificates", .array(contexts.map { ctx in
            .object([("ca_cert", details(ctx.caCerts)), ("cert_chain", details(ctx.certChain))])
        }))])
    }
}
