import Foundation
import MeshClient
import MeshGen
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The findings in the TUI, without a terminal: the report posted back for the data shown,
/// the header's counts, the Findings view (`!`, `:findings`), Enter on a finding landing on
/// the row its link names, and problem cells in the other views.
@Suite struct FindingsViewTests {
    static let mesh = LiveDemoData.mesh
    /// The demo's stale proxy, as istiod names it (`name.namespace`), from the demo's own pod list.
    static var staleProxyID: String { "\(mesh.pods[mesh.stalePod].name).\(mesh.pods[mesh.stalePod].namespace)" }

    /// The live demo data with the engine's report on it, as the runtime posts it.
    static func evaluated() throws -> LiveDriverHarness {
        var h = try LiveDemoData.driver()
        let data = h.d.state.data
        h.d.send(.findingsReady(FindingsEngine.evaluate(MeshFacts(data: data)), sequence: data.sequence))
        return h
    }

    @Test func newDataAsksForAnEvaluation() throws {
        var h = try LiveDemoData.driver()
        var data = h.feed.data()
        data.sequence = 5
        h.d.send(.loaded(data, at: LiveDemoData.t0))
        #expect(h.d.effects.contains(.evaluateFindings))
        h.d.effects = []
        // Older data than shown is dropped and not evaluated.
        data.sequence = 4
        h.d.send(.loaded(data, at: LiveDemoData.t0))
        #expect(!h.d.effects.contains(.evaluateFindings))
    }

    @Test func aReportOlderThanTheOneShownIsDropped() throws {
        var h = try LiveDemoData.driver()
        var newer = FindingsReport()
        newer.findings = [Self.finding("MS0101", .error, proxy: "a.default")]
        h.d.send(.findingsReady(newer, sequence: 7))
        h.d.send(.findingsReady(FindingsReport(), sequence: 6))
        #expect(h.d.state.data.findings?.sequence == 7)
        #expect(h.d.state.data.findings?.report.findings.count == 1)
        // New data keeps the last report until its own arrives.
        var data = h.feed.data()
        data.sequence = 8
        h.d.send(.loaded(data, at: LiveDemoData.t0))
        #expect(h.d.state.data.findings?.sequence == 7)
        // After a context switch, a report on the old source's data is dropped.
        h.d.send(.sourceChanged(SourceInfo(kind: .cluster, label: "other", context: "other")))
        h.d.send(.findingsReady(newer, sequence: 8))
        #expect(h.d.state.data.findings == nil)
    }

    @Test func headerCountsBySeverity() throws {
        var h = try LiveDemoData.driver()
        var report = FindingsReport()
        report.findings = [Self.finding("MS0101", .error, proxy: "a.default"), Self.finding("MS0101", .error, proxy: "b.default"),
                           Self.finding("MS0206", .warning, proxy: "c.default")]
        h.d.send(.findingsReady(report, sequence: 0))
        let line = h.d.screen.lines[2]
        #expect(line.contains("Updated:"))
        #expect(line.contains(" · 2 errors · 1 warning"))
        // Each count in its role.
        let x = try #require(line.range(of: "2 errors")).lowerBound.utf16Offset(in: line)
        #expect(h.d.screen[x, 2].style.fg == Theme.defaultDark[.statusError].fg)
        let w = try #require(line.range(of: "1 warning")).lowerBound.utf16Offset(in: line)
        #expect(h.d.screen[w, 2].style.fg == Theme.defaultDark[.statusWarn].fg)
    }

    @Test func bangOpensFindingsAndEnterLandsOnTheStaleProxysRow() throws {
        var h = try Self.evaluated()
        #expect(h.d.screen.lines[2].contains(" error"))
        h.d.press(.char("!"))
        #expect(h.d.frameTitle.contains("Findings["))
        try h.select(Self.staleProxyID)
        let row = try #require(h.d.table?.selectedRow)
        #expect(row[1].hasSuffix("MS0101"))
        // The detail pane under the table: message and numbered evidence.
        #expect(h.text.contains("Evidence:"))
        #expect(h.text.contains("[1] istiod"))
        h.d.press(.enter)
        try h.settle()
        #expect(h.d.frameTitle.contains("Proxies["))
        #expect(h.d.table?.selectedRow?.first == Self.staleProxyID)
        #expect(h.d.crumbs.contains("findings"))
        // Esc goes back to the findings.
        h.d.press(.escape)
        #expect(h.d.frameTitle.contains("Findings["))
    }

