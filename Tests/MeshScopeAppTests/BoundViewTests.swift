import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The real views on fixture files: rows painted into the cell buffer, keys that act on them.
@Suite struct BoundViewTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    /// A driver on a multi-file source, opened where the runtime would open it.
    static func driver(_ files: [String], width: Int = 140, height: Int = 30) throws -> Driver {
        let data = try FileSource(paths: files.map(Fixtures.path)).load()
        var d = try Driver("envoy/waypoint/config_dump.json", width: width, height: height)
        d.state = AppState(registry: AppViews.registry(for: data), data: data, source: SourceInfo(kind: .file, label: "file"),
                           home: AppViews.home(for: data), size: Size(width: width, height: height), theme: .defaultDark, now: t0)
        d.state.loadedAt = t0
        return d
    }

    @Test func detectsEveryKindByContent() throws {
        let data = try FileSource(paths: [
            "envoy-admin/pp11/config_dump.json", "envoy-admin/pp11/clusters.txt", "envoy-admin/pp11/stats.txt",
            "ztunnel/config_dump.json", "istiod/expected/proxy-status.json",
        ].map(Fixtures.path)).load()
        #expect(data.files.map(\.kind) == [.envoyDump, .clusters, .stats, .ztunnelDump, .proxyStatus])
        #expect(data.envoy?.clusters.isEmpty == false)
        #expect(data.hosts?.clusters.contains { $0.name == "prometheus_stats" } == true)
        #expect(data.stats?.stat("cluster.BlackHoleCluster.bind_errors") != nil)
        #expect(data.ztunnel != nil)
        #expect(data.proxyStatus?.map(\.proxyID).contains("proxy1") == true)
        #expect(AppViews.home(for: data) == "proxy")
    }

    @Test func proxyTabsShowTheCLITables() throws {
        var d = try Self.driver(["envoy-admin/pp11/config_dump.json", "envoy-admin/pp11/clusters.txt", "envoy-admin/pp11/stats.txt"])
        #expect(d.frameTitle.contains(" Listeners["))
        let tabs = d.screen.lines[d.state.layout.tabs!.y]
        for name in ["Listeners", "Clusters", "Routes", "Endpoints", "Secrets", "Stats", "Bootstrap", "Raw config"] {
            #expect(tabs.contains(name))
        }
        // Clusters: the same rows as `meshscope pc cluster` (ClusterView), in its order.
        d.press(.tab)
        let dump = d.state.data.envoy!
        let expected = ClusterView.table(ClusterView.clusters(dump, includeWarming: true), options: .init(wide: true))
        #expect(d.table?.table.rows == expected.rows)
        #expect(d.body.contains { $0.contains("SERVICE FQDN") && $0.contains("DESTINATION RULE") })
        #expect(d.body.contains { $0.contains(expected.rows[0][0]) })
        // Shift+letter sorts by the column whose header starts with it (TYPE), again inverts.
        d.press(.char("T"))
        #expect(d.table?.sortColumn == expected.columns.firstIndex { $0.name == "TYPE" })
        #expect(d.table?.ascending == true)
        d.press(.char("T"))
        #expect(d.table?.ascending == false)
        d.press(.char("Q"))
        #expect(d.state.flash?.text == "no column starts with Q")
        // Enter opens the cluster's JSON; Esc comes back to the tab.
        d.press(.char("g"), .enter)
        #expect(d.crumbs.contains("proxy"))
        guard case .tabs(let detail) = d.state.top?.content else { Issue.record("no detail"); return }
        #expect(detail.pages.map(\.title) == ["JSON", "YAML"])
        d.press(.escape)
        #expect(d.frameTitle.contains(" Clusters["))
    }

    @Test func endpointsFromClustersFileAndAnUnhealthyHost() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bvt-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let clusters = dir.appendingPathComponent("clusters.txt")
        try """
        outbound|9080||reviews.default.svc.cluster.local::10.0.0.1:9080::health_flags::healthy
        outbound|9080||reviews.default.svc.cluster.local::10.0.0.1:9080::rq_total::12
        outbound|9080||reviews.default.svc.cluster.local::10.0.0.2:9080::health_flags::/failed_eds_health
        outbound|9080||reviews.default.svc.cluster.local::10.0.0.2:9080::rq_total::3

        """.write(to: clusters, atomically: true, encoding: .utf8)
        let data = try FileSource(paths: [Fixtures.path("envoy-admin/pp11/config_dump.json"), clusters.path]).load()
        var d = try Self.driver(["envoy-admin/pp11/config_dump.json"])
        d.state = AppState(registry: AppViews.registry(for: data), data: data, source: SourceInfo(kind: .file, label: "file"),
                           home: "endpoints", size: Size(width: 140, height: 30), theme: .defaultDark, now: Self.t0)
        #expect(d.frameTitle.contains(" Endpoints[2] "))
        let rows = try #require(d.table?.table.rows)
        let bad = try #require(rows.first { $0[0] == "10.0.0.2:9080" })
        #expect(bad[1] != "HEALTHY")
        #expect(rows.first { $0[0] == "10.0.0.1:9080" }?[1] == "HEALTHY")
        d.press(.char("/"))
        d.type("!HEALTHY  ")
        d.press(.escape)
        d.press(.char("/"))
        d.type(bad[1])
        d.press(.enter)
        #expect(d.body.contains { $0.contains("10.0.0.2:9080") && $0.contains(bad[1]) })
    }

    @Test func proxyStatusHighlightsStaleAndNotSent() throws {
        var d = try Self.driver(["istiod/expected/proxy-status.json"])
        #expect(d.frameTitle.contains(" Proxies[\(d.state.data.proxyStatus!.count)] "))
        let t = try #require(d.table)
        let header = t.table.columns.map(\.name)
        #expect(header.starts(with: ["NAME", "CLUSTER"]))
        let proxy1 = try #require(t.table.rows.first { $0[0] == "proxy1" })
        let cds = try #require(header.firstIndex(of: "CDS"))
        #expect(proxy1[cds].hasPrefix("STALE"))
        // STALE is drawn as a problem, apart from NOT SENT; NOT SENT warns only for the
        // types every proxy must receive.
        #expect(MeshViews.syncRole("CDS", proxy1[cds]) == .statusError)
        #expect(MeshViews.syncRole("LDS", "NOT SENT") == .statusWarn)
        #expect(MeshViews.syncRole("ECDS", "NOT SENT") == nil)
        #expect(StatusColors.role("STATUS", "STALE") == .statusError)
        // Filtering STALE finds the unsynced proxy.
        d.press(.char("/"))
        d.type("STALE")
        d.press(.enter)
        #expect(d.table?.order.map { d.table!.table.rows[$0][0] }.contains("proxy1") == true)
    }

    @Test func ztunnelWorkloadsLabelSelectorAndNamespace() throws {
        var d = try Self.driver(["ztunnel/config_dump.json"])
        #expect(d.frameTitle.contains(" Workloads["))
        let index = d.state.data.ztunnel!
        let all = ZtunnelViews.workloads(index)
        #expect(d.table?.table.rows == ZtunnelViews.workloadTable(all, index: index).rows)
        let ns = all[0].namespace
        d.press(.char(":"))
        d.type("ns \(ns)")
        d.press(.enter)
        #expect(d.table?.order.count == all.filter { $0.namespace == ns }.count)
        #expect(d.frameTitle.contains("<ns:\(ns)>"))
        d.press(.char(":"))
        d.type("ns all")
        d.press(.enter)
        let app = try #require(all.first { !$0.canonicalName.isEmpty }?.canonicalName)
        d.press(.char("/"))
        d.type("-l app=\(app)")
        d.press(.enter)
        #expect(d.table?.order.count == all.filter { $0.canonicalName == app }.count)
        #expect(d.frameTitle.contains("<-l app=\(app)>"))
        // Tabs: services, policies, certificates, connections.
        let tabs = d.screen.lines[d.state.layout.tabs!.y]
        for name in ["Workloads", "Services", "Policies", "Certificates", "Connections"] { #expect(tabs.contains(name)) }
    }

    @Test func describeClusterLayersReadonlyAndClusterOnlyCommands() throws {
        var d = try Self.driver(["envoy-admin/pp11/config_dump.json", "envoy-admin/pp11/clusters.txt"])
        d.press(.tab)
        d.press(.char("d"))
        let text = d.body.joined(separator: "\n")
        #expect(text.contains("Type:"))
        #expect(text.contains("Transport socket:"))
        #expect(text.contains("Circuit breakers (config):"))
        #expect(text.contains("Endpoints"))
        d.press(.escape)
        // :layers on an inbound port draws the diagram with evidence beside it.
        d.press(.char(":"))
        d.type("layers 15006")
        d.press(.enter)
        #expect(d.crumbs.contains("layers 15006"))
        #expect(d.body.first?.contains("LAYER") == true)
        #expect(d.body.contains { $0.contains("EVIDENCE") })
        d.press(.escape)
        d.state.readonly = true
        d.press(.char("c"))
        #expect(d.state.flash?.text == "--readonly: copying to the clipboard is disabled")
        #expect(!d.effects.contains { if case .copyToClipboard = $0 { true } else { false } })
        d.press(.char("a"))   // the file source's own reason comes first
        #expect(d.state.flash?.text.hasPrefix("apply needs a cluster source") == true)
        d.state.readonly = false
        d.press(.char("a"))
        #expect(d.state.flash?.text.hasPrefix("apply needs a cluster source") == true)
        d.press(.char(":"))
        d.type("ctx prod")
        d.press(.enter)
        #expect(d.state.flash?.text.hasPrefix("contexts need a cluster source") == true)
    }

    @Test func statsRatesWhenTheFileChanges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bvs-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("stats.txt")
        try "cluster.a.upstream_rq_total: 10\nserver.live: 1\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Self.t0], ofItemAtPath: file.path)
        let source = FileSource(paths: [file.path])
        let first = try source.load()
        try "cluster.a.upstream_rq_total: 30\nserver.live: 1\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Self.t0.addingTimeInterval(10)], ofItemAtPath: file.path)
        let second = try source.load(previous: first)
        #expect(second.statsInterval == 10)
        let vt = try ProxyViews.stats.build(second)
        let rate = try #require(vt.table.columns.firstIndex { $0.name == "RATE/s" })
        #expect(vt.table.rows.first { $0[0] == "cluster.a.upstream_rq_total" }?[rate] == "2")
    }
}
