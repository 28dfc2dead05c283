import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshTestSupport
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The Diff view as a pure screen: the list of differences on the left, the selected row's
/// diff on the right; reached with `D` on a proxy, `:diff`, `--compare` and the apply preview.
@Suite struct DiffViewTests {
    /// The sidecar fixture against its changed copy (9080 → 9999), as the Diff view shows it.
    static func fixtureScreen() throws -> DiffScreen {
        let a = try EnvoyConfigDump(document: JSONDocument(bytes: Fixtures.bytes("envoy/sidecar/config_dump.json")))
        let b = try EnvoyConfigDump(document: JSONDocument(bytes: Fixtures.bytes("envoy/sidecar/config_dump_changed.json")))
        var result = ConfigDiff.compare(EnvoyDiffSource.resources(a), EnvoyDiffSource.resources(b))
        result.labels = ("a", "b")
        return DiffScreen.config(result, title: "Diff a → b", heading: "A: config_dump.json\nB: config_dump_changed.json")
    }

    /// Left pane text of each body line (up to the rule).
    static func left(_ d: Driver) -> [String] {
        d.body.map { line in
            var left = String(line.split(separator: "│", omittingEmptySubsequences: false)[0].dropFirst())
            while left.last == " " { left.removeLast() }
            return left
        }
    }

    /// `:TEXT` Enter, keeping the effects (the live harness's `command` performs them).
    static func run(_ d: inout Driver, _ text: String) {
        d.press(.char(":"))
        d.type(text)
        d.press(.enter)
    }

    /// A proxy diff knows its request: Ctrl-R reads the dumps again and the answer replaces
    /// the screen; a diff without one (the apply preview, `--compare`) reloads the source.
    @Test func ctrlRComputesAProxyDiffAgain() throws {
        var d = try Driver("envoy/sidecar/config_dump.json", width: 160, height: 40)
        var screen = try Self.fixtureScreen()
        screen.request = .proxies("bookinfo/a", "bookinfo/b")
        d.send(.diffReady(screen))
        let depth = d.state.stack.count
        d.press(.char("j"))
        d.effects = []
        d.press(.ctrl("r"))
        #expect(d.effects == [.compare(.proxies("bookinfo/a", "bookinfo/b"))])
        d.send(.diffReady(screen))
        #expect(d.state.stack.count == depth)
        #expect(d.frameTitle.contains("Diff a → b"))
        // Not the same request: a new screen on top.
        var other = screen
        other.request = .istiod(proxy: "bookinfo/a")
        d.send(.diffReady(other))
        #expect(d.state.stack.count == depth + 1)
        d.effects = []
        d.send(.diffReady(try Self.fixtureScreen()))
        d.press(.ctrl("r"))
        #expect(d.effects == [.reload])
    }

