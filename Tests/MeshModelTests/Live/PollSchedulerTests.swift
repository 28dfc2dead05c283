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
        s.setFocus(["ns/p0"], now: 0)
        #expect(s.next(now: 0).count == 2)
        s.finished(dump, now: 0.1, error: nil)
        s.finished(LiveSource(proxy: "ns/p0", endpoint: .stats), now: 0.1, error: nil)
        #expect(s.next(now: 2) == [LiveSource(proxy: "ns/p0", endpoint: .stats)])
        s.finished(LiveSource(proxy: "ns/p0", endpoint: .stats), now: 2.1, error: nil)
        #expect(s.next(now: 10).map(\.endpoint) == [.stats])
        s.markDirty(proxy: "ns/p0", now: 10.5)
        #expect(s.next(now: 10.5) == [dump])
    }

    @Test func unfocusedConfigDumpsAreNotFetched() {
        var s = PollScheduler(config: .init(interval: 2))
        let d0 = LiveSource(proxy: "ns/p0", endpoint: .configDump)
        s.setSources(sources(2, .stats) + sources(2, .configDump), now: 0)
        #expect(Set(s.next(now: 0).map(\.endpoint)) == [.stats])
        #expect(s.allDumpsSettled)
        #expect(s.statuses[d0] == nil)
        s.markDirty(proxy: "ns/p0", now: 1)
        #expect(s.next(now: 1).isEmpty)
        // Focused: fetched at once, and again when istiod pushes to it.
        s.setFocus(["ns/p0"], now: 1)
        #expect(!s.allDumpsSettled)
        #expect(s.next(now: 1) == [d0])
        s.finished(d0, now: 1.1, error: nil)
        #expect(s.allDumpsSettled)
        #expect(s.statuses[d0]?.isOK == true)
        s.markDirty(proxy: "ns/p0", now: 1.5)
        #expect(s.next(now: 1.5) == [d0])
        s.finished(d0, now: 1.6, error: nil)
        // Unfocused again: a push is noted by nobody; the next focus fetches it fresh.
        s.setFocus([], now: 1.7)
        s.markDirty(proxy: "ns/p0", now: 1.8)
        #expect(s.next(now: 1.8).isEmpty)
        s.setFocus(["ns/p0"], now: 3)
        #expect(s.next(now: 3).contains(d0))
        // Unfocused while in flight: the answer's status is kept, and it is not fetched again.
        s.setFocus([], now: 3.1)
        s.finished(d0, now: 3.2, error: "HTTP 500")
        #expect(s.status(d0)?.state == .failing(reason: "HTTP 500"))
        #expect(!s.next(now: 60).contains(d0))
    }

    /// 100 Envoys with a budget of 10 requests/s at 2 s: 16 stats per round, so each unfocused
    /// proxy's stats every 7 rounds, spread evenly; the focused one every round; the first
    /// sweep at once.
    @Test func requestBudgetSpreadsUnfocusedStatsEvenly() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 200, maxRequestsPerSecond: 10))
        s.setSources(sources(100, .stats) + [LiveSource(proxy: "istio-system/ztunnel-a", endpoint: .ztunnelMetrics)], now: 0)
        s.setFocus(["ns/p0"], now: 0)
        #expect(s.statsEvery == 7)
        var perRound: [Double: Int] = [:]
        var times: [LiveSource: [Double]] = [:]
        var t = 0.0
        while t <= 60 {
            for f in s.next(now: t) {
                times[f, default: []].append(t)
                if f.endpoint == .stats && f.proxy != "ns/p0" { perRound[t, default: 0] += 1 }
                s.finished(f, now: t + 0.1, error: nil)
            }
            t += 0.5
        }
        #expect(perRound[0] == 99)
        // After the first sweep no round carries more than its share (99 / 7 → at most 24 with hash clumping).
        let later = perRound.filter { $0.key > 0 }.values
        #expect(later.allSatisfy { $0 <= 24 }, "\(perRound.sorted { $0.key < $1.key })")
        #expect(later.reduce(0, +) >= 99 * 3)
        for i in 1..<100 {
            let ts = times[LiveSource(proxy: "ns/p\(i)", endpoint: .stats)] ?? []
            #expect(Self.everyNth(ts, from: 0, step: 14), "p\(i): \(ts)")
        }
        let rounds = stride(from: 0.0, through: 60, by: 2).map { $0 }
        #expect(times[LiveSource(proxy: "ns/p0", endpoint: .stats)] == rounds)
        #expect(times[LiveSource(proxy: "istio-system/ztunnel-a", endpoint: .ztunnelMetrics)] == rounds)
        // Without a budget, or a mesh that fits in it: every round.
        #expect(PollScheduler(config: .init(interval: 2)).statsEvery == 1)
        var small = PollScheduler(config: .init(interval: 2, maxRequestsPerSecond: 200))
        small.setSources(sources(100, .stats), now: 0)
        #expect(small.statsEvery == 1)
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

    // MARK: Focus: `/clusters` every round for focused proxies, every Nth for the others

    func envoys(_ n: Int) -> [LiveSource] { sources(n, .stats) + sources(n, .clusters) }

    /// Runs the plan from `from` to `to` in half-second steps, every fetch answering at once;
    /// returns when each source was fetched.
    func drive(_ s: inout PollScheduler, from: Double, to: Double, fail: Set<LiveSource> = []) -> [LiveSource: [Double]] {
        var times: [LiveSource: [Double]] = [:]
        var t = from
        while t <= to {
            for f in s.next(now: t) {
                times[f, default: []].append(t)
                s.finished(f, now: t, error: fail.contains(f) ? "HTTP 500" : nil)
            }
            t += 0.5
        }
        return times
    }

    @Test func focusedClustersEveryRoundOthersEveryNth() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 10, unfocusedClustersEvery: 5))
        s.setSources(envoys(2), now: 0)
        s.setFocus(["ns/p0"], now: 0)
        let times = drive(&s, from: 0, to: 20)
        let rounds: [Double] = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
        #expect(times[LiveSource(proxy: "ns/p0", endpoint: .clusters)] == rounds)
        // Unfocused: first sweep at once, then in its own slot of every 5 rounds.
        #expect(Self.everyNth(times[LiveSource(proxy: "ns/p1", endpoint: .clusters)] ?? [], from: 0, step: 10))
        #expect(times[LiveSource(proxy: "ns/p0", endpoint: .stats)] == rounds)
        #expect(times[LiveSource(proxy: "ns/p1", endpoint: .stats)] == rounds)
        #expect(s.lane(of: LiveSource(proxy: "ns/p0", endpoint: .clusters)) == .round)
        #expect(s.lane(of: LiveSource(proxy: "ns/p1", endpoint: .clusters)) == .slow)
        #expect(s.lane(of: LiveSource(proxy: "ns/p1", endpoint: .stats)) == .round)
    }

    /// Fetched at `from`, next within one `step` (its slot), then exactly every `step`.
    static func everyNth(_ times: [Double], from: Double, step: Double) -> Bool {
        guard times.first == from, times.count >= 2, times[1] - from <= step else { return false }
        return zip(times.dropFirst(), times.dropFirst(2)).allSatisfy { $1 - $0 == step }
    }

    @Test func everyRoundWhenNIsOne() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 10))
        s.setSources(envoys(2), now: 0)
        let times = drive(&s, from: 0, to: 6)
        #expect(times[LiveSource(proxy: "ns/p1", endpoint: .clusters)] == [0, 2, 4, 6])
        #expect(s.lane(of: LiveSource(proxy: "ns/p1", endpoint: .clusters)) == .round)
    }

    @Test func completeDoesNotWaitForUnfocusedClusters() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 4, unfocusedClustersEvery: 5, maxConcurrentSlow: 1))
        s.setSources(envoys(3), now: 0)
        s.setFocus(["ns/p2"], now: 0)
        // The round (3 stats + focused clusters) takes every slot first; the slow lane waits.
        let first = s.next(now: 0)
        #expect(Set(first) == Set(sources(3, .stats) + [LiveSource(proxy: "ns/p2", endpoint: .clusters)]))
        for f in first { #expect(s.finished(f, now: 0.1, error: nil) == .round) }
        #expect(s.allSettled)
        #expect(!s.allSlowSettled)
        #expect(s.periodicInFlightCount == 0)
        // Then one unfocused `/clusters` at a time, beside the rounds; it does not count as a round fetch.
        let slow = s.next(now: 0.1)
        #expect(slow == [LiveSource(proxy: "ns/p0", endpoint: .clusters)])
        #expect(s.periodicInFlightCount == 0)
        #expect(s.inFlightCount == 1)
        #expect(s.finished(slow[0], now: 0.2, error: "HTTP 500") == .slow)
        #expect(!s.allSlowSettled)
        let last = s.next(now: 0.2)
        #expect(last == [LiveSource(proxy: "ns/p1", endpoint: .clusters)])
        s.finished(last[0], now: 0.3, error: nil)
        // Tried once each (one failed): the upstreams are as complete as they get.
        #expect(s.allSlowSettled)
        #expect(s.status(slow[0])?.state == .failing(reason: "HTTP 500"))
    }

    @Test func newlyFocusedProxyIsFetchedAtOnceThenEveryRound() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 10, unfocusedClustersEvery: 5))
        s.setSources(envoys(2), now: 0)
        let p1 = LiveSource(proxy: "ns/p1", endpoint: .clusters)
        var times = drive(&s, from: 0, to: 2.5)
        #expect(times[p1]?.first == 0)
        s.setFocus(["ns/p1"], now: 3)
        #expect(s.focused == ["ns/p1"])
        #expect(s.next(now: 3) == [p1])
        s.finished(p1, now: 3, error: nil)
        times = drive(&s, from: 3.5, to: 8.5)
        #expect(times[p1] == [4, 6, 8])
        // Losing focus: the next fetch is at the next round as planned, then in its slot of every 5th.
        s.setFocus([], now: 9)
        times = drive(&s, from: 9, to: 36)
        #expect(Self.everyNth(times[p1] ?? [], from: 10, step: 10), "\(times[p1] ?? [])")
        let p0 = times[LiveSource(proxy: "ns/p0", endpoint: .clusters)] ?? []
        #expect(p0.count >= 2 && zip(p0, p0.dropFirst()).allSatisfy { $1 - $0 == 10 }, "\(p0)")
    }

    @Test func focusDoesNotCutAFailingSourcesBackoff() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 10, maxBackoff: 16, unfocusedClustersEvery: 5))
        let p0 = LiveSource(proxy: "ns/p0", endpoint: .clusters)
        s.setSources(envoys(1), now: 0)
        var times = drive(&s, from: 0, to: 2, fail: [p0])
        // Failing in the slow lane backs off as any source does: 0, +2.
        #expect(times[p0] == [0, 2])
        s.setFocus(["ns/p0"], now: 3)
        #expect(s.next(now: 3).isEmpty)
        times = drive(&s, from: 3, to: 14, fail: [p0])
        #expect(times[p0] == [6, 14])
    }

    @Test func focusBeforeTheFirstFetchCountsTowardsComplete() {
        var s = PollScheduler(config: .init(interval: 2, maxConcurrent: 10, unfocusedClustersEvery: 5))
        s.setSources(envoys(2), now: 0)
        s.setFocus(["ns/p0"], now: 0)
        s.setFocus(["ns/p1"], now: 0)
        let fetches = s.next(now: 0)
        for f in fetches where s.lane(of: f) == .round { s.finished(f, now: 0.1, error: nil) }
        #expect(s.allSettled)
        #expect(!s.allSlowSettled)
        for f in fetches where s.lane(of: f) == .slow { s.finished(f, now: 0.1, error: nil) }
        #expect(s.allSlowSettled)
        // Removing a proxy keeps the others' plans (nothing due before the next round).
        s.setSources(sources(1, .stats) + sources(1, .clusters), now: 1)
        #expect(s.next(now: 1).isEmpty)
    }
}
