import Foundation
import MeshClient
import MeshModel

extension LiveDriver {

    /// Opens a proxy. Live, the store is told and does the polling: its `/clusters` every
    /// refresh, its config dump now (and again when istiod pushes or the pod changes), its
    /// `/stats` every refresh, all published with the state the feed records. A snapshot
    /// does not change: the proxy's dump and stats are read from it once.
    func focus(_ key: String?) {
        let (proxy, gen, source, store, recorded) = lock.withLock { () -> (MeshState.Proxy?, Int, any MeshSource, MeshStore?, Bool) in
            focusTask?.cancel()
            focusTask = nil
            let p = key.flatMap { feed.proxy($0) }
            feed.setFocus(p)
            focusedKey = p?.key
            return (p, generation, connection.source, self.store, connection.info.kind == .snapshot)
        }
        if let store {
            let keys: Set<String> = proxy.map { [$0.key] } ?? []
            spawn { await store.setFocus(keys) }
        }
        // A live source without a store yet: `startSource` hands it the focus.
        guard recorded, let proxy, proxy.kind == .sidecar || proxy.kind == .gateway || proxy.kind == .waypoint else { return }
        let task = spawn { [self] in await readRecorded(proxy, from: source, gen) }
        lock.withLock { focusTask = task }
    }

    /// A snapshot's proxy: its recorded dump and stats (`/stats?format=json`, else the
    /// Prometheus text it holds). What cannot be read is the tab's one line (`problem`) and
    /// flashed whole, so `:messages` holds every line of the error.
    func readRecorded(_ proxy: MeshState.Proxy, from source: any MeshSource, _ gen: Int) async {
        var focused = MeshState.FocusedProxy()
        var failures: [String] = []
        do {
            let bytes = try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: .configDump)
            focused.dump = try EnvoyConfigDump(document: try JSONDocument(bytes: bytes))
            focused.dumpFetchedAt = Date()
        } catch {
            let what = "cannot read the config dump of \(proxy.proxyID) (\(AdminRequest.configDump))"
            focused.problem = "\(what): \(LiveDriver.oneLine(error))"
            failures.append("\(what): \(LiveDriver.message(error))")
        }
        do {
            let bytes: [UInt8]
            do {
                bytes = try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: .statsJSON)
            } catch {
                bytes = try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: .statsPrometheus)
            }
            focused.recordStats(try StatsSnapshot.decode(bytes), at: Date())
        } catch {
            focused.problem = focused.problem ?? "cannot read /stats of \(proxy.proxyID): \(LiveDriver.oneLine(error))"
            failures.append("cannot read /stats of \(proxy.proxyID): \(LiveDriver.message(error))")
        }
        guard !Task.isCancelled else { return }
        update(gen) { f in if f.focus?.key == proxy.key { f.focused = focused } }
        for failure in failures { send(gen, .flash(failure, .error)) }
    }

}
