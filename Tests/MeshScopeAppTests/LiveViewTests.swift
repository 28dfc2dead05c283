import Foundation
import MeshClient
import MeshGen
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The live views on the demo mesh's own data, without a terminal or a server: the demo's
/// Kubernetes objects as a `ClusterSnapshot`, its admin answers at two ticks fed through
/// the store's `LiveAccumulator` into a `MeshState`, and `LiveFeed` composing the views' data.
enum LiveDemoData {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let mesh = DemoMesh()

    static func cluster() throws -> ClusterSnapshot {
        var snap = ClusterSnapshot()
        for bytes in mesh.kubernetesObjects() {
            let root = try JSONDocument(bytes: bytes).root
            // As the informers list them (what `y` shows for typed pods and services).
            let resource = ["Pod": "pods", "Service": "services", "Namespace": "namespaces", "EndpointSlice": "endpointslices.discovery.k8s.io"]
            snap.rawObjects[resource[root["kind"]?.string ?? ""] ?? "other", default: []].append(KubeObject(root))
            switch root["kind"]?.string {
            case "Pod": snap.pods.append(KubePod(root))
            case "Service": snap.services.append(KubeService(root))
            case "Namespace": snap.namespaces.append(KubeNamespace(root))
            case "EndpointSlice": snap.endpointSlices.append(KubeEndpointSlice(root))
            default: snap.meshObjects["other", default: []].append(KubeObject(root))
            }
        }
        return snap
    }

    /// What one proxy's admin endpoint answers at `tick` (the demo server's own mapping).
    static func body(_ proxy: MeshState.Proxy, _ endpoint: LiveSource.Endpoint, tick: Int) -> [UInt8]? {
        guard let p = mesh.pod(named: proxy.name, namespace: proxy.namespace) else { return nil }
        switch endpoint {
        case .stats: return mesh.envoyPrometheus(pod: p, tick: tick)
        case .clusters: return mesh.envoyClustersJSON(pod: p, tick: tick)
        case .configDump: return mesh.envoyConfigDump(pod: p, certificates: nil)
        case .ztunnelDump: return mesh.ztunnelConfigDump(node: proxy.node, tick: tick)
        case .ztunnelMetrics: return mesh.ztunnelMetrics(node: proxy.node, tick: tick)
        case .syncz: return mesh.istiodSyncz(tick: tick)
        case .connections: return mesh.istiodConnections(tick: tick)
        case .statsJSON: return mesh.envoyStatsJSON(pod: p, tick: tick)
        }
    }

    /// Two polling rounds two seconds apart (rates need two samples).
    static func feed() throws -> LiveFeed {
        let snap = try cluster()
        let proxies = MeshStore.proxies(from: snap.pods)
        var acc = LiveAccumulator()
        acc.setProxies(proxies)
        var feed = LiveFeed(label: "demo")
        feed.cluster = snap
        for round in 0..<2 {
            let at = t0.addingTimeInterval(Double(round * 2))
            for proxy in proxies {
                for endpoint in proxy.kind.endpoints {
                    guard let body = body(proxy, endpoint, tick: 3_600 + round * 2) else { continue }
                    acc.apply(LiveSource(proxy: proxy.key, endpoint: endpoint), try LiveDecoded.decode(endpoint, body), at: at)
                }
            }
            feed.record(acc.snapshot(statuses: [:], complete: true, at: at))
        }
        return feed
    }

    static func driver(width: Int = 160, height: Int = 40, home: String = LiveViews.home) throws -> LiveDriverHarness {
        try LiveDriverHarness(feed: feed(), width: width, height: height, home: home)
    }
}

/// The state machine on live data, standing in for the runtime: effects that touch the
/// source are answered the way ``LiveDriver`` answers them, from the feed.
struct LiveDriverHarness {
    var d: Driver
    var feed: LiveFeed

    init(feed: LiveFeed, width: Int, height: Int, home: String) throws {
        self.feed = feed
        d = try Driver("envoy/waypoint/config_dump.json", width: width, height: height)
        let info = SourceInfo(kind: .demo, label: "demo mesh", context: "meshscope-demo", cluster: "meshscope-demo")
        d.state = AppState(registry: LiveViews.registry(), data: feed.data(), source: info, home: home,
                           size: Size(width: width, height: height), theme: .defaultDark, now: LiveDemoData.t0)
        d.state.loadedAt = LiveDemoData.t0
    }

