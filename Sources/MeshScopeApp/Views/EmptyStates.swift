import MeshClient
import MeshModel

/// What a view says when it has nothing to show, for the kind of source it reads.
///
/// Advice for one kind of source is wrong for another: "add --file syncz.json" means nothing
/// on a cluster of 6,000 sidecars whose istiod cannot be reached. A file source says which
/// file to give; a live source (a cluster, the demo, a snapshot) says what was looked for
/// (pods with istiod's labels, an admin endpoint) and what answered, from the store's
/// ``MeshState`` (its proxies and each endpoint's ``SourceStatus``).
///
/// ```swift
/// EmptyStates.istiodSync(data)
/// // file:    "no istiod sync status loaded (add --file syncz.json: istiod /debug/syncz or a CSDS response)"
/// // cluster: "no istiod found: no running pod labelled app=istiod or istio=pilot in any readable namespace (6000 pods read)"
/// // cluster: "no istiod sync status: istiod istio-system/istiod-abc :15014/debug/syncz failed: connection refused"
/// ```
enum EmptyStates {
    /// How the store recognizes istiod and ztunnel pods (`MeshStore.proxies(from:)`).
    static let istiodSelector = "app=istiod or istio=pilot"
    static let ztunnelSelector = "app=ztunnel"

    /// `:proxies` (and `:xds`) without istiod's answer.
    static func istiodSync(_ data: SourceData, endpoint: LiveSource.Endpoint = .syncz) -> String {
        guard let live = data.live, data.origin != .file else {
            return "no istiod sync status loaded (add --file syncz.json: istiod /debug/syncz or a CSDS response)"
        }
        return polled(data, live, kind: .istiod, selector: istiodSelector, endpoint: endpoint,
                      what: endpoint == .syncz ? "istiod sync status" : "istiod xDS connections")
    }

    /// ztunnel tabs without a ztunnel dump.
    static func ztunnel(_ data: SourceData) -> String {
        guard let live = data.live, data.origin != .file else {
            return "no ztunnel config dump loaded (give --file ztunnel_config_dump.json)"
        }
        return polled(data, live, kind: .ztunnel, selector: ztunnelSelector, endpoint: .ztunnelDump, what: "ztunnel config dump")
    }

    /// Kubernetes views before (or without) the cluster's objects.
    static func clusterObjects(_ data: SourceData) -> String {
        guard let live = data.live, data.origin != .file else {
            return "Kubernetes views need a live source (start meshscope without --file, or with --demo or --snapshot FILE)"
        }
        if let reason = discoveryFailure(live) { return "\(sourceName(data)): the pods could not be listed: \(reason)" }
        switch data.origin {
        case .snapshot: return "this snapshot (\(data.name)) holds no Kubernetes objects"
        case .demo: return "waiting for the demo's Kubernetes objects…"
        default: return "waiting for the cluster's objects (listing namespaces, pods, services from \(data.name))…"
        }
    }

    /// A proxy's endpoints tab with neither `/clusters` nor an EDS section in its dump.
    static func endpoints(_ data: SourceData) -> String {
        guard let live = data.live, data.origin != .file, let proxy = data.focus?.proxy else {
            return "no endpoints: the dump has no EDS section (capture /config_dump?include_eds) and no /clusters file was given (--file clusters.txt)"
        }
        let (port, path) = LiveSource.Endpoint.clusters.request
        let answer: String
        switch live.sources[LiveSource(proxy: proxy.key, endpoint: .clusters)]?.state {
        case .failing(let reason)?: answer = "failed: \(reason)"
        case .ok?: answer = "answered, but not for this refresh yet"
        case .pending?, nil: answer = "has not answered yet"
        }
        return "no endpoints for \(proxy.proxyID) in \(sourceName(data)): its :\(port)\(path) \(answer), and its config dump has no EDS section"
    }

