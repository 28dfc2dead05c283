import AsyncHTTPClient
import Foundation
import Logging
import MeshModel
import NIOCore
import NIOHTTP1

/// Reads Envoy, ztunnel and istiod admin endpoints: through the API server's pod proxy
/// subresource (`/api/v1/namespaces/NS/pods/POD:PORT/proxy/PATH`, what istioctl does), or
/// directly from a URL (`--admin-url`, for a port-forward or a local proxy).
///
/// Every request has its own timeout (istioctl's fixed 15 s is too short for large
/// config dumps), and at most `maxConcurrent` requests run at once so polling many
/// proxies does not flood the API server.
///
/// ```swift
/// let admin = AdminClient(.apiServerProxy(client), timeout: 30)
/// let dump = try await admin.fetch(pod: "web-0", namespace: "shop", port: 15000, path: "/config_dump?include_eds")
/// ```
public final class AdminClient: Sendable {
    public enum Mode: Sendable {
        case apiServerProxy(KubeClient)
        /// Base URL such as `http://127.0.0.1:15000`; pod and namespace are ignored.
        case direct(String)
    }

    /// Well-known admin ports.
    public enum Port {
        public static let envoyAdmin = 15000
        public static let ztunnelAdmin = 15000
        public static let ztunnelMetrics = 15020
        public static let istiodDebug = 15014
    }

    public let mode: Mode
    public let timeout: Double
    let limiter: ConcurrencyLimiter
    let directHTTP: HTTPClient?

    public init(_ mode: Mode, timeout: Double = 30, maxConcurrent: Int = 8) {
        self.mode = mode
        self.timeout = timeout
        self.limiter = ConcurrencyLimiter(limit: maxConcurrent)
        if case .direct = mode {
            let connect = timeout > 0 ? min(InputLimits.current.connectTimeout, timeout) : InputLimits.current.connectTimeout
            directHTTP = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: KubeTransport.httpConfiguration(connectTimeout: connect))
        } else {
            directHTTP = nil
        }
    }

    /// Shuts down the direct-mode HTTP client (the API server client belongs to its owner).
    public func shutdown() async {
        try? await directHTTP?.shutdown()
    }

    /// The response body of one admin endpoint. `path` may carry a query (`/stats?format=json`);
    /// `method` is POST for the endpoints that change the proxy (`/logging`).
    public func fetch(pod: String, namespace: String, port: Int, path: String, method: HTTPMethod = .GET) async throws(KubeClientError) -> [UInt8] {
        await limiter.acquire()
        do {
            let body = try await perform(pod: pod, namespace: namespace, port: port, path: path, method: method)
            await limiter.release()
            return body
        } catch {
            await limiter.release()
            throw error
        }
    }

    private func perform(pod: String, namespace: String, port: Int, path: String, method: HTTPMethod) async throws(KubeClientError) -> [UInt8] {
        let normalized = path.hasPrefix("/") ? path : "/" + path
        switch mode {
        case .apiServerProxy(let client):
            let p = normalized.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let proxyPath = "/api/v1/namespaces/\(namespace)/pods/\(pod):\(port)/proxy\(p[0])"
            var req = KubeRequest(method: method, path: proxyPath, accept: "*/*", verb: method == .GET ? "get" : method.rawValue.lowercased(), target: "pods/proxy \"\(pod):\(port)\" in namespace \"\(namespace)\" (admin \(normalized))", timeout: timeout)
            req.rawQuery = p.count > 1 ? String(p[1]) : nil
            do {
                return try await client.transport.send(req).body
            } catch {
                throw AdminClient.explain(error, pod: pod, namespace: namespace, port: port, path: normalized)
            }
        case .direct(let base):
            var trimmed = base
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            let url = trimmed + normalized
            var built = HTTPClientRequest(url: url)
            built.method = method
            let request = built
            let http = directHTTP!
            let timeout = self.timeout
            do {
                // The whole read (connect, head and body) is bounded: AsyncHTTPClient's own
                // deadline stops at the response head.
                return try await TimeBound.run(seconds: timeout > 0 ? timeout + 0.1 : nil) {
                    let response = try await http.execute(request, deadline: TimeBound.deadline(timeout > 0 ? timeout : nil))
                    let body = Array(try await response.body.collect(upTo: 1 << 30).readableBytesView)
                    let code = Int(response.status.code)
                    guard code < 400 else {
                        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                        throw KubeClientError(KubeClientError.kind(forCode: code), "\(method.rawValue) \(url): \(code) \(response.status.reasonPhrase)\(text.isEmpty ? "" : ": \(text)")")
                    }
                    return body
                }
            } catch let e as KubeClientError {
                throw e
            } catch is TimeBound.Exceeded {
                throw KubeClientError(.timeout, "GET \(url): no complete answer within \(KubeTransport.seconds(timeout)) (raise --request-timeout)")
            } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout {
                throw KubeClientError(.timeout, "GET \(url): no answer within \(KubeTransport.seconds(timeout)) (raise --request-timeout)")
            } catch let e as HTTPClientError where e == .connectTimeout {
                throw KubeClientError(.timeout, "cannot reach admin URL \(url): no TCP connection within \(KubeTransport.seconds(min(timeout, InputLimits.current.connectTimeout)))")
            } catch {
                if let reason = TLSFailure.reason(error) { throw KubeClientError(.tls, "TLS with admin URL \(url) failed: \(reason)") }
                throw KubeClientError(.unreachable, "cannot reach admin URL \(url): \(KubeTransport.shortReason(String(describing: error)))")
            }
        }
    }

    static func explain(_ error: KubeClientError, pod: String, namespace: String, port: Int, path: String) -> KubeClientError {
        var e = error
        if error.kind == .notFound, error.status?.kind == "pods" || error.status?.message.contains("pods \"\(pod)\" not found") == true {
            e.message = "pod \"\(pod)\" not found in namespace \"\(namespace)\""
        } else if error.kind == .status, error.status?.code == 503 {
            e.message = "admin port \(port) of pod \(pod).\(namespace) is not reachable through the API server: \(error.status?.message ?? error.message)"
        }
        return e
    }
}

/// A counting semaphore for async code.
actor ConcurrencyLimiter {
    let limit: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            inUse -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
