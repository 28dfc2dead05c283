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
/// Classic NIO handlers bridge each request to the async handler in a task; the task is
/// cancelled when its connection closes, and ``shutdown()`` closes the listening socket
/// and every open connection (streaming responses included).
///
/// (Not NIOAsyncChannel: a connection accepted while the listening socket closes is
/// dropped by NIO before it is handed out, and an unused async channel traps in debug
/// builds.)
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
    private let connections: ConnectionSet

    public var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }

    private init(port: Int, isTLS: Bool, serverChannel: any Channel, connections: ConnectionSet) {
        self.port = port
        self.isTLS = isTLS
        self.serverChannel = serverChannel
        self.connections = connections
    }

    public typealias Handler = @Sendable (DemoHTTPRequest) async -> DemoHTTPResponse

    public static func start(tls: TLSConfiguration? = nil, port: Int = 0, handler: @escaping Handler) async throws -> LoopbackHTTPServer {
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let connections = ConnectionSet()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RequestBridge(handler: handler, tls: sslContext != nil))
                    connections.add(channel)
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return LoopbackHTTPServer(port: channel.localAddress?.port ?? 0, isTLS: sslContext != nil, serverChannel: channel, connections: connections)
    }

    public func shutdown() async {
        try? await serverChannel.close()
        for c in connections.all { try? await c.close() }
    }

    /// One connection's requests, handed to the async handler one at a time (the HTTP
    /// pipeline handler holds back pipelined requests until a response ends).
    final class RequestBridge: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let handler: Handler
        let tls: Bool
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        var task: Task<Void, Never>?

        init(handler: @escaping Handler, tls: Bool) {
            self.handler = handler
            self.tls = tls
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(let buffer):
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                guard let h = head else { return }
                head = nil
                var peer: (String?, [String]) = (nil, [])
                if tls, let cert = try? context.pipeline.syncOperations.nioSSL_peerCertificate() { peer = LoopbackHTTPServer.subject(of: cert) }
                let request = LoopbackHTTPServer.makeRequest(h, body: body, peer: peer)
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                let eventLoop = context.eventLoop
                let handler = self.handler
                task = Task {
                    let response = await handler(request)
                    await RequestBridge.write(response, for: h, to: bound, on: eventLoop)
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            task?.cancel()
            context.fireChannelInactive()
        }

        static func write(_ response: DemoHTTPResponse, for h: HTTPRequestHead, to bound: NIOLoopBound<ChannelHandlerContext>, on eventLoop: any EventLoop) async {
            let keepAlive = h.isKeepAlive
            var headers = response.headers
            switch response.body {
            case .bytes(let bytes):
                headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
                if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
                let head = HTTPResponseHead(version: h.version, status: response.status, headers: headers)
                try? await eventLoop.flatSubmit {
                    let c = bound.value
                    c.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
                    if !bytes.isEmpty { c.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil) }
                    let done = c.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
                    if !keepAlive { let channel = c.channel; done.whenComplete { _ in channel.close(promise: nil) } }
                    return done
                }.get()
            case .stream(let chunks):
                headers.remove(name: "Content-Length")
                headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
                let head = HTTPResponseHead(version: h.version, status: response.status, headers: headers)
                do {
                    try await eventLoop.flatSubmit { bound.value.writeAndFlush(NIOAny(HTTPServerResponsePart.head(head))) }.get()
                    for await chunk in chunks {
                        try await eventLoop.flatSubmit {
                            bound.value.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: chunk)))))
                        }.get()
                    }
                    try await eventLoop.flatSubmit {
                        let c = bound.value
                        let done = c.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
                        if !keepAlive { let channel = c.channel; done.whenComplete { _ in channel.close(promise: nil) } }
                        return done
                    }.get()
                } catch {
                    // The client went away; nothing left to tell it.
                }
            }
        }
    }

    static func makeRequest(_ h: HTTPRequestHead, body: [UInt8], peer: (String?, [String])) -> DemoHTTPRequest {
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
    static func subject(of cert: NIOSSLCertificate) -> (String?, [String]) {
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

/// Open connections, so shutdown can close them.
final class ConnectionSet: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: any Channel] = [:]

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        lock.withLock { channels[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { _ = self.channels.removeValue(forKey: id) }
        }
    }

    var all: [any Channel] { lock.withLock { Array(channels.values) } }
}
