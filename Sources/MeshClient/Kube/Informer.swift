import Foundation
import MeshModel

/// A cache of one resource kept current by list + watch (client-go's informer), driven
/// by ``ReflectorMachine``: paginated initial list, watch with bookmarks, resume after the
/// server's watch timeout, relist on 410 Gone, backoff on errors, Retry-After on 429.
///
/// ```swift
/// let pods = Informer(client: client, resource: podsResource, namespace: nil)
/// await pods.start()
/// try await pods.waitForSync(timeout: 30)
/// let all = await pods.items
/// ```
public actor Informer {
    public nonisolated let resource: APIResource
    public nonisolated let namespace: String?
    let client: KubeClient
    let pageSize: Int
    let watchTimeoutSeconds: Int
    private var objects: [String: KubeObject] = [:]
    private var machine: ReflectorMachine
    private var synced = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var task: Task<Void, Never>?
    private var changeContinuations: [UUID: AsyncStream<Void>.Continuation] = [:]
    public private(set) var stats = Stats()
    /// The most recent failure (cleared by the next success), for status displays.
    public private(set) var lastError: KubeClientError?
    /// The server refused the list or watch (403): the loop has stopped, because asking
    /// again gets the same answer until someone changes the user's roles.
    public private(set) var forbiddenError: KubeClientError?

    /// Counters for status lines and tests.
    public struct Stats: Sendable, Equatable {
        public var lists = 0
        public var listPages = 0
        public var watches = 0
        public var events = 0
        public var bookmarks = 0
        public var relists = 0
        public var failures = 0
    }

    public init(client: KubeClient, resource: APIResource, namespace: String?, pageSize: Int = 500, watchTimeoutSeconds: Int = 300, backoff: Backoff = Backoff()) {
        self.client = client
        self.resource = resource
        self.namespace = resource.namespaced ? namespace : nil
        self.pageSize = pageSize
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.machine = ReflectorMachine(backoff: backoff)
    }

    public func start() {
        guard task == nil else { return }
        task = Task { await self.run() }
    }

    public func stop() {
        task?.cancel()
        task = nil
        for c in changeContinuations.values { c.finish() }
        changeContinuations = [:]
        let w = waiters
        waiters = []
        for c in w { c.resume() }
    }

    public var items: [KubeObject] { Array(objects.values) }
    public var count: Int { objects.count }
    public var isSynced: Bool { synced }
    public var resourceVersion: String? { machine.resourceVersion }
    /// Bumped on every change of ``items`` (a list committed, an object added, modified or
    /// deleted), so a reader can keep what it derived from them until this moves.
    public private(set) var generation = 0
    public func object(key: String) -> KubeObject? { objects[key] }

    /// Waits for the first complete list. Throws the last error (or a timeout) when the
    /// cache is not synced within `timeout` seconds.
    public func waitForSync(timeout: Double) async throws(KubeClientError) {
        if synced { return }
        let deadline = Date().addingTimeInterval(timeout)
        let timer = Task { [weak self] in
            // A little past the deadline, so the woken loop sees it has passed.
            try? await Task.sleep(nanoseconds: UInt64((max(0, timeout) + 0.05) * 1_000_000_000))
            await self?.wakeWaiters()
        }
        defer { timer.cancel() }
        while !synced {
            if let e = lastError, e.kind == .unauthorized || e.kind == .forbidden || e.kind == .notFound { throw e }
            if Date() >= deadline || task == nil {
                throw lastError ?? KubeClientError(.timeout, "\(resource.qualifiedName) did not sync within \(Int(timeout)) s")
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// A signal each time the cache changes (coalesce as you like).
    public func changes() -> AsyncStream<Void> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        changeContinuations[id] = continuation
        continuation.onTermination = { _ in Task { await self.removeContinuation(id) } }
        return stream
    }

    private func removeContinuation(_ id: UUID) { changeContinuations[id] = nil }

    private func wakeWaiters() {
        let w = waiters
        waiters = []
        for c in w { c.resume() }
    }

    private func changed() {
        generation &+= 1
        for c in changeContinuations.values { c.yield() }
    }

    // MARK: The loop

    private func run() async {
        var step = machine.start()
        var pending: [String: KubeObject] = [:]
        while !Task.isCancelled {
            switch step {
            case .list(let token):
                if token == nil { pending = [:] }
                do {
                    let page = try await client.list(resource, namespace: namespace, limit: pageSize, continueToken: token)
                    stats.listPages += 1
                    for item in page.items {
                        let obj = KubeObject(item, defaultKind: resource.kind, defaultAPIVersion: resource.apiVersion)
                        pending[obj.key] = obj
                    }
                    let (commit, next) = machine.listPage(continueToken: page.continueToken, resourceVersion: page.resourceVersion)
                    if commit {
                        if stats.lists > 0 { stats.relists += 1 }
                        stats.lists += 1
                        objects = pending
                        pending = [:]
                        lastError = nil
                        if !synced {
                            synced = true
                            wakeWaiters()
                        }
                        changed()
                    }
                    step = next
                } catch {
                    record(error)
                    if error.kind == .forbidden { return refused(error) }
                    step = machine.listFailed(status: error.status?.code ?? 0, retryAfter: error.status?.retryAfterSeconds.map(Double.init))
                }
            case .watch(let rv):
                stats.watches += 1
                do {
                    for try await event in client.watch(resource, namespace: namespace, resourceVersion: rv, timeoutSeconds: watchTimeoutSeconds) {
                        apply(event)
                    }
                    step = machine.watchEnded()
                } catch {
                    let e = error as? KubeClientError ?? KubeClientError(.unreachable, "\(error)")
                    if Task.isCancelled { return }
                    record(e)
                    if e.kind == .forbidden { return refused(e) }
                    let code = e.kind == .expired ? 410 : (e.status?.code ?? 0)
                    step = machine.watchFailed(status: code, retryAfter: e.status?.retryAfterSeconds.map(Double.init))
                }
            case .wait(let seconds, let then):
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                step = then
            }
        }
    }

    /// Ends the loop on a 403: no retry, the cache stays as it was, waiters see the error.
    private func refused(_ error: KubeClientError) {
        forbiddenError = error
        task = nil
        wakeWaiters()
    }

    private func record(_ error: KubeClientError) {
        stats.failures += 1
        lastError = error
        // Nobody is waiting for a cache that cannot be fetched: let waiters see the error.
        if error.kind == .unauthorized || error.kind == .forbidden || error.kind == .notFound { wakeWaiters() }
    }

    private func apply(_ event: WatchEvent) {
        if let rv = event.resourceVersion { machine.event(resourceVersion: rv) }
        switch event.type {
        case .bookmark:
            stats.bookmarks += 1
            return
        case .added, .modified:
            let obj = KubeObject(event.object, defaultKind: resource.kind, defaultAPIVersion: resource.apiVersion)
            objects[obj.key] = obj
        case .deleted:
            let obj = KubeObject(event.object, defaultKind: resource.kind, defaultAPIVersion: resource.apiVersion)
            objects[obj.key] = nil
        case .error:
            return
        }
        stats.events += 1
        changed()
    }
}
