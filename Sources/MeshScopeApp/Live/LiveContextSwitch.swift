import Foundation
import MeshClient
import MeshModel

extension LiveDriver {
    /// `:ctx NAME`: opens the new context first (a failure keeps the current one), then
    /// shuts the old source's tasks down and starts a store on the new source. The switch
    /// runs in ``switchTasks``, so `:q` cancels it too; one finishing after `stop` closes the
    /// connection it opened instead of starting it.
    func switchContext(_ name: String, post loopPost: @escaping @Sendable (AppEvent) -> Void) {
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
                post(.flash("cannot switch to context \(name): \(LiveDriver.message(error))", .error))
                return
            }
            // Opening a context only reads the kubeconfig: ask its API server before leaving
            // the current one, so an unreachable context is refused instead of switched to.
            do {
                _ = try await next.source.serverVersion()
                try Task.checkCancellation()
            } catch {
                await next.close()
                post(.flash("cannot switch to context \(name): \(LiveDriver.message(error))", .error))
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

}
