/// What a transport socket does, read from its typed config.
///
/// ```swift
/// TransportSocketSummary(chain.transportSocket!).kind   // .downstreamTLS(mutual: true)
/// ```
public struct TransportSocketSummary: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case downstreamTLS(mutual: Bool)
        /// `clientCertificate`: the socket presents a certificate (Istio mTLS).
        case upstreamTLS(clientCertificate: Bool)
        case internalUpstream
        case rawBuffer
        case other(String)
    }

    public var name: String
    public var typeName: String
    public var kind: Kind
    /// SDS names of the certificates presented.
    public var certificateSDS: [String] = []
    /// SDS name of the validation context (trusted roots).
    public var validationSDS: String?
    public var alpn: [String] = []
    public var sni: String?
    /// For `internal_upstream`: the wrapped socket.
    public var inner: String?

    public init(_ socket: EnvoyFilter) {
        name = socket.name
        typeName = socket.config?.typeName ?? ""
        let v = socket.config?.value
        let common = v?["common_tls_context"]
        certificateSDS = common?["tls_certificate_sds_secret_configs"]?.elements.compactMap { $0["name"]?.string } ?? []
        let hasInlineCert = (common?["tls_certificates"]?.count ?? 0) > 0
        validationSDS = common?["combined_validation_context"]?["validation_context_sds_secret_config"]?["name"]?.string
            ?? common?["validation_context_sds_secret_config"]?["name"]?.string
        alpn = common?["alpn_protocols"]?.elements.compactMap(\.string) ?? []
        sni = v?["sni"]?.string
        switch socket.config?.kind {
        case .downstreamTLS:
            kind = .downstreamTLS(mutual: v?["require_client_certificate"]?.bool ?? false)
        case .upstreamTLS:
            kind = .upstreamTLS(clientCertificate: !certificateSDS.isEmpty || hasInlineCert)
        default:
            if typeName.hasSuffix(".InternalUpstreamTransport") {
                kind = .internalUpstream
                inner = v?["transport_socket"]?["name"]?.string
            } else if typeName.hasSuffix(".RawBuffer") || name == "envoy.transport_sockets.raw_buffer" || name == "raw_buffer" {
                kind = .rawBuffer
            } else {
                kind = .other(typeName.isEmpty ? name : typeName)
            }
        }
    }

    /// `mTLS` (client certificate required / presented) or `TLS`.
    public var tlsDetail: String {
        switch kind {
        case .downstreamTLS(let m): m ? "mTLS" : "TLS"
        case .upstreamTLS(let c): c ? "mTLS" : "TLS"
        default: ""
        }
    }

    /// One line for the evidence list.
    public var evidenceText: String {
        var parts = ["\(name) (\(typeName.split(separator: ".").last.map(String.init) ?? typeName))"]
        switch kind {
        case .downstreamTLS(let m): parts.append(m ? "require_client_certificate" : "no client certificate required")
        default: break
        }
        if !certificateSDS.isEmpty { parts.append("cert SDS \(certificateSDS.joined(separator: ","))") }
        if let v = validationSDS { parts.append("roots SDS \(v)") }
        if !alpn.isEmpty { parts.append("ALPN \(alpn.joined(separator: ","))") }
        if let sni { parts.append("SNI \(sni)") }
        if let inner { parts.append("inner \(inner)") }
        return parts.joined(separator: ", ")
    }
}
