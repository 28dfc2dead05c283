import AsyncHTTPClient
import Foundation
import Logging
import MeshModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// Options for talking to the API server.
public struct TransportOptions: Sendable {
    /// Total time for each non-watch request in seconds, from connecting to the last byte of
    /// the body (`--request-timeout`); nil: no total bound (`--request-timeout 0`, kubectl's
    /// default). Connecting is bounded either way by `InputLimits.current.connectTimeout`.
    public var requestTimeout: Double?
    /// How many times a 429 is retried (after its Retry-After) before giving up.
    public var maxThrottleRetries: Int
    public var userAgent: String
    /// Environment for exec credential plugins.
    public var environment: [String: String]
    /// The bounds in force (connect and exec plugin timeouts); `InputLimits.current` unless
    /// a caller (a test) passes its own.
    public var limits: InputLimits

    /// The total per-request bound when `--request-timeout` is not given. kubectl has none and
    /// relies on HTTP/2 pings to notice a dead server; over HTTP/1 a server that accepts and
    /// never answers would hang for ever, so meshscope bounds every request by default.
    public static let defaultRequestTimeout: Double = 60

    public init(requestTimeout: Double? = TransportOptions.defaultRequestTimeout, maxThrottleRetries: Int = 5, userAgent: String = "meshscope/0.1",
                environment: [String: String] = ProcessInfo.processInfo.environment, limits: InputLimits = .current) {
        self.requestTimeout = requestTimeout
        self.limits = limits
        self.maxThrottleRetries = maxThrottleRetries
        self.userAgent = userAgent
        self.environment = environment
    }

    /// Time allowed for TCP connect plus the TLS handshake: `limits.connectTimeout`, or the
    /// request timeout when that is shorter (so `--request-timeout 3s` never waits 10 s).
    public var connectTimeout: Double {
        let limit = limits.connectTimeout
        guard let requestTimeout, requestTimeout > 0 else { return limit }
        return min(limit, requestTimeout)
    }
}

/// HTTP to one API server over AsyncHTTPClient: TLS from the kubeconfig, credentials on
/// every request, 429 retried after Retry-After, one re-authentication after a 401 for
/// refreshable credentials, and errors that name the URL, context, user and verb.
///
/// Call ``shutdown()`` when done (``KubeClient`` does this for you in `with`).
public final class KubeTransport: Sendable {
    public let connection: ClusterConnection
    public let options: TransportOptions
    let http: HTTPClient
    let credentials: CredentialProvider
    /// The URL requests go to: the server, with the host replaced by `tls-server-name`
    /// when set (the real address then comes from the client's DNS override).
    let baseURL: String
    let baseTLS: TLSConfiguration?
    let logger: Logger

