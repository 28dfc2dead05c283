import Foundation
import MeshClient
import MeshModel
import TerminalUI

/// An open live source and what the TUI may do with it: read (`source`), describe it in
/// the header (`info`, `cluster`), write (`applier`; nil for read-only sources such as
/// snapshots) and release it (`close`).
///
/// ```swift
/// let source = ClusterMeshSource(client: client, admin: admin, namespace: nil)
/// let conn = LiveConnection(source: source, info: source.info, cluster: "kind-dev", server: "https://127.0.0.1:6443",
///                           applier: Applier(client: client)) { await source.close(); await client.shutdown() }
/// ```
public struct LiveConnection: Sendable {
    public var source: any MeshSource
    public var info: MeshSourceInfo
    /// The cluster's kubeconfig name and its API server, for the header.
    public var cluster: String
    public var server: String
    public var applier: Applier?
    public var close: @Sendable () async -> Void

    public init(source: any MeshSource, info: MeshSourceInfo, cluster: String, server: String = "", applier: Applier?, close: @escaping @Sendable () async -> Void) {
        self.source = source
        self.info = info
        self.cluster = cluster
        self.server = server
        self.applier = applier
        self.close = close
    }
}

/// How the TUI runs on a live source.
public struct LiveTUIOptions: Sendable {
    public var ui: TUIOptions
    public var connection: LiveConnection
    /// `demo` for `meshscope --demo` (the header says so); nil for clusters and snapshots.
    public var label: String?
    /// `-n NS`: the namespace the views start filtered to (nil: all).
    public var namespace: String?
    /// The kubeconfig's contexts, for `:ctx`.
    public var contexts: [Kubeconfig.Context]
    /// Opens another context (`:ctx NAME`); nil: switching is not offered.
    public var connect: (@Sendable (_ context: String) async throws -> LiveConnection)?
    /// `S`: writes a snapshot of the source it is given (the current one: `:ctx` may have
    /// switched) and returns its path; nil: not offered.
    public var writeSnapshot: (@Sendable (_ source: any MeshSource) async throws -> String)?
    /// `--compare FILE`: a snapshot the source is compared with at start; the Diff view opens
    /// on top of the home view. Against a snapshot source the source is the old side (A → B);
    /// against a live source the snapshot is (then → now). Closed on exit.
    public var compare: (any MeshSource)?
    /// `--max-rps`: the store's request budget for proxies nobody is looking at (0: none).
    public var maxRequestsPerSecond: Double? = MeshStore.Options().maxRequestsPerSecond

    public init(ui: TUIOptions, connection: LiveConnection, label: String? = nil, namespace: String? = nil, contexts: [Kubeconfig.Context] = [],
                connect: (@Sendable (_ context: String) async throws -> LiveConnection)? = nil,
                writeSnapshot: (@Sendable (_ source: any MeshSource) async throws -> String)? = nil) {
        self.ui = ui
        self.connection = connection
        self.label = label
        self.namespace = namespace
        self.contexts = contexts
        self.connect = connect
        self.writeSnapshot = writeSnapshot
    }

    /// What the header shows for a connection.
    func sourceInfo(_ c: LiveConnection) -> SourceInfo {
        let kind: SourceInfo.Kind = c.info.kind == .snapshot ? .snapshot : label == "demo" ? .demo : .cluster
        let label: String
        switch kind {
        case .snapshot: label = "snapshot \(c.info.name)" + (c.info.takenAt.map { " (taken \(Timestamp.rfc3339($0)))" } ?? "") + " read-only"
        case .demo: label = "demo mesh (fake API server and proxies on loopback, \(c.server))"
        default: label = "cluster \(c.server.isEmpty ? c.cluster : c.server)"
        }
        var refusal: String?
        if kind == .snapshot || c.info.readOnly {
            refusal = "this \(kind == .snapshot ? "snapshot" : "source") is read-only: apply needs a live cluster"
        } else if c.applier == nil {
            refusal = "this source cannot write: apply needs a live cluster"
        }
        return SourceInfo(kind: kind, label: label, context: c.info.context, refreshInterval: ui.refreshInterval,
                          supportsSnapshots: writeSnapshot != nil && kind != .snapshot, cluster: c.cluster,
                          applyRefusal: refusal, takenAt: c.info.takenAt)
    }
}

