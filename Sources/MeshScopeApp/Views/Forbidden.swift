import MeshClient
import MeshModel

/// What the user may not read, said where the data would have been.
///
/// The cluster's ``ClusterSnapshot/forbidden`` lists the reads the authorizer refused
/// (planned around, never retried); admin reads refused with 403 show up as failing sources
/// whose reason starts with `Forbidden`. Both are counted apart from ordinary failures in the
/// header, an empty table of a refused kind says which refusal emptied it, and `:proxies`
/// without istiod lists the proxies that can be reached, saying why their sync state is missing.
///
/// ```swift
/// Forbidden.emptyTable("pods", namespace: "istio-system", data)
/// // "forbidden: cannot list pods in istio-system (needs get/list on pods)"
/// ```
enum Forbidden {
    /// The refusals behind an empty table (`view`: the view's name; `namespace`: its `:ns`
    /// filter), or nil when nothing was refused for it.
    static func emptyTable(_ view: String, namespace: String?, _ data: SourceData) -> String? {
        guard let cluster = data.cluster, !cluster.forbidden.isEmpty else { return nil }
        var resource = view
        var ns = namespace
        if view.hasPrefix("pods-") {
            resource = "pods"
            ns = ns ?? String(view.dropFirst(5))
        }
        // The `:ns` picker lists the namespaces.
        if view == LiveViews.namespacePickerSpec.name { resource = "namespaces" }
        if view == LiveViews.istio.name {
            let refused = istioKindsRefused(cluster, in: ns)
            return refused.isEmpty ? nil : refused.said
        }
        let hiding = cluster.refusals(hiding: resource, in: ns)
        return hiding.isEmpty ? nil : hiding.said
    }

    /// The Istio and Gateway API kinds refused in `namespace` (nil: everywhere), one refusal
    /// per kind, the one for that namespace (`namespace`'s own, else the cluster-wide one;
    /// with nil, the cluster-wide one): `:istio` lists them beside the kinds read, and says
    /// them when it has none.
    static func istioKindsRefused(_ cluster: ClusterSnapshot, in namespace: String?) -> [ForbiddenAccess] {
        var kinds: [String] = []
        for f in cluster.forbidden where ClusterCache.meshGroups.contains(f.group) && !kinds.contains(f.qualifiedResource) {
            kinds.append(f.qualifiedResource)
        }
        return kinds.compactMap { kind in
            // Every namespace shown: the cluster-wide refusal says it (refusals(hiding:) puts a namespace's first).
            let hiding = namespace == nil ? cluster.forbidden.hiding(kind, in: nil) : cluster.refusals(hiding: kind, in: namespace)
            return hiding.first { $0.namespace == namespace } ?? hiding.first
        }
    }

    /// `:istio` in `namespace` (the `:ns` in effect; nil: all): each kind read, with its COUNT
    /// there (a cluster-scoped kind: all of its objects), or `forbidden` where listing it there
    /// was refused; the kinds read nowhere and refused are rows too (KIND as discovery named it,
    /// which the refusal carries). With
    /// a refusal, WHY says it (`forbidden: cannot list … in istio-system (needs …)`), which the
    /// bottom line shows whole for the selected row. With every namespace shown, a kind read
    /// in some namespaces counts what was read there (as `:pods` lists them).
    static func istioKinds(_ cluster: ClusterSnapshot, in namespace: String?) -> Table {
        var table = Table(columns: [
            Table.Column("RESOURCE"), Table.Column("KIND"), Table.Column("APIVERSION"), Table.Column("COUNT", numeric: true),
        ], layout: KubeTables.layout)
        var why: [String] = []
        for (name, list) in cluster.meshObjects.sorted(by: { $0.key < $1.key }) {
            let r = cluster.resources.first { $0.qualifiedName == name } ?? LiveTables.resource(qualifiedName: name, sample: list.first)
            let kind = list.first?.kind ?? r.kind
            if let namespace, let refused = cluster.refusals(hiding: name, in: namespace).first {
                table.rows.append([name, kind, r.apiVersion, "forbidden"])
                why.append(refused.message)
                continue
            }
            let count = namespace.map { ns in list.filter { $0.metadata.namespace == nil || $0.metadata.namespace == ns }.count } ?? list.count
            table.rows.append([name, kind, r.apiVersion, String(count)])
            why.append("")
        }
        for f in istioKindsRefused(cluster, in: namespace) where cluster.meshObjects[f.qualifiedResource] == nil {
            table.rows.append([f.qualifiedResource, f.kind ?? "", f.group, "forbidden"])
            why.append(f.message)
        }
        if why.contains(where: { !$0.isEmpty }) {
            table.columns.append(Table.Column("WHY"))
            for i in table.rows.indices { table.rows[i].append(why[i]) }
        }
        return table
    }