    /// `l` on a finding about failing requests opens `:flows` on top, filtered to what it is
    /// about: the demo's denied edge (from the model) has MS0404, whose flows are that edge's
    /// errors (5xx, 403, no response). `l` on a finding with no flows stays on the findings.
    @Test func lOnAFailingEdgeOpensItsFlows() throws {
        var h = try Self.evaluated()
        let e = try #require(Self.mesh.edges.first { $0.deniedBy != nil })
        let src = Self.mesh.workloads[e.source], dst = Self.mesh.workloads[e.destination]
        let from = "\(src.name).\(src.namespace)", to = "\(dst.name).\(dst.namespace)"
        h.d.press(.char("!"))
        try h.select("\(from) → \(to)")
        let row = try #require(h.d.table?.selectedRow)
        #expect(row[1].hasSuffix("MS0404"), "\(row)")
        #expect(h.text.contains("l opens :flows --from \(from) --to \(to) --status 5xx,403,0"))
        h.d.press(.char("l"))
        #expect(h.d.frameTitle.contains("Flows"), "\(h.d.frameTitle)")
        #expect(h.d.state.data.flows.query == FlowQuery(from: from, to: to, status: "5xx,403,0"))
        // Esc goes back to the findings.
        h.d.press(.escape)
        #expect(h.d.frameTitle.contains("Findings["))
        // The stale proxy's finding is about sync, not requests: `l` opens nothing.
        h.d.press(.escape)
        h.d.press(.char("!"))
        try h.select(Self.staleProxyID)
        h.d.press(.char("l"))
        #expect(h.d.frameTitle.contains("Findings["))
    }

    @Test func checkIsAnAliasAndRulesNotEvaluatedAreListed() throws {
        var h = try Self.evaluated()
        try h.command("check")
        #expect(h.d.frameTitle.contains("Findings["))
        let report = try #require(h.d.state.data.findings?.report)
        // The live store reads no counter rates: those rules say so, with the reason.
        let skipped = try #require(report.notEvaluated.first)
        let rows = h.d.table?.table.rows ?? []
        #expect(rows.contains { $0[0] == "SKIPPED" && $0[1] == skipped.code && $0[4].contains(skipped.reason) })
    }

    @Test func relatedFindingsSitUnderTheOneTheyRelateTo() {
        var config = Self.finding("IST0101", .error, proxy: "x.default")
        var runtime = Self.finding("MS0402", .warning, proxy: "x.default")
        let other = Self.finding("MS0101", .error, proxy: "y.default")
        config.related = [runtime.id]
        runtime.related = [config.id]
        var report = FindingsReport()
        report.findings = [config, other, runtime]
        let cells = FindingsView.rows(report).map(FindingsView.cells)
        #expect(cells.map { $0[1] } == ["IST0101", "└ MS0402", "MS0101"])
    }

    @Test func problemCellsUseTheRoleOfTheWorstFinding() throws {
        var h = try LiveDemoData.driver()
        var report = FindingsReport()
        report.findings = [Self.finding("MS0206", .warning, proxy: Self.staleProxyID), Self.finding("MS0101", .error, proxy: Self.staleProxyID)]
        h.d.send(.findingsReady(report, sequence: 0))
        try h.command("proxies")
        // Not on the selected row: the selection bar has its own colours.
        if h.d.table?.selectedRow?.first == Self.staleProxyID { h.d.press(.char("j")) }
        let screen = h.d.screen
        let y = try #require(screen.lines.firstIndex { $0.contains(Self.staleProxyID) })
        let x = try #require(screen.lines[y].range(of: Self.staleProxyID)).lowerBound.utf16Offset(in: screen.lines[y])
        #expect(screen[x, y].style.fg == Theme.defaultDark[.statusError].fg)
        // The same workload in :pods (NAMESPACE and NAME cells).
        try h.command("pods")
        let pod = Self.mesh.pods[Self.mesh.stalePod]
        let line = try #require(h.d.screen.lines.firstIndex { $0.contains(pod.name) })
        let px = try #require(h.d.screen.lines[line].range(of: pod.name)).lowerBound.utf16Offset(in: h.d.screen.lines[line])
        if h.d.table?.selectedRow?[1] != pod.name {
            #expect(h.d.screen[px, line].style.fg == Theme.defaultDark[.statusError].fg)
        }
    }

