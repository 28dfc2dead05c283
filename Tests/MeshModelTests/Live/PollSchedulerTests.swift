import Foundation
import Testing
@testable import MeshModel

@Suite struct PollSchedulerTests {
    func sources(_ n: Int, _ endpoint: LiveSource.Endpoint = .stats) -> [LiveSource] {
        (0..<n).map { LiveSource(proxy: "ns/p\($0)", endpoint: endpoint) }
    }

    @Test func boundedConcurrencyAndRounds() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 3))
        s.setSources(sources(5), now: 0)
        let first = s.next(now: 0)
        #expect(first.count == 3)
        #expect(s.next(now: 0).isEmpty)
        for f in first { s.finished(f, now: 0.2, error: nil) }
        let second = s.next(now: 0.2)
        #expect(second.map(\.proxy) == ["ns/p3", "ns/p4"])
        for f in second { s.finished(f, now: 0.4, error: nil) }
        #expect(s.allSettled)
        // Next round at t=2 for everyone.
        #expect(s.next(now: 1.9).isEmpty)
        #expect(s.nextDue == 2)
        #expect(s.next(now: 2).count == 3)
    }

    @Test func failingSourceBacksOffAloneWithReason() throws {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 10, maxBackoff: 16))
        s.setSources(sources(2), now: 0)
        let bad = LiveSource(proxy: "ns/p0", endpoint: .stats)
        let good = LiveSource(proxy: "ns/p1", endpoint: .stats)
        var t = 0.0
        var failures = 0
        var badDue: [Double] = []
        while t <= 40 {
            for f in s.next(now: t) {
                if f == bad {
                    failures += 1
                    badDue.append(t)
                    s.finished(f, now: t, wallClock: Date(timeIntervalSince1970: 100), error: "HTTP 500")
                } else {
                    s.finished(f, now: t, wallClock: Date(timeIntervalSince1970: 100 + t), error: nil)
                }
            }
            t += 0.5
        }
        // 0, +2, +4, +8, +16, +16: exponential then capped.
        #expect(badDue == [0, 2, 6, 14, 30])
        let status = try #require(s.status(bad))
        #expect(status.state == .failing(reason: "HTTP 500"))
        #expect(status.summary(now: Date()) == "failing: HTTP 500 (5 attempts)")
        #expect(s.status(good)?.state == .ok)
        #expect(s.backoff(failures: 10) == 16)
    }

    @Test func staleSinceLastSuccess() {
        var s = PollScheduler(config: .init(interval: 2))
        let src = LiveSource(proxy: "ns/p0", endpoint: .clusters)
        s.setSources([src], now: 0)
        _ = s.next(now: 0)
        s.finished(src, now: 0, wallClock: Date(timeIntervalSince1970: 1_767_225_600), error: nil)
        _ = s.next(now: 2)
        s.finished(src, now: 2, wallClock: Date(timeIntervalSince1970: 1_767_225_602), error: "timeout after 1s")
        #expect(s.status(src)?.summary(now: Date()) == "stale since 2026-01-01T00:00:00Z: failing: timeout after 1s")
    }

    @Test func configDumpOnlyWhenDirty() {
        var s = PollScheduler(config: .init(interval: 2))
        let dump = LiveSource(proxy: "ns/p0", endpoint: .configDump)
        s.setSources([dump, LiveSource(proxy: "ns/p0", endpoint: .stats)], now: 0)
        #expect(s.next(now: 0).count == 2)
        s.finished(dump, now: 0.1, error: nil)
        s.finished(LiveSource(proxy: "ns/p0", endpoint: .stats), now: 0.1, error: nil)
        #expect(s.next(now: 2) == [LiveSource(proxy: "ns/p0", endpoint: .stats)])
        s.finished(LiveSource(proxy: "ns/p0", endpoint: .stats), now: 2.1, error: nil)
        #expect(s.next(now: 10).map(\.endpoint) == [.stats])
        s.markDirty(proxy: "ns/p0", now: 10.5)
        #expect(s.next(now: 10.5) == [dump])
    }

    @Test func removedSourcesAreForgotten() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 1))
        s.setSources(sources(2), now: 0)
        let f = s.next(now: 0)
        s.setSources([LiveSource(proxy: "ns/p1", endpoint: .stats)], now: 0)
        // The in-flight fetch of a removed source frees its slot.
        #expect(s.inFlightCount == 0)
        s.finished(f[0], now: 0.1, error: nil)
        #expect(s.next(now: 0.1).map(\.proxy) == ["ns/p1"])
    }
}
