import Foundation
import MeshClient
import MeshModel
import TerminalUI

/// The views of a live source (a cluster, the demo, a snapshot), bound to the same
/// MeshModel builders as `meshscope get`, `proxy-status` and `connections`. A proxy
/// opened from `:proxies` or `:pods` gets the `:proxy` tabs of a `--file` dump, fed by its
/// config dump (fetched when opened), its `/clusters` (the store's upstreams, with rates)
/// and its `/stats` (polled while open).
///
/// ```swift
/// let state = AppState(registry: LiveViews.registry(), data: data, source: info, home: LiveViews.home, size: size)
/// ```
public enum LiveViews {
    /// The view a live source opens on.
    public static let home = "pods"

    /// Built once: screens opened from a row (a proxy's tabs) name views of this registry.
    public static func registry() -> ViewRegistry { shared }

    static let shared = ViewRegistry([pods, namespaces, services, istio, proxies, edges, xds, FindingsView.spec] + FlowViews.all, groups: [ProxyViews.group, ztunnel])

    // MARK: Kubernetes

    public static let namespaces = TableViewSpec(
        name: "namespaces", aliases: ["nss"], title: "Namespaces", identityColumns: 1,
        drill: { data, row, _ in
            Screen.table(.pods(namespace: row[0]), data: data, crumb: row[0])
        },
        build: { data in
            let list = try requireCluster(data).namespaces.sorted { $0.metadata.name < $1.metadata.name }
            return ViewTable(KubeTables.namespaces(list, now: data.clock))
        })

    /// `:ns` with no name (k9s): the namespaces, and Enter on one sets `:ns` to it (where
    /// Enter in `:namespaces` drills into its pods).
    static let namespacePickerSpec: TableViewSpec = {
        var spec = namespaces
        spec.name = "ns"
        spec.aliases = []
        spec.drill = nil
        spec.enterCommand = { row in row.first.map { .namespace($0) } }
        return spec
    }()

    /// Pods with their mesh mode and istiod's sync state; Enter on a proxy opens it.
    public static let pods = pods(in: nil)

    /// `pods`, or (Enter on a namespace) the pods of one namespace.
    static func pods(in namespace: String?) -> TableViewSpec {
        TableViewSpec(
            name: namespace == nil ? "pods" : "pods-\(namespace!)", aliases: namespace == nil ? ["po", "pod"] : [],
            title: namespace.map { "Workloads(\($0))" } ?? "Workloads",
            keys: [LiveLayers.podKey, ViewKey(.diff, .char("x"), "diff") { data, row, _ in
                guard let pod = pod(data, namespace: row[0], name: row[1]) else { return nil }
                return diffPicker(data, MeshStore.proxies(from: [pod]).first, name: "\(row[1]).\(row[0])")
            }],
            identityColumns: 2, nameColumn: 1,
            describe: { data, row, _ in describePod(data, namespace: row[0], name: row[1]) },
            drill: { data, row, _ in
                guard let pod = pod(data, namespace: row[0], name: row[1]),
                      let proxy = MeshStore.proxies(from: [pod]).first else { return nil }
                return proxyScreen(data, proxy)
            },
            presentValue: kubeObject,
            // istiod refused: why SYNC says unavailable.
            note: { data in Forbidden.podsSyncUnavailable(data) },
            build: { data in
                let c = try requireCluster(data)
                var list = c.pods
                if let namespace { list = list.filter { $0.metadata.namespace == namespace } }
                list.sort { ($0.metadata.namespace ?? "", $0.metadata.name) < ($1.metadata.namespace ?? "", $1.metadata.name) }
                return ViewTable(LiveTables.pods(list, syncz: data.live?.syncz, now: data.clock, syncUnavailable: Forbidden.podsSyncUnavailable(data) != nil),
                                 rowValues: listed(c, "pods", list.map(\.metadata)))
            })
    }

    public static let services = TableViewSpec(
        name: "services", aliases: ["svc", "service"], title: "Services", identityColumns: 2, nameColumn: 1, presentValue: kubeObject,
        build: { data in
            let c = try requireCluster(data)
            let list = c.services.sorted { ($0.metadata.namespace ?? "", $0.metadata.name) < ($1.metadata.namespace ?? "", $1.metadata.name) }
            return ViewTable(LiveTables.services(list, endpointSlices: c.endpointSlices, namespaces: c.namespaces, now: data.clock),
                             rowValues: listed(c, "services", list.map(\.metadata)))
        })

    /// The listed objects behind typed rows (the cluster keeps pods and services typed), in
    /// the rows' order; `y` shows them through ``kubeObject``.
    static func listed(_ c: ClusterSnapshot, _ resource: String, _ rows: [ObjectMeta]) -> [JSONTree] {
        var byKey: [String: JSONValue] = [:]
        for o in c.rawObjects[resource] ?? [] { byKey[o.key] = o.raw }
        return rows.map { m in byKey[m.namespace.map { "\($0)/\(m.name)" } ?? m.name].map(JSONTree.json) ?? .null }
    }