extension TUI {
    /// Runs the TUI on a live source: the polling ``MeshStore`` over it publishes states,
    /// the cluster's objects are re-read every refresh, a drilled-in proxy's dump and stats
    /// are fetched through `source.admin`. Closes the connection on exit.
    ///
    /// ```swift
    /// try await TUI.run(live: LiveTUIOptions(ui: TUIOptions(files: []), connection: conn))
    /// ```
    public static func run(live options: LiveTUIOptions) async throws(TUIError) {
        let driver = LiveDriver(options)
        let info = options.sourceInfo(options.connection)
        var data = SourceData(name: info.label)
        data.live = MeshState()
        var state = AppState(registry: LiveViews.registry(), data: data, source: info, home: options.ui.view ?? LiveViews.home, size: Size(width: 80, height: 24))
        state.contexts = options.contexts
        if let ns = options.namespace {
            state.namespace = ns
            state.applyNamespace()
        }
        state.flash = Flash("connecting to \(info.context)…", .info, at: Date())
        try await start(options: options.ui, state: state, driver: driver)
    }
}

/// Feeds the loop from a live source and performs its effects. State shared with the
/// background tasks sits behind one lock; a context switch bumps `generation` so answers
/// from the old source are dropped.
///
/// Ordering: every ``SourceData`` handed to the loop is numbered (``SourceData/sequence``)
/// under the lock at the moment it is taken from the feed, and posted under that same lock,
/// so the queue holds them in the order taken and `App.update` drops one older than what it
/// shows (an answer `perform` returned at once may be newer than one still queued).
///
/// Tasks: every task started here runs in a ``TaskRegistry``: the source's (polling, the
/// focused proxy, `S`, apply, compare, layers) in one that a context switch replaces and
/// shuts down, the switches themselves in another; `stop` (`:q`) shuts both down, so no
/// task reads a source or posts once it returns.
final class LiveDriver: SourceDriver, @unchecked Sendable {
    let options: LiveTUIOptions
    private let lock = NSLock()
    private var connection: LiveConnection
    private var feed: LiveFeed
    /// The current source's tasks; replaced (and the old one shut down) on a context switch.
    private var sourceTasks = TaskRegistry()
    /// `:ctx` switches in progress.
    private let switchTasks = TaskRegistry()
    private var focusTask: Task<Void, Never>?
    /// The last ``SourceData/sequence`` given out.
    private var sequence: UInt64 = 0
    /// Set by `stop`: a switch finishing afterwards closes what it opened instead of starting it.
    private var stopped = false
    /// The running store (live sources only), told which proxy is open.
    private var store: MeshStore?
    private var focusedKey: String?
    private var paused = false
    private var generation = 0
    private var pendingApply: [ApplyEntry]?
    private var post: (@Sendable (AppEvent) -> Void)?
    private var clusterStamp: Int?

    init(_ options: LiveTUIOptions) {
        self.options = options
        connection = options.connection
        feed = LiveFeed(label: options.label ?? options.connection.info.context)
    }

    var refresh: Double { max(0.2, options.ui.refreshInterval) }

    func start(post: @escaping @Sendable (AppEvent) -> Void) {
        lock.withLock { self.post = post }
        startSource()
        if let other = options.compare {
            let source = lock.withLock { connection.source }
            let (old, new) = source.info.kind == .snapshot ? (source, other) : (other, source)
            post(.flash("comparing \(old.info.name) with \(new.info.name)…", .info))
            let (_, post) = current()
            spawn { [self] in
                do {
                    post(.diffReady(DiffScreen.mesh(try await MeshDiffSources.compare(old, new))))
                } catch {
                    post(.diffFailed("comparing \(old.info.name) with \(new.info.name): \(LiveDriver.oneLine(error))"))
                }
            }
        }
    }

