import Foundation
import NIOCore
import NIOPosix

/// An HTTP CONNECT proxy on loopback (what AsyncHTTPClient speaks to an `http://` proxy),
/// recording the targets it tunnelled to: enough to check that a kubeconfig's `proxy-url`
/// is honoured. Built on NIOAsyncChannel, so shut it down only after its clients are done
/// (a connection accepted while it closes is dropped by NIO and traps in debug builds).
///
/// ```swift
/// let proxy = try await ForwardProxy.start()
/// // proxy-url: proxy.url
/// proxy.tunnels   // ["127.0.0.1:40123"]
/// ```
public final class ForwardProxy: Sendable {
    let serverChannel: any Channel
    let task: Task<Void, Never>
    let recorder: RequestRecorder
    public let port: Int

    public var url: String { "http://127.0.0.1:\(port)" }
    /// `host:port` of every CONNECT, in order.
    public var tunnels: [String] { recorder.all }

    private init(serverChannel: any Channel, task: Task<Void, Never>, recorder: RequestRecorder, port: Int) {
        self.serverChannel = serverChannel
        self.task = task
        self.recorder = recorder
        self.port = port
    }

    public static func start() async throws -> ForwardProxy {
        let recorder = RequestRecorder()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let port = server.channel.localAddress?.port ?? 0
        // Never cancelled: closing the listening socket ends the accept loop.
        let task = Task.detached {
            await withDiscardingTaskGroup { group in
                try? await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await tunnel(connection, recorder: recorder) }
                    }
                }
                group.cancelAll()
            }
        }
        return ForwardProxy(serverChannel: server.channel, task: task, recorder: recorder, port: port)
    }

    public func shutdown() async {
        try? await serverChannel.close()
        await task.value
    }

    private static func tunnel(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>, recorder: RequestRecorder) async {
        try? await client.executeThenClose { clientIn, clientOut in
            var iterator = clientIn.makeAsyncIterator()
            var head = ByteBuffer()
            var headerEnd: Int?
            while headerEnd == nil {
                guard var chunk = try await iterator.next() else { return }
                head.writeBuffer(&chunk)
                headerEnd = head.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound
            }
            let bytes = Array(head.readableBytesView)
            let end = headerEnd! - head.readableBytesView.startIndex
            let requestLine = String(decoding: bytes.prefix { $0 != 0x0D }, as: UTF8.self).split(separator: " ")
            guard requestLine.count >= 2, requestLine[0] == "CONNECT",
                  let colon = requestLine[1].lastIndex(of: ":"), let port = Int(requestLine[1][requestLine[1].index(after: colon)...]) else {
                try await clientOut.write(ByteBuffer(string: "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"))
                return
            }
            let host = String(requestLine[1][..<colon])
            recorder.add(String(requestLine[1]))
            let upstream = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
            // Into executeThenClose at once: an async channel must never be dropped unused.
            try await upstream.executeThenClose { upIn, upOut in
                try await clientOut.write(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n"))
                if bytes.count > end { try await upOut.write(ByteBuffer(bytes: bytes[end...])) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await chunk in upIn { try await clientOut.write(chunk) }
                    }
                    while let chunk = try await iterator.next() { try await upOut.write(chunk) }
                    group.cancelAll()
                }
            }
        }
    }
}
