import Foundation
import MeshModel

extension MeshStore {
    /// A store over a cluster: proxies from the informer cache's pods, admin bytes through
    /// the API server's pod proxy (or `--admin-url`) with the admin client's timeout and limit.
    public static func kubernetes(cache: ClusterCache, admin: AdminClient, options: Options = Options()) -> MeshStore {
        MeshStore(options: options, listProxies: {
            proxies(from: await cache.snapshot().pods)
        }, fetch: { proxy, endpoint in
            let (port, path) = endpoint.request
            do {
                return try await admin.fetch(pod: proxy.name, namespace: proxy.namespace, port: port, path: path)
            } catch {
                let e = error as? KubeClientError
                throw LiveDecodeError(e?.message ?? String(describing: error), refused: e?.kind == .forbidden)
            }
        })
    }

    /// Running pods that answer on an admin port: Envoys (sidecar, gateway, waypoint, from
    /// the pod's mesh mode), ztunnels (`app=ztunnel`) and istiod (`app=istiod`).
    public static func proxies(from pods: [KubePod]) -> [MeshState.Proxy] {
        var out: [MeshState.Proxy] = []
        for pod in pods where pod.phase == "Running" && pod.metadata.deletionTimestamp == nil {
            let labels = pod.metadata.labels
            let kind: MeshState.ProxyKind?
            if labels["app"] == "ztunnel" {
                kind = .ztunnel
            } else if labels["app"] == "istiod" || labels["istio"] == "pilot" {
                kind = .istiod
            } else {
                switch pod.meshMode {
                case .sidecar: kind = .sidecar
                case .gateway: kind = .gateway
                case .waypoint: kind = .waypoint
                case .ambient, .none: kind = nil
                }
            }
            guard let kind else { continue }
            out.append(MeshState.Proxy(name: pod.metadata.name, namespace: pod.metadata.namespace ?? "", kind: kind,
                                       node: pod.nodeName ?? "", ip: pod.podIP ?? "", podVersion: pod.metadata.resourceVersion ?? ""))
        }
        return out.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }
}

extension MeshStore {
    /// A store over any ``MeshSource``: proxies from its pods, admin bytes from its `admin`,
    /// edges from its Prometheus when it has one (``MeshSource/prometheus``).
    public static func over(_ source: any MeshSource, options: Options = Options()) -> MeshStore {
        MeshStore(options: options, prometheus: source.prometheus, listProxies: {
            do { return try await source.proxies() } catch { throw LiveDecodeError((error as? MeshSourceError)?.message ?? String(describing: error)) }
        }, fetch: { proxy, endpoint in
            do {
                return try await source.admin(pod: proxy.name, namespace: proxy.namespace, request: AdminRequest(endpoint))
            } catch {
                let e = error as? MeshSourceError
                throw LiveDecodeError(e?.message ?? String(describing: error), refused: e?.kind == .forbidden)
            }
        })
    }
}
