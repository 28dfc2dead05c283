import Foundation
import MeshModel

/// A live cluster as a ``MeshSource``: objects from an informer cache started on first use
/// (and kept watching, so a TUI sees changes), admin responses through the ``AdminClient``.
/// The demo mesh is one of these too: it is a cluster reached through a kubeconfig.
public final class ClusterMeshSource: MeshSource {
    public let client: KubeClient
    public let adminClient: AdminClient
    public let info: MeshSourceInfo
    let cacheNamespace: String?
    let syncTimeout: Double
    let cacheBox = CacheBox()

    actor CacheBox {
        var cache: ClusterCache?
        var starting: Task<ClusterCache, any Error>?

        func get(_ start: @escaping @Sendable () async throws -> ClusterCache) async throws -> ClusterCache {
            if let cache { return cache }
            if let starting { return try await starting.value }
            let task = Task { try await start() }
            starting = task
            do {
                let c = try await task.value
                cache = c
                starting = nil
                return c
            } catch {
                starting = nil
                throw error
            }
        }

        func stop() async {
            await cache?.stop()
            cache = nil
        }
    }

    /// - Parameters:
    ///   - namespace: limits the cached namespaced kinds to one namespace (nil: all).
    public init(client: KubeClient, admin: AdminClient, namespace: String?, syncTimeout: Double = 60) {
        self.client = client
        self.adminClient = admin
        self.cacheNamespace = namespace
        self.syncTimeout = syncTimeout
        let conn = client.connection
        info = MeshSourceInfo(kind: .cluster, name: conn.contextName, namespace: namespace ?? conn.namespace, context: conn.contextName)
    }

    public func cluster() async throws(MeshSourceError) -> ClusterSnapshot {
        do {
            let cache = try await cacheBox.get { [client, cacheNamespace, syncTimeout] in
                let cache = try await ClusterCache.start(client: client, namespace: cacheNamespace)
                try await cache.waitForSync(timeout: syncTimeout)
                return cache
            }
            return await cache.snapshot()
        } catch let e as KubeClientError {
            throw MeshSourceError(.failed, e.message)
        } catch {
            throw MeshSourceError(.failed, String(describing: error))
        }
    }

    public func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        do {
            return try await adminClient.fetch(pod: pod, namespace: namespace, port: request.port, path: request.path)
        } catch {
            throw MeshSourceError(error.kind == .notFound ? .notFound : .failed, error.message)
        }
    }

    public func close() async {
        await cacheBox.stop()
    }
}