    /// Kubernetes objects as `y`, `c` and Enter show them: no managedFields, no credentials.
    static let kubeObject: @Sendable (JSONTree) -> JSONTree = { node in
        if case .json(let v) = node { return .json(KubeObject.displayed(v)) }
        return node
    }

    /// The Istio and Gateway API kinds the cluster serves, counted in the `:ns` in effect;
    /// Enter lists one kind's objects with the columns `kubectl get` prints for it. A kind
    /// the user may not list there is a row whose COUNT says `forbidden` and whose WHY says
    /// which refusal (``Forbidden/istioKinds(_:in:)``).
    public static let istio: TableViewSpec = {
        var spec = TableViewSpec(
            name: "istio", aliases: ["crds", "mesh", "gateway-api"], title: "Istio & Gateway API", identityColumns: 1,
            drill: { data, row, _ in Screen.table(.objects(qualifiedName: row[0]), data: data, crumb: row[1]) },
            build: { data in ViewTable(Forbidden.istioKinds(try requireCluster(data), in: nil)) })
        spec.buildInNamespace = { data, namespace in ViewTable(Forbidden.istioKinds(try requireCluster(data), in: namespace)) }
        // A narrow screen drops KIND and APIVERSION before the refusal.
        return spec.keeping(["RESOURCE", "COUNT", "WHY"])
    }()

    static func objects(_ qualifiedName: String) -> TableViewSpec {
        TableViewSpec(name: qualifiedName, title: qualifiedName, identityColumns: 2, nameColumn: 1, presentValue: kubeObject) { data in
            let list = (try requireCluster(data).meshObjects[qualifiedName] ?? [])
                .sorted { ($0.metadata.namespace ?? "", $0.metadata.name) < ($1.metadata.namespace ?? "", $1.metadata.name) }
            let resource = LiveTables.resource(qualifiedName: qualifiedName, sample: list.first)
            return ViewTable(KubeTables.objects(list, resource: resource, now: data.clock, allNamespaces: true),
                             rowValues: list.map { .json($0.raw) })
        }
    }

    // MARK: Mesh

    /// istiod's sync state per proxy and xDS type (`proxy-status -v 1`); STALE stands out.
    public static let proxies: TableViewSpec = {
        var spec = MeshViews.proxies
        spec.keys.append(LiveLayers.proxyKey)
        spec.drill = { data, row, index in
            if let proxy = data.live?.proxies.first(where: { $0.proxyID == row[0] }) { return proxyScreen(data, proxy) }
            guard let raw = data.proxyStatus?.first(where: { $0.proxyID == row[0] })?.raw else { return nil }
            return Screen.detail(row[0], node: .json(raw))
        }
        spec.keys.append(ViewKey(.diff, .char("x"), "diff") { data, row, _ in
            diffPicker(data, data.live?.proxies.first { $0.proxyID == row[0] }, name: row[0])
        })
        return spec
    }()

    /// `x` on a row: what to compare the proxy with, or why it has nothing to compare.
    static func diffPicker(_ data: SourceData, _ proxy: MeshState.Proxy?, name: String) -> Screen {
        guard let proxy else {
            return Screen.text("diff", "\(name) runs no proxy: there is no xDS config to compare.\n")
        }
        guard proxy.kind == .sidecar || proxy.kind == .gateway || proxy.kind == .waypoint else {
            return Screen.text("diff", "\(name) is a \(proxy.kind.rawValue): only Envoys (sidecars, gateways, waypoints) have xDS config to compare.\n")
        }
        return DiffScreen.picker(data, proxy: proxy)
    }

    /// istiod's xDS clients (`/debug/connections`) with their sync state.
    public static let xds = TableViewSpec(
        name: "xds", aliases: ["clients"], title: "xDS clients", cellRole: MeshViews.syncRole, identityColumns: 1,
        build: { data in
            guard let state = data.live else { throw SourceData.Unavailable(description: EmptyStates.needsLive("xDS clients")) }
            guard state.connections != nil else { throw SourceData.Unavailable(description: EmptyStates.istiodSync(data, endpoint: .connections)) }
            return ViewTable(LiveTables.xds(state, now: data.clock))
        })

    /// Traffic edges with per-second rates that update in place, and a TREND sparkline.
    public static let edges = TableViewSpec(
        name: "edges", aliases: ["edge", "traffic", "connections", "conn"], title: "Connections", keys: [LiveLayers.edgeKey], identityColumns: 3,
        build: { data in
            guard let state = data.live else { throw SourceData.Unavailable(description: EmptyStates.needsLive("connections")) }
            guard !state.edges.isEmpty else { throw SourceData.Unavailable(description: EmptyStates.edges(data, state)) }
            var table = LiveTables.edges(state)
            if !data.edgeHistory.isEmpty {
                // Presentation only: the sparkline is the TUI's picture of the rate columns. It
                // is the last of the columns shown without wide mode: drawn whenever they fit at
                // their width beside it (the TableWidget drops columns from the right first),
                // and next to the rates in wide mode.
                table.insertBeforeWideOnly(Table.Column("TREND"), cells: state.edges.map { Sparkline.text(data.edgeHistory[SourceData.edgeKey($0)] ?? [], width: 16) })
            }
            return ViewTable(table)
        }).keeping(["SOURCE", "DESTINATION", "SECURITY", "ERR%", "SERVICE"])

