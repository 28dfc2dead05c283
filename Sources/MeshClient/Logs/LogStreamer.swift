import AsyncHTTPClient
import Foundation
import MeshModel
import NIOCore

/// One container whose log is read: `istio-proxy` of a pod, usually.
public struct LogTarget: Sendable, Hashable, CustomStringConvertible {
    public var pod: String
    public var namespace: String
    public var container: String

    public init(pod: String, namespace: String, container: String) {
        self.pod = pod
        self.namespace = namespace
        self.container = container
    }

    public var description: String { "\(pod).\(namespace)" }
}

/// One line of a container's log (without its newline). `timestamp` is the `timestamps=true`
/// prefix, already taken off `bytes`; `cut` says the line did not end (too long, or the
/// stream ended mid-line).
public struct LogLine: Sendable, Equatable {
    public var timestamp: String?
    public var bytes: [UInt8]
    public var cut: Bool

    public init(timestamp: String?, bytes: [UInt8], cut: Bool) {
        self.timestamp = timestamp
        self.bytes = bytes
        self.cut = cut
    }
}

/// What a ``LogStreamer`` reports, in arrival order per target.
public enum LogEvent: Sendable {
    /// The lines one read of the stream completed, in order (never empty): one hand-off per
    /// read, not per line, which at 10,000 lines a second was a seventh of a follower's CPU.
    case lines(LogTarget, [LogLine])
    /// Something about the stream worth one line: a reconnect, a restart, the reason it stopped.
    case notice(LogTarget, String)
    /// The stream is over for good (not following, or a final error); the reason if any.
    case ended(LogTarget, String?)
}

/// Reads container logs through the API server (`GET /api/v1/namespaces/NS/pods/POD/log`
/// with `container`, `follow`, `timestamps=true`, `sinceSeconds`/`sinceTime`/`tailLines`),
/// many pods at once, line by line as the body arrives.
///
/// - At most `maxStreams` streams are open at once (the others wait for a slot) and new
///   requests are paced to `maxRequestsPerSecond`, so following hundreds of pods, or all of
///   them reconnecting at once after an API server restart, does not flood the API server.
/// - Each stream's life (reconnect with backoff, restart detection, deduplication after a
///   reconnect) is ``LogStreamMachine``; this type only performs what it says.
/// - Events go through a buffer of `bufferedEvents`; when the consumer falls behind the
///   oldest are dropped and their lines counted (``droppedLines``).
///
/// ```swift
/// let streamer = LogStreamer(client: client, options: .init(follow: true, sinceSeconds: 60))
/// for await event in streamer.stream([LogTarget(pod: "web-0", namespace: "shop", container: "istio-proxy")]) { … }
/// ```
public final class LogStreamer: Sendable {
    public struct Options: Sendable {
        public var follow = true
        public var sinceSeconds: Int?
        public var tailLines: Int?
        public var maxStreams = 200
        public var maxRequestsPerSecond = 20.0
        public var bufferedEvents = 10_000
        public var maxLineBytes = 64 << 10

        public init(follow: Bool = true, sinceSeconds: Int? = nil, tailLines: Int? = nil) {
            self.follow = follow
            self.sinceSeconds = sinceSeconds
            self.tailLines = tailLines
        }
    }

    public let client: KubeClient
    public let options: Options
    private let counters = Counters()

    public init(client: KubeClient, options: Options = Options()) {
        self.client = client
        self.options = options
    }

    /// Lines (and notices) dropped because the consumer fell behind.
    public var droppedLines: Int { counters.value.dropped }
    /// Lines dropped as repeats after reconnects.
    public var duplicateLines: Int { counters.value.duplicates }

