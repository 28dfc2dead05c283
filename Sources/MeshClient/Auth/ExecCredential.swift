import Foundation
import MeshModel

/// What an exec credential plugin printed: `ExecCredential.status`.
public struct ExecCredential: Sendable {
    public var token: Redacted?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: Redacted?
    public var expiration: Date?

    /// Whether the credential is still good at `now` (client-go treats it as expired at the timestamp).
    public func isValid(at now: Date) -> Bool { expiration.map { now < $0 } ?? true }

    /// Decodes a plugin's stdout, checking it speaks the API version the kubeconfig asked for.
    static func decode(_ bytes: [UInt8], config: ExecConfig) throws(KubeClientError) -> ExecCredential {
        let name = "exec plugin \"\(config.command)\""
        let doc: JSONDocument
        do { doc = try JSONDocument(bytes: bytes) } catch {
            throw KubeClientError(.credentials, "\(name) did not print an ExecCredential: \(error.message) at line \(error.line):\(error.column)")
        }
        let root = doc.root
        guard root["kind"]?.string == "ExecCredential" else {
            throw KubeClientError(.credentials, "\(name) printed kind \"\(root["kind"]?.string ?? "")\", expected ExecCredential")
        }
        let apiVersion = root["apiVersion"]?.string ?? ""
        guard apiVersion == config.apiVersion else {
            throw KubeClientError(.credentials, "\(name) printed apiVersion \"\(apiVersion)\", but the kubeconfig asks for \(config.apiVersion)")
        }
        guard let status = root["status"], status.isObject else {
            throw KubeClientError(.credentials, "\(name) printed an ExecCredential without status")
        }
        var cred = ExecCredential()
        cred.token = status.member(exactly: "token")?.string.flatMap { $0.isEmpty ? nil : Redacted($0) }
        cred.clientCertificatePEM = status.member(exactly: "clientCertificateData")?.string.map { Array($0.utf8) }
        cred.clientKeyPEM = status.member(exactly: "clientKeyData")?.string.map(Redacted.init)
        if let ts = status.member(exactly: "expirationTimestamp")?.string {
            guard let date = Timestamp.parse(ts) else {
                throw KubeClientError(.credentials, "\(name) printed status.expirationTimestamp \"\(ts)\", which is not RFC 3339")
            }
            cred.expiration = date
        }
        if cred.token == nil && (cred.clientCertificatePEM == nil || cred.clientKeyPEM == nil) {
            throw KubeClientError(.credentials, "\(name) printed neither status.token nor status.clientCertificateData with status.clientKeyData")
        }
        return cred
    }

    /// `KUBERNETES_EXEC_INFO` for the plugin (what client-go passes).
    static func execInfo(config: ExecConfig, connection: ClusterConnection) -> String {
        var spec = JSONObject([("interactive", .bool(false))])
        if config.provideClusterInfo {
            var cluster = JSONObject([("server", .string(connection.server))])
            if case .data(let bytes, _)? = connection.tls.certificateAuthority {
                cluster["certificate-authority-data"] = .string(Data(bytes).base64EncodedString())
            }
            if connection.tls.insecureSkipVerify { cluster["insecure-skip-tls-verify"] = .bool(true) }
            if let sn = connection.tls.serverName { cluster["tls-server-name"] = .string(sn) }
            if let p = connection.proxyURL { cluster["proxy-url"] = .string(p) }
            spec["cluster"] = .object(cluster)
        }
        let info = JSONTree.object([("apiVersion", .string(config.apiVersion)), ("kind", "ExecCredential"), ("spec", .object(spec))])
        return info.compactJSONString
    }
}