    /// Performs the effects the way the live runtime does (focus: fetch the dump now).
    mutating func settle() throws {
        let fx = d.effects
        d.effects = []
        for e in fx {
            guard case .focusProxy(let key) = e else { continue }
            feed.setFocus(key.flatMap { feed.proxy($0) })
            if let p = feed.focus, let pod = LiveDemoData.mesh.pod(named: p.name, namespace: p.namespace), p.kind != .ztunnel, p.kind != .istiod {
                feed.dump = try EnvoyConfigDump(document: JSONDocument(bytes: LiveDemoData.mesh.envoyConfigDump(pod: pod, certificates: nil)))
                feed.dumpFetchedFor = LiveDemoData.t0
                feed.recordStats(try StatsSnapshot.decode(LiveDemoData.mesh.envoyPrometheus(pod: pod, tick: 3_600)), at: LiveDemoData.t0)
                feed.recordStats(try StatsSnapshot.decode(LiveDemoData.mesh.envoyPrometheus(pod: pod, tick: 3_602)), at: LiveDemoData.t0.addingTimeInterval(2))
            }
            d.send(.loaded(feed.data(), at: LiveDemoData.t0))
        }
    }

    mutating func command(_ text: String) throws {
        d.press(.char(":"))
        d.type(text)
        d.press(.enter)
        try settle()
    }

    mutating func select(_ text: String) throws {
        d.press(.char("/"))
        d.type(text)
        d.press(.enter)
        #expect(d.table?.order.isEmpty == false, "no row matches \(text)")
    }

    var text: String { d.screen.lines.joined(separator: "\n") }
}

@Suite struct LiveViewTests {
    static var stalePod: String { LiveDemoData.mesh.pods[LiveDemoData.mesh.stalePod].name }
    static var unhealthyIP: String { LiveDemoData.mesh.pods[LiveDemoData.mesh.unhealthyPod].ip }

    @Test func headerNamesContextClusterSourceAndFreshness() throws {
        let h = try LiveDemoData.driver()
        let header = h.d.screen.lines.prefix(3).joined(separator: "\n")
        #expect(header.contains("meshscope-demo @ meshscope-demo  ns: all"))
        #expect(header.contains("Source:   demo mesh"))
        #expect(header.contains("Updated:"))
        #expect(header.contains("\(h.feed.state!.proxyCount) proxies"))
        // Every pod with a proxy: istiod's xDS clients and the planted one istiod does not list.
        #expect(h.feed.state!.proxyCount == LiveDemoData.mesh.xdsClients.count + 1)
        #expect(header.contains("Refresh:  2s"))
        #expect(h.d.frameTitle.contains(" Workloads[\(LiveDemoData.mesh.pods.count)] "))
    }

    @Test func workloadsShowMeshModeReadyNodeIPAndSync() throws {
        var h = try LiveDemoData.driver(width: 220)
        let header = h.d.body[0]
        for column in ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "MODE", "IP", "NODE", "SYNC"] { #expect(header.contains(column)) }
        let modes = Set(h.d.table!.table.rows.map { $0[6] })
        #expect(modes.isSuperset(of: ["sidecar", "ambient", "waypoint", "gateway", "none"]))
        try h.select(Self.stalePod)
        let row = h.d.table!.selectedRow!
        let stale = LiveDemoData.mesh.pods[LiveDemoData.mesh.stalePod]
        #expect(row[1] == stale.name && row[6] == "sidecar" && row[7] == stale.ip && row[8] == stale.node)
        #expect(row.last == "EDS STALE")
        // `d`: why it is a sidecar.
        h.d.press(.char("d"))
        #expect(h.text.contains("Mode:       sidecar (container istio-proxy)"))
    }

    @Test func servicesShowPortsWaypointAndEndpoints() throws {
        var h = try LiveDemoData.driver(width: 220)
        try h.command("svc")
        let t = h.d.table!
        #expect(t.spec.title == "Services")
        let cols = t.table.columns.map(\.name)
        #expect(cols.suffix(2) == ["WAYPOINT", "ENDPOINTS"])
        let ratings = try #require(t.table.rows.first { $0[0] == "bookinfo" && $0[1] == "ratings" })
        #expect(ratings[5].hasPrefix("9080/TCP"))
        // The unhealthy ratings pod is not ready in its EndpointSlice.
        let replicas = LiveDemoData.mesh.options.replicas
        #expect(ratings.last == "\(replicas - 1)/\(replicas)")
        let ambient = t.table.rows.filter { $0[0] == DemoMesh.ambientNamespace }
        #expect(!ambient.isEmpty && ambient.contains { $0[cols.firstIndex(of: "WAYPOINT")!] != "<none>" })
    }

