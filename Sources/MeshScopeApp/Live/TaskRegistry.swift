import Foundation

/// Every task a live runtime starts (polling, the focused proxy's reads, `S`, apply, compare,
/// layers, `:ctx`), so that quitting or switching contexts cancels all of them and nothing
/// reads a source or posts after `:q`. A task leaves the registry when it ends; once the
/// registry is shut down it starts nothing more.
///
/// ```swift
/// let tasks = TaskRegistry()
/// tasks.spawn { await poll() }
/// await tasks.shutdown(within: 2)   // cancelled, and ended (or given up on after 2 s)
/// tasks.count                       // 0
/// ```
final class TaskRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [UInt64: Task<Void, Never>] = [:]
    private var nextID: UInt64 = 0
    private var closed = false

    /// Starts `operation` and tracks it until it ends; nil (nothing started) once shut down.
    @discardableResult
    func spawn(_ operation: @escaping @Sendable () async -> Void) -> Task<Void, Never>? {
        lock.withLock {
            guard !closed else { return nil }
            let id = nextID
            nextID += 1
            // The task cannot leave before it is entered: `finished` waits for this lock.
            let task = Task { [weak self] in
                await operation()
                self?.finished(id)
            }
            tasks[id] = task
            return task
        }
    }

    private func finished(_ id: UInt64) {
        lock.withLock { _ = tasks.removeValue(forKey: id) }
    }

    /// Tasks still running.
    var count: Int { lock.withLock { tasks.count } }

    var isClosed: Bool { lock.withLock { closed } }

    /// Cancels every task, refuses new ones, and waits until they have ended, for at most
    /// `seconds` (a read that ignores cancellation must not hold the terminal on quit).
    /// Returns whether all ended in time.
    @discardableResult
    func shutdown(within seconds: Double) async -> Bool {
        let all: [Task<Void, Never>] = lock.withLock {
            closed = true
            return Array(tasks.values)
        }
        for t in all { t.cancel() }
        if all.isEmpty { return true }
        let waiter = Task { for t in all { await t.value } }
        let once = Once()
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let timer = Task {
                try? await Task.sleep(nanoseconds: UInt64(min(86_400, max(0, seconds)) * 1e9))
                if once.claim() { c.resume(returning: false) }
            }
            Task {
                await waiter.value
                timer.cancel()
                if once.claim() { c.resume(returning: true) }
            }
        }
    }

    /// The first caller wins (one resume of a continuation).
    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        func claim() -> Bool {
            lock.withLock {
                defer { done = true }
                return !done
            }
        }
    }
}