    public init(connection: ClusterConnection, options: TransportOptions = TransportOptions()) throws(KubeClientError) {
        self.connection = connection
        self.options = options
        var logger = Logger(label: "meshscope.kube")
        logger.logLevel = .critical
        self.logger = logger
        let (url, dnsOverride) = try KubeTransport.baseURL(connection)
        self.baseURL = url
        var config = KubeTransport.httpConfiguration(connectTimeout: options.connectTimeout)
        config.dnsOverride = dnsOverride
        // Watches each hold an HTTP/1 connection for minutes; with the default 8 per host,
        // a cache's informers take them all and admin reads through the pod proxy starve.
        config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 96
        if connection.server.hasPrefix("https://") {
            let tls = try KubeTransport.tlsConfiguration(connection, execClientCertificate: nil)
            config.tlsConfiguration = tls
            self.baseTLS = tls
        } else {
            self.baseTLS = nil
        }
        if let proxy = connection.proxyURL { config.proxy = try KubeTransport.proxy(proxy, connection) }
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        self.credentials = CredentialProvider(connection: connection, environment: options.environment, execTimeout: options.limits.execTimeout)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// The client settings every connection meshscope opens shares.
    ///
    /// - The connect timeout covers TCP connect and the TLS handshake (AsyncHTTPClient gives
    ///   the TLS handler the same deadline).
    /// - No connection retry: with retries on, AsyncHTTPClient keeps re-dialling a refused
    ///   port with backoff until the connect timeout, so "connection refused" took 10 s to
    ///   report. kubectl (Go's dialer) fails at once; so do we.
    static func httpConfiguration(connectTimeout: Double) -> HTTPClient.Configuration {
        var config = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: TimeBound.timeAmount(connectTimeout), read: nil),
            decompression: .disabled
        )
        config.connectionPool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        config.connectionPool.retryConnectionEstablishment = false
        return config
    }

    // MARK: Requests

    /// Sends a request and returns the whole response; HTTP errors are thrown as
    /// ``KubeClientError`` with the server's Status.
    public func send(_ request: KubeRequest) async throws(KubeClientError) -> KubeResponse {
        // 0 (or less) means no total bound, as kubectl's --request-timeout 0 does.
        let limit = (request.timeout ?? options.requestTimeout).flatMap { $0 > 0 ? $0 : nil }
        let progress = RequestProgress()
        // Credentials first, outside the race below: an exec plugin is bounded by its own
        // timeout (the smaller of --exec-timeout and this request's), killed when it runs
        // out, and its error names the plugin. The result is cached for the request itself.
        let first = try await credentials.credentials(within: limit)
        do {
            // A moment of grace, so AsyncHTTPClient's own connect or TLS timeout (set to the
            // same bound) reports first when it applies: its message says which step hung.
            return try await TimeBound.run(seconds: limit.map { $0 + 0.1 }) { [self] in
                try await self.sendUnbounded(request, limit: limit, credentials: first, progress: progress)
            }
        } catch let e as KubeClientError {
            throw e
        } catch let e as TimeBound.Exceeded {
            throw timeoutError(request, waited: e.seconds, limit: limit, phase: progress.phase)
        } catch {
            throw mapTransportError(error, request, timeout: limit)
        }
    }

    private func sendUnbounded(_ request: KubeRequest, limit: Double?, credentials first: CredentialProvider.Credentials, progress: RequestProgress) async throws(KubeClientError) -> KubeResponse {
        let start = DispatchTime.now().uptimeNanoseconds
        var prefetched: CredentialProvider.Credentials? = first
        var throttled = 0
        var reauthenticated = false
        while true {
            let left = limit.map { $0 - Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
            // AsyncHTTPClient's deadline gets the same grace as the bound in `send`, so its
            // connect timeout (which names the step) fires first when connecting hangs.
            let response = try await execute(request, deadline: TimeBound.deadline(left.map { $0 + 0.1 }), within: left, credentials: prefetched, progress: progress)
            prefetched = nil
            progress.phase = .body
            let body: [UInt8]
            do {
                let buffer = try await response.body.collect(upTo: 1 << 30)
                body = Array(buffer.readableBytesView)
            } catch {
                throw mapTransportError(error, request, timeout: limit)
            }
            let code = Int(response.status.code)
            if code == 429, throttled < options.maxThrottleRetries {
                throttled += 1
                let wait = RetryAfter.seconds(response.headers.first(name: "Retry-After")) ?? Backoff().delay(attempt: throttled)
                try? await Task.sleep(nanoseconds: TimeBound.nanoseconds(wait))
                continue
            }
            if code == 401, !reauthenticated, await credentials.isRefreshable {
                reauthenticated = true
                await credentials.invalidate()
                continue
            }
            if code >= 400 { throw statusError(code, body, response.headers, request) }
            return KubeResponse(status: code, headers: response.headers, body: body)
        }
    }

    /// Opens a streaming request (watch, large proxy responses). Non-2xx answers are read
    /// and thrown; on success the caller consumes `response.body`.
    public func open(_ request: KubeRequest, deadline: NIODeadline) async throws(KubeClientError) -> HTTPClientResponse {
        var reauthenticated = false
        while true {
            let response = try await execute(request, deadline: deadline, within: nil, credentials: nil, progress: RequestProgress())
            let code = Int(response.status.code)
            if code < 400 { return response }
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
            if code == 401, !reauthenticated, await credentials.isRefreshable {
                reauthenticated = true
                await credentials.invalidate()
                continue
            }
            throw statusError(code, body, response.headers, request)
        }
    }

    /// One HTTP exchange; `prefetched` credentials are used when given (the first attempt of
    /// ``send(_:)``), else fetched (a retry after 401 gets fresh ones).
    private func execute(_ request: KubeRequest, deadline: NIODeadline, within: Double?, credentials prefetched: CredentialProvider.Credentials?, progress: RequestProgress) async throws(KubeClientError) -> HTTPClientResponse {
        var req = HTTPClientRequest(url: baseURL + request.pathAndQuery)
        req.method = request.method
        req.headers.add(name: "Accept", value: request.accept)
        req.headers.add(name: "User-Agent", value: options.userAgent)
        if let ct = request.contentType { req.headers.add(name: "Content-Type", value: ct) }
        progress.phase = .credentials
        let creds: CredentialProvider.Credentials
        if let prefetched { creds = prefetched } else { creds = try await credentials.credentials(within: within) }
        progress.phase = .response
        if let auth = creds.authorization { req.headers.add(name: "Authorization", value: auth.value) }
        if let cert = creds.execClientCertificate {
            req.tlsConfiguration = try KubeTransport.tlsConfiguration(connection, execClientCertificate: cert)
        }
        if let body = request.body { req.body = .bytes(body) }
        do {
            return try await http.execute(req, deadline: deadline, logger: logger)
        } catch {
            throw mapTransportError(error, request, timeout: request.timeout ?? options.requestTimeout)
        }
    }

    // MARK: Errors

    var contextDescription: String { "context \"\(connection.contextName)\", from \(connection.origin)" }

    func mapTransportError(_ error: any Error, _ request: KubeRequest, timeout: Double?) -> KubeClientError {
        if let e = error as? KubeClientError { return e }
        if let e = error as? HTTPClientError, e == .connectTimeout {
            // AsyncHTTPClient reports a stalled TLS handshake as a connect timeout too: one
            // deadline covers both, so for https the message names both steps.
            let steps = connection.server.hasPrefix("https://") ? "the TCP connection and TLS handshake did not complete" : "no TCP connection"
            return KubeClientError(.timeout, "cannot reach \(connection.server) (\(contextDescription)): \(steps) within \(KubeTransport.seconds(options.connectTimeout)) (\(connectFlag))")
        }
        if let e = error as? HTTPClientError, e == .tlsHandshakeTimeout {
            return KubeClientError(.timeout, "TLS with \(connection.server) failed (\(contextDescription)): the server accepted the connection but did not complete the TLS handshake within \(KubeTransport.seconds(options.connectTimeout)) (\(connectFlag))")
        }
        if let e = error as? HTTPClientError, e == .deadlineExceeded || e == .readTimeout {
            return timeoutError(request, waited: timeout ?? 0, limit: timeout, phase: .response)
        }
        if let reason = TLSFailure.reason(error) {
            let hint: String
            if connection.tls.insecureSkipVerify {
                hint = ""
            } else if connection.tls.certificateAuthority == nil {
                hint = "; the cluster has no certificate-authority(-data), so the system trust store was used"
            } else {
                hint = "; check certificate-authority(-data) and tls-server-name for this cluster"
            }
            return KubeClientError(.tls, "TLS with \(connection.server) failed (\(contextDescription)): \(reason)\(hint)")
        }
        if let e = error as? HTTPClientError, e == .cancelled {
            return KubeClientError(.unreachable, "request to \(connection.server) was cancelled")
        }
        if error is CancellationError {
            return KubeClientError(.unreachable, "request to \(connection.server) was cancelled")
        }
        return KubeClientError(.unreachable, "cannot reach \(connection.server) (\(contextDescription)): \(KubeTransport.shortReason(String(describing: error)))")
    }

    /// The flag that sets the connect bound in force.
    private var connectFlag: String {
        options.connectTimeout < options.limits.connectTimeout ? "--request-timeout" : "--connect-timeout"
    }

    /// A request that ran out of time: the bound it hit (which the race in ``send(_:)`` makes
    /// the time really waited) and what it was still waiting for.
    func timeoutError(_ request: KubeRequest, waited: Double, limit: Double?, phase: RequestProgress.Phase) -> KubeClientError {
        let what: String
        switch phase {
        case .credentials: what = ": still getting credentials (\(connection.auth.label))"
        case .response: what = ": no response"
        case .body: what = ": the response body was still arriving"
        }
        let flag = limit != nil ? "; raise --request-timeout" : ""
        return KubeClientError(.timeout, "timed out after \(KubeTransport.seconds(limit ?? waited)) waiting for \(connection.server) to \(request.verb) \(request.target) (\(contextDescription))\(what)\(flag)")
    }

    func statusError(_ code: Int, _ body: [UInt8], _ headers: HTTPHeaders, _ request: KubeRequest) -> KubeClientError {
        var status = KubeStatus(bytes: body, httpCode: code)
        if status.retryAfterSeconds == nil, let ra = RetryAfter.seconds(headers.first(name: "Retry-After")) { status.retryAfterSeconds = Int(ra) }
        let who = "user \"\(connection.userName)\" (context \"\(connection.contextName)\", \(connection.auth.label))"
        switch code {
        case 401:
            return KubeClientError(.unauthorized, "Unauthorized: \(connection.server) rejected the credentials of \(who) to \(request.verb) \(request.target)\(status.message.isEmpty || status.message == "Unauthorized" ? "" : ": \(status.message)")", status: status)
        case 403:
            return KubeClientError(.forbidden, "Forbidden: \(who) may not \(request.verb) \(request.target): \(status.message)", status: status)
        case 429:
            return KubeClientError(.tooManyRequests, "the API server is still throttling after \(options.maxThrottleRetries) retries (429 Too Many Requests) to \(request.verb) \(request.target): \(status.message)", status: status)
        default:
            return KubeClientError(KubeClientError.kind(forCode: code), "\(request.verb) \(request.target): \(code) \(status.reason): \(status.message)", status: status)
        }
    }

    static func shortReason(_ text: String) -> String {
        // NIO's errors carry the syscall and errno: keep the human part.
        if let r = text.range(of: "Connection refused") { return String(text[r]) }
        if text.contains("errno: 111") { return "connection refused" }
        if text.contains("errno: 113") { return "no route to host" }
        if text.contains("errno: 101") { return "network is unreachable" }
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    /// `3s`, `2.5s`, `0.3s`: a duration for messages (never traps, whatever the value).
    static func seconds(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "\(s)s" }
        if s < 1 { return "\((s * 100).rounded() / 100)s" }
        if s >= 1e9 { return "\(s)s" }
        let tenths = (s * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths))s" : "\(tenths)s"
    }

    // MARK: Setup

    /// The request base URL and DNS override implementing `tls-server-name`.
    static func baseURL(_ c: ClusterConnection) throws(KubeClientError) -> (String, [String: String]) {
        var server = c.server
        while server.hasSuffix("/") { server.removeLast() }
        guard let url = URL(string: server), let host = url.host else {
            throw KubeClientError(.config, "\(c.origin): \"\(c.server)\" is not a valid URL")
        }
        guard let serverName = c.tls.serverName, !serverName.isEmpty, server.hasPrefix("https://") else { return (server, [:]) }
        // Request the name the certificate is for, and connect to the configured address.
        let port = url.port.map { ":\($0)" } ?? ""
        let path = url.path
        return ("https://\(serverName)\(port)\(path)", [serverName: host])
    }

    static func tlsConfiguration(_ c: ClusterConnection, execClientCertificate: (cert: [UInt8], key: Redacted)?) throws(KubeClientError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if c.tls.insecureSkipVerify {
            tls.certificateVerification = .none
        } else if let ca = c.tls.certificateAuthority {
            let bytes = try read(ca, what: "certificate-authority")
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(bytes))
            } catch {
                throw KubeClientError(.config, "\(ca.label): not a PEM certificate bundle (certificate-authority of cluster \"\(c.clusterName)\")")
            }
        }
        var certBytes: [UInt8]?
        var keyBytes: [UInt8]?
        var certLabel = "", keyLabel = ""
        if let exec = execClientCertificate {
            (certBytes, keyBytes) = (exec.cert, Array(exec.key.value.utf8))
            (certLabel, keyLabel) = ("exec plugin clientCertificateData", "exec plugin clientKeyData")
        } else if let cert = c.tls.clientCertificate, let key = c.tls.clientKey {
            certBytes = try read(cert, what: "client-certificate")
            keyBytes = try read(key, what: "client-key")
            (certLabel, keyLabel) = (cert.label, key.label)
        }
        if let certBytes, let keyBytes {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certBytes).map { .certificate($0) }
            } catch {
                throw KubeClientError(.config, "\(certLabel): not a PEM certificate (client certificate of user \"\(c.userName)\")")
            }
            if tls.certificateChain.isEmpty { throw KubeClientError(.config, "\(certLabel): no certificate found (user \"\(c.userName)\")") }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyBytes, format: .pem))
            } catch {
                // Never echo key material; name where it came from only.
                throw KubeClientError(.config, "\(keyLabel): not a PEM private key (client key of user \"\(c.userName)\")")
            }
        }
        return tls
    }

    static func read(_ m: ClusterConnection.Material, what: String) throws(KubeClientError) -> [UInt8] {
        switch m {
        case .data(let bytes, _): return bytes
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeClientError(.config, "cannot read \(what) file \(path)")
            }
            return [UInt8](data)
        }
    }

    static func proxy(_ text: String, _ c: ClusterConnection) throws(KubeClientError) -> HTTPClient.Configuration.Proxy {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host else {
            throw KubeClientError(.config, "proxy-url \"\(text)\" of cluster \"\(c.clusterName)\" is not a URL")
        }
        switch scheme {
        case "http":
            var auth: HTTPClient.Authorization?
            if let user = url.user { auth = .basic(username: user, password: url.password ?? "") }
            return .server(host: host, port: url.port ?? 80, authorization: auth)
        case "socks5":
            return .socksServer(host: host, port: url.port ?? 1080)
        default:
            throw KubeClientError(.config, "proxy-url \"\(text)\" of cluster \"\(c.clusterName)\": scheme \(scheme) is not supported (use http:// or socks5://)")
        }
    }
}

/// Where a request is, so a timeout can say what it was waiting for.
final class RequestProgress: @unchecked Sendable {
    enum Phase: Sendable { case credentials, response, body }
    private let lock = NSLock()
    private var _phase = Phase.response
    var phase: Phase {
        get { lock.withLock { _phase } }
        set { lock.withLock { _phase = newValue } }
    }
}
