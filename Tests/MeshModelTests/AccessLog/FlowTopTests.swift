import Foundation
import MeshModel
import Testing

@Suite struct FlowTopTests {
    static func flow(_ status: Int, _ flags: String, duration: Int, id: String, path: String = "/r") -> Flow {
        let line = #"[2026-11-20T09:00:01.000Z] "GET \#(path) HTTP/1.1" \#(status) \#(flags) d - "-" 10 90 \#(duration) - "-" "ua" "\#(id)" "svc:80" "10.0.0.2:80" outbound|80||svc.ns.svc.cluster.local - 10.96.0.1:80 10.0.0.1:1234 - default"#
        let reporter = WorkloadDirectory.Endpoint(pod: "client-1", namespace: "ns", workload: "client", serviceAccount: nil)
        return Flow(try! AccessLogParser.parse(line).get(), reporter: reporter)
    }

    @Test func aggregatesOneKey() {
        var top = FlowTop()
        // 100 requests: durations 1…100 ms, the last four 503 UH (two) and UF (two).
        for d in 1...100 {
            let (status, flags) = d > 98 ? (503, "UF") : d > 96 ? (503, "UH") : (200, "-")
            top.add(Self.flow(status, flags, duration: d, id: "id-\(d)"))
        }
        let rows = top.rows()
        #expect(rows.count == 1)
        let r = rows[0]
        #expect(r.source == "client.ns")
        #expect(r.destination == "10.0.0.2")
        #expect(r.route == "svc:80/r")
        #expect(r.requests == 100)
        #expect(r.failures == 4)
        #expect(r.successRate == 0.96)
        #expect(r.bytes == 100 * 100)
        #expect(r.p50Ms == 50)
        #expect(r.p99Ms == 99)
        #expect(r.flags.map(\.code) == ["UF", "UH"])
        #expect(r.flags.map(\.count) == [2, 2])
        #expect(FlowTables.top(rows).rows[0] == ["client.ns", "10.0.0.2", "svc:80/r", "100", "96.0%", "50ms", "99ms", "10000", "UF:2 UH:2"])
        #expect(FlowTables.legend(["UF", "UH"]) == "Flags:\n  UF: upstream connection failure (503; often an mTLS mismatch)\n  UH: no healthy upstream host (503)\n")
    }

    @Test func sameRequestLoggedTwiceCountsOnce() {
        var top = FlowTop()
        top.add(Self.flow(200, "-", duration: 5, id: "same"))
        top.add(Self.flow(200, "-", duration: 5, id: "same"))
        top.add(Self.flow(200, "-", duration: 5, id: "same", path: "/other"))
        #expect(top.rows().map(\.requests) == [1, 1])
        #expect(top.duplicates == 1)
    }

    @Test func slidingWindow() {
        var top = FlowTop(window: 10)
        for s in 0..<30 { top.add(Self.flow(200, "-", duration: 1, id: "w\(s)"), at: 1_000 + s) }
        #expect(top.rows(now: 1_029).first?.requests == 10)
        #expect(top.rows(now: 1_035).first?.requests == 4)
        #expect(top.rows(now: 1_100).isEmpty)
    }

    /// Latency counts are added to the histograms in batches: a bucket the window dropped
    /// gives its histogram to a new one, and the old bucket's counts, not yet added, must not
    /// land in it; counts still pending are read by `rows`.
    @Test func reusedHistogramsDoNotInheritPendingCounts() {
        var top = FlowTop(window: 1)
        // Second 0: ten 300 ms requests (fewer than a batch: all still pending).
        for i in 0..<10 { top.add(Self.flow(200, "-", duration: 300, id: "old-\(i)"), at: 0) }
        // Second 5: the old bucket is dropped and its histogram reused for three 5 ms requests.
        for i in 0..<3 { top.add(Self.flow(200, "-", duration: 5, id: "new-\(i)"), at: 5) }
        let r = top.rows(now: 5)
        #expect(r.map(\.requests) == [3])
        #expect(r.first?.p50Ms == 5)
        #expect(r.first?.p99Ms == 5)
    }

    /// 1000 requests, durations 1…100 ms ten times over: several batches, and a last one pending.
    @Test func latencyAcrossBatchesMatchesTheSortedDurations() {
        var top = FlowTop()
        for i in 0..<1_000 { top.add(Self.flow(200, "-", duration: i % 100 + 1, id: "b-\(i)")) }
        // Nearest rank over the sorted durations: the 500th is 50 ms, the 990th 99 ms.
        #expect(top.rows().first?.p50Ms == 50)
        #expect(top.rows().first?.p99Ms == 99)
        #expect(top.rows().first?.requests == 1_000)
    }

    @Test func latencyBucketsAboveExactRange() {
        // 1000 ms lands in [960, 1024): within 12.5% below.
        var top = FlowTop()
        top.add(Self.flow(200, "-", duration: 1000, id: "slow"))
        #expect(top.rows()[0].p50Ms == 960)
        top.add(Self.flow(200, "-", duration: Int(Int32.max), id: "huge"))
        #expect(top.rows()[0].p99Ms! > 1_000_000_000)
    }

