import Foundation
import MeshClient
import MeshDemo
import MeshModel
import Testing

/// LogStreamer against the fake API server's `pods/log`: follow streaming, reconnects
/// without repeats or gaps, a container restart, a pod deleted while followed, a container
/// that does not exist; the other streams go on through each.
@Suite struct LogStreamTests {
    static func pod(_ name: String) throws -> JSONTree {
        try JSONTree(json: Array(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","namespace":"shop"},"spec":{"containers":[{"name":"app","image":"a"},{"name":"istio-proxy","image":"p"}]},"status":{"phase":"Running","containerStatuses":[{"name":"app","restartCount":0},{"name":"istio-proxy","restartCount":0}]}}"#.utf8))
    }

    /// One line every 50 ms of wall-clock time: `POD MILLIS`.
    static let source: FakeLogSource = { _, pod, container, from, to in
        guard container == "istio-proxy" else { return [] }
        var out: [FakeLogLine] = []
        var m = (from + 49) / 50 * 50
        while m < to {
            out.append(FakeLogLine(millis: m, text: "\(pod) \(m)"))
            m += 50
        }
        return out
    }

    /// Collects a stream's events in the background.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String: [Int]] = [:]
        private var notices: [String] = []
        private var ended: [String: String?] = [:]
        var task: Task<Void, Never>?

        init(_ stream: AsyncStream<LogEvent>) {
            task = Task {
                for await e in stream {
                    self.lock.withLock {
                        switch e {
                        case .lines(let t, let lines):
                            #expect(!lines.isEmpty)
                            for line in lines {
                                #expect(line.timestamp != nil)
                                let text = String(decoding: line.bytes, as: UTF8.self)
                                if let m = Int(text.split(separator: " ").last ?? "") { self.lines[t.pod, default: []].append(m) }
                            }
                        case .notice(let t, let s): self.notices.append("\(t.pod): \(s)")
                        case .ended(let t, let r): self.ended[t.pod + "/" + t.container] = r
                        }
                    }
                }
            }
        }

        func lines(_ pod: String) -> [Int] { lock.withLock { lines[pod] ?? [] } }
        var allNotices: [String] { lock.withLock { notices } }
        /// How `POD/CONTAINER`'s stream ended (nil: it goes on).
        func ended(_ stream: String) -> String?? { lock.withLock { ended[stream] } }
    }

    static func withStreams(_ pods: [String], targets: [LogTarget], _ body: (TestCluster, Collector, LogStreamer) async throws -> Void) async throws {
        try await withCluster { cluster in
            for p in pods { try cluster.server.write(try pod(p), manager: "test") }
            cluster.server.setLogSource(source)
            let client = try cluster.client()
            try await withClient(client) { client in
                let streamer = LogStreamer(client: client, options: .init(follow: true, tailLines: 5))
                let collector = Collector(streamer.stream(targets))
                try await body(cluster, collector, streamer)
                collector.task?.cancel()
            }
        }
    }

    static func target(_ pod: String, _ container: String = "istio-proxy") -> LogTarget { LogTarget(pod: pod, namespace: "shop", container: container) }

    /// Consecutive lines, no repeats: every step is one line (50 ms) after the last.
    static func expectContiguous(_ m: [Int], _ what: String) {
        for (a, b) in zip(m, m.dropFirst()) where b - a != 50 {
            Issue.record("\(what): \(a) then \(b)")
            return
        }
    }

    @Test func reconnectsWithoutRepeatsOrGaps() async throws {
        try await Self.withStreams(["web-0", "web-1"], targets: [Self.target("web-0"), Self.target("web-1")]) { cluster, c, streamer in
            #expect(await eventually(timeout: 30) { c.lines("web-0").count >= 10 && c.lines("web-1").count >= 10 })
            #expect(cluster.server.openLogStreams == 2)
            let before = c.lines("web-0").count
            cluster.server.dropLogStreams()
            #expect(await eventually(timeout: 30) { c.lines("web-0").count >= before + 20 && c.lines("web-1").count >= before + 20 })
            Self.expectContiguous(c.lines("web-0"), "web-0")
            Self.expectContiguous(c.lines("web-1"), "web-1")
            #expect(await eventually(timeout: 30) { cluster.server.openLogStreams == 2 })
            #expect(c.ended("web-0/istio-proxy") == nil)
        }
    }

    @Test func containerRestartIsFollowed() async throws {
        try await Self.withStreams(["web-0", "web-1"], targets: [Self.target("web-0"), Self.target("web-1")]) { cluster, c, _ in
            #expect(await eventually(timeout: 30) { c.lines("web-0").count >= 5 })
            try cluster.server.restartContainer(namespace: "shop", pod: "web-0", container: "istio-proxy")
            let at = c.lines("web-0").count
            #expect(await eventually(timeout: 30) { c.allNotices.contains("web-0: container istio-proxy restarted; reading its new log") })
            #expect(await eventually(timeout: 30) { c.lines("web-0").count >= at + 10 })
            #expect(c.ended("web-0/istio-proxy") == nil)
            let others = c.lines("web-1")
            Self.expectContiguous(others, "web-1")
        }
    }

    @Test func deletedPodAndUnknownContainerEndOnlyTheirStreams() async throws {
        try await Self.withStreams(["web-0", "web-1"], targets: [Self.target("web-0"), Self.target("web-1"), Self.target("web-0", "nope")]) { cluster, c, _ in
            #expect(await eventually(timeout: 30) { c.lines("web-1").count >= 5 })
            cluster.server.delete(apiVersion: "v1", kind: "Pod", namespace: "shop", name: "web-1")
            #expect(await eventually(timeout: 30) { c.ended("web-1/istio-proxy") == .some("pod deleted") })
            let n = c.lines("web-0").count
            #expect(await eventually(timeout: 30) { c.lines("web-0").count >= n + 10 })
            #expect(c.ended("web-0/istio-proxy") == nil)
            // The 400 for a container the pod does not have is reported once, as the server said it.
            #expect(c.ended("web-0/nope") == .some("container nope is not valid for pod web-0"))
        }
    }

    @Test func notFollowingReadsTheTailOnce() async throws {
        try await withCluster { cluster in
            try cluster.server.write(try Self.pod("web-0"), manager: "test")
            cluster.server.setLogSource(Self.source)
            try await withClient(try cluster.client()) { client in
                let streamer = LogStreamer(client: client, options: .init(follow: false, tailLines: 7))
                var lines = 0
                var ended = 0
                for await e in streamer.stream([Self.target("web-0")]) {
                    if case .lines(_, let batch) = e { lines += batch.count }
                    if case .ended = e { ended += 1 }
                }
                #expect(lines == 7)
                #expect(ended == 1)
            }
        }
    }
}
