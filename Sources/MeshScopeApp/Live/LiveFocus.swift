import Foundation
import MeshClient
import MeshModel

extension LiveDriver {

    /// Opens a proxy: fetch its dump now (and again when the store sees a newer one), its
    /// `/stats` every refresh; the store is told to poll its `/clusters` every refresh
    /// (unfocused proxies' only every few).
    func focus(_ key: String?) {
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

}
