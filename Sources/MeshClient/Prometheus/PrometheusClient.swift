import AsyncHTTPClient
import Foundation
import Logging
import MeshModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// Prometheus's HTTP API (`/api/v1/query`, `/api/v1/query_range`, `/api/v1/series`), reached
/// by URL or through the API server's service proxy. Every request is bounded by `timeout`
/// (connect to last byte, ``TimeBound``); a 429, 502, 503, 504 or a refused connection is
/// retried once after a short pause (a Prometheus restarting, a Thanos store flapping); other
/// 4xx/5xx answers become one line with the server's `error` text. Answers are decoded by
/// ``PrometheusAPIResult`` (pure, bounded by ``InputLimits``).
///
/// ```swift
/// let prom = try PrometheusClient(.url("http://127.0.0.1:9090"), timeout: 5)
/// let r = try await prom.query("sum(up)")
/// await prom.shutdown()
/// ```
public final class PrometheusClient: Sendable {
    public let target: PrometheusTarget
    public let timeout: Double
    let auth: PrometheusAuth
    let kube: KubeClient?
    let http: HTTPClient?

    /// - Parameter kube: the cluster client, needed for a `.service` target.
    public init(_ target: PrometheusTarget, auth: PrometheusAuth = PrometheusAuth(), kube: KubeClient? = nil, timeout: Double = 10) throws(PrometheusError) {
        self.target = target
        self.auth = auth
        self.kube = kube
        self.timeout = timeout > 0 && timeout.isFinite ? timeout : 10
        switch target {
        case .service:
            guard kube != nil else { throw PrometheusError(.config, "\(target): a service needs a cluster connection") }
            http = nil
        case .url(let url):
            var config = KubeTransport.httpConfiguration(connectTimeout: min(InputLimits.current.connectTimeout, self.timeout))
            if url.hasPrefix("https://") { config.tlsConfiguration = try PrometheusClient.tls(auth) }
            http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        }
    }

    public func shutdown() async {
        try? await http?.shutdown()
    }

    /// An instant query (at `time`, default: the server's now), bounded by `timeout` seconds
    /// (default: the client's).
    public func query(_ promql: String, at time: Date? = nil, timeout: Double? = nil) async throws(PrometheusError) -> PrometheusAPIResult {
        var q = [("query", promql)]
        if let time { q.append(("time", PrometheusClient.seconds(time))) }
        return try await get("/api/v1/query", q, timeout: timeout)
    }

    /// A range query: one sample every `step` seconds from `start` to `end`, bounded by
    /// `timeout` seconds (default: the client's).
    public func queryRange(_ promql: String, start: Date, end: Date, step: Double, timeout: Double? = nil) async throws(PrometheusError) -> PrometheusAPIResult {
        try await get("/api/v1/query_range", [("query", promql), ("start", PrometheusClient.seconds(start)), ("end", PrometheusClient.seconds(end)),
                                              ("step", String(max(1, step.isFinite ? step : 60)))], timeout: timeout)
    }

    /// The label sets of the series matching `match` (e.g. `istio_requests_total`) in the last `lookback` seconds.
    public func series(_ match: String, lookback: Double = 300) async throws(PrometheusError) -> PrometheusAPIResult {
        let now = Date()
        return try await get("/api/v1/series", [("match[]", match), ("start", PrometheusClient.seconds(now.addingTimeInterval(-lookback))),
                                                ("end", PrometheusClient.seconds(now))])
    }

    static func seconds(_ d: Date) -> String { String(format: "%.3f", d.timeIntervalSince1970) }