    @Test func problemIndexJoinsProxyAndPod() {
        let index = ProblemIndex([Self.finding("MS0101", .error, proxy: "reviews-v2-abc.bookinfo")], linkKinds: ProblemIndex.linkKinds)
        #expect(index.severity(kind: "Proxy", key: "reviews-v2-abc.bookinfo") == .error)
        #expect(index.severity(kind: "Pod", key: "bookinfo/reviews-v2-abc") == .error)
        #expect(index.severity(kind: "Pod", key: "bookinfo/reviews-v1-abc") == nil)
        let cluster = Finding(code: "MS0205", severity: .error, title: "t",
                              objects: [FindingObject(kind: "Cluster", name: "outbound|9080||ratings.bookinfo.svc.cluster.local")], message: "m")
        let byCluster = ProblemIndex([cluster], linkKinds: ProblemIndex.linkKinds)
        #expect(byCluster.severity(kind: "Service", key: "bookinfo/ratings") == .error)
        #expect(byCluster.severity(kind: "Cluster", key: "outbound|9080||ratings.bookinfo.svc.cluster.local") == .error)
    }

    /// A finding about a cluster marks the Service row the findings engine joins the cluster
    /// to, and no other: `x..b.svc.cluster.local` (an empty label) names no Service, though
    /// dropping the empty label would read it as `b/x`.
    @Test func problemIndexMarksTheServiceTheFindingsJoinOn() {
        let expected: [(cluster: String, service: String?, join: String?)] = [
            ("outbound|9080|v2|inventory.faults.svc.cluster.local", "faults/inventory", "Service faults/inventory"),
            ("outbound|80||web.shop.svc.corp.example", "shop/web", "Service shop/web"),
            ("outbound|80||x..b.svc.cluster.local", nil, "host x..b.svc.cluster.local"),
            ("outbound|443||api.example.com", nil, "host api.example.com"),
            ("inbound|9080||", nil, nil),
        ]
        for (cluster, service, join) in expected {
            let f = Finding(code: "MS0204", severity: .error, title: "t", objects: [FindingObject(kind: "Cluster", name: cluster)], message: "m")
            let index = ProblemIndex([f], linkKinds: ProblemIndex.linkKinds)
            for key in ["faults/inventory", "shop/web", "b/x"] {
                #expect((index.severity(kind: "Service", key: key) != nil) == (key == service), "\(cluster) \(key)")
            }
            #expect(Finding.destinationKey(cluster: cluster) == join)
        }
    }

    /// Apply preview: the findings the manifest would introduce, above the dry run's table.
    @Test func applyPreviewShowsTheFindingsTheManifestWouldIntroduce() throws {
        var h = try LiveDemoData.driver()
        let yaml = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  hosts: [reviews]\n"
        let doc = try ManifestParser.parse(Array(yaml.utf8), source: "clipboard")[0]
        var entry = ApplyEntry(document: doc, ref: ObjectRef(apiVersion: "networking.istio.io/v1", kind: "VirtualService", name: "reviews", namespace: "bookinfo"))
        entry.preview = .create
        let finding = Finding(code: "MS9001", severity: .error, title: "Subset not defined",
                              objects: [FindingObject(kind: "VirtualService", namespace: "bookinfo", name: "reviews", location: doc.location)],
                              message: "this VirtualService references subset v3 which no DestinationRule defines")
        h.d.send(.applyPreviewed([entry], source: "tmux save-buffer -", findings: [finding]))
        let text = h.text
        #expect(text.contains("Findings this manifest would introduce (1):"))
        #expect(text.contains("this VirtualService references subset v3 which no DestinationRule defines"))
        #expect(text.contains("It would introduce 1 finding (1 error)"))
        // Above the dry run's table.
        let findings = try #require(text.range(of: "Findings this manifest"))
        let table = try #require(text.range(of: "NAMESPACE"))
        #expect(findings.lowerBound < table.lowerBound)
    }