    /// Streams every target's log until each ends (or, following, until the consumer stops).
    public func stream(_ targets: [LogTarget]) -> AsyncStream<LogEvent> {
        let (stream, continuation) = AsyncStream<LogEvent>.makeStream(bufferingPolicy: .bufferingNewest(max(1, options.bufferedEvents)))
        let counters = self.counters
        let emit: @Sendable (LogEvent) -> Void = { event in
            if case .dropped(let old) = continuation.yield(event) {
                let n = if case .lines(_, let lines) = old { lines.count } else { 1 }
                counters.update { $0.dropped += n }
            }
        }
        let limiter = ConcurrencyLimiter(limit: options.maxStreams)
        let pacer = RequestPacer(perSecond: options.maxRequestsPerSecond)
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for target in targets {
                    group.addTask { await self.follow(target, limiter: limiter, pacer: pacer, emit: emit) }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func follow(_ target: LogTarget, limiter: ConcurrencyLimiter, pacer: RequestPacer, emit: @escaping @Sendable (LogEvent) -> Void) async {
        var machine = LogStreamMachine(initial: .init(sinceSeconds: options.sinceSeconds, tailLines: options.tailLines), follow: options.follow)
        // The container the first stream reads, so a later change is a restart.
        if options.follow {
            await pacer.take()
            switch await podState(target) {
            case .some(.some(let id)): machine.opened(containerID: id)
            case .some(.none):
                emit(.ended(target, "pod \(target.pod) not found in namespace \(target.namespace)"))
                return
            case .none: break
            }
        }
        var action = machine.start()
        while !Task.isCancelled {
            switch action {
            case .stop(let reason):
                emit(.ended(target, reason))
                return
            case .wait(let seconds):
                if seconds > 0 { try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
                action = machine.waited()
                if Task.isCancelled { return }
            case .checkPod:
                await pacer.take()
                switch await podState(target) {
                case .some(.none): action = machine.podChecked(exists: false, containerID: nil)
                case .some(.some(let id)):
                    let before = machine.restarts
                    action = machine.podChecked(exists: true, containerID: id)
                    if machine.restarts > before { emit(.notice(target, "container \(target.container) restarted; reading its new log")) }
                case .none:
                    // The API server did not answer: try again after the backoff.
                    action = machine.podChecked(exists: true, containerID: nil)
                }
            case .open(let query):
                await pacer.take()
                await limiter.acquire()
                let outcome = await read(target, query, machine: &machine, emit: emit)
                await limiter.release()
                switch outcome {
                case .ended: action = machine.streamEnded()
                case .failed(let status, let message): action = machine.streamEnded(status: status, message: message)
                }
                if case .checkPod = action, machine.failures > 0, machine.failures % 5 == 0 {
                    emit(.notice(target, "log stream failing (\(machine.failures) attempts); retrying every \(Int(machine.backoff))s"))
                }
            }
        }
    }

    enum Outcome {
        case ended
        case failed(status: Int?, message: String)
    }

    private func read(_ target: LogTarget, _ query: LogStreamMachine.Query, machine: inout LogStreamMachine, emit: @Sendable (LogEvent) -> Void) async -> Outcome {
        var q: [(String, String)] = [("container", target.container), ("timestamps", "true")]
        if options.follow { q.append(("follow", "true")) }
        if let s = query.sinceSeconds { q.append(("sinceSeconds", String(s))) }
        if let t = query.sinceTime { q.append(("sinceTime", t)) }
        if let n = query.tailLines { q.append(("tailLines", String(n))) }
        let req = KubeRequest(path: "/api/v1/namespaces/\(target.namespace)/pods/\(target.pod)/log", query: q, accept: "*/*", verb: "get",
                              target: "the log of container \(target.container) of pod \(target.pod) in namespace \(target.namespace)")
        var splitter = BoundedLineSplitter(maxLineBytes: options.maxLineBytes)
        do {
            let response = try await client.transport.open(req, deadline: .distantFuture)
            for try await chunk in response.body {
                // The chunk's bytes as they are: the splitter's non-generic path (per byte through
                // a generic view, it was most of the follower's splitting cost).
                let lines = chunk.withUnsafeReadableBytes { splitter.feed(bytes: $0.assumingMemoryBound(to: UInt8.self)) }
                deliver(target, lines, machine: &machine, emit: emit)
            }
            deliver(target, splitter.finish().map { [$0] } ?? [], machine: &machine, emit: emit)
            return .ended
        } catch let e as KubeClientError {
            deliver(target, splitter.finish().map { [$0] } ?? [], machine: &machine, emit: emit)
            return .failed(status: e.status?.code ?? LogStreamer.code(e.kind), message: e.status?.message ?? e.message)
        } catch {
            deliver(target, splitter.finish().map { [$0] } ?? [], machine: &machine, emit: emit)
            return .failed(status: nil, message: KubeTransport.shortReason(String(describing: error)))
        }
    }

    /// The lines of one read, less repeats after a reconnect, as one event.
    private func deliver(_ target: LogTarget, _ lines: [BoundedLineSplitter.Line], machine: inout LogStreamMachine, emit: @Sendable (LogEvent) -> Void) {
        var out: [LogLine] = []
        out.reserveCapacity(lines.count)
        var duplicates = 0
        for line in lines {
            var bytes = line.bytes
            var timestamp: String?
            if let (ts, rest) = LogStreamer.splitTimestamp(bytes) {
                timestamp = ts
                bytes = rest
            }
            guard machine.accept(timestamp: timestamp, line: bytes) else {
                duplicates += 1
                continue
            }
            out.append(LogLine(timestamp: timestamp, bytes: bytes, cut: line.cut))
        }
        if duplicates > 0 { counters.update { $0.duplicates += duplicates } }
        if !out.isEmpty { emit(.lines(target, out)) }
    }

    /// `2026-…Z rest` → (`2026-…Z`, `rest`): the prefix `timestamps=true` adds.
    static func splitTimestamp(_ line: [UInt8]) -> (String, [UInt8])? {
        guard line.count > 20, line[4] == UInt8(ascii: "-"), line[10] == UInt8(ascii: "T"),
              let space = line.prefix(40).firstIndex(of: 0x20) else { return nil }
        return (String(decoding: line[..<space], as: UTF8.self), Array(line[(space + 1)...]))
    }

    static func code(_ kind: KubeClientError.Kind) -> Int? {
        switch kind {
        case .notFound: 404
        case .forbidden: 403
        case .invalid: 422
        default: nil
        }
    }

    /// nil: the API server did not answer; `.some(nil)`: the pod is gone; else the
    /// container's identity (`containerID#restartCount`).
    private func podState(_ target: LogTarget) async -> String?? {
        let doc: JSONDocument?
        do {
            doc = try await client.get(try await client.resource("pods"), name: target.pod, namespace: target.namespace)
        } catch {
            return nil
        }
        guard let doc else { return .some(nil) }
        if let statuses = doc.root["status"]?["containerStatuses"] {
            for s in statuses.elements where s["name"]?.string == target.container {
                return .some((s["containerID"]?.string ?? "") + "#" + String(s["restartCount"]?.int ?? 0))
            }
        }
        return .some("")
    }

    final class Counters: @unchecked Sendable {
        struct Value { var dropped = 0, duplicates = 0 }
        private let lock = NSLock()
        private var v = Value()
        var value: Value { lock.withLock { v } }
        func update(_ body: (inout Value) -> Void) { lock.withLock { body(&v) } }
    }
}

/// At most `perSecond` requests a second, spread evenly (a token bucket one request deep).
actor RequestPacer {
    let interval: Double
    private var next = Date.distantPast

    init(perSecond: Double) { interval = perSecond > 0 ? 1 / perSecond : 0 }

    func take() async {
        let now = Date()
        let at = max(now, next)
        next = at.addingTimeInterval(interval)
        let wait = at.timeIntervalSince(now)
        if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000)) }
    }
}