    /// Sources refused (cluster reads and admin reads answered 403) and sources failing otherwise.
    static func counts(_ data: SourceData) -> (failing: Int, forbidden: Int) {
        var forbidden = data.cluster?.forbidden.count ?? 0
        var failing = 0
        for (_, status) in data.live?.failing ?? [] {
            if case .failing(let reason) = status.state, isForbidden(reason) { forbidden += 1 } else { failing += 1 }
        }
        return (failing, forbidden)
    }

    /// A 403 as MeshClient words it (`Forbidden: user "dev" … may not get pods/proxy …`).
    static func isForbidden(_ reason: String) -> Bool {
        reason.hasPrefix("Forbidden:") || reason.hasPrefix("forbidden:")
    }

    /// Why istiod's sync state cannot be had, when the reason is a refusal: istiod's pods
    /// could not be listed (``ClusterSnapshot/controlPlaneRefusal(_:)``, which the CLI's
    /// `proxy-status` and `check` say too), or its admin port could not be reached. nil when it is something else (or nothing).
    static func istiodUnavailable(_ data: SourceData) -> String? {
        guard let live = data.live, let cluster = data.cluster else { return nil }
        let istiods = live.proxies.filter { $0.kind == .istiod }
        if istiods.isEmpty { return cluster.controlPlaneRefusal("istiod") }
        let reasons = istiods.compactMap { p -> String? in
            guard case .failing(let reason)? = live.sources[LiveSource(proxy: p.key, endpoint: .syncz)]?.state, isForbidden(reason) else { return nil }
            return reason
        }
        return reasons.first.map { "istiod \(istiods[0].key) refused: \($0)" }
    }

    /// `:pods` without istiod's answer because of a refusal: its proxies' SYNC says
    /// ``ProxySyncStatus/unavailable`` (as `:proxies` does) and the title says why; nil when
    /// istiod answered or is missing for another reason.
    static func podsSyncUnavailable(_ data: SourceData) -> String? {
        guard data.live?.syncz == nil, let why = istiodUnavailable(data) else { return nil }
        return "SYNC \(ProxySyncStatus.unavailable): \(why)"
    }

    /// `:proxies` without istiod's answer because of a refusal: the reachable proxies (from
    /// the pods that could be read), each saying its sync state is unavailable and why.
    static func reachableProxies(_ data: SourceData) -> ViewTable? {
        guard data.proxyStatus == nil, let why = istiodUnavailable(data), let live = data.live else { return nil }
        let proxies = live.proxies.filter { $0.kind != .istiod }
        var table = Table(columns: [.init("NAME"), .init("TYPE"), .init("SYNC"), .init("WHY")])
        for p in proxies {
            table.rows.append(["\(p.name).\(p.namespace)", p.kind.rawValue, ProxySyncStatus.unavailable, why])
        }
        if proxies.isEmpty { table.rows.append(["(no proxy in the namespaces read)", "", ProxySyncStatus.unavailable, why]) }
        return ViewTable(table)
    }
}
