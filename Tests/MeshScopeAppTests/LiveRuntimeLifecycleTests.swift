import Foundation
import MeshClient
import MeshModel
import TerminalUI
import Testing
@testable import MeshScopeApp

/// The demo mesh in memory, counting every read, with admin reads that take `delay` (the
/// slow round a quit or a late answer must not wait on or be overtaken by).
final class CountingSource: MeshSource, @unchecked Sendable {
    let inner = DemoMemorySource()
    let delay: Double
    private let lock = NSLock()
    private var reads = 0
    var info: MeshSourceInfo { inner.info }

    init(delay: Double) { self.delay = delay }

    var count: Int { lock.withLock { reads } }
    private func counted() { lock.withLock { reads += 1 } }

    func cluster() async throws(MeshSourceError) -> ClusterSnapshot {
        counted()
        return try await inner.cluster()
    }

    func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        counted()
        do { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) } catch { throw MeshSourceError(.failed, "cancelled") }
        return try await inner.admin(pod: pod, namespace: namespace, request: request)
    }

    func close() async {}
}

/// Events a driver posted, and whether any came after a point in time.
final class PostedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [AppEvent] = []
    private var closed = false
    private(set) var lateEvents = 0

    func post(_ e: AppEvent) {
        lock.withLock {
            if closed { lateEvents += 1 }
            events.append(e)
        }
    }

    func close() { lock.withLock { closed = true } }
    var all: [AppEvent] { lock.withLock { events } }
    var hasProxies: Bool { all.contains { if case .loaded(let d, _) = $0 { d.live?.proxies.isEmpty == false } else { false } } }
    var loadedSequences: [UInt64] { all.compactMap { if case .loaded(let d, _) = $0 { d.sequence } else { nil } } }
}

@Suite struct LiveRuntimeLifecycleTests {
    static func state() -> AppState {
        var data = SourceData(name: "demo")
        data.live = MeshState()
        return AppState(registry: LiveViews.registry(), data: data, source: SourceInfo(kind: .demo, label: "demo", context: "meshscope-demo"),
                        home: LiveViews.home, size: Size(width: 120, height: 40))
    }

    static func data(_ name: String, _ sequence: UInt64) -> SourceData {
        var d = SourceData(name: name)
        d.live = MeshState()
        d.sequence = sequence
        return d
    }

    /// A slow round taken before the one shown arrives late: the newer data stays.
    @Test func olderLoadedIsIgnored() {
        var s = Self.state()
        (s, _) = App.update(s, .loaded(Self.data("newer", 7), at: Date()))
        (s, _) = App.update(s, .loaded(Self.data("older", 6), at: Date()))
        #expect(s.data.name == "newer" && s.data.sequence == 7)
        (s, _) = App.update(s, .loaded(Self.data("newest", 8), at: Date()))
        #expect(s.data.name == "newest")
        // A context switch keeps the count, so the old source's answers stay older.
        (s, _) = App.update(s, .sourceChanged(SourceInfo(kind: .demo, label: "other", context: "other")))
        (s, _) = App.update(s, .loaded(Self.data("old source", 5), at: Date()))
        #expect(s.data.name != "old source" && s.data.sequence == 8)
        // Unnumbered data (files) is applied as it comes.
        (s, _) = App.update(s, .loaded(Self.data("file", 0), at: Date()))
        #expect(s.data.name == "file")
    }

    static func driver(_ source: CountingSource, writeSnapshot: (@Sendable (any MeshSource) async throws -> String)? = nil) -> LiveDriver {
        let conn = LiveConnection(source: source, info: source.info, cluster: "meshscope-demo", applier: nil, close: {})
        let ui = TUIOptions(files: [], refreshInterval: 0.2)
        return LiveDriver(LiveTUIOptions(ui: ui, connection: conn, label: "demo", writeSnapshot: writeSnapshot))
    }