    @Test func proxiesShowStaleAndDrillIntoTheProxyTabs() throws {
        var h = try LiveDemoData.driver()
        try h.command("proxies")
        #expect(h.d.frameTitle.contains(" Proxies["))
        // STALE is painted in the error colour, apart from NOT SENT (on a row that is not selected).
        let lines = h.d.screen.lines
        let y = try #require(lines.firstIndex { $0.hasPrefix("│") && $0.contains(Self.stalePod) })
        let stale = try #require(lines[y].range(of: "STALE"))
        let col = lines[y].distance(from: lines[y].startIndex, to: stale.lowerBound)
        #expect(h.d.screen[col, y].style == h.d.state.theme[.statusError])
        try h.select(Self.stalePod)
        let row = h.d.table!.selectedRow!
        #expect(row.contains { $0.hasPrefix("STALE") })

        h.d.press(.enter)
        #expect(h.d.effects.contains { if case .focusProxy(let k) = $0 { k?.hasSuffix("/" + Self.stalePod) == true } else { false } })
        // Before the dump arrives the tabs say what they wait for.
        #expect(h.text.contains("fetching the config dump of \(Self.stalePod).bookinfo"))
        try h.settle()
        #expect(h.d.crumbs.contains(Self.stalePod))
        #expect(h.d.frameTitle.contains(" Listeners["))
        h.d.press(.char("2"))
        #expect(h.d.frameTitle.contains(" Clusters["))
        #expect(h.text.contains("ratings.bookinfo.svc.cluster.local"))
        // Esc leaves the proxy: the runtime stops feeding it.
        h.d.press(.escape)
        #expect(h.d.effects.contains { if case .focusProxy(nil) = $0 { true } else { false } })
    }

