import Foundation
import MeshModel

/// Where Prometheus's HTTP API is: a URL (`--prometheus http://prometheus:9090`, also Thanos
/// Query, Mimir's `/prometheus` prefix or VictoriaMetrics) or a Service reached through the
/// API server's service proxy (`--prometheus svc/istio-system/prometheus:9090`), which needs
/// no port-forward and uses the kubeconfig's credentials.
///
/// ```swift
/// try PrometheusTarget.parse("svc/monitoring/prometheus-k8s:9090")   // .service(namespace: "monitoring", name: "prometheus-k8s", port: "9090")
/// try PrometheusTarget.parse("https://thanos.example/")                // .url("https://thanos.example")
/// ```
public enum PrometheusTarget: Sendable, Equatable, CustomStringConvertible {
    case url(String)
    /// `port` is a number or a port name, as the service proxy takes it.
    case service(namespace: String, name: String, port: String)

    public static func parse(_ text: String) throws(PrometheusError) -> PrometheusTarget {
        if text.hasPrefix("svc/") {
            let parts = text.dropFirst(4).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw PrometheusError(.config, "--prometheus \"\(text)\": expected svc/NAMESPACE/NAME:PORT")
            }
            let nameAndPort = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard nameAndPort.count == 2, !nameAndPort[0].isEmpty, !nameAndPort[1].isEmpty else {
                throw PrometheusError(.config, "--prometheus \"\(text)\": expected svc/NAMESPACE/NAME:PORT")
            }
            return .service(namespace: String(parts[0]), name: String(nameAndPort[0]), port: String(nameAndPort[1]))
        }
        guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https", url.host != nil else {
            throw PrometheusError(.config, "--prometheus \"\(text)\": expected an http(s) URL or svc/NAMESPACE/NAME:PORT")
        }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return .url(trimmed)
    }

    /// As the user wrote it (URLs without credentials), for headers and messages.
    public var description: String {
        switch self {
        case .url(let u):
            guard var c = URLComponents(string: u), c.user != nil || c.password != nil else { return u }
            c.user = nil
            c.password = nil
            return c.string ?? u
        case .service(let ns, let name, let port): return "svc/\(ns)/\(name):\(port)"
        }
    }
}

/// How to authenticate to a Prometheus reached by URL (a service-proxied one uses the
/// kubeconfig's credentials). Secrets are held ``Redacted`` so they never print.
public struct PrometheusAuth: Sendable, Equatable {
    public var bearerToken: Redacted?
    public var basicUser: String?
    public var basicPassword: Redacted?
    /// PEM files.
    public var clientCertificate: String?
    public var clientKey: String?
    public var certificateAuthority: String?
    public var insecureSkipVerify = false

    public init(bearerToken: Redacted? = nil, basicUser: String? = nil, basicPassword: Redacted? = nil, clientCertificate: String? = nil,
                clientKey: String? = nil, certificateAuthority: String? = nil, insecureSkipVerify: Bool = false) {
        self.bearerToken = bearerToken
        self.basicUser = basicUser
        self.basicPassword = basicPassword
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.certificateAuthority = certificateAuthority
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// The `Authorization` header value, if any.
    var authorization: String? {
        if let bearerToken { return "Bearer " + bearerToken.value }
        if let basicUser {
            let pair = basicUser + ":" + (basicPassword?.value ?? "")
            return "Basic " + Data(pair.utf8).base64EncodedString()
        }
        return nil
    }
}

/// One line about a Prometheus that could not answer: which one, what was asked, why.
public struct PrometheusError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case config, unreachable, timeout, status, badResponse, server, notFound
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
