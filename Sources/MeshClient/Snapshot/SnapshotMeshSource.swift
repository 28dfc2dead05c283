import Foundation
import MeshModel

/// A snapshot file as a ``MeshSource``: every read command and the TUI work on it offline as
/// on the cluster it was taken from. Read-only; `info.takenAt` is when it was taken.
///
/// ```swift
/// let source = try await SnapshotMeshSource.open(path: "mesh.json.gz")
/// source.info.takenAt                      // 2026-11-21 22:04:10 +0000
/// let pods = try await source.cluster().pods
/// let dump = try await source.admin(pod: "productpage-v1-0", namespace: "bookinfo", request: .configDump)
/// ```
public final class SnapshotMeshSource: MeshSource, @unchecked Sendable {
    public let index: SnapshotIndex
    public let info: MeshSourceInfo
    public let path: String
    /// Size of the file on disk, and whether it is gzip.
    public let fileBytes: Int
    public let compressed: Bool
    /// Opened keeping only some responses (``open(path:keeping:)``): the names left out of
    /// some proxy. nil: the index holds the whole file.
    public let leftOut: Set<String>?
    /// The responses whose text was kept in part (``SnapshotKeep/filteredText``).
    private let filtered: Set<String>
    private let lock = NSLock()
    private var clusterCache: ClusterSnapshot?
    private var wholeIndex: SnapshotIndex?

    public init(index: SnapshotIndex, path: String, fileBytes: Int, compressed: Bool, leftOut: Set<String>? = nil, filtered: Set<String> = []) {
        self.index = index
        self.filtered = filtered
        self.path = path
        self.fileBytes = fileBytes
        self.compressed = compressed
        self.leftOut = leftOut
        let m = index.metadata
        info = MeshSourceInfo(kind: .snapshot, name: path, namespace: m.defaultNamespace, context: m.context, takenAt: m.takenAt, readOnly: true)
    }

    /// Reads and indexes FILE (plain or gzip). Errors name the file and what is wrong.
    public static func open(path: String) async throws(MeshSourceError) -> SnapshotMeshSource {
        let (index, fileBytes, compressed) = try wholeFile(path)
        return SnapshotMeshSource(index: index, path: path, fileBytes: fileBytes, compressed: compressed)
    }

    /// Reads FILE keeping only what `keep` names (``SnapshotFile/readCompacted(path:keep:chunkSize:)``):
    /// `check` on a 1 GB snapshot holds a tenth of it. A read the kept part cannot answer (a
    /// response left out, or one whose error message would name a byte of the kept copy) is
    /// answered from the whole file, read then; a file the compactor gives up on, or cannot
    /// read, is read whole at once, so what a command prints is what ``open(path:)`` gives.
    public static func open(path: String, keeping keep: SnapshotKeep) async throws(MeshSourceError) -> SnapshotMeshSource {
        guard let read = try? SnapshotFile.readCompacted(path: path, keep: keep), let bytes = read.bytes,
              let index = try? SnapshotIndex(bytes: bytes, name: path) else { return try await open(path: path) }
        return SnapshotMeshSource(index: index, path: path, fileBytes: read.fileBytes, compressed: read.compressed, leftOut: read.leftOut,
                                  filtered: keep.filteredText)
    }

    private static func wholeFile(_ path: String) throws(MeshSourceError) -> (SnapshotIndex, Int, Bool) {
        let file: (bytes: [UInt8], fileBytes: Int, compressed: Bool, preskim: SnapshotPreskim?)
        // A gzip file's proxies are skimmed on the second core while it is inflated on the first.
        do { file = try SnapshotFile.read(path: path, skimAhead: true) } catch {
            throw MeshSourceError(.notFound, "cannot open snapshot \((error as? SnapshotFile.FileError)?.message ?? String(describing: error))")
        }
        do { return (try SnapshotIndex(bytes: file.bytes, name: path, preskim: file.preskim), file.fileBytes, file.compressed) } catch {
            throw MeshSourceError(.failed, error.message)
        }
    }

    /// The index of the whole file: `index` itself, or (opened with some responses left out)
    /// the file read whole, once.
    private func whole() throws(MeshSourceError) -> SnapshotIndex {
        guard leftOut != nil else { return index }
        if let w = lock.withLock({ wholeIndex }) { return w }
        let (w, _, _) = try Self.wholeFile(path)
        lock.withLock { wholeIndex = w }
        return w
    }