    /// The preview's findings from the real computation (`LiveDriver.introducedFindings` over
    /// the demo's objects and state): the demo's VirtualService already routes to subset v2,
    /// which no DestinationRule defines; a manifest keeping that route and adding one to v9
    /// introduces only the v9 finding, and the preview shows it and not the v2 one.
    @Test func applyPreviewFindingsComeFromTheDemoStateNotJustTheManifest() throws {
        let mesh = LiveDemoData.mesh
        let edge = try #require(mesh.edges.first { $0.noCluster })
        let svc = mesh.services[edge.service]
        let yaml = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: \(svc.name), namespace: \(svc.namespace)}
        spec:
          hosts: [\(svc.fqdn)]
          http:
          - match: [{headers: {x-canary: {exact: "1"}}}]
            route: [{destination: {host: \(svc.fqdn), subset: v9}}]
          - route: [{destination: {host: \(svc.fqdn), subset: v2}}]
        """
        let doc = try ManifestParser.parse(Array(yaml.utf8), source: "clipboard")[0]
        var entry = ApplyEntry(document: doc, ref: ObjectRef(apiVersion: "networking.istio.io/v1", kind: "VirtualService", name: svc.name, namespace: svc.namespace))
        entry.preview = .change(diff: "")
        let runtime = LiveRuntimeLifecycleTests.driver(CountingSource(delay: 0))
        runtime.feed = try LiveDemoData.feed()
        let findings = runtime.introducedFindings([entry])
        #expect(findings.map(\.message) == ["Referenced host+subset in destinationrule not found: \"\(svc.fqdn)+v9\""])
        #expect(findings.first?.objects.first == FindingObject(kind: "VirtualService", namespace: svc.namespace, name: svc.name, location: doc.location))

        var h = try LiveDemoData.driver()
        h.d.send(.applyPreviewed([entry], source: "tmux save-buffer -", findings: findings))
        let text = h.text
        #expect(text.contains("Findings this manifest would introduce (1):"))
        #expect(text.contains("+v9"))
        #expect(!text.contains("+v2"))
    }

    @Test func gotoParses() {
        #expect(AppCommand.parse("goto proxies a.b endpoints") == .goto(FindingLink(view: "proxies", row: "a.b", tab: "endpoints")))
        #expect(AppCommand.parse("goto svc") == .goto(FindingLink(view: "svc")))
    }

    @Test func factsOfAFileDump() throws {
        let data = try FileSource(path: Fixtures.path("envoy/waypoint/config_dump.json")).load()
        let facts = MeshFacts(data: data)
        #expect(facts.has(.configDumps))
        #expect(!facts.has(.kubeObjects))
        #expect(facts.reasonMissing(.kubeObjects).contains("--file"))
        // A file source opens the findings too.
        var d = try Driver("envoy/waypoint/config_dump.json")
        d.send(.findingsReady(FindingsEngine.evaluate(facts), sequence: 0))
        d.press(.char("!"))
        #expect(d.frameTitle.contains("Findings["))
    }

    @Test func theEvaluatorPostsTheReportForTheDataItWasGiven() async throws {
        let data = try LiveDemoData.driver().d.state.data
        let evaluator = FindingsEvaluator()
        let got = Reports()
        evaluator.submit(data, post: { e in if case .findingsReady(_, let seq) = e { got.add(seq) } })
        for _ in 0..<200 where got.all.isEmpty { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(got.all == [data.sequence])
    }

    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var seqs: [UInt64] = []
        func add(_ s: UInt64) { lock.withLock { seqs.append(s) } }
        var all: [UInt64] { lock.withLock { seqs } }
    }

    static func finding(_ code: String, _ severity: FindingSeverity, proxy: String) -> Finding {
        Finding(code: code, severity: severity, title: "t", objects: [FindingObject(kind: "Proxy", name: proxy)], message: "m \(proxy)",
                evidence: [FindingEvidence("istiod", "x")], link: FindingLink(view: "proxies", row: proxy))
    }
}
