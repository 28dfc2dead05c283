import Foundation
import MeshModel

extension MeshFacts {
    /// Facts from what a live store published (what the TUI holds): istiod's sync state, the
    /// `/clusters` the store polled, traffic edges, ztunnel dumps, and the config dumps of the
    /// proxies fetched so far (the store reads dumps of focused proxies only). The store keeps
    /// no per-cluster counters, so the stats-rate rules are not evaluated here; `check` reads
    /// them itself (``MeshFactsCollector``). Inputs the cluster's refusals hid are marked
    /// (``markRefusals(_:)``).
    ///
    /// ```swift
    /// let report = FindingsEngine.evaluate(MeshFacts(state: state, cluster: cluster, now: Date()))
    /// ```
    public init(state: MeshState, cluster: ClusterSnapshot?, dumps: [String: EnvoyConfigDump] = [:], now: Date) {
        self.init(now: now, kube: cluster.map(KubeFacts.init), sync: state.syncz?.proxies)
        for p in state.proxies where p.kind == .sidecar || p.kind == .gateway || p.kind == .waypoint {
            var f = ProxyFacts(name: p.name, namespace: p.namespace, kind: p.kind)
            f.clusters = state.upstreams[p.key].map { FindingStats.relevant($0.current) }
            f.dump = dumps[p.key]
            proxies[p.key] = f
        }
        for c in state.connections?.clients ?? [] { if let at = c.connectedAt { connectedAt[c.proxyID] = at } }
        istiodVersions = MeshFactsCollector.istiodVersions(state.proxies, kube: kube)
        if state.syncz == nil { unavailable[.syncStatus] = "istiod's sync state has not arrived (yet)" }
        if state.complete { edges = state.edges } else { unavailable[.edges] = "the first metrics round has not completed" }
        if !state.ztunnels.isEmpty || !state.proxies.contains(where: { $0.kind == .ztunnel }) { ztunnels = state.ztunnels } else {
            unavailable[.ztunnel] = "no ztunnel dump has arrived (yet)"
        }
        unavailable[.statsRates] = "the live store keeps no per-cluster counters (meshscope check reads them)"
        if dumps.isEmpty { unavailable[.configDumps] = "config dumps are read for focused proxies only (meshscope check --dumps all reads every one)" }
        if !state.upstreamsComplete { unavailable[.upstreams] = "not every Envoy's /clusters has been read yet" }
        if let cluster { markRefusals(cluster) }
    }
}

extension MeshFactsCollector {
    /// istiod pods' Istio versions by pod name, from the image tag of their `discovery`
    /// container (else their first container): `docker.io/istio/pilot:1.24.2` → `1.24.2`.
    public static func istiodVersions(_ proxies: [MeshState.Proxy], kube: KubeFacts?) -> [String: String] {
        guard let kube else { return [:] }
        var out: [String: String] = [:]
        for p in proxies where p.kind == .istiod {
            guard let pod = kube.pods.first(where: { $0.metadata.name == p.name && $0.metadata.namespace == p.namespace }),
                  let image = (pod.containers.first { $0.name == "discovery" } ?? pod.containers.first)?.image,
                  let tag = IstioVersion.imageTag(image), IstioVersion.minor(tag) != nil else { continue }
            out[p.name] = tag
        }
        return out
    }
}
