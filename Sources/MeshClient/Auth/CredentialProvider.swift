import Foundation
import MeshModel

/// Supplies the credentials for each request and keeps them fresh: token files are
/// re-read every minute (kubelet rotates projected tokens), exec plugin output is cached
/// until its `expirationTimestamp` or until the server answers 401.
///
/// Credentials never leave this actor except into request headers and TLS settings.
actor CredentialProvider {
    struct Credentials: Sendable {
        /// Value of the `Authorization` header.
        var authorization: Redacted?
        /// A client certificate obtained from an exec plugin (static ones are in the TLS setup).
        var execClientCertificate: (cert: [UInt8], key: Redacted)?
    }

    let connection: ClusterConnection
    let environment: [String: String]
    /// Seconds a plugin may run (`InputLimits.execTimeout`, `--exec-timeout`).
    let execTimeout: Double
    private var tokenFileCache: (token: Redacted, readAt: Date)?
    private var execCache: ExecCredential?
    /// Concurrent requests share one plugin run.
    private var execInFlight: Task<ExecCredential, any Error>?

    init(connection: ClusterConnection, environment: [String: String], execTimeout: Double) {
        self.connection = connection
        self.environment = environment
        self.execTimeout = execTimeout
    }

    var isRefreshable: Bool {
        switch connection.auth {
        case .exec, .tokenFile: true
        default: false
        }
    }

    /// The credentials for one request. `within` is the time left to the request's deadline:
    /// an exec plugin gets the smaller of that and ``execTimeout``.
    func credentials(within: Double? = nil) async throws(KubeClientError) -> Credentials {
        switch connection.auth {
        case .none, .clientCertificate:
            return Credentials()
        case .token(let t):
            return Credentials(authorization: Redacted("Bearer " + t.value))
        case .basic(let user, let password):
            let encoded = Data("\(user):\(password.value)".utf8).base64EncodedString()
            return Credentials(authorization: Redacted("Basic " + encoded))
        case .tokenFile(let path):
            if let cached = tokenFileCache, Date().timeIntervalSince(cached.readAt) < 60 {
                return Credentials(authorization: Redacted("Bearer " + cached.token.value))
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeClientError(.credentials, "cannot read token file \(path) (user \"\(connection.userName)\", context \"\(connection.contextName)\")")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw KubeClientError(.credentials, "token file \(path) is empty") }
            tokenFileCache = (Redacted(token), Date())
            return Credentials(authorization: Redacted("Bearer " + token))
        case .exec(let config):
            let cred = try await execCredential(config, within: within)
            var out = Credentials()
            if let token = cred.token { out.authorization = Redacted("Bearer " + token.value) }
            if let cert = cred.clientCertificatePEM, let key = cred.clientKeyPEM { out.execClientCertificate = (cert, key) }
            return out
        }
    }

    /// Forgets cached credentials after the server rejected them.
    func invalidate() {
        tokenFileCache = nil
        execCache = nil
    }

    private func execCredential(_ config: ExecConfig, within: Double?) async throws(KubeClientError) -> ExecCredential {
        if let cached = execCache, cached.isValid(at: Date()) { return cached }
        if let running = execInFlight {
            do { return try await running.value } catch { throw error as? KubeClientError ?? KubeClientError(.credentials, "\(error)") }
        }
        let limit = PluginTimeout(exec: execTimeout, request: within)
        let task = Task { [connection, environment] () async throws -> ExecCredential in
            try await CredentialProvider.runPlugin(config, connection: connection, environment: environment, timeout: limit)
        }
        execInFlight = task
        defer { execInFlight = nil }
        do {
            let cred = try await task.value
            execCache = cred
            return cred
        } catch {
            throw error as? KubeClientError ?? KubeClientError(.credentials, "\(error)")
        }
    }

    /// How long a plugin may run: `--exec-timeout`, or less when the request's deadline
    /// (`--request-timeout`) comes first; the error names whichever applied.
    ///
    /// client-go puts no bound on a plugin at all (kubernetes/kubernetes#108849 decided
    /// against tying it to the request), so a plugin that hangs hangs kubectl; we bound it.
    struct PluginTimeout: Sendable {
        var seconds: Double
        var flag: String

        init(exec: Double, request: Double?) {
            if let request, request < exec {
                (seconds, flag) = (max(request, 0.001), "--request-timeout")
            } else {
                (seconds, flag) = (exec, "--exec-timeout")
            }
        }
    }

    static func runPlugin(_ config: ExecConfig, connection: ClusterConnection, environment: [String: String], timeout: PluginTimeout) async throws(KubeClientError) -> ExecCredential {
        var env = environment
        for e in config.env { env[e.name] = e.value }
        env["KUBERNETES_EXEC_INFO"] = ExecCredential.execInfo(config: config, connection: connection)
        let name = "exec plugin \"\(config.command)\" (user \"\(connection.userName)\", context \"\(connection.contextName)\")"
        let result: Subprocess.Result
        do {
            result = try await Subprocess.run(config.command, config.args, environment: env, timeout: timeout.seconds)
        } catch {
            switch error {
            case .notFound:
                throw KubeClientError(.credentials, "\(name): executable not found\(config.command.contains("/") ? "" : " on PATH")" + (config.installHint.map { ". \($0.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? ""))
            case .couldNotStart(_, let why):
                throw KubeClientError(.credentials, "\(name): could not start: \(why)")
            case .timedOut:
                throw KubeClientError(.timeout, "\(name) did not finish within \(KubeTransport.seconds(timeout.seconds)) and was killed; raise \(timeout.flag) if it needs longer")
            }
        }
        guard result.status == 0 else {
            let detail = result.stderrText.split(separator: "\n").last.map(String.init) ?? ""
            throw KubeClientError(.credentials, "\(name) exited with status \(result.status)" + (detail.isEmpty ? "" : ": \(detail)"))
        }
        return try ExecCredential.decode(result.stdout, config: config)
    }
}
