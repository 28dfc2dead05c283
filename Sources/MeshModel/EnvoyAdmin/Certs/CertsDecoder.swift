import Foundation

extension EnvoyCerts {
    /// Decodes `/certs` JSON, or a PEM (one or more `CERTIFICATE` blocks) or DER certificate
    /// file. `now` only matters for PEM/DER input, where days left are computed.
    public static func decode(_ bytes: [UInt8], now: Date = Date()) throws(AdminDecodeError) -> EnvoyCerts {
        guard let first = ByteText.firstSignificantByte(bytes) else { throw AdminDecodeError("empty input") }
        if first == 0x7B {
            let doc: JSONDocument
            do { doc = try JSONDocument(bytes: bytes) } catch { throw AdminDecodeError(error) }
            do { return try decodeJSON(doc.root) } catch { throw AdminDecodeError(error) }
        }
        if first == 0x2D {  // -----BEGIN
            return try decodePEM(String(decoding: bytes, as: UTF8.self), now: now)
        }
        if first == 0x30 {  // DER SEQUENCE
            do {
                let s = try CertificateSummary(der: bytes)
                return EnvoyCerts(contexts: [Context(certChain: [EnvoyCertificate(summary: s, path: "<file>", now: now)])])
            } catch {
                throw AdminDecodeError("not a DER certificate: \(error.reason)", byteOffset: 0)
            }
        }
        let start = bytes.prefix(24).map { $0 >= 0x20 && $0 < 0x7F ? Character(Unicode.Scalar($0)) : " " }
        throw AdminDecodeError("not Envoy /certs output (JSON) nor a PEM/DER certificate: starts with \"\(String(start).trimmingCharacters(in: .whitespaces))\"", byteOffset: 0)
    }

    /// A PEM chain as one context: CA certificates (basic constraints CA) first, as `/certs` does.
    static func decodePEM(_ pem: String, now: Date) throws(AdminDecodeError) -> EnvoyCerts {
        var context = Context()
        for (n, result) in CertificateSummary.decodePEMChain(pem).enumerated() {
            switch result {
            case .success(let s):
                let cert = EnvoyCertificate(summary: s, path: "<pem #\(n + 1)>", now: now)
                if s.isCA { context.caCerts.append(cert) } else { context.certChain.append(cert) }
            case .failure(let e):
                throw AdminDecodeError("certificate \(n + 1) of the PEM input: \(e.reason)")
            }
        }
        return EnvoyCerts(contexts: [context])
    }

    public static func decodeJSON(_ root: JSONValue) throws(JSONShapeError) -> EnvoyCerts {
        guard root.isObject, let list = root["certificates"] else {
            if root.isObject && root.isEmpty { return EnvoyCerts() }
            throw JSONShapeError("not Envoy /certs output (no certificates array)", path: root.path)
        }
        guard list.isArray || list.isNull else { throw JSONShapeError("expected an array", path: list.path) }
        var out = EnvoyCerts()
        for c in list.elements {
            guard c.isObject else { throw JSONShapeError("expected an object", path: c.path) }
            out.contexts.append(Context(caCerts: try details(c["ca_cert"]), certChain: try details(c["cert_chain"])))
        }
        return out
    }

    private static func details(_ v: JSONValue?) throws(JSONShapeError) -> [EnvoyCertificate] {
        guard let v, !v.isNull else { return [] }
        if let s = v.string { return s.isEmpty ? [] : [try legacy(s, v)] }
        guard v.isArray else { throw JSONShapeError("expected an array of certificate details", path: v.path) }
        var out: [EnvoyCertificate] = []
        for d in v.elements {
            guard d.isObject else { throw JSONShapeError("expected certificate details", path: d.path) }
            var cert = EnvoyCertificate(path: d["path"]?.string ?? "", serialNumber: d["serial_number"]?.string ?? "")
            for san in d["subject_alt_names"]?.array ?? [] {
                if let u = san["uri"]?.string {
                    cert.subjectAltNames.append(.uri(u))
                } else if let dns = san["dns"]?.string {
                    cert.subjectAltNames.append(.dns(dns))
                } else if let ip = san["ip_address"]?.string {
                    cert.subjectAltNames.append(.ipAddress(ip))
                }
            }
            cert.daysUntilExpiration = d["days_until_expiration"]?.int
            cert.validFrom = try timestamp(d["valid_from"])
            cert.expirationTime = try timestamp(d["expiration_time"])
            if let ocsp = d["ocsp_details"] {
                cert.ocspValidFrom = try timestamp(ocsp["valid_from"])
                cert.ocspExpiration = try timestamp(ocsp["expiration"])
            }
            if let b64 = d["inline_bytes"]?.string, case .success(let s)? = CertificateSummary.decodeBase64(b64).first {
                cert.summary = s
            } else if let pem = d["inline_string"]?.string, case .success(let s)? = CertificateSummary.decodePEMChain(pem).first {
                cert.summary = s
            }
            out.append(cert)
        }
        return out
    }

    private static func timestamp(_ v: JSONValue?) throws(JSONShapeError) -> Date? {
        guard let v, !v.isNull, let s = v.string else { return nil }
        guard let d = Timestamp.parse(s) else { throw JSONShapeError("not an RFC 3339 timestamp: \(s)", path: v.path) }
        return d
    }

    /// `Certificate Path: /etc/certs/cert-chain.pem, Serial Number: 1f, Days until Expiration: 89`
    private static func legacy(_ s: String, _ v: JSONValue) throws(JSONShapeError) -> EnvoyCertificate {
        var cert = EnvoyCertificate(path: "", serialNumber: "")
        var found = false
        for part in s.components(separatedBy: ", ") {
            guard let colon = part.range(of: ": ") else { continue }
            let key = part[..<colon.lowerBound]
            let value = String(part[colon.upperBound...])
            switch key {
            case "Certificate Path": cert.path = value; found = true
            case "Serial Number": cert.serialNumber = value; found = true
            case "Days until Expiration": cert.daysUntilExpiration = Int(value); found = true
            default: break
            }
        }
        guard found else { throw JSONShapeError("unrecognised certificate description", path: v.path) }
        return cert
    }
}
