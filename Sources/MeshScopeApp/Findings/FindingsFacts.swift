import Foundation
import MeshClient
import MeshModel

extension MeshFacts {
    /// The facts of what the TUI holds. Live, demo and snapshot sources carry the store's
    /// state and the cluster's objects: ``MeshFacts/init(state:cluster:dumps:now:)`` reads
    /// them (plus the open proxy's dump). A `--file` source has what its files hold: istiod's
    /// sync state, one proxy's dump and `/clusters`, ztunnel's dump, metrics (edges).
    ///
    /// ```swift
    /// let report = FindingsEngine.evaluate(MeshFacts(data: state.data))
    /// ```
    public init(data: SourceData) {
        if let live = data.live {
            var dumps: [String: EnvoyConfigDump] = [:]
            if let focus = data.focus, let dump = data.envoy { dumps[focus.proxy.key] = dump }
            self.init(state: live, cluster: data.cluster, dumps: dumps, now: data.clock)
            return
        }
        self.init(now: data.clock, sync: data.proxyStatus)
        let files = "this --file source"
        unavailable[.kubeObjects] = "\(files) has no Kubernetes objects"
        unavailable[.istioConfig] = "\(files) has no Istio config objects"
        if data.proxyStatus == nil { unavailable[.syncStatus] = "\(files) has no istiod sync state (add --file syncz.json)" }
        if let edges = data.edges { self.edges = edges } else { unavailable[.edges] = "\(files) has no metrics (add --file metrics.txt)" }
        if let z = data.ztunnel { ztunnels = [data.name: z] } else { unavailable[.ztunnel] = "\(files) has no ztunnel dump" }
        if data.envoy != nil || data.hosts != nil {
            let (name, namespace) = MeshFacts.proxyName(data.envoy?.bootstrap?.nodeID) ?? (data.name, "")
            var p = ProxyFacts(name: name, namespace: namespace, kind: .sidecar)
            p.dump = data.envoy
            p.clusters = data.hosts.map(FindingStats.relevant)
            proxies[p.key] = p
        }
        if data.envoy == nil { unavailable[.configDumps] = "\(files) has no Envoy config dump" }
        if data.hosts == nil { unavailable[.upstreams] = "\(files) has no Envoy /clusters (add --file clusters.txt)" }
        unavailable[.statsRates] = "\(files) keeps no per-cluster counter rates"
    }

    /// `sidecar~10.0.0.1~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local` → (`reviews-v1-abc`, `bookinfo`).
    static func proxyName(_ nodeID: String?) -> (String, String)? {
        guard let parts = nodeID?.split(separator: "~", omittingEmptySubsequences: false), parts.count >= 3 else { return nil }
        let id = parts[2]
        guard let dot = id.lastIndex(of: "."), dot != id.startIndex else { return (String(id), "") }
        return (String(id[..<dot]), String(id[id.index(after: dot)...]))
    }
}