    @Test func listsExactlyTheChangedResourcesWithTheirDiffs() throws {
        var d = try Driver("envoy/sidecar/config_dump.json", width: 160, height: 40)
        d.send(.diffReady(try Self.fixtureScreen()))
        #expect(d.crumbs.hasSuffix("diff"))
        #expect(d.frameTitle.contains("Diff a → b"))
        let rows = Self.left(d).filter { !$0.isEmpty }
        // Long names are cut with an ellipsis at the list's width (the diff pane has them whole).
        let expected = ["Σ summary", "~ cluster inbound-vip|9080|http|ratings.default.svc.cluster.local → inbound-vip|9999|http|ratings",
                        "~ listener connect_terminate", "~ listener main_internal",
                        "~ route inbound-vip|9080|http|reviews-v3.default.svc.cluster.local → inbound-vip|9999|http|reviews-v3"]
        #expect(rows.count == expected.count, "\(rows)")
        for (row, full) in zip(rows, expected) { #expect(row.hasSuffix("…") ? full.hasPrefix(row.dropLast()) : row == full, "\(row)") }
        // The summary row's pane: the per-type table.
        #expect(d.screen.lines.contains { $0.contains("cluster       0       0         1         0") })

        // j: the cluster's diff, with the 9080 → 9999 change in red and green.
        d.press(.char("j"))
        let screen = d.screen
        let minus = try #require(screen.lines.firstIndex { $0.contains("-  service_name: inbound-vip|9080|http|ratings") })
        #expect(screen.lines.contains { $0.contains("--- a/cluster/inbound-vip|9080|http|ratings.default.svc.cluster.local") })
        let x = try #require(screen.lines[minus].range(of: "-  service_name")).lowerBound
        let column = screen.lines[minus].distance(from: screen.lines[minus].startIndex, to: x)
        #expect(screen[column, minus].style == Theme.defaultDark[.diffRemoved])

        // Tab: j scrolls the diff, not the list; Esc returns to the list; c copies the selected diff.
        d.press(.tab)
        let before = Self.left(d)
        d.press(.char("j"))
        #expect(Self.left(d) == before)
        #expect(d.state.top.map { if case .diff(let s) = $0.content { s.selected == 1 && s.focusRight } else { false } } == true)
        d.press(.escape)
        d.press(.char("c"))
        #expect(d.effects.contains { if case .copyToClipboard(let text) = $0 { text.hasPrefix("~ cluster inbound-vip|9080") } else { false } })
    }

    @Test func filterKeepsMatchingRowsAndEscapeReadsBackOut() throws {
        var d = try Driver("envoy/sidecar/config_dump.json", width: 160, height: 40)
        d.send(.diffReady(try Self.fixtureScreen()))
        d.press(.char("/"))
        d.type("listener")
        d.press(.enter)
        #expect(Self.left(d).filter { !$0.isEmpty } == ["Σ summary", "~ listener connect_terminate", "~ listener main_internal"])
        #expect(d.frameTitle.contains("</listener>"))
        // In the diff pane `/` searches instead.
        d.press(.char("j"), .tab, .char("/"))
        d.type("stat_prefix")
        d.press(.enter)
        #expect(d.hints.contains("for stat_prefix"), "\(d.hints)")
        d.press(.escape)  // back to the list
        d.press(.escape)  // clears the filter
        #expect(Self.left(d).filter { !$0.isEmpty }.count == 5)
        d.press(.escape)  // leaves the view
        #expect(!d.crumbs.hasSuffix("diff"))
        // `?` lists the view's keys.
        d.send(.diffReady(try Self.fixtureScreen()))
        d.press(.char("?"))
        #expect(d.screen.lines.contains { $0.contains("read the selected diff") })
    }

    @Test func narrowTerminalsShowTheFocusedPane() throws {
        var d = try Driver("envoy/sidecar/config_dump.json", width: 58, height: 24)
        d.send(.diffReady(try Self.fixtureScreen()))
        d.press(.char("j"))
        #expect(Self.left(d).contains { $0.hasPrefix("~ cluster inbound-vip|9080") })
        d.press(.tab)
        #expect(d.body.contains { $0.contains("--- a/cluster/inbound-vip|9080") })
    }

    @Test func dOnAProxyOffersIstiodAndTheOtherEnvoys() throws {
        var h = try LiveDemoData.driver()
        try h.command("proxies")
        try h.select("reviews-v2-")
        let proxy = try #require(h.feed.state?.proxies.first { $0.name.hasPrefix("reviews-v2-") })
        h.d.press(.char("x"))
        #expect(h.d.crumbs.hasSuffix("diff \(proxy.name)"))
        let first = try #require(h.d.table?.selectedRow)
        #expect(first[0] == "istiod")
        // Enter on istiod: the runtime is asked for istiod's view against the proxy's dump.
        h.d.press(.enter)
        #expect(h.d.effects.contains(.compare(.istiod(proxy: proxy.key))))
        #expect(h.d.hints.contains("reading istiod's view"))
        // Another Envoy: proxy against proxy (same namespace first).
        h.d.effects = []
        h.d.press(.char("j"), .enter)
        let second = try #require(h.d.table?.selectedRow)
        #expect(second[1] == proxy.namespace)
        #expect(h.d.effects.contains(.compare(.proxies(proxy.key, "\(second[1])/\(second[0])"))))

        // :diff with names as istioctl writes them; a bare pod name works when it is unique.
        h.d.effects = []
        Self.run(&h.d, "diff \(proxy.proxyID)")
        #expect(h.d.effects.contains(.compare(.istiod(proxy: proxy.key))))
        h.d.effects = []
        Self.run(&h.d, "diff \(proxy.name) \(second[0])")
        #expect(h.d.effects.contains(.compare(.proxies(proxy.key, "\(second[1])/\(second[0])"))))
        h.d.effects = []
        Self.run(&h.d, "diff no-such-pod")
        #expect(h.d.effects.isEmpty)
        #expect(h.d.state.flash?.text.contains("no proxy no-such-pod") == true)
        let ztunnel = try #require(h.feed.state?.proxies.first { $0.kind == .ztunnel })
        Self.run(&h.d, "diff \(ztunnel.proxyID)")
        #expect(h.d.state.flash?.text.contains("is not an Envoy") == true)

        // D on a proxy's own screen (its tabs) opens the same picker.
        try h.command("proxies")
        try h.select("reviews-v2-")
        h.d.press(.enter)
        try h.settle()
        h.d.press(.char("x"))
        #expect(h.d.crumbs.hasSuffix("diff \(proxy.name)"))
    }

    @Test func diffNeedsProxiesOnFileSources() throws {
        var d = try Driver("envoy/sidecar/config_dump.json")
        d.press(.char(":"))
        d.type("diff x")
        d.press(.enter)
        #expect(d.effects.isEmpty)
        #expect(d.state.flash?.text.contains("meshscope diff A B") == true)
    }

    /// Two generated meshes (one service more in the second), compared as `--compare` does.
    @Test func meshDiffListsProxiesWithTheirResourcesAndObjects() throws {
        func side(_ mesh: DemoMesh) throws -> MeshDiffSide {
            var side = MeshDiffSide()
            for i in mesh.proxyPods where mesh.pods[i].mode == .sidecar {
                let dump = try EnvoyConfigDump(document: JSONDocument(bytes: mesh.envoyConfigDump(pod: i, certificates: nil)))
                side.proxies[mesh.pods[i].id] = EnvoyDiffSource.resources(dump)
            }
            side.objects = KubernetesDiffSource.resources(try mesh.kubernetesObjects().map { try JSONDocument(bytes: $0).root })
            return side
        }
        let before = DemoMesh(.init(services: 2, replicas: 1)), after = DemoMesh(.init(services: 3, replicas: 1))
        var result = MeshDiff.compare(try side(before), try side(after))
        result.labels = ("a.json", "b.json")
        var d = try Driver("envoy/sidecar/config_dump.json", width: 160, height: 40)
        d.send(.diffReady(DiffScreen.mesh(result)))
        let added = after.pods.first { $0.name.hasPrefix("svc-0002-v1-") }!
        let changed = after.pods.first { $0.name.hasPrefix("svc-0001-v1-") }!
        let rows = Self.left(d).filter { !$0.isEmpty }
        #expect(rows.prefix(3) == ["Σ summary", "+ proxy \(added.id)", "~ proxy \(changed.id)"], "\(rows)")
        #expect(rows.contains { $0.hasPrefix("  ~ cluster outbound|8080||svc-0000.demo-00.svc.cluster.local") }, "\(rows)")
        #expect(rows.contains("~ kubernetes objects"))
        #expect(rows.contains("  + v1/Service demo-00/svc-0002"))
        #expect(d.frameTitle.contains("Diff a.json → b.json (2 proxies, 3 objects differ)"))
        #expect(d.screen.lines.contains { $0.contains("PROXIES: 1 added, 0 removed, 1 changed") })
    }
}

/// The runtime's half: the dumps a comparison needs, read through a real source (the demo on
/// loopback, reached through its API server's pod proxy, as a cluster would be).
@Suite(.serialized) struct DiffRuntimeTests {
    static func withDemo<T>(_ body: (DemoCluster, any MeshSource) async throws -> T) async throws -> T {
        let setup = try await DemoSetup.start("meshscope-diff")
        let demo = setup.demo
        // Generous timeouts: this suite runs beside the tmux suites on 2 cores.
        let client: KubeClient
        do { client = try KubeClient(connection: try setup.connection(), options: TransportOptions(requestTimeout: 60)) } catch {
            await setup.stop()
            throw error
        }
        let source = ClusterMeshSource(client: client, admin: AdminClient(.apiServerProxy(client), timeout: 60, maxConcurrent: 8), namespace: nil, syncTimeout: 60)
        func teardown() async {
            await source.close()
            await client.shutdown()
            await setup.stop()
        }
        do {
            let r = try await body(demo, source)
            await teardown()
            return r
        } catch {
            await teardown()
            throw error
        }
    }

