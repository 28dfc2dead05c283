import Foundation
import MeshClient
import MeshModel
import TerminalUI

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
        state.flash = Flash("connecting to \(info.context)…", .info, at: Date(), untilData: true)
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
    // Internal, not private: the driver's extensions (`Live*.swift`) share them, under `lock`.
    let lock = NSLock()
    var connection: LiveConnection
    var feed: LiveFeed
    /// The current source's tasks; replaced (and the old one shut down) on a context switch.
    var sourceTasks = TaskRegistry()
    /// `:ctx` switches in progress.
    let switchTasks = TaskRegistry()
    var focusTask: Task<Void, Never>?
    /// The access-log reader and its batcher while a flow view is open (`LiveFlows.swift`).
    var flowTasks: [Task<Void, Never>] = []
    /// The last ``SourceData/sequence`` given out.
    var sequence: UInt64 = 0
    /// Set by `stop`: a switch finishing afterwards closes what it opened instead of starting it.
    var stopped = false
    /// The running store (live sources only), told which proxy is open.
    var store: MeshStore?
    var focusedKey: String?
    var paused = false
    var generation = 0
    var post: (@Sendable (AppEvent) -> Void)?
    var clusterStamp: Int?

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
                    post(.diffFailed("comparing \(old.info.name) with \(new.info.name): \(LiveDriver.message(error))"))
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
    func takeData() -> SourceData {
        sequence += 1
        var data = feed.data()
        data.sequence = sequence
        return data
    }

    /// Changes the feed and posts the views' new data (unless paused or from an old source).
    /// Taken and posted under the lock, so the queue holds the data in the order taken.
    func update(_ gen: Int, _ change: (inout LiveFeed) -> Void) {
        lock.withLock {
            guard gen == generation, !stopped else { return }
            change(&feed)
            if !paused { post?(.loaded(takeData(), at: Date())) }
        }
    }

    func send(_ gen: Int, _ e: AppEvent) {
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
            // Performed by ``apply(_:post:)`` with the entries the state kept.
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
        case .quit, .copyToClipboard, .loadTheme, .suspend, .evaluateFindings:
            return []
        case .computeLayers(let request):
            computeLayers(request)
            return []
        case .streamFlows(let request):
            streamFlows(request)
            return []
        case .reviewLogLevel(let request):
            reviewLogLevel(request)
            return []
        case .setLogLevel(let request):
            setLogLevel(request)
            return []
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

    /// An error's whole text (a source error's own message): what is flashed and kept in
    /// `:messages`; the bottom line shows its first line (``Flash/headline``).
    static func message(_ error: any Error) -> String {
        (error as? MeshSourceError)?.message ?? String(describing: error)
    }

    /// The first line of an error, for a place with one line and no pointer to `:messages`
    /// (a tab's "cannot read" line): whoever shows it also flashes ``message(_:)``.
    static func oneLine(_ error: any Error) -> String {
        Flash.headline(message(error)).line
    }
}
