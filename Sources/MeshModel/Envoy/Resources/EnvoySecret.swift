/// One SDS secret: a certificate chain with its key, or trust anchors (a CA bundle or
/// SPIFFE per-trust-domain bundles).
///
/// Private keys are never read: only the public material below is decoded, and
/// printers redact key material on the way out (see ``EnvoyRedaction``).
///
/// ```swift
/// let root = dump.secrets.first { $0.name == "ROOTCA" }!
/// root.trustedCABase64 != nil            // true
/// root.spiffeTrustDomains.map(\.name)    // ["east.local", "west.local"] for SPIRE federation
/// ```
public struct EnvoySecret: Sendable, EnvoyDumpEntry {
    public let state: EnvoyResourceState
    public let name: String
    public let entry: JSONValue
    /// The `Secret` resource; nil for a warming secret Envoy has not received yet.
    public let json: JSONValue?

    init(state: EnvoyResourceState, entry: JSONValue) {
        self.state = state
        self.entry = entry
        let secret = entry["secret"]
        json = (secret?.isObject ?? false) ? secret : nil
        name = entry["name"]?.string ?? secret?["name"]?.string ?? ""
    }

    /// `tls_certificate.certificate_chain.inline_bytes` (base64 PEM), what istioctl reads.
    public var certificateChainBase64: String? { nonEmpty(json?["tls_certificate"]?["certificate_chain"]?["inline_bytes"]?.string) }
    /// `tls_certificate.certificate_chain.inline_string` (PEM text), which istioctl ignores.
    public var certificateChainPEM: String? { nonEmpty(json?["tls_certificate"]?["certificate_chain"]?["inline_string"]?.string) }
    /// `validation_context.trusted_ca.inline_bytes` (base64 PEM).
    public var trustedCABase64: String? { nonEmpty(json?["validation_context"]?["trusted_ca"]?["inline_bytes"]?.string) }
    public var trustedCAPEM: String? { nonEmpty(json?["validation_context"]?["trusted_ca"]?["inline_string"]?.string) }

    public var hasTLSCertificate: Bool { json?["tls_certificate"] != nil }
    public var hasValidationContext: Bool { json?["validation_context"] != nil }

    /// Per-trust-domain bundles of the SPIFFE certificate validator (SPIRE federation).
    public var spiffeTrustDomains: [(name: String, bundleBase64: String?)] {
        guard let v = json?["validation_context"]?["custom_validator_config"]?["typed_config"],
              let tc = EnvoyTypedConfig(v), tc.typeName?.hasSuffix("SPIFFECertValidatorConfig") == true
        else { return [] }
        return tc.value["trust_domains"]?.elements.map { td in
            (td["name"]?.string ?? "", nonEmpty(td["trust_bundle"]?["inline_bytes"]?.string))
        } ?? []
    }

    private func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}