    static func key(_ demo: DemoCluster, _ workload: String) -> String {
        let w = demo.mesh.workloads.first { $0.name == workload && $0.namespace == DemoMesh.sidecarNamespace }!
        let p = demo.mesh.pods[w.pods[0]]
        return "\(p.namespace)/\(p.name)"
    }

    @Test func istiodAgainstEnvoyAndProxyAgainstProxy() async throws {
        try await Self.withDemo { demo, source in
            // The demo's istiod disagrees with reviews-v2 on exactly one cluster.
            let v2 = Self.key(demo, "reviews-v2"), v1 = Self.key(demo, "reviews-v1")
            let first = await LiveDriver.compare(.istiod(proxy: v2), in: source)
            guard case .diffReady(let s) = first else {
                Issue.record("no diff: \(first)")
                return
            }
            #expect(s.entries.map(\.label) == ["Σ summary", "~ cluster outbound|9080||ratings.bookinfo.svc.cluster.local"])
            #expect(s.entries[0].body.contains("Clusters Don't Match\nListeners Match\nRoutes Match"))
            #expect(s.entries[1].body.contains("-outlier_detection:"))
            guard case .diffReady(let same) = await LiveDriver.compare(.istiod(proxy: v1), in: source) else {
                Issue.record("no diff")
                return
            }
            #expect(same.entries.count == 1)
            #expect(same.title.hasSuffix("(in sync)"))

            // reviews-v1 calls nothing; reviews-v2 calls ratings.
            guard case .diffReady(let pair) = await LiveDriver.compare(.proxies(v1, v2), in: source) else {
                Issue.record("no diff")
                return
            }
            #expect(pair.entries.contains { $0.label == "+ cluster outbound|9080||ratings.bookinfo.svc.cluster.local" })

            // A proxy that is not there: says which.
            guard case .diffFailed(let why) = await LiveDriver.compare(.istiod(proxy: "bookinfo/gone-1"), in: source) else {
                Issue.record("no failure")
                return
            }
            #expect(why.contains("gone-1"), "\(why)")
        }
    }
}
