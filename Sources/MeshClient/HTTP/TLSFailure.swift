import AsyncHTTPClient
import NIOSSL

/// Says in one line what went wrong in a TLS handshake, from NIOSSL's and BoringSSL's errors.
///
/// Their descriptions carry error numbers and the source file and line inside BoringSSL
/// (`error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at
/// /…/.build/checkouts/swift-nio-ssl/Sources/CNIOBoringSSL/ssl/handshake.cc:393`): a build path
/// is no help to a user, so only the reason is kept and translated.
enum TLSFailure {
    /// The reason, or nil when `error` is not a TLS error.
    static func reason(_ error: any Error) -> String? {
        if let e = error as? HTTPClientError, e == .tlsHandshakeTimeout { return "the TLS handshake did not complete in time" }
        if let e = error as? NIOSSLExtraError, e == .failedToValidateHostname {
            return "hostname mismatch: the server's certificate is not valid for the name requested (set tls-server-name if it is issued for another name)"
        }
        if let e = error as? NIOSSLError {
            switch e {
            case .handshakeFailed(let inner): return reason(boringSSL: inner)
            case .uncleanShutdown: return "the server closed the connection during the TLS handshake"
            case .unableToValidateCertificate, .noCertificateToValidate: return "certificate verify failed: the server presented no certificate that could be checked"
            case .cannotMatchULabel: return "hostname mismatch: the requested name cannot be matched against the certificate"
            default: return "TLS failed (\(e))"
            }
        }
        if let e = error as? BoringSSLError { return reason(boringSSL: e) }
        return nil
    }

    static func reason(boringSSL error: BoringSSLError) -> String {
        switch error {
        case .sslError(let stack), .unknownError(let stack):
            let codes = stack.compactMap { code(in: $0.description) }
            return codes.first.map(explain) ?? "the TLS handshake failed"
        case .zeroReturn, .syscallError: return "the server closed the connection during the TLS handshake"
        default: return "the TLS handshake failed"
        }
    }

    /// `CERTIFICATE_VERIFY_FAILED` from `…:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /path:393`.
    static func code(in text: String) -> String? {
        guard let r = text.range(of: "OPENSSL_internal:") else { return nil }
        let rest = text[r.upperBound...]
        let code = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return code.isEmpty ? nil : String(code)
    }

    static func explain(_ code: String) -> String {
        switch code {
        case "CERTIFICATE_VERIFY_FAILED":
            return "certificate verify failed: the server's certificate is not signed by a trusted certificate authority (unknown CA or self-signed), or it has expired"
        case "WRONG_VERSION_NUMBER", "HTTP_REQUEST", "UNKNOWN_PROTOCOL":
            return "the server did not answer with TLS (is it a plain http:// server?)"
        case "TLSV1_ALERT_UNKNOWN_CA":
            return "the server does not trust our client certificate (unknown CA)"
        case "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_CERTIFICATE_REQUIRED", "SSLV3_ALERT_HANDSHAKE_FAILURE":
            return "the server rejected the handshake (\(code.lowercased().replacingOccurrences(of: "_", with: " "))): it may require a client certificate"
        case "TLSV1_ALERT_PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL":
            return "the server does not support a TLS version we offer"
        case "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE":
            return "the server shares no cipher suite with us"
        default:
            return "the TLS handshake failed: \(code.lowercased().replacingOccurrences(of: "_", with: " "))"
        }
    }
}
