/// The resources of a decoded Envoy config dump, keyed for ``ConfigDiff``.
///
/// Static and dynamic resources of the same name are one resource (istiod never sends the
/// static ones, so "static vs dynamic" is not a difference). A listener, cluster or secret
/// that is warming or draining while another of its name is active is its own resource,
/// named `NAME (warming)`; one that was rejected is `NAME (error)`.
///
/// ```swift
/// EnvoyDiffSource.resources(dump).map(\.key)
/// // ["bootstrap/bootstrap", "cluster/BlackHoleCluster", …, "route/80", "endpoint/outbound|80||a.b.svc.cluster.local"]
/// ```
public enum EnvoyDiffSource {
    /// - Parameter dynamicOnly: leave out the bootstrap and static resources (what istiod
    ///   knows about, for ``IstiodEnvoyComparison``).
    public static func resources(_ dump: EnvoyConfigDump, dynamicOnly: Bool = false) -> [DiffResource] {
        var out: [DiffResource] = []
        if !dynamicOnly, let b = dump.bootstrap, let json = b.json {
            out.append(DiffResource(type: "bootstrap", name: "bootstrap", value: json, entry: b.entry, rules: .envoy))
        }
        func keep(_ s: EnvoyResourceState) -> Bool { !dynamicOnly || s != .static }
        for c in dump.clusters where keep(c.state) {
            out.append(DiffResource(type: "cluster", name: c.name, value: c.json, entry: c.entry, rules: .envoy).inState(c.state))
        }
        for l in dump.listeners where keep(l.state) {
            out.append(DiffResource(type: "listener", name: l.name, value: l.json, entry: l.entry, rules: .envoy).inState(l.state))
        }
        for r in dump.routeConfigs where keep(r.state) {
            out.append(DiffResource(type: "route", name: r.name, value: r.json, entry: r.entry, rules: .envoy))
        }
        for s in dump.scopedRouteConfigs where keep(s.state) {
            out.append(DiffResource(type: "scopedroute", name: s.name, value: s.entry, entry: s.entry, rules: .envoy))
        }
        for e in dump.endpointConfigs where keep(e.state) {
            out.append(DiffResource(type: "endpoint", name: e.clusterName, value: e.json, entry: e.entry, rules: .envoy))
        }
        for s in dump.secrets where keep(s.state) {
            // A warming secret has no `secret` yet: compare its entry (name and state) instead.
            out.append(DiffResource(type: "secret", name: s.name, value: s.json ?? s.entry, entry: s.entry, rules: .envoy).inState(s.state))
        }
        for x in dump.extensionConfigs {
            out.append(DiffResource(type: "ecds", name: x.name, value: x.json, entry: x.entry, rules: .envoy))
        }
        return out
    }

    /// Resource types this source produces, for `--type`.
    public static let types = ["bootstrap", "cluster", "listener", "route", "scopedroute", "endpoint", "secret", "ecds"]
}

extension DiffResource {
    /// Non-active states get their own key, so a warming copy does not hide the active one.
    func inState(_ state: EnvoyResourceState) -> DiffResource {
        var r = self
        switch state {
        case .warming: r.name += " (warming)"
        case .draining: r.name += " (draining)"
        case .error: r.name += " (error)"
        case .static, .active: break
        }
        return r
    }
}

/// The resources of a decoded ztunnel config dump: workloads by UID (namespace/name when
/// there is none), services by namespace/hostname, policies by namespace/name.
/// Certificates and connection state change on their own (rotation, traffic) and are left out.
public enum ZtunnelDiffSource {
    public static func resources(_ dump: ZtunnelDump) -> [DiffResource] {
        var out: [DiffResource] = []
        for w in dump.workloads {
            let name = w.uid.isEmpty ? "\(w.namespace)/\(w.name)" : w.uid
            out.append(DiffResource(type: "workload", name: name, value: w.raw, rules: .ztunnel))
        }
        for s in dump.services {
            out.append(DiffResource(type: "service", name: "\(s.namespace)/\(s.hostname)", value: s.raw, rules: .ztunnel))
        }
        for p in dump.policies {
            out.append(DiffResource(type: "policy", name: "\(p.namespace)/\(p.name)", value: p.raw, rules: .ztunnel))
        }
        return out
    }

    public static let types = ["workload", "service", "policy"]
}

/// Kubernetes objects (or any keyed JSON): typed `group/version/Kind`, named
/// `namespace/name` (`name` for cluster-scoped objects). A Secret's `data` and
/// `stringData` are compared by digest and never printed.
public enum KubernetesDiffSource {
    public static func resources(_ objects: [JSONValue], ignoreStatus: Bool = true) -> [DiffResource] {
        objects.compactMap { o in
            guard o.isObject else { return nil }
            let apiVersion = o.member(exactly: "apiVersion")?.string ?? "v1"
            let kind = o.member(exactly: "kind")?.string ?? "Object"
            let meta = o.member(exactly: "metadata")
            let name = meta?.member(exactly: "name")?.string ?? ""
            let ns = meta?.member(exactly: "namespace")?.string
            var r = DiffResource(type: "\(apiVersion)/\(kind)", name: ns.map { "\($0)/\(name)" } ?? name, value: o,
                                 rules: .kubernetes(ignoreStatus: ignoreStatus))
            if kind == "Secret" { r.sensitiveTopLevel = SensitiveFields.secretDataMembers }
            return r
        }
    }

    /// The `items` of a `List`, or the object itself.
    public static func objects(_ root: JSONValue) -> [JSONValue] {
        if let items = root.member(exactly: "items"), items.isArray { return Array(items.elements) }
        if root.isArray { return Array(root.elements) }
        return [root]
    }
}