    /// ztunnel's tabs for one node (the one drilled into, else the first that answered).
    /// The tab commands are prefixed (`:zt-services`) so `:services` stays Kubernetes'.
    public static let ztunnel = ViewGroup(name: "ztunnel", aliases: ["zt", "zc"], title: "ztunnel", tabs: MeshViews.ztunnel.tabs.map { tab in
        guard case .table(var spec) = tab else { return tab }
        spec.name = "zt-" + spec.name
        spec.aliases = []
        return .table(spec)
    })

    // MARK: Drill-down

    /// A proxy's screen: Envoy tabs for sidecars, gateways and waypoints, ztunnel tabs for a
    /// ztunnel, the proxy list for istiod.
    public static func proxyScreen(_ data: SourceData, _ proxy: MeshState.Proxy) -> Screen {
        let focused = data.focusing(proxy)
        var screen: Screen
        switch proxy.kind {
        case .sidecar, .gateway, .waypoint: screen = Screen.group(ProxyViews.group, in: shared, data: focused)
        case .ztunnel: screen = Screen.group(ztunnel, in: shared, data: focused)
        case .istiod: screen = Screen.table(.named(proxies.name), in: shared, data: focused)
        }
        screen.crumb = proxy.name
        screen.proxyKey = proxy.key
        return screen
    }

    /// `:ctx`: the kubeconfig's contexts; Enter switches.
    public static func contextsScreen(_ contexts: [Kubeconfig.Context], current: String) -> Screen {
        Screen.table(.contexts(contexts, current: current), data: .empty, crumb: "contexts")
    }

    static func contextsSpec(_ contexts: [Kubeconfig.Context], current: String) -> TableViewSpec {
        var spec = TableViewSpec(name: "contexts", title: "Contexts", identityColumns: 2, nameColumn: 1) { _ in
            ViewTable(LiveTables.contexts(contexts, current: current))
        }
        spec.enterCommand = { row in .context(row[1]) }
        return spec
    }

    static func requireCluster(_ data: SourceData) throws(SourceData.Unavailable) -> ClusterSnapshot {
        guard let c = data.cluster else {
            throw SourceData.Unavailable(description: EmptyStates.clusterObjects(data))
        }
        return c
    }

    static func pod(_ data: SourceData, namespace: String, name: String) -> KubePod? {
        data.cluster?.pods.first { $0.metadata.name == name && ($0.metadata.namespace ?? "") == namespace }
    }

    /// `d` on a pod: the facts that decide how it takes part in the mesh.
    static func describePod(_ data: SourceData, namespace: String, name: String) -> String? {
        guard let pod = pod(data, namespace: namespace, name: name) else { return nil }
        let (mode, evidence) = MeshMode.explain(pod)
        let status = PodStatusSummary(pod, now: data.clock)
        var lines = [
            "Pod:        \(namespace)/\(name)",
            "Mode:       \(mode.rawValue) (\(evidence))",
            "Status:     \(status.status), ready \(status.ready), restarts \(status.restarts)",
            "Node:       \(pod.nodeName ?? "<none>")",
            "IP:         \(pod.podIP ?? "<none>")",
            "Account:    \(pod.serviceAccount ?? "<none>")",
            "Containers: \(pod.containers.map(\.name).joined(separator: ", "))",
        ]
        if let s = data.live?.syncz?.proxies.first(where: { $0.proxyID == "\(name).\(namespace)" }) {
            lines.append("istiod:     \(s.istiod) (\(s.version))")
            for t in s.types { lines.append("  \(t.shortType.padding(toLength: 6, withPad: " ", startingAt: 0)) \(t.state)") }
        } else if MeshStore.proxies(from: [pod]).first.map({ $0.kind != .istiod && $0.kind != .ztunnel }) == true,
                  let why = Forbidden.podsSyncUnavailable(data) {
            lines.append("istiod:     \(why)")
        }
        if let labels = Optional(pod.metadata.labels), !labels.isEmpty {
            lines.append("Labels:")
            for (k, v) in labels.sorted(by: { $0.key < $1.key }) { lines.append("  \(k)=\(v)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension SourceData {
    /// This data as seen from `proxy`: its `/clusters` from the store (with rates), its
    /// node's ztunnel; the dump and stats stay only if they are this proxy's.
    public func focusing(_ proxy: MeshState.Proxy) -> SourceData {
        var d = self
        if focus?.proxy.key != proxy.key {
            d.envoy = nil
            d.document = nil
            d.stats = nil
            d.previousStats = nil
            d.statsInterval = nil
            d.focus = ProxyFocus(proxy: proxy)
        }
        if let live {
            d.hosts = live.upstreams[proxy.key]?.current
            d.hostRates = live.upstreams[proxy.key]?.rates
            if proxy.kind == .ztunnel, let index = live.ztunnels[proxy.node] { d.ztunnel = index }
        }
        return d
    }
}
