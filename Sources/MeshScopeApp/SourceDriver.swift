import Foundation
import MeshModel

/// What feeds the loop with data and performs the effects that touch the source
/// (reload, snapshot, the focused proxy, apply, contexts).
protocol SourceDriver: Sendable {
    /// Starts background reads; their results arrive through `post`.
    func start(post: @escaping @Sendable (AppEvent) -> Void)
    /// Space: while paused, no new data is posted.
    func setPaused(_ paused: Bool)
    /// Performs a source effect; returns events to apply at once (later ones come through `post`).
    func perform(_ effect: Effect, post: @escaping @Sendable (AppEvent) -> Void) -> [AppEvent]
    /// `y` on an apply preview: applies the entries the state kept from it (nil: it is gone).
    func apply(_ entries: [ApplyEntry]?, post: @escaping @Sendable (AppEvent) -> Void) -> [AppEvent]
    /// Stops background reads and releases the source.
    func stop() async
}

/// `--file`: re-reads the files when they change on disk.
final class FileDriver: SourceDriver, @unchecked Sendable {
    let reloader: Reloader
    let refresh: TimeInterval
    let paused = Flag()
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    init(source: FileSource, data: SourceData, refresh: TimeInterval) {
        reloader = Reloader(source: source, data: data)
        self.refresh = refresh
    }

    func start(post: @escaping @Sendable (AppEvent) -> Void) {
        let (reloader, refresh, paused) = (self.reloader, self.refresh, self.paused)
        let t = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(0.2, refresh) * 1e9))
                if paused.value { continue }
                if let e = reloader.reloadIfChanged() { post(e) }
            }
        }
        lock.withLock { task = t }
    }

    func setPaused(_ p: Bool) { paused.value = p }

    func perform(_ effect: Effect, post: @escaping @Sendable (AppEvent) -> Void) -> [AppEvent] {
        switch effect {
        case .reload: return [reloader.reloadNow()]
        case .writeSnapshot: return [.flash("snapshots are written from a live source; a --file source is already on disk", .warn)]
        case .computeLayers: return [.layersFailed(LiveLayers.fileRefusal)]
        default: return []
        }
    }

    /// A file cannot be applied to (``SourceInfo/applyRefusal`` says so before a preview).
    func apply(_ entries: [ApplyEntry]?, post: @escaping @Sendable (AppEvent) -> Void) -> [AppEvent] { [] }

    func stop() async { lock.withLock { task }?.cancel() }
}

/// A Bool shared between the UI loop and background tasks.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var v = false
    var value: Bool {
        get { lock.withLock { v } }
        set { lock.withLock { v = newValue } }
    }
}

/// Re-reads the files when any modification time or size changes; keeps the last good
/// data so changed `/clusters`, `/stats` and metrics files get rates.
final class Reloader: @unchecked Sendable {
    private let lock = NSLock()
    private let source: FileSource
    private var stamps: [(Date, Int)?]
    private var last: SourceData

    init(source: FileSource, data: SourceData) {
        self.source = source
        self.stamps = source.stamps()
        self.last = data
    }

    func reloadIfChanged() -> AppEvent? {
        let now = source.stamps()
        let changed: Bool = lock.withLock {
            defer { stamps = now }
            return zip(stamps, now).contains { a, b in
                switch (a, b) {
                case (nil, nil): false
                case (let x?, let y?): x.0 != y.0 || x.1 != y.1
                default: true
                }
            }
        }
        return changed ? reloadNow() : nil
    }

    func reloadNow() -> AppEvent {
        let previous = lock.withLock { last }
        do {
            let data = try source.load(previous: previous)
            lock.withLock { last = data }
            return .loaded(data, at: Date())
        } catch {
            // The note ends the first line, which the bottom line shows; the rest is in `:messages`.
            var lines = error.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            lines[0] += " (showing the last good data)"
            return .loadFailed(lines.joined(separator: "\n"), at: Date())
        }
    }
}
