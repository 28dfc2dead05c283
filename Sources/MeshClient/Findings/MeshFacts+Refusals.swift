import MeshModel

extension MeshFacts {
    /// Marks the inputs the cluster's refusals hid, so their rules say "not evaluated:
    /// forbidden: …" instead of judging what is missing as absent (no pod read is no broken
    /// pod; no istiod found is no sync state to compare). Both the TUI's live facts and
    /// `check` (``MeshFactsCollector``) call it.
    ///
    /// - the Istio config kinds the rules read, when one was not read at all;
    /// - the Kubernetes objects and every proxy's inputs, when pods were refused cluster-wide
    ///   and read in no namespace (no pod read is no proxy found);
    /// - istiod's sync state and ztunnel's state, when neither runs in a namespace read and
    ///   pods in istio-system (or everywhere) were refused.
    ///
    /// ```
    /// MS0101  Proxy config is stale  istiod not found: forbidden: cannot list pods in istio-system (needs get/list on pods)
    /// ```
    public mutating func markRefusals(_ cluster: ClusterSnapshot) {
        guard !cluster.forbidden.isEmpty else { return }
        if let why = KubeFacts.istioConfigUnreadable(cluster) { unavailable[.istioConfig] = why }
        if let why = cluster.podsUnreadable {
            // No pod read, no proxy found: what the proxies would have said is refused too.
            for input in [FindingInput.kubeObjects, .configDumps, .upstreams, .statsRates, .edges, .certificates, .ztunnel] { unavailable[input] = why }
        }
        let kinds = Set(MeshStore.proxies(from: cluster.pods).map(\.kind))
        if !kinds.contains(.istiod), let why = cluster.controlPlaneRefusal("istiod") { unavailable[.syncStatus] = why }
        if !kinds.contains(.ztunnel), let why = cluster.controlPlaneRefusal("ztunnel") { unavailable[.ztunnel] = why }
    }
}
