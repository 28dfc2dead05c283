import Foundation
import MeshModel

/// Reads one side of a whole-mesh diff from a ``MeshSource``: the Kubernetes objects from
/// `cluster()`, every Envoy's `/config_dump` and every ztunnel's `/config_dump` (istiod has
/// no config of its own), decoded with the same decoders as `proxy-config` and
/// `ztunnel-config`. The comparison is ``MeshDiff/compare(_:_:options:)``.
///
/// ```swift
/// let (before, after) = (try await MeshDiffSources.side(a), try await MeshDiffSources.side(b))
/// let result = MeshDiff.compare(before, after)
/// ```
public enum MeshDiffSources {
    /// Object lists that change by themselves and are not configuration.
    static let skippedResources: Set<String> = ["events", "events.events.k8s.io", "leases.coordination.k8s.io"]

    public static func side(_ source: any MeshSource, maxConcurrent: Int = 8) async throws(MeshSourceError) -> MeshDiffSide {
        let cluster = try await source.cluster()
        var side = MeshDiffSide()
        for (resource, items) in cluster.rawObjects.sorted(by: { $0.key < $1.key }) where !skippedResources.contains(resource) {
            side.objects += KubernetesDiffSource.resources(items.map(\.raw))
        }
        let proxies = MeshStore.proxies(from: cluster.pods).filter { $0.kind != .istiod }
        let reads = await withTaskGroup(of: Read.self) { group in
            var out: [Read] = []
            for (n, p) in proxies.enumerated() {
                // At most maxConcurrent reads in flight.
                if n >= maxConcurrent, let r = await group.next() { out.append(r) }
                group.addTask { await read(source, p) }
            }
            for await r in group { out.append(r) }
            return out
        }
        for r in reads {
            switch r {
            case .ok(let key, let resources): side.proxies[key] = resources
            case .failed(let key, let why): side.unreadable[key] = why
            }
        }
        return side
    }

    enum Read: Sendable { case ok(String, [DiffResource]), failed(String, String) }

    /// One proxy's dump as diff resources (Envoy or ztunnel), or why it could not be read.
    static func read(_ source: any MeshSource, _ p: MeshState.Proxy) async -> Read {
        let key = "\(p.name).\(p.namespace)"
        let request: AdminRequest = p.kind == .ztunnel ? .ztunnelConfigDump : .configDump
        do {
            let bytes = try await source.admin(pod: p.name, namespace: p.namespace, request: request)
            let doc = try JSONDocument(bytes: bytes)
            if p.kind == .ztunnel { return .ok(key, ZtunnelDiffSource.resources(ZtunnelDump.decode(doc))) }
            return .ok(key, EnvoyDiffSource.resources(try EnvoyConfigDump(document: doc)))
        } catch let e as MeshSourceError {
            return .failed(key, e.message)
        } catch {
            return .failed(key, "\(request): \(error)")
        }
    }

    /// Both sides read at once, then compared.
    public static func compare(_ a: any MeshSource, _ b: any MeshSource, options: DiffOptions = DiffOptions(), maxConcurrent: Int = 8)
        async throws -> MeshDiffResult {
        async let x = side(a, maxConcurrent: maxConcurrent)
        async let y = side(b, maxConcurrent: maxConcurrent)
        var result = MeshDiff.compare(try await x, try await y, options: options)
        result.labels = (a.info.name, b.info.name)
        return result
    }
}