    @Test func boundedKeys() {
        var top = FlowTop()
        top.maxKeys = 3
        for i in 0..<10 { top.add(Self.flow(200, "-", duration: 1, id: "k\(i)", path: "/p\(i)")) }
        #expect(top.rows().count == 3)
        #expect(top.droppedKeys == 7)
    }
}

@Suite struct LogStreamMachineTests {
    /// `#expect` cannot call a mutating method itself.
    static func accept(_ m: inout LogStreamMachine, _ timestamp: String?, _ line: [UInt8]) -> Bool { m.accept(timestamp: timestamp, line: line) }

    @Test func reconnectsFromTheLastLineWithoutRepeats() {
        var m = LogStreamMachine(initial: .init(sinceSeconds: 60, tailLines: 10))
        #expect(m.start() == .open(.init(sinceSeconds: 60, tailLines: 10)))
        m.opened(containerID: "c1#0")
        #expect(Self.accept(&m, "2026-11-20T09:00:01.5Z", Array("a".utf8)))
        #expect(Self.accept(&m, "2026-11-20T09:00:02.25Z", Array("b".utf8)))
        #expect(Self.accept(&m, "2026-11-20T09:00:02.25Z", Array("c".utf8)))
        #expect(m.streamEnded() == .checkPod)
        #expect(m.podChecked(exists: true, containerID: "c1#0") == .wait(seconds: 0))
        #expect(m.waited() == .open(.init(sinceTime: "2026-11-20T09:00:02Z")))
        // The server repeats the lines of that second: old ones are dropped, new ones kept.
        #expect(!Self.accept(&m, "2026-11-20T09:00:02.1Z", Array("x".utf8)))
        #expect(!Self.accept(&m, "2026-11-20T09:00:02.250000000Z", Array("b".utf8)))
        #expect(!Self.accept(&m, "2026-11-20T09:00:02.25Z", Array("c".utf8)))
        #expect(Self.accept(&m, "2026-11-20T09:00:02.25Z", Array("d".utf8)))
        #expect(Self.accept(&m, "2026-11-20T09:00:03Z", Array("e".utf8)))
        #expect(m.duplicates == 3)
    }

    @Test func backsOffWhileFailing() {
        var m = LogStreamMachine()
        _ = m.start()
        var waits: [Double] = []
        for _ in 0..<8 {
            #expect(m.streamEnded(status: 500, message: "boom") == .checkPod)
            if case .wait(let s) = m.podChecked(exists: true, containerID: nil) { waits.append(s) }
            _ = m.waited()
        }
        #expect(waits == [0.5, 1, 2, 4, 8, 16, 30, 30])
        // A stream that delivered lines resets it.
        _ = m.accept(timestamp: nil, line: [1])
        _ = m.streamEnded()
        #expect(m.podChecked(exists: true, containerID: nil) == .wait(seconds: 0))
    }

    @Test func restartDeletionAndFinalErrors() {
        var m = LogStreamMachine()
        _ = m.start()
        m.opened(containerID: "#0")
        _ = m.accept(timestamp: "2026-11-20T09:00:05Z", line: [1])
        _ = m.streamEnded()
        #expect(m.podChecked(exists: true, containerID: "containerd://b#1") == .wait(seconds: 0))
        #expect(m.restarts == 1)
        // The new container's log is read from its start, and its lines are new even if older.
        #expect(m.waited() == .open(.init()))
        #expect(Self.accept(&m, "2026-11-20T09:00:04Z", [1]))
        _ = m.streamEnded()
        #expect(m.podChecked(exists: false, containerID: nil) == .stop(reason: "pod deleted"))
        var bad = LogStreamMachine()
        _ = bad.start()
        #expect(bad.streamEnded(status: 400, message: "container x is not valid for pod p") == .stop(reason: "container x is not valid for pod p"))
        var once = LogStreamMachine(follow: false)
        _ = once.start()
        #expect(once.streamEnded() == .stop(reason: nil))
    }

    @Test func splitterBoundsLinesAndKeepsCutOnes() {
        var s = BoundedLineSplitter(maxLineBytes: 8)
        #expect(s.feed(Array("ab\ncd".utf8)) == [.init(bytes: Array("ab".utf8), cut: false)])
        #expect(s.feed(Array("ef\n".utf8)) == [.init(bytes: Array("cdef".utf8), cut: false)])
        #expect(s.feed(Array("0123456789abc".utf8)) == [.init(bytes: Array("01234567".utf8), cut: true)])
        #expect(s.feed(Array("def\nxy".utf8)).isEmpty)
        #expect(s.finish() == .init(bytes: Array("xy".utf8), cut: true))
        #expect(s.finish() == nil)
    }
}
