import Foundation
import NIOHTTP1

/// A local HTTP server answering fixed admin paths, standing in for an Envoy, ztunnel or
/// istiod admin port behind the fake API server's pod proxy.
///
/// ```swift
/// let envoy = try await AdminStubServer.start(["/server_info": .json(#"{"state":"LIVE"}"#)])
/// api.setAdminBackend(namespace: "shop", pod: "web-0", port: 15000, baseURL: envoy.baseURL)
/// ```
public final class AdminStubServer: Sendable {
    public struct Reply: Sendable {
        public var contentType: String
        public var body: [UInt8]
        public var delaySeconds: Double

        public static func json(_ text: String) -> Reply { Reply(contentType: "application/json", body: Array(text.utf8), delaySeconds: 0) }
        public static func text(_ text: String) -> Reply { Reply(contentType: "text/plain; charset=UTF-8", body: Array(text.utf8), delaySeconds: 0) }
        public func delayed(_ seconds: Double) -> Reply {
            var r = self
            r.delaySeconds = seconds
            return r
        }
    }

    let server: LoopbackHTTPServer
    let requests: RequestRecorder

    public var baseURL: String { server.baseURL }

    /// Paths (with query, as received) the server has answered, in order.
    public var received: [String] { requests.all }

    private init(server: LoopbackHTTPServer, requests: RequestRecorder) {
        self.server = server
        self.requests = requests
    }

    /// `routes` keys are paths; a key with a query (`/stats?format=json`) matches only that query.
    public static func start(_ routes: [String: Reply]) async throws -> AdminStubServer {
        let recorder = RequestRecorder()
        let server = try await LoopbackHTTPServer.start { req in
            let full = req.rawPath + (req.rawQuery.isEmpty ? "" : "?" + req.rawQuery)
            recorder.add(full)
            guard let reply = routes[full] ?? routes[req.path] else {
                return .text(.notFound, "invalid path: \(req.path)\n")
            }
            if reply.delaySeconds > 0 { try? await Task.sleep(nanoseconds: UInt64(reply.delaySeconds * 1_000_000_000)) }
            return DemoHTTPResponse(status: .ok, headers: ["Content-Type": reply.contentType], body: .bytes(reply.body))
        }
        return AdminStubServer(server: server, requests: recorder)
    }

    public func shutdown() async { await server.shutdown() }
}

/// Thread-safe list of request paths.
final class RequestRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []

    func add(_ p: String) { lock.withLock { paths.append(p) } }
    var all: [String] { lock.withLock { paths } }
}