    @Test func endpointsTabShowsTheUnhealthyHostWithRates() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("proxies")
        // reviews-v2 calls ratings.
        try h.select(Self.stalePod)
        h.d.press(.escape) // clear the filter, keep the selection
        h.d.press(.enter)
        try h.settle()
        h.d.press(.char("4"))
        #expect(h.d.frameTitle.contains(" Endpoints["))
        try h.select(Self.unhealthyIP)
        let t = h.d.table!
        let row = t.selectedRow!
        let status = t.table.columns.firstIndex { $0.name == "STATUS" }!
        #expect(row[status] == "UNHEALTHY")
        // Two samples: per-host request rates (computed, not `-` or `new`; the demo's hosts can
        // be idle between these two ticks, so a rate may be `0`).
        let rq = try #require(t.table.columns.firstIndex { $0.name == "RQ/S" })
        #expect(t.table.rows.contains { $0[rq] != "-" && $0[rq] != "new" && TableScreen.numericKey($0[rq]) >= 0 })
    }

    @Test func statsTabHasRatesFromTwoReads() throws {
        var h = try LiveDemoData.driver(width: 160)
        try h.command("proxies")
        try h.select("productpage")
        h.d.press(.escape)
        h.d.press(.enter)
        try h.settle()
        h.d.press(.char("6"))
        let t = h.d.table!
        #expect(t.spec.title == "Stats")
        let rate = try #require(t.table.columns.firstIndex { $0.name.hasPrefix("RATE") })
        #expect(t.table.rows.contains { $0[rate] != "-" && $0[rate] != "" && $0[rate] != "0" })
    }

    /// The TREND sparkline is on screen without wide mode wherever the other columns fit at
    /// their width beside it, and it is the first to go when they do not: it never cuts a name.
    @Test func trendIsDrawnWhereTheOtherColumnsFitBesideIt() throws {
        for (width, drawn) in [(260, true), (230, true), (200, false), (120, false)] {
            var h = try LiveDemoData.driver(width: width)
            try h.command("edges")
            let header = try #require(h.d.body.first)
            #expect(header.contains("TREND") == drawn, "\(width) columns: \(header)")
            let row = try #require(h.d.body.dropFirst().first { $0.contains("curl-legacy") })
            if drawn { #expect(row.contains("█"), "\(row)") }
            if width >= 200 { #expect(row.contains("curl-legacy.legacy ") && row.contains(" details.bookinfo.svc.cluster.local "), "\(row)") }
        }
    }

    @Test func connectionsUpdateInPlaceAndSort() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("edges")
        #expect(h.d.frameTitle.contains(" Connections["))
        let t = h.d.table!
        #expect(t.table.columns.map(\.name).prefix(4) == ["SOURCE", "DESTINATION", "SERVICE", "SECURITY"])
        // The sparkline ends the columns shown without wide mode, before the wide-only ones.
        let names = t.table.columns.map(\.name)
        let trend = try #require(names.firstIndex(of: "TREND"))
        #expect(!t.table.columns[trend].wideOnly)
        #expect(t.table.columns[..<trend].allSatisfy { !$0.wideOnly } && t.table.columns[(trend + 1)...].allSatisfy(\.wideOnly))
        h.d.press(.char("j"), .char("j"))
        let selected = t.identity(of: h.d.table!.selectedRow!)
        // A new state: same rows, new rates; the selection stays on the same edge.
        var feed = h.feed
        var s = feed.state!
        s.generation += 1
        feed.record(s)
        h.d.send(.loaded(feed.data(), at: LiveDemoData.t0.addingTimeInterval(4)))
        #expect(h.d.table!.identity(of: h.d.table!.selectedRow!) == selected)
        // Shift-R sorts by RQ/S.
        h.d.press(.char("R"))
        #expect(h.d.table!.table.columns[h.d.table!.sortColumn!].name == "RQ/S")
    }

    /// At 120 columns the sidecar and ambient edges (same workload names, namespaces
    /// `bookinfo` and `bookinfo-ambient`) stay different rows on screen: a cut name keeps the
    /// workload and shows both ends of the namespace.
    @Test func edgesAt120ColumnsTellNamespacesApart() throws {
        var h = try LiveDemoData.driver(width: 120)
        try h.command("edges")
        let lines = h.d.screen.lines
        let rows = lines.filter { $0.hasPrefix("│ productpage-v1.") }
        let destinations = rows.compactMap { $0.dropFirst(2).split(separator: " ").dropFirst().first.map(String.init) }
        #expect(destinations.contains("reviews-v1.bo…nfo") && destinations.contains("reviews-v1.bo…ent"), "\(rows.joined(separator: "\n"))")
        // Every edge is its own row: no two rows read the same up to the protocol.
        let identities = rows.map { $0.prefix(80) }
        #expect(Set(identities).count == identities.count, "\(rows.joined(separator: "\n"))")
    }

    /// A mesh larger than the store's request budget: the header says how often every
    /// Envoy's stats are read, beside the refresh.
    @Test func headerShowsTheMeshSweep() throws {
        var h = try LiveDemoData.driver(width: 160)
        #expect(!h.text.contains("· mesh"))
        var feed = h.feed
        var s = feed.state!
        s.generation += 1
        s.statsEvery = 19
        feed.record(s)
        h.d.send(.loaded(feed.data(), at: LiveDemoData.t0.addingTimeInterval(2)))
        let header = try #require(h.d.screen.lines.first { $0.contains("Refresh:") })
        #expect(header.contains("Refresh:  2s · mesh 38s"), "\(header)")
    }

    @Test func namespacesDrillIntoTheirWorkloadsAndNsFilters() throws {
        var h = try LiveDemoData.driver()
        try h.command("namespaces")
        try h.select("bookinfo")
        h.d.press(.escape)
        h.d.press(.enter)
        #expect(h.d.frameTitle.contains("Workloads(bookinfo)"))
        #expect(h.d.table!.table.rows.allSatisfy { $0[0] == "bookinfo" })
        try h.command("pods")
        try h.command("ns \(DemoMesh.ambientNamespace)")
        let t = h.d.table!
        #expect(t.order.allSatisfy { t.table.rows[$0][0] == DemoMesh.ambientNamespace })
        #expect(h.d.screen.lines[0].contains("ns: \(DemoMesh.ambientNamespace)"))
    }

    @Test func ztunnelDrillShowsItsNodeWorkloads() throws {
        var h = try LiveDemoData.driver()
        try h.select("ztunnel")
        h.d.press(.escape)
        h.d.press(.enter)
        try h.settle()
        #expect(h.d.frameTitle.contains(" Workloads["))
        #expect(h.text.contains("bookinfo-ambient"))
        // The ztunnel tabs do not take over :services.
        try h.command("services")
        #expect(h.d.table!.spec.title == "Services")
    }

    @Test func applyIsRefusedWithAReasonOnReadOnlySources() throws {
        var h = try LiveDemoData.driver()
        h.d.state.source.applyRefusal = "this snapshot is read-only: apply needs a live cluster"
        h.d.press(.char("a"))
        #expect(h.d.effects.isEmpty)
        #expect(h.d.hints.contains("read-only"))
        h.d.state.source.applyRefusal = nil
        h.d.state.readonly = true
        try h.command("apply")
        #expect(h.d.hints.contains("--readonly: apply is disabled"))
    }

    @Test func applyPreviewConfirmAndResult() throws {
        var h = try LiveDemoData.driver()
        h.d.press(.char("a"))
        #expect(h.d.effects.contains(.applyFromClipboard))
        h.d.effects = []
        let yaml = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ratings\nspec:\n  host: ratings\n"
        let doc = try ManifestParser.parse(Array(yaml.utf8), source: "clipboard")[0]
        var entry = ApplyEntry(document: doc, ref: ObjectRef(apiVersion: "networking.istio.io/v1", kind: "DestinationRule", name: "ratings", namespace: "bookinfo"),
                               defaultedNamespace: "bookinfo")
        entry.preview = .create
        var changed = entry
        changed.ref.name = "reviews"
        changed.preview = .change(diff: "--- a\n+++ b\n@@ -1 +1 @@\n-x: 1\n+x: 2\n")
        h.d.send(.applyPreviewed([entry, changed], source: "tmux save-buffer -"))
        // The preview is a Diff view: the summary first, then one row per object.
        #expect(h.text.contains("Dry run of 2 objects against context \"meshscope-demo\""))
        #expect(h.text.contains("(clipboard: tmux save-buffer -)"))
        #expect(h.text.contains("DestinationRule   bookinfo    ratings   create"))
        #expect(h.text.contains("+ create DestinationRule bookinfo/ratings"))
        #expect(h.text.contains("~ change DestinationRule bookinfo/reviews"))
        #expect(h.text.contains("Apply 2 changes (1 create, 1 change)"))
        // Still under the question: j moves to the created object (its manifest as + lines), j again to the change.
        h.d.press(.char("j"))
        #expect(h.text.contains("+  host: ratings"))
        h.d.press(.char("j"))
        #expect(h.text.contains("+x: 2"))
        h.d.press(.char("y"))
        #expect(h.d.effects.contains(.applyConfirmed))
        var done = entry
        done.outcome = .created
        var conflict = changed
        conflict.outcome = .failed(ApplyFailure("conflict: 1 field managed by another manager", details: ["kubectl-edit: .spec.host"]))
        h.d.send(.applyFinished([done, conflict]))
        #expect(h.d.crumbs.contains("apply result") && !h.d.crumbs.contains("apply preview"))
        #expect(h.text.contains("created"))
        #expect(h.text.contains("kubectl-edit: .spec.host"))
        #expect(h.d.hints.contains("1 of 2 not applied"))
    }

    @Test func applyErrorsAreShownWhole() throws {
        var h = try LiveDemoData.driver()
        let message: String
        do {
            _ = try ManifestParser.parse(Array("kind: [unclosed\n".utf8), source: "clipboard")
            message = "parsed"
        } catch {
            message = error.description
        }
        h.d.send(.applyFailed(message))
        #expect(h.d.crumbs.contains("apply"))
        #expect(h.text.contains("line"))
        #expect(h.d.hints.contains("clipboard"))
    }

    @Test func contextsListAndSwitch() throws {
        var h = try LiveDemoData.driver()
        let json = """
        {"apiVersion": "v1", "kind": "Config",
         "clusters": [{"name": "a", "cluster": {"server": "https://a"}}, {"name": "b", "cluster": {"server": "https://b"}}],
         "users": [{"name": "u", "user": {}}],
         "contexts": [{"name": "meshscope-demo", "context": {"cluster": "a", "user": "u"}}, {"name": "prod", "context": {"cluster": "b", "user": "u", "namespace": "shop"}}],
         "current-context": "meshscope-demo"}
        """
        let file = KubeconfigFile(path: "/tmp/kc", content: try JSONTree(json: Array(json.utf8)))
        h.d.state.contexts = Array(try Kubeconfig.merge([file]).contexts.values)
        try h.command("ctx")
        #expect(h.d.frameTitle.contains(" Contexts[2] "))
        #expect(h.text.contains("*         meshscope-demo"))
        try h.select("prod")
        h.d.press(.enter)
        #expect(h.d.effects.contains(.switchContext("prod")))
        h.d.send(.sourceChanged(SourceInfo(kind: .cluster, label: "cluster https://b", context: "prod", cluster: "b")))
        #expect(h.d.screen.lines[0].contains("prod @ b  ns: all"))
        #expect(h.d.frameTitle.contains(" Workloads[0] "))
    }

    @Test func snapshotKeyAsksTheRuntimeOnlyWhenWired() throws {
        var h = try LiveDemoData.driver()
        h.d.press(.ctrl("s"))
        #expect(h.d.effects.isEmpty)
        #expect(h.d.hints.contains("not available"))
        h.d.state.source.supportsSnapshots = true
        h.d.press(.ctrl("s"))
        #expect(h.d.effects == [.writeSnapshot])
        h.d.send(.flash("snapshot written: /tmp/x.json", .info))
        #expect(h.d.hints.contains("snapshot written: /tmp/x.json"))
    }
}