    /// Live `:edges` with no edge: which proxies' metrics were read, and that none of them
    /// reports Istio's traffic counters; or which failed, or that none has answered yet.
    static func edges(_ data: SourceData, _ live: MeshState) -> String {
        let source = sourceName(data)
        if let reason = discoveryFailure(live) { return "no traffic: \(source): the pods could not be listed: \(reason)" }
        let polled = live.proxies.compactMap { p -> (MeshState.Proxy, LiveSource.Endpoint)? in
            switch p.kind {
            case .sidecar, .gateway, .waypoint: (p, .stats)
            case .ztunnel: (p, .ztunnelMetrics)
            case .istiod: nil
            }
        }
        guard !polled.isEmpty else {
            if data.cluster == nil && live.generation == 0 { return "looking for Envoys and ztunnels in \(source)…" }
            // No pod could be read at all (`-A` as a namespace-scoped user): the refusal, as
            // every empty table of a refused kind says it, not "no proxy in the mesh".
            if data.cluster?.pods.isEmpty == true, let refused = Forbidden.emptyTable("pods", namespace: nil, data) { return refused }
            let read = data.cluster.map { " (\($0.pods.count) pods read)" } ?? ""
            return "no traffic: no Envoy (sidecar, gateway, waypoint) or ztunnel pod in \(source)\(read)"
        }
        var read = (envoys: 0, ztunnels: 0)
        var failing: [String] = []
        var pending = 0
        for (p, endpoint) in polled {
            switch (live.sources[LiveSource(proxy: p.key, endpoint: endpoint)] ?? SourceStatus()).state {
            case .ok: if p.kind == .ztunnel { read.ztunnels += 1 } else { read.envoys += 1 }
            case .failing(let reason):
                let (port, path) = endpoint.request
                failing.append("\(p.kind.rawValue) \(p.key) :\(port)\(path) failed: \(reason)")
            case .pending: pending += 1
            }
        }
        let failed = failing.isEmpty ? "" : "; \(failing.count) failed (\(failing[0]))"
        if read.envoys + read.ztunnels == 0 {
            if !failing.isEmpty {
                let more = failing.count > 3 ? "; and \(failing.count - 3) more" : ""
                return "no traffic metrics from \(source): \(failing.prefix(3).joined(separator: "; "))\(more)"
            }
            let envoys = polled.filter { $0.0.kind != .ztunnel }.count
            return "waiting for the first metrics from \(count(envoys, "Envoy")) and \(count(polled.count - envoys, "ztunnel")) in \(source)…"
        }
        let none = data.origin == .snapshot ? "no traffic in \(source)" : "no traffic yet in \(source)"
        let waiting = pending > 0 ? "; \(pending) not answered yet" : ""
        return "\(none): \(count(read.envoys, "Envoy")) and \(count(read.ztunnels, "ztunnel")) read, none reports istio_requests_total "
            + "or istio_tcp_connections_opened_total\(failed)\(waiting)"
    }

    /// `1 Envoy`, `3 Envoys`.
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// Views that only a live source has (`:xds`, live `:edges`), opened on a file.
    static func needsLive(_ what: String) -> String {
        "\(what) need a live source (a cluster, --demo or --snapshot FILE); a --file source has no mesh to poll"
    }

    // MARK: Live

    /// What was looked for (pods of `kind`, their `endpoint`) and what answered.
    static func polled(_ data: SourceData, _ live: MeshState, kind: MeshState.ProxyKind, selector: String,
                       endpoint: LiveSource.Endpoint, what: String) -> String {
        let source = sourceName(data)
        if let reason = discoveryFailure(live) { return "no \(what): \(source): the pods could not be listed: \(reason)" }
        let pods = live.proxies.filter { $0.kind == kind }
        guard !pods.isEmpty else {
            // istio-system's pods refused: that, not "no pod labelled …", is why none was found.
            if kind == .istiod || kind == .ztunnel, let refused = data.cluster?.controlPlaneRefusal(kind.rawValue) { return "no \(what): \(refused)" }
            let read = data.cluster.map { " (\($0.pods.count) pods read)" } ?? ""
            if data.cluster == nil && live.generation == 0 {
                return "looking for \(kind.rawValue) in \(source): pods labelled \(selector)…"
            }
            switch data.origin {
            case .snapshot: return "no \(kind.rawValue) in this snapshot: none of its pods is labelled \(selector)\(read)"
            case .demo: return "no \(kind.rawValue) in the demo mesh: no pod labelled \(selector)\(read)"
            default: return "no \(kind.rawValue) found: no running pod labelled \(selector) in any readable namespace\(read)"
            }
        }
        let (port, path) = endpoint.request
        var failing: [String] = []
        var pending: [String] = []
        for p in pods {
            let status = live.sources[LiveSource(proxy: p.key, endpoint: endpoint)] ?? SourceStatus()
            switch status.state {
            case .failing(let reason): failing.append("\(kind.rawValue) \(p.key) :\(port)\(path) failed: \(reason)")
            case .pending: pending.append(p.key)
            case .ok: break
            }
        }
        if !failing.isEmpty {
            let shown = failing.prefix(3).joined(separator: "; ")
            let more = failing.count > 3 ? "; and \(failing.count - 3) more" : ""
            return "no \(what) from \(source): \(shown)\(more)"
        }
        if !pending.isEmpty {
            let more = pending.count > 1 ? " and \(pending.count - 1) more" : ""
            return "asking \(kind.rawValue) \(pending[0])\(more) for :\(port)\(path)…"
        }
        return "\(kind.rawValue) \(pods[0].key) answered :\(port)\(path), but with nothing to show"
    }

    /// The store could not list pods (the API server refused, or the snapshot has none).
    static func discoveryFailure(_ live: MeshState) -> String? {
        guard case .failing(let reason)? = live.sources[LiveSource(proxy: "kubernetes", endpoint: .syncz)]?.state else { return nil }
        return reason
    }

    /// `the cluster ctx`, `the demo`, `the snapshot f.json`.
    static func sourceName(_ data: SourceData) -> String {
        switch data.origin {
        case .snapshot: return "the snapshot \(data.name)"
        case .demo: return "the demo"
        case .file: return "the file \(data.name)"
        case .cluster, nil: return data.name.isEmpty ? "the cluster" : "the cluster \(data.name)"
        }
    }
}