    /// One proxy's response: from `index`, else (kept in part, and left out or unreadable
    /// there) from the whole file, whose errors name the file's own bytes.
    private func response(_ p: SnapshotIndex.Proxy, key: String) throws(MeshSourceError) -> SnapshotResponse? {
        if let leftOut {
            do {
                // A filtered text response holds only some of its lines: whole, it is the file's.
                if let found = try index.response(p, key: key) {
                    if !filtered.contains(key) { return found }
                } else if !leftOut.contains(key) {
                    return nil
                }
            } catch {}
            let w = try whole()
            guard let q = w.proxy(name: p.name, namespace: p.namespace) else { return nil }
            do { return try w.response(q, key: key) } catch { throw MeshSourceError(.failed, error.message) }
        }
        do { return try index.response(p, key: key) } catch { throw MeshSourceError(.failed, error.message) }
    }

    public func cluster() async throws(MeshSourceError) -> ClusterSnapshot {
        if let c = lock.withLock({ clusterCache }) { return c }
        let kube: SnapshotKubernetes
        do { kube = try index.kubernetes() } catch {
            guard leftOut != nil else { throw MeshSourceError(.failed, error.message) }
            let w = try whole()
            do { kube = try w.kubernetes() } catch { throw MeshSourceError(.failed, error.message) }
        }
        var snap = ClusterSnapshot()
        snap.resources = kube.resources
        snap.forbidden = kube.forbidden
        // Each object is decoded by itself: thousands of pods are decoded on every core.
        let chunk = 128
        for r in kube.resources {
            let items = (kube.objects[r.qualifiedName] ?? []).concurrentMap(minimumChunk: chunk) { KubeObject($0, defaultKind: r.kind, defaultAPIVersion: r.apiVersion) }
            snap.rawObjects[r.qualifiedName] = items
            switch r.qualifiedName {
            case "namespaces": snap.namespaces = items.map { KubeNamespace($0.raw) }
            case "pods": snap.pods = items.concurrentMap(minimumChunk: chunk) { KubePod($0.raw) }
            case "services": snap.services = items.concurrentMap(minimumChunk: chunk) { KubeService($0.raw) }
            case "endpointslices.discovery.k8s.io": snap.endpointSlices = items.concurrentMap(minimumChunk: chunk) { KubeEndpointSlice($0.raw) }
            default: snap.meshObjects[r.qualifiedName] = items
            }
        }
        lock.withLock { clusterCache = snap }
        return snap
    }

