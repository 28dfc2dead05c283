import Foundation
import MeshClient
import MeshModel

extension LiveDriver {

    func startSource() {
        let (conn, gen) = lock.withLock { (connection, generation) }
        if conn.info.kind == .snapshot {
            startRecorded(conn.source, gen)
            return
        }
        // Rates first: the edges are on screen at Prometheus's rates answer, their totals after.
        let store = MeshStore.over(conn.source, options: .init(refresh: refresh, maxRequestsPerSecond: options.maxRequestsPerSecond, ratesFirst: true))
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
                    self.send(gen, .loadFailed("\(conn.info.context): \(LiveDriver.message(error))", at: Date()))
                }
                try? await Task.sleep(nanoseconds: UInt64(refresh * 1e9))
            }
        }
    }

    /// A snapshot does not change: its objects and its recorded state (rates from the two
    /// samples it holds) are read once, instead of polling the file as if it were a cluster.
    func startRecorded(_ source: any MeshSource, _ gen: Int) {
        spawn { [self] in
            do {
                let objects = try await source.cluster()
                let state = try source.recordedState()
                self.update(gen) {
                    $0.cluster = objects
                    if let state { $0.record(state) }
                }
            } catch {
                self.send(gen, .loadFailed("\(source.info.name): \(LiveDriver.message(error))", at: Date()))
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

}