    /// Starts a task of the current source (cancelled on `:ctx` and `:q`).
    @discardableResult
    func spawn(_ operation: @escaping @Sendable () async -> Void) -> Task<Void, Never>? {
        lock.withLock { sourceTasks }.spawn(operation)
    }

    /// Tasks still running (tests: none after `stop`).
    var runningTasks: Int {
        let (source, switches) = lock.withLock { (sourceTasks, switchTasks) }
        return source.count + switches.count
    }

    /// The feed's data, numbered in the order taken. Call with `lock` held.
    private func takeData() -> SourceData {
        sequence += 1
        var data = feed.data()
        data.sequence = sequence
        return data
    }

    /// Reads what a Diff view compares and builds it; a dump that cannot be read says whose and why.
    static func compare(_ request: DiffRequest, in source: any MeshSource) async -> AppEvent {
        func split(_ key: String) -> (name: String, namespace: String) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[1], parts[0]) : (key, source.info.namespace)
        }
        do {
            switch request {
            case .istiod(let key):
                let p = split(key)
                let (a, b, istiod) = try await ProxyDumps.istiodAndEnvoy(name: p.name, namespace: p.namespace, in: source)
                return .diffReady(DiffScreen.istiod(IstiodEnvoyComparison.sections(istiod: a, envoy: b), proxy: "\(p.name).\(p.namespace)", istiod: istiod.name))
            case .proxies(let x, let y):
                let (p, q) = (split(x), split(y))
                async let a = ProxyDumps.attempt { () async throws(MeshSourceError) in try await ProxyDumps.envoy(name: p.name, namespace: p.namespace, in: source) }
                async let b = ProxyDumps.attempt { () async throws(MeshSourceError) in try await ProxyDumps.envoy(name: q.name, namespace: q.namespace, in: source) }
                let (da, db) = (try await a.get(), try await b.get())
                var result = ConfigDiff.compare(EnvoyDiffSource.resources(da), EnvoyDiffSource.resources(db))
                let (ida, idb) = ("\(p.name).\(p.namespace)", "\(q.name).\(q.namespace)")
                result.labels = (ida, idb)
                let heading = "A: \(ida) (/config_dump)\nB: \(idb) (/config_dump)\nVersions, timestamps, ordering and type URL versions\nare not differences."
                return .diffReady(DiffScreen.config(result, title: "Diff \(ida) → \(idb)", heading: heading))
            }
        } catch {
            return .diffFailed(error.message)
        }
    }

    private func startSource() {
        let (conn, gen) = lock.withLock { (connection, generation) }
        if conn.info.kind == .snapshot {
            startRecorded(conn.source, gen)
            return
        }
        let store = MeshStore.over(conn.source, options: .init(refresh: refresh, maxRequestsPerSecond: options.maxRequestsPerSecond))
        let refresh = self.refresh
        let focused = lock.withLock { () -> String? in
            self.store = store
            return focusedKey
        }
        spawn { [self] in
            if let focused { await store.setFocus([focused]) }
            await store.run()
        }
        spawn { [self] in
            for await s in await store.states() {
                self.update(gen) { $0.record(s) }
            }
        }
        spawn { [self] in
            while !Task.isCancelled {
                do {
                    let snap = try await conn.source.cluster()
                    let stamp = LiveDriver.stamp(snap)
                    let changed = self.lock.withLock { () -> Bool in
                        defer { if gen == generation { clusterStamp = stamp } }
                        return clusterStamp != stamp
                    }
                    if changed { self.update(gen) { $0.cluster = snap } }
                } catch {
                    self.send(gen, .loadFailed("\(conn.info.context): \(LiveDriver.oneLine(error))", at: Date()))
                }
                try? await Task.sleep(nanoseconds: UInt64(refresh * 1e9))
            }
        }
    }

    /// A snapshot does not change: its objects and its recorded state (rates from the two
    /// samples it holds) are read once, instead of polling the file as if it were a cluster.
    private func startRecorded(_ source: any MeshSource, _ gen: Int) {
        spawn { [self] in
            do {
                let objects = try await source.cluster()
                let state = try source.recordedState()
                self.update(gen) {
                    $0.cluster = objects
                    if let state { $0.record(state) }
                }
            } catch {
                self.send(gen, .loadFailed("\(source.info.name): \(LiveDriver.oneLine(error))", at: Date()))
            }
        }
    }

    /// A cheap fingerprint of the cluster's objects: unchanged objects are not re-posted.
    static func stamp(_ s: ClusterSnapshot) -> Int {
        var h = Hasher()
        for p in s.pods { h.combine(p.metadata.uid); h.combine(p.metadata.resourceVersion) }
        for x in s.services { h.combine(x.metadata.uid); h.combine(x.metadata.resourceVersion) }
        for x in s.namespaces { h.combine(x.metadata.uid); h.combine(x.metadata.resourceVersion) }
        for x in s.endpointSlices { h.combine(x.metadata.uid); h.combine(x.metadata.resourceVersion) }
        for (k, list) in s.meshObjects.sorted(by: { $0.key < $1.key }) {
            h.combine(k)
            for o in list { h.combine(o.metadata.uid); h.combine(o.metadata.resourceVersion) }
        }
        return h.finalize()
    }

    /// Changes the feed and posts the views' new data (unless paused or from an old source).
    /// Taken and posted under the lock, so the queue holds the data in the order taken.
    private func update(_ gen: Int, _ change: (inout LiveFeed) -> Void) {
        lock.withLock {
            guard gen == generation, !stopped else { return }
            change(&feed)
            if !paused { post?(.loaded(takeData(), at: Date())) }
        }
    }

    private func send(_ gen: Int, _ e: AppEvent) {
        lock.withLock { if gen == generation && !stopped { post?(e) } }
    }

    func setPaused(_ p: Bool) {
        lock.withLock {
            defer { paused = p }
            if paused && !p { post?(.loaded(takeData(), at: Date())) }
        }
    }

    func perform(_ effect: Effect, post loopPost: @escaping @Sendable (AppEvent) -> Void) -> [AppEvent] {
        // Answers of the tasks started here are dropped once the source is switched away from
        // (or the runtime stopped), like the polling's.
        let (_, post) = current()
        switch effect {
        case .reload:
            let data = lock.withLock { () -> SourceData in
                feed.dumpFetchedFor = nil
                return takeData()
            }
            return [.loaded(data, at: Date())]
        case .focusProxy(let key):
            focus(key)
            return [.loaded(lock.withLock { takeData() }, at: Date())]
        case .writeSnapshot:
            guard let write = options.writeSnapshot else { return [.flash("writing snapshots is not available in this build", .warn)] }
            let source = lock.withLock { connection.source }
            post(.flash("writing a snapshot…", .info))
            spawn { [self] in
                do {
                    let path = try await write(source)
                    post(.flash("snapshot written: \(path)", .info))
                } catch {
                    post(.flash("snapshot failed: \(error)", .error))
                }
            }
            return []
        case .applyFromClipboard:
            previewClipboard(post: post)
            return []
        case .applyConfirmed:
            let (entries, applier) = lock.withLock { () -> ([ApplyEntry]?, Applier?) in
                defer { pendingApply = nil }
                return (pendingApply, connection.applier)
            }
            guard let entries, let applier else { return [.applyFailed("nothing to apply: the preview is gone")] }
            spawn { post(.applyFinished(await applier.apply(entries, force: false))) }
            return []
        case .switchContext(let name):
            switchContext(name, post: loopPost)
            return []
        case .compare(let request):
            let source = lock.withLock { connection.source }
            spawn { [self] in
                var event = await LiveDriver.compare(request, in: source)
                if case .diffReady(var d) = event {
                    d.request = request
                    event = .diffReady(d)
                }
                post(event)
            }
            return []
        case .quit, .copyToClipboard, .loadTheme, .suspend:
            return []
        case .computeLayers(let request):
            computeLayers(request)
            return []
        }
    }

    /// Opens a proxy: fetch its dump now (and again when the store sees a newer one), its
    /// `/stats` every refresh; the store is told to poll its `/clusters` every refresh
    /// (unfocused proxies' only every few).
    private func focus(_ key: String?) {
        let (proxy, gen, source, store) = lock.withLock { () -> (MeshState.Proxy?, Int, any MeshSource, MeshStore?) in
            focusTask?.cancel()
            focusTask = nil
            let p = key.flatMap { feed.proxy($0) }
            feed.setFocus(p)
            focusedKey = p?.key
            return (p, generation, connection.source, self.store)
        }
        if let store {
            let keys: Set<String> = proxy.map { [$0.key] } ?? []
            spawn { await store.setFocus(keys) }
        }
        guard let proxy, proxy.kind == .sidecar || proxy.kind == .gateway || proxy.kind == .waypoint else { return }
        let refresh = self.refresh
        let task = spawn { [self] in
            var prometheusOnly = false
            while !Task.isCancelled {
                if lock.withLock({ feed.dumpIsStale }) {
                    let seen = lock.withLock { feed.state?.configDumps[proxy.key]?.fetchedAt ?? Date() }
                    do {
                        let bytes = try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: .configDump)
                        let dump = try EnvoyConfigDump(document: try JSONDocument(bytes: bytes))
                        guard !Task.isCancelled else { return }
                        update(gen) { f in
                            guard f.focus?.key == proxy.key else { return }
                            f.dump = dump
                            f.dumpFetchedFor = seen
                            f.focusProblem = nil
                        }
                    } catch {
                        guard !Task.isCancelled else { return }
                        update(gen) { f in
                            guard f.focus?.key == proxy.key else { return }
                            f.focusProblem = "cannot read the config dump of \(proxy.proxyID) (\(AdminRequest.configDump)): \(LiveDriver.oneLine(error))"
                        }
                    }
                }
                do {
                    // `/stats?format=json` has Envoy's own names; proxies that do not serve it
                    // (the demo's) still answer `/stats/prometheus`, which the store polls anyway.
                    var bytes: [UInt8]
                    if prometheusOnly {
                        bytes = try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: .statsPrometheus)
                    } else {
                        do {
                            bytes = try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: .statsJSON)
                        } catch {
                            bytes = try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: .statsPrometheus)
                            prometheusOnly = true
                        }
                    }
                    let stats = try StatsSnapshot.decode(bytes)
                    guard !Task.isCancelled else { return }
                    update(gen) { f in if f.focus?.key == proxy.key { f.recordStats(stats, at: Date()) } }
                } catch {
                    guard !Task.isCancelled else { return }
                    update(gen) { f in
                        if f.focus?.key == proxy.key, f.stats == nil {
                            f.focusProblem = f.focusProblem ?? "cannot read /stats of \(proxy.proxyID): \(LiveDriver.oneLine(error))"
                        }
                    }
                }
                try? await Task.sleep(nanoseconds: UInt64(refresh * 1e9))
            }
        }
        lock.withLock { focusTask = task }
    }

    /// Clipboard → manifest → plan → dry run; the preview goes back as an event.
    private func previewClipboard(post: @escaping @Sendable (AppEvent) -> Void) {
        let (applier, namespace) = lock.withLock { (connection.applier, connection.info.namespace) }
        guard let applier else {
            post(.applyFailed("this source cannot write: apply needs a live cluster"))
            return
        }
        let environment = options.ui.environment
        let (_, post) = current()
        spawn { [self] in
            let contents: MeshClient.Clipboard.Contents
            do {
                contents = try await MeshClient.Clipboard(environment: environment).read()
            } catch {
                post(.applyFailed((error as? MeshClient.Clipboard.Failure)?.message ?? "\(error)"))
                return
            }
            let docs: [ManifestDocument]
            do {
                docs = try ManifestParser.parse(contents.bytes, source: "clipboard")
            } catch {
                post(.applyFailed("the clipboard (\(contents.bytes.count) bytes from \(contents.source)) is not a manifest:\n\(error)"))
                return
            }
            do {
                var entries = try await applier.plan(docs, defaultNamespace: namespace)
                entries = await applier.preview(entries, force: false)
                lock.withLock { pendingApply = entries }
                post(.applyPreviewed(entries, source: contents.source))
            } catch {
                post(.applyFailed("dry run failed: \((error as? KubeClientError)?.message ?? "\(error)")"))
            }
        }
    }

    /// `:ctx NAME`: opens the new context first (a failure keeps the current one), then
    /// shuts the old source's tasks down and starts a store on the new source. The switch
    /// runs in ``switchTasks``, so `:q` cancels it too; one finishing after `stop` closes the
    /// connection it opened instead of starting it.
    private func switchContext(_ name: String, post loopPost: @escaping @Sendable (AppEvent) -> Void) {
        guard let connect = options.connect else {
            loopPost(.flash("switching contexts is not offered for this source", .warn))
            return
        }
        let post: @Sendable (AppEvent) -> Void = { [weak self] e in
            guard let self else { return }
            self.lock.withLock { if !self.stopped { self.post?(e) } }
        }
        switchTasks.spawn { [self] in
            let next: LiveConnection
            do {
                next = try await connect(name)
            } catch {
                post(.flash("cannot switch to context \(name): \(LiveDriver.oneLine(error))", .error))
                return
            }
            // Opening a context only reads the kubeconfig: ask its API server before leaving
            // the current one, so an unreachable context is refused instead of switched to.
            do {
                _ = try await next.source.serverVersion()
                try Task.checkCancellation()
            } catch {
                await next.close()
                post(.flash("cannot switch to context \(name): \(LiveDriver.oneLine(error))", .error))
                return
            }
            // Swapped, and the change posted, under the lock: no answer of the old source
            // can be queued behind `.sourceChanged` (its generation no longer matches).
            let old: (LiveConnection, TaskRegistry)? = lock.withLock {
                guard !stopped else { return nil }
                defer {
                    connection = next
                    generation += 1
                    sourceTasks = TaskRegistry()
                    focusTask = nil
                    store = nil
                    focusedKey = nil
                    pendingApply = nil
                    clusterStamp = nil
                    feed = LiveFeed(label: options.label ?? name)
                    self.post?(.sourceChanged(options.sourceInfo(next)))
                }
                return (connection, sourceTasks)
            }
            guard let (oldConnection, oldTasks) = old else {
                await next.close()
                return
            }
            startSource()
            await oldTasks.shutdown(within: LiveDriver.shutdownWait)
            await oldConnection.close()
        }
    }

    /// How long `:q` and `:ctx` wait for cancelled tasks to end before going on without them.
    static let shutdownWait: Double = 2

    /// The connection in use and a `post` that drops answers once it was switched away from.
    func current() -> (LiveConnection, post: @Sendable (AppEvent) -> Void) {
        let (conn, gen) = lock.withLock { (connection, generation) }
        return (conn, { [weak self] e in self?.send(gen, e) })
    }

    /// `:q`: cancels every task (switches first, so none starts a source afterwards), waits
    /// for them to end, then closes the source; nothing is posted from then on.
    func stop() async {
        let switches = lock.withLock { () -> TaskRegistry in
            stopped = true
            generation += 1
            focusTask = nil
            return switchTasks
        }
        await switches.shutdown(within: LiveDriver.shutdownWait)
        // No switch commits once `stopped` is set, so these are the last source and its tasks.
        let (tasks, conn) = lock.withLock { (sourceTasks, connection) }
        await tasks.shutdown(within: LiveDriver.shutdownWait)
        await conn.close()
        await options.compare?.close()
    }

    static func oneLine(_ error: any Error) -> String {
        let text = (error as? MeshSourceError)?.message ?? String(describing: error)
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}