    public func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        if case .istiodConfigDump(let proxyID) = request { return try istiodView(istiod: pod, namespace: namespace, proxyID: proxyID) }
        let id = "\(pod).\(namespace)"
        guard let p = index.proxy(name: pod, namespace: namespace) else {
            let pods = (try? await cluster().pods) ?? []
            if pods.contains(where: { $0.metadata.name == pod && $0.metadata.namespace == namespace }) {
                throw MeshSourceError(.notFound, "snapshot \(path) has no admin responses for \(id): the pod is in the snapshot but was not collected as a proxy (not a running proxy, or left out by --proxies)")
            }
            let covered = index.metadata.namespaces.map { " (it covers namespaces \($0.joined(separator: ", ")))" } ?? ""
            throw MeshSourceError(.notFound, "snapshot \(path) has no pod \(id)\(covered)")
        }
        guard let key = request.snapshotKey else {
            throw MeshSourceError(.unavailable, "snapshot \(path) keeps only the admin responses meshscope collects (\(SnapshotFormat.responseKinds.keys.sorted().joined(separator: ", "))); \(request) was not collected")
        }
        let request = AdminRequest(snapshotKey: key) ?? request
        if let found = try response(p, key: key) { return found.body }
        if let f = index.failures(of: p).first(where: { $0.request == key && !$0.target.hasSuffix("(first rate sample)") }) {
            throw MeshSourceError(.unavailable, "snapshot \(path) has no \(request.path) for \(id): collecting it failed: \(f.reason)")
        }
        if request.isStats && !index.metadata.options.stats {
            throw MeshSourceError(.unavailable, "snapshot \(path) has no \(request.path) for \(id) (taken with --no-stats)")
        }
        throw MeshSourceError(.unavailable, "snapshot \(path) has no \(request.path) for \(id) (a \(p.kind) proxy: not collected for this kind)")
    }

    /// istiod's view of a proxy, kept with that proxy (see ``SnapshotFormat/responseKinds``).
    private func istiodView(istiod: String, namespace: String, proxyID: String) throws(MeshSourceError) -> [UInt8] {
        guard index.proxy(name: istiod, namespace: namespace) != nil else {
            throw MeshSourceError(.notFound, "snapshot \(path) has no istiod \(istiod).\(namespace)")
        }
        // A proxy ID is `name.namespace`; namespaces have no dots.
        guard let dot = proxyID.lastIndex(of: "."),
              let p = index.proxy(name: String(proxyID[..<dot]), namespace: String(proxyID[proxyID.index(after: dot)...])) else {
            throw MeshSourceError(.notFound, "snapshot \(path) has no proxy \(proxyID)")
        }
        if let found = try response(p, key: "istiodConfigDump") { return found.body }
        if let f = index.failures(of: p).first(where: { $0.request == "istiodConfigDump" }) {
            throw MeshSourceError(.unavailable, "snapshot \(path) has no istiod view of \(proxyID): collecting it failed: \(f.reason)")
        }
        throw MeshSourceError(.unavailable, "snapshot \(path) has no istiod view of \(proxyID) (taken by a meshscope that did not collect it, or not an Envoy)")
    }

    public func close() async {}

    public func serverVersion() async throws(MeshSourceError) -> JSONValue? { index.metadata.serverVersion }

    public func recordedState() throws(MeshSourceError) -> MeshState? { try meshState() }

    /// The live state the snapshot recorded, as the store would have published it: traffic
    /// edges with rates (from the two metrics samples), upstream hosts, ztunnel dumps,
    /// istiod's view, and a failing status for everything that could not be collected.
    public func meshState() throws(MeshSourceError) -> MeshState {
        // Every response is read: kept in part, the state comes from the whole file.
        let index = try whole()
        var acc = LiveAccumulator()
        let proxies = index.proxies.compactMap { p -> (SnapshotIndex.Proxy, MeshState.Proxy)? in
            guard let kind = MeshState.ProxyKind(rawValue: p.kind) else { return nil }
            return (p, MeshState.Proxy(name: p.name, namespace: p.namespace, kind: kind, node: p.node, ip: p.ip))
        }
        acc.setProxies(proxies.map(\.1))
        var statuses: [LiveSource: SourceStatus] = [:]
        do {
            for (entry, proxy) in proxies {
                for endpoint in proxy.kind.endpoints {
                    let source = LiveSource(proxy: proxy.key, endpoint: endpoint)
                    guard let key = AdminRequest(endpoint).snapshotKey else { continue }
                    if let before = try index.response(entry, key: key, earlier: true), let d = try? LiveDecoded.decode(endpoint, before.body) {
                        acc.apply(source, d, at: before.fetchedAt)
                    }
                    var status = SourceStatus()
                    if let r = try index.response(entry, key: key) {
                        if endpoint == .configDump {
                            // The store keeps only a dump's size; parsing every dump here would be wasted.
                            acc.apply(source, .configDump(bytes: r.body.count), at: r.fetchedAt)
                            status.state = .ok
                            status.lastSuccess = r.fetchedAt
                            statuses[source] = status
                            continue
                        }
                        do {
                            acc.apply(source, try LiveDecoded.decode(endpoint, r.body), at: r.fetchedAt)
                            status.state = .ok
                            status.lastSuccess = r.fetchedAt
                        } catch {
                            status.state = .failing(reason: error.message)
                            status.consecutiveFailures = 1
                        }
                    } else if let f = index.failures(of: entry).first(where: { $0.request == key }) {
                        status.state = .failing(reason: f.reason)
                        status.consecutiveFailures = 1
                    } else {
                        continue  // Not collected (--no-stats): nothing to report.
                    }
                    statuses[source] = status
                }
            }
        } catch {
            throw MeshSourceError(.failed, error.message)
        }
        return acc.snapshot(statuses: statuses, complete: true, at: index.completedAt ?? index.metadata.takenAt)
    }
}