    /// The live runtime numbers what it posts in the order it took it.
    @Test func postedDataIsNumberedInOrder() async throws {
        let source = CountingSource(delay: 0.01)
        let driver = Self.driver(source)
        let events = PostedEvents()
        driver.start(post: events.post)
        for _ in 0..<100 where events.loadedSequences.count < 3 { try await Task.sleep(nanoseconds: 50_000_000) }
        let answers = driver.perform(.reload, post: events.post).compactMap { if case .loaded(let d, _) = $0 { d.sequence } else { nil } }
        await driver.stop()
        let posted = events.loadedSequences
        #expect(posted.count >= 3)
        #expect(posted == posted.sorted() && Set(posted).count == posted.count, "\(posted)")
        #expect(answers.count == 1 && answers[0] > 0 && !posted.contains(answers[0]))
    }

    /// `:q` with polling, the focused proxy, `S`, compare and layers all in flight: every task
    /// ends, no read reaches the source afterwards, nothing is posted afterwards.
    @Test func quitCancelsEveryTask() async throws {
        let source = CountingSource(delay: 30)
        let snapshotStarted = PostedEvents()
        let driver = Self.driver(source, writeSnapshot: { _ in
            snapshotStarted.post(.flash("started", .info))
            try await Task.sleep(nanoseconds: 30_000_000_000)
            return "never"
        })
        let events = PostedEvents()
        driver.start(post: events.post)
        // Until the store has published the proxies, so that focusing one starts its reads.
        for _ in 0..<200 where !events.hasProxies { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(events.hasProxies)
        let pod = try #require(LiveDemoData.mesh.pods.first { $0.name.hasPrefix("productpage-v1-") })
        _ = driver.perform(.focusProxy("\(pod.namespace)/\(pod.name)"), post: events.post)
        _ = driver.perform(.writeSnapshot, post: events.post)
        _ = driver.perform(.compare(.istiod(proxy: "\(pod.namespace)/\(pod.name)")), post: events.post)
        _ = driver.perform(.computeLayers(LayersRequest(from: "\(pod.name).\(pod.namespace)", to: "reviews.bookinfo.svc.cluster.local:9080")), post: events.post)
        for _ in 0..<100 where snapshotStarted.all.isEmpty { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(driver.runningTasks >= 5, "\(driver.runningTasks)")

        let started = Date()
        await driver.stop()
        #expect(Date().timeIntervalSince(started) < LiveDriver.shutdownWait + 1)
        #expect(driver.runningTasks == 0)
        events.close()
        let reads = source.count
        try await Task.sleep(nanoseconds: 700_000_000)
        #expect(source.count == reads, "reads after quit: \(source.count - reads)")
        #expect(events.lateEvents == 0)
        // Nothing new starts once stopped.
        _ = driver.perform(.writeSnapshot, post: events.post)
        _ = driver.perform(.computeLayers(LayersRequest(from: "a.b", to: "c:80")), post: events.post)
        #expect(driver.runningTasks == 0)
        #expect(events.lateEvents == 0)
    }

    /// `:ctx` replaces the source: the old source's tasks are cancelled and it is read no more.
    @Test func contextSwitchCancelsTheOldSourcesTasks() async throws {
        let old = CountingSource(delay: 30)
        let new = CountingSource(delay: 0.01)
        let conn = LiveConnection(source: old, info: old.info, cluster: "a", applier: nil, close: {})
        var options = LiveTUIOptions(ui: TUIOptions(files: [], refreshInterval: 0.2), connection: conn, label: "demo")
        options.connect = { _ in LiveConnection(source: new, info: new.info, cluster: "b", applier: nil, close: {}) }
        let driver = LiveDriver(options)
        let events = PostedEvents()
        driver.start(post: events.post)
        for _ in 0..<100 where old.count < 2 { try await Task.sleep(nanoseconds: 50_000_000) }
        _ = driver.perform(.switchContext("b"), post: events.post)
        for _ in 0..<200 where new.count < 2 { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(events.all.contains { if case .sourceChanged = $0 { true } else { false } })
        try await Task.sleep(nanoseconds: 300_000_000)
        let oldReads = old.count
        try await Task.sleep(nanoseconds: 700_000_000)
        #expect(old.count == oldReads, "the old source was read after the switch")
        #expect(new.count > 0)
        await driver.stop()
        #expect(driver.runningTasks == 0)
    }
}
