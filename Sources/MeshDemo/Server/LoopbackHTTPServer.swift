import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SwiftASN1
import X509

/// A request as the fake servers see it.
public struct DemoHTTPRequest: Sendable {
    public var method: HTTPMethod
    /// Percent-decoded path without the query.
    public var path: String
    /// The raw path as sent, for forwarding.
    public var rawPath: String
    /// The raw query (without `?`), for forwarding.
    public var rawQuery: String
    /// Decoded query parameters (last one wins for repeated names).
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Subject common name and organizations of a verified TLS client certificate.
    public var clientCommonName: String?
    public var clientOrganizations: [String]
}

/// A response: whole, or a chunked stream (watches).
public struct DemoHTTPResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(AsyncStream<[UInt8]>)
    }

    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ status: HTTPResponseStatus, _ bytes: [UInt8]) -> DemoHTTPResponse {
        DemoHTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: .bytes(bytes))
    }

    public static func text(_ status: HTTPResponseStatus, _ text: String) -> DemoHTTPResponse {
        DemoHTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }
}

/// An HTTP/1.1 server on 127.0.0.1 (free port), optionally TLS, for the in-process fakes.
///
/// Structured: one task owns the listening socket and a child task per connection;
/// ``shutdown()`` closes the socket and cancels them all, streaming responses included.
///
/// ```swift
/// let server = try await LoopbackHTTPServer.start { req in .text(.ok, "hello \(req.path)") }
/// print(server.baseURL)   // http://127.0.0.1:40123
/// await server.shutdown()
/// ```
public final class LoopbackHTTPServer: Sendable {
    public let port: Int
    public let isTLS: Bool
    private let serverChannel: any Channel
    private let task: Task<Void, Never>

    public var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }

    private init(port: Int, isTLS: Bool, serverChannel: any Channel, task: Task<Void, Never>) {
        self.port = port
        self.isTLS = isTLS
        self.serverChannel = serverChannel
        self.task = task
    }

    public typealias Handler = @Sendable (DemoHTTPRequest) async -> DemoHTTPResponse

    public static func start(tls: TLSConfiguration? = nil, port: Int = 0, handler: @escaping Handler) async throws -> LoopbackHTTPServer {
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let boundPort = server.channel.localAddress?.port ?? 0
        let channel = server.channel
        let task = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await serve(connection, tls: sslContext != nil, handler: handler) }
                        }
                    }
                } catch {
                    // The listening socket closed (shutdown): connections are cancelled with the group.
                }
                group.cancelAll()
            }
        }
        return LoopbackHTTPServer(port: boundPort, isTLS: sslContext != nil, serverChannel: channel, task: task)
    }

    public func shutdown() async {
        task.cancel()
        try? await serverChannel.close()
        await task.value
    }

    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, tls: Bool, handler: Handler) async {
        var peer: (String?, [String]) = (nil, [])
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body = []
                case .body(let buffer):
                    body.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard let h = head else { continue }
                    // The handshake is done once a request arrived: read the client certificate then.
                    if tls, peer.0 == nil, let cert = try? await connection.channel.nioSSL_peerCertificate().get() {
                        peer = subject(of: cert)
                    }
                    let request = makeRequest(h, body: body, peer: peer)
                    let response = await handler(request)
                    let keepAlive = h.isKeepAlive
                    var headers = response.headers
                    switch response.body {
                    case .bytes(let bytes):
                        headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
                        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
                        try await outbound.write(.head(HTTPResponseHead(version: h.version, status: response.status, headers: headers)))
                        if !bytes.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes)))) }
                        try await outbound.write(.end(nil))
                    case .stream(let chunks):
                        headers.remove(name: "Content-Length")
                        headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
                        try await outbound.write(.head(HTTPResponseHead(version: h.version, status: response.status, headers: headers)))
                        for await chunk in chunks {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
                        }
                        try await outbound.write(.end(nil))
                    }
                    if !keepAlive { return }
                    head = nil
                }
            }
        }
    }

    private static func makeRequest(_ h: HTTPRequestHead, body: [UInt8], peer: (String?, [String])) -> DemoHTTPRequest {
        let uri = h.uri
        let (rawPath, rawQuery): (String, String)
        if let q = uri.firstIndex(of: "?") {
            (rawPath, rawQuery) = (String(uri[..<q]), String(uri[uri.index(after: q)...]))
        } else {
            (rawPath, rawQuery) = (uri, "")
        }
        var query: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            let key = decode(String(kv[0]))
            query[key] = kv.count > 1 ? decode(String(kv[1])) : ""
        }
        return DemoHTTPRequest(method: h.method, path: decode(rawPath, plusIsSpace: false), rawPath: rawPath, rawQuery: rawQuery, query: query,
                               headers: h.headers, body: body, clientCommonName: peer.0, clientOrganizations: peer.1)
    }

    static func decode(_ s: String, plusIsSpace: Bool = true) -> String {
        let spaced = plusIsSpace ? s.replacingOccurrences(of: "+", with: " ") : s
        return spaced.removingPercentEncoding ?? spaced
    }

    /// CN and O of a client certificate: Kubernetes' user name and groups.
    private static func subject(of cert: NIOSSLCertificate) -> (String?, [String]) {
        guard let der = try? cert.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return (nil, []) }
        var cn: String?
        var orgs: [String] = []
        for rdn in parsed.subject {
            for attribute in rdn {
                if attribute.type == ASN1ObjectIdentifier.RDNAttributeType.commonName { cn = attribute.value.description }
                if attribute.type == ASN1ObjectIdentifier.RDNAttributeType.organizationName { orgs.append(attribute.value.description) }
            }
        }
        return (cn, orgs)
    }
}