    func get(_ path: String, _ query: [(String, String)], timeout: Double? = nil) async throws(PrometheusError) -> PrometheusAPIResult {
        let timeout = timeout.flatMap { $0 > 0 && $0.isFinite ? $0 : nil } ?? self.timeout
        var attempt = 0
        while true {
            attempt += 1
            do {
                let (code, body) = try await once(path, query, timeout: timeout)
                if [429, 502, 503, 504].contains(code), attempt < 2 {
                    try? await Task.sleep(nanoseconds: 300_000_000)
                    continue
                }
                do {
                    let result = try PrometheusAPIResult.decode(body)
                    if code >= 400 { throw PrometheusError(.status, "\(target): \(path) answered \(code)") }
                    return result
                } catch let e as PrometheusAPIError {
                    // Prometheus sends its JSON error with 400/422/503: its text is the reason.
                    if case .server = e.kind { throw PrometheusError(.server, "\(target): \(path): \(e.message)") }
                    if code >= 400 { throw PrometheusError(code == 404 ? .notFound : .status, "\(target): \(path) answered \(code): \(PrometheusClient.snippet(body))") }
                    throw PrometheusError(.badResponse, "\(target): \(path): \(e.message)")
                }
            } catch let e as PrometheusError {
                if e.kind == .unreachable, attempt < 2, !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 300_000_000)
                    continue
                }
                throw e
            } catch {
                throw PrometheusError(.unreachable, "\(target): \(error)")
            }
        }
    }

    static func snippet(_ body: [UInt8]) -> String {
        TerminalText.escaped(String(decoding: body.prefix(160), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// One exchange: status code and body (error bodies included, for their reason).
    func once(_ path: String, _ query: [(String, String)], timeout: Double) async throws(PrometheusError) -> (Int, [UInt8]) {
        switch target {
        case .service(let ns, let name, let port):
            let req = KubeRequest(path: "/api/v1/namespaces/\(ns)/services/\(name):\(port)/proxy\(path)", query: query, accept: "application/json",
                                  verb: "get", target: "services/proxy \"\(name):\(port)\" in namespace \"\(ns)\" (prometheus \(path))", timeout: timeout)
            do {
                let r = try await kube!.transport.send(req)
                return (r.status, r.body)
            } catch {
                // The service proxy passes Prometheus's own error body through with its status.
                if let status = error.status, status.code >= 400 {
                    let code = status.code
                    throw PrometheusError(code == 404 ? .notFound : .status, "\(target): \(path): \(status.message.isEmpty ? error.message : status.message)")
                }
                let kind: PrometheusError.Kind = error.kind == .timeout ? .timeout : error.kind == .notFound ? .notFound : error.kind == .unreachable ? .unreachable : .status
                throw PrometheusError(kind, "\(target): \(error.message)")
            }
        case .url(let base):
            var request = HTTPClientRequest(url: base + KubeRequest(path: path, query: query, verb: "get", target: "").pathAndQuery)
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "meshscope/0.1")
            if let a = auth.authorization { request.headers.add(name: "Authorization", value: a) }
            let http = self.http!
            let sent = request
            let limit = InputLimits.current.maxDocumentBytes
            do {
                return try await TimeBound.run(seconds: timeout + 0.1) {
                    let response = try await http.execute(sent, deadline: TimeBound.deadline(timeout))
                    let body = Array(try await response.body.collect(upTo: limit).readableBytesView)
                    return (Int(response.status.code), body)
                }
            } catch is TimeBound.Exceeded {
                throw PrometheusError(.timeout, "\(target): no complete answer to \(path) within \(KubeTransport.seconds(timeout))")
            } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout {
                throw PrometheusError(.timeout, "\(target): no answer to \(path) within \(KubeTransport.seconds(timeout))")
            } catch let e as HTTPClientError where e == .connectTimeout {
                throw PrometheusError(.unreachable, "cannot reach \(target): no TCP connection within \(KubeTransport.seconds(min(timeout, InputLimits.current.connectTimeout)))")
            } catch {
                if let reason = TLSFailure.reason(error) { throw PrometheusError(.unreachable, "TLS with \(target) failed: \(reason)") }
                throw PrometheusError(.unreachable, "cannot reach \(target): \(KubeTransport.shortReason(String(describing: error)))")
            }
        }
    }

    static func tls(_ auth: PrometheusAuth) throws(PrometheusError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        func read(_ path: String, _ what: String) throws(PrometheusError) -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else { throw PrometheusError(.config, "cannot read Prometheus \(what) file \(path)") }
            return [UInt8](data)
        }
        if auth.insecureSkipVerify {
            tls.certificateVerification = .none
        } else if let ca = auth.certificateAuthority {
            let bytes = try read(ca, "CA")
            do { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(bytes)) } catch {
                throw PrometheusError(.config, "\(ca): not a PEM certificate bundle (Prometheus CA)")
            }
        }
        if let cert = auth.clientCertificate, let key = auth.clientKey {
            let certBytes = try read(cert, "client certificate"), keyBytes = try read(key, "client key")
            do { tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certBytes).map { .certificate($0) } } catch {
                throw PrometheusError(.config, "\(cert): not a PEM certificate (Prometheus client certificate)")
            }
            do { tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)) } catch {
                throw PrometheusError(.config, "\(key): not a PEM private key (Prometheus client key)")
            }
        }
        return tls
    }
}
