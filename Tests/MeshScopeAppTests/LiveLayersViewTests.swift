import Foundation
import MeshClient
import MeshGen
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The demo mesh as a ``MeshSource`` in memory: its objects and its proxies' dumps, as the
/// demo's admin server answers them. `failing` pods answer nothing (a proxy that is down).
struct DemoMemorySource: MeshSource {
    var failing: Set<String> = []
    var info: MeshSourceInfo { MeshSourceInfo(kind: .cluster, name: "demo", namespace: "default", context: "meshscope-demo") }

    func cluster() async throws(MeshSourceError) -> ClusterSnapshot {
        do { return try LiveDemoData.cluster() } catch { throw MeshSourceError(.failed, "\(error)") }
    }

    func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        let mesh = LiveDemoData.mesh
        guard let p = mesh.pod(named: pod, namespace: namespace) else { throw MeshSourceError(.notFound, "pod \(namespace)/\(pod) not found") }
        if failing.contains(pod) { throw MeshSourceError(.failed, "connection refused") }
        switch request {
        case .configDump: return mesh.envoyConfigDump(pod: p, certificates: nil)
        case .ztunnelConfigDump: return mesh.ztunnelConfigDump(node: mesh.pods[p].node, tick: 3_600)
        default: throw MeshSourceError(.unavailable, "\(request) is not served here")
        }
    }

    func close() async {}
}

/// The Layers view on a live source, without a terminal: `L` on a pod opens the services'
/// ports, Enter asks the runtime for the path, and the answer is drawn as the hop diagram
/// with the evidence beside it. The path is chained by the same function as `meshscope
/// layers --from/--to` (``MeshPathSources``), here over the demo mesh held in memory.
@Suite struct LiveLayersViewTests {
    static let mesh = LiveDemoData.mesh
    static var productpage: DemoMesh.Pod { mesh.pods.first { $0.name.hasPrefix("productpage-v1-") && $0.namespace == DemoMesh.sidecarNamespace }! }

    /// Performs `.computeLayers` the way the live runtime does and feeds the answer back.
    static func answer(_ h: inout LiveDriverHarness, source: DemoMemorySource = DemoMemorySource()) async throws {
        let fx = h.d.effects
        h.d.effects = []
        for case .computeLayers(let r) in fx {
            do {
                let path = try await MeshPathSources.path(source, from: r.from, to: r.to, ingress: r.viaIngress, defaultNamespace: "default")
                h.d.send(.layersReady(r, path))
            } catch {
                h.d.send(.layersFailed((error as? MeshPathSources.Failure)?.message ?? "\(error)"))
            }
        }
    }

    /// The text screen on top: the diagram's lines and the evidence pane's.
    static func panes(_ h: LiveDriverHarness) throws -> (left: [String], right: [String]) {
        guard case .text(let t)? = h.d.state.top?.content else { throw Fail("the top screen is not the layers text") }
        return (t.pane.lines, t.side?.lines ?? [])
    }

    /// `:text` Enter, keeping the effects (the harness's `command` performs and clears them).
    static func run(_ h: inout LiveDriverHarness, _ text: String) {
        h.d.press(.char(":"))
        h.d.type(text)
        h.d.press(.enter)
    }

    /// Moves the cursor to the first row (in view order) that `match` accepts.
    static func selectRow(_ h: inout LiveDriverHarness, _ match: ([String]) -> Bool) throws {
        h.d.press(.char("g"))
        let count = h.d.table?.order.count ?? 0
        for _ in 0..<count {
            if let row = h.d.table?.selectedRow, match(row) { return }
            h.d.press(.char("j"))
        }
        throw Fail("no row matches")
    }

    struct Fail: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }

    @Test func pickerListsEveryServicePortAsADestination() throws {
        var h = try LiveDemoData.driver(width: 240)
        try h.select(Self.productpage.name)
        #expect(h.d.hints.contains("p layers to…"), "\(h.d.hints)")
        h.d.press(.char("p"))
        let t = try #require(h.d.table)
        #expect(t.spec.title == "Layers from \(Self.productpage.name).bookinfo: pick a destination")
        #expect(t.table.columns.map(\.name) == ["NAMESPACE", "SERVICE", "PORT", "PORT NAME", "TARGET", "WAYPOINT", "DESTINATION"])
        let ports = try LiveDemoData.cluster().services.reduce(0) { $0 + $1.ports.count }
        #expect(ports >= Self.mesh.services.count)
        #expect(t.table.rows.count == ports)
        let reviews = try #require(t.table.rows.first { $0[0] == "bookinfo" && $0[1] == "reviews" })
        #expect(reviews == ["bookinfo", "reviews", "9080", "http-reviews", "9080", "<none>", "reviews.bookinfo.svc.cluster.local:9080"])
        let ambient = try #require(t.table.rows.first { $0[0] == DemoMesh.ambientNamespace && $0[1] == "reviews" })
        #expect(ambient[5] == "waypoint")
        #expect(h.d.state.top?.crumb == "layers from \(Self.productpage.name).bookinfo")
        #expect(h.d.frameTitle.contains("pick a destination"))
        // The rendered row.
        #expect(h.text.contains("reviews.bookinfo.svc.cluster.local:9080"))
    }

    /// Under `:ns bookinfo` the picker opens on bookinfo's services; `:ns all` (or `:ns`)
    /// widens it again.
    @Test func pickerFollowsTheNamespaceFilter() throws {
        var h = try LiveDemoData.driver(width: 240)
        try h.command("ns bookinfo")
        try h.select(Self.productpage.name)
        h.d.press(.char("p"))
        let t = try #require(h.d.table)
        #expect(t.spec.name == "layers-to")
        #expect(!t.order.isEmpty && t.order.allSatisfy { t.table.rows[$0][0] == "bookinfo" })
        #expect(t.order.count < t.table.rows.count)
        try h.command("ns all")
        let all = try #require(h.d.table)
        #expect(all.order.count == all.table.rows.count)
    }

    @Test func enterOnAPortComputesThePathAndDrawsTheHopDiagram() async throws {
        var h = try LiveDemoData.driver(width: 260, height: 50)
        let pp = Self.productpage
        try h.select(pp.name)
        h.d.press(.char("p"))
        try h.select("reviews.bookinfo.svc")
        h.d.press(.enter)
        let request = LayersRequest(from: "\(pp.name).bookinfo", to: "reviews.bookinfo.svc.cluster.local:9080")
        #expect(h.d.effects.contains(.computeLayers(request)), "\(h.d.effects)")
        #expect(h.d.state.flash?.text == "computing the path \(pp.name).bookinfo → reviews.bookinfo.svc.cluster.local:9080 …")

        try await Self.answer(&h)
        let (left, right) = try Self.panes(h)
        // The same diagram as `meshscope layers --from PP --to reviews:9080`.
        let header = left[0].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        #expect(header.first == "LAYER")
        #expect(left[0].contains("\(pp.name) app") && left[0].contains("\(pp.name) sidecar"))
        let cells = { (layer: String) -> [String] in
            let line = left.first { $0.hasPrefix(layer + " ") } ?? ""
            return line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let tcp = cells("TCP"), tls = cells("TLS"), http = cells("HTTP"), hbone = cells("HBONE")
        #expect(tcp.count == 5 && tls.count == 5 && http.count == 5 && hbone.count == 5, "\(left.prefix(5))")
        // Cell for cell what `meshscope --demo layers --from PP.bookinfo --to reviews.bookinfo.svc.cluster.local:9080` prints.
        #expect(tcp == ["TCP", "originate", "terminate+originate [3,4,9]", "terminate+originate [14,15,21]", "terminate"], "\(tcp)")
        // The client sidecar's chain #0 takes HTTP; anything else falls to PassthroughFilterChain.
        #expect(tls == ["TLS", "—", "originate if HTTP, else — [4,9,10,11,12]", "terminate [15,16,22]", "—"], "\(tls)")
        #expect(http == ["HTTP", "—", "terminate+originate if HTTP, else — [4,5,9]", "terminate+originate [15,17,21]", "terminate [24]"], "\(http)")
        #expect(hbone == ["HBONE", "—", "—", "—", "—"], "\(hbone)")
        #expect(tls[2].hasPrefix("originate"), "\(tls)")
        #expect(tls[3].hasPrefix("terminate"), "\(tls)")
        #expect(http[2].hasPrefix("terminate+originate"), "\(http)")
        #expect(hbone.dropFirst().allSatisfy { $0.hasPrefix("—") }, "\(hbone)")
        #expect(left.contains("2. \(pp.name) sidecar [sidecar]"))
        // The evidence pane: numbered, with the facts the CLI prints.
        #expect(right.first == "EVIDENCE")
        #expect(left.contains("        upstream:   originate (Istio mTLS, SNI outbound_.9080_._.reviews.bookinfo.svc.cluster.local)"), "\(left)")
        #expect(right.contains { $0.hasPrefix("[") && $0.contains("transport socket: envoy.transport_sockets.tls (UpstreamTlsContext), cert SDS default, roots SDS ROOTCA, ALPN istio-peer-exchange,istio, SNI outbound_.9080_._.reviews.bookinfo.svc.cluster.local") }, "\(right)")
        #expect(right.contains { $0.contains("filter chain: virtualInbound: inbound|9080|| (#0)") }, "\(right)")
        #expect(!right.contains("PROBLEMS"))
        // Drawn: the diagram left of the rule, the evidence right of it.
        let screen = h.text
        #expect(screen.contains("EVIDENCE"))
        #expect(screen.split(separator: "\n").contains { $0.contains("TLS ") && $0.contains("originate") && $0.contains("terminate") })
        #expect(h.d.state.top?.crumb == "layers \(pp.name) → reviews.bookinfo.svc.cluster.local:9080")
        #expect(h.d.state.flash?.text == "path with 4 hops from \(pp.name).bookinfo to reviews.bookinfo.svc.cluster.local:9080")
        // Ctrl-R computes it again; the answer replaces the screen (Esc still leads to the picker).
        let depth = h.d.state.stack.count
        h.d.effects = []
        h.d.press(.ctrl("r"))
        #expect(h.d.effects == [.computeLayers(request)], "\(h.d.effects)")
        try await Self.answer(&h)
        #expect(h.d.state.stack.count == depth)
        #expect(h.d.state.top?.crumb == "layers \(pp.name) → reviews.bookinfo.svc.cluster.local:9080")
        // Esc goes back to the picker.
        h.d.press(.escape)
        #expect(h.d.table?.spec.name == "layers-to")
    }

    @Test func edgeRowChainsFromOneOfItsPodsToTheServicesFirstPort() async throws {
        var h = try LiveDemoData.driver(width: 240)
        try h.command("edges")
        #expect(h.d.hints.contains("p layers"), "\(h.d.hints)")
        try h.select("reviews.bookinfo.svc")
        try Self.selectRow(&h) { $0[0] == "productpage-v1.bookinfo" }
        let row = try #require(h.d.table?.selectedRow)
        #expect(row[0] == "productpage-v1.bookinfo" && row[2] == "reviews.bookinfo.svc.cluster.local")
        h.d.press(.char("p"))
        let pods = Self.mesh.pods.filter { $0.name.hasPrefix("productpage-v1-") && $0.namespace == "bookinfo" }.map(\.name).sorted()
        let note0 = pods.count == 1 ? "workload productpage-v1.bookinfo: its pod \(pods[0])"
            : "workload productpage-v1.bookinfo: pod \(pods[0]), one of its \(pods.count) pods (the others take the same path)"
        let request = LayersRequest(from: "\(pods[0]).bookinfo", to: "reviews.bookinfo.svc.cluster.local:9080",
                                    notes: [note0, "the edge names no port: using reviews's first port 9080 (http-reviews)"])
        #expect(h.d.effects.contains(.computeLayers(request)), "\(h.d.effects)")
        #expect(h.d.state.flash?.text.contains("the edge names no port: using reviews's first port 9080 (http-reviews)") == true)
        try await Self.answer(&h)
        let (left, right) = try Self.panes(h)
        #expect(left[0].contains("\(pods[0]) sidecar"))
        #expect(right.contains("CHOSEN"))
        #expect(right.contains("- the edge names no port: using reviews's first port 9080 (http-reviews)"))
    }

    @Test func ambientPathThroughTheWaypoint() async throws {
        var h = try LiveDemoData.driver(width: 300, height: 50)
        let pp = Self.mesh.pods.first { $0.name.hasPrefix("productpage-v1-") && $0.namespace == DemoMesh.ambientNamespace }!
        Self.run(&h, "layers \(pp.name) reviews:9080")
        #expect(h.d.effects.contains(.computeLayers(LayersRequest(from: "\(pp.name).\(DemoMesh.ambientNamespace)",
                                                                  to: "reviews.\(DemoMesh.ambientNamespace).svc.cluster.local:9080"))))
        try await Self.answer(&h)
        let (left, right) = try Self.panes(h)
        #expect(left[0].contains("ztunnel on \(pp.node)") && left[0].contains(" waypoint"), "\(left[0])")
        #expect(left.contains { $0.hasPrefix("HBONE") && $0.contains("terminate+originate") })
        #expect(right.contains { $0.contains("filter chain: main_internal: inbound-vip|9080||reviews.bookinfo-ambient.svc.cluster.local-http") }, "\(right)")
        #expect(right.contains { $0.contains("waypoint: to waypoint bookinfo-ambient/waypoint on port 15008") })
    }

    @Test func unreadableProxyIsNamedAndThePathIsStillShown() async throws {
        var h = try LiveDemoData.driver(width: 260, height: 50)
        let pp = Self.productpage
        Self.run(&h, "layers \(pp.name).bookinfo details:9080")
        let details = Self.mesh.pods.filter { $0.name.hasPrefix("details-v1-") && $0.namespace == "bookinfo" }.map(\.name)
        try await Self.answer(&h, source: DemoMemorySource(failing: Set(details)))
        let (left, right) = try Self.panes(h)
        #expect(left[0].contains("\(pp.name) sidecar"))
        // The server sidecar is still a hop: every layer unknown, with the reason.
        let server = try #require(details.first { left[0].contains("\($0) sidecar") }, "\(left[0])")
        let tls = try #require(left.first { $0.hasPrefix("TLS ") }).components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(tls.count == 5 && tls[2].hasPrefix("originate ") && tls[2].hasSuffix("]") && tls[3] == "unknown+unknown" && tls[4] == "—", "\(tls)")
        #expect(left.contains("   TLS  downstream: unknown (the sidecar's config dump could not be read)"), "\(left)")
        #expect(right.contains("missing: the config dump of \(server).bookinfo (sidecar)"), "\(right)")
        #expect(right.contains("PROBLEMS"))
        let problem = try #require(right.first { $0.hasPrefix("- details-v1-") })
        #expect(problem.contains(":15000/config_dump?include_eds: connection refused"), "\(problem)")
        #expect(h.d.state.flash?.level == .warn)
        #expect(h.d.state.flash?.text.hasPrefix("path with ") == true)
        #expect(h.d.state.flash?.text.contains("connection refused") == true)
    }

    @Test func badRequestsSayWhatIsWrong() async throws {
        var h = try LiveDemoData.driver()
        Self.run(&h, "layers nobody.bookinfo reviews:9080")
        #expect(h.d.effects.isEmpty)
        #expect(h.d.state.flash == Flash("layers: no running pod or workload nobody in namespace bookinfo", .error, at: LiveDemoData.t0))
        Self.run(&h, "layers \(Self.productpage.name) nosuch")
        #expect(h.d.state.flash?.text == "layers: no service nosuch (from namespace bookinfo); give HOST:PORT")
        Self.run(&h, "layers reviews:9080")
        #expect(h.d.state.flash?.text == LiveLayers.usage)
        // An unknown host with a port is still chained (where would its traffic go?), with a note.
        Self.run(&h, "layers \(Self.productpage.name) example.com:443")
        #expect(h.d.effects.contains { if case .computeLayers(let r) = $0 { r.to == "example.com:443" && r.notes.first?.hasPrefix("no service example.com") == true } else { false } })
        #expect(h.d.state.flash?.level == .warn)
        h.d.effects = []
        // A gateway's path starts outside the mesh.
        let gw = try #require(Self.mesh.pods.first { $0.name.hasPrefix("istio-ingressgateway-") })
        Self.run(&h, "layers \(gw.name).\(gw.namespace) productpage.bookinfo:9080")
        #expect(h.d.effects == [.computeLayers(LayersRequest(from: "\(gw.name).\(gw.namespace)", to: "productpage.bookinfo.svc.cluster.local:9080", viaIngress: true,
                                                             notes: ["\(gw.name) is a gateway: the path starts at a client outside the mesh (as --via-ingress)"]))])
        h.d.effects = []
        // The runtime's refusal (e.g. the pod went away meanwhile) is an error flash.
        h.d.send(.layersFailed("layers x.bookinfo → y:1: --from x.bookinfo: no running pod x in namespace bookinfo"))
        #expect(h.d.state.flash?.level == .error)
        // `?` lists l on the Workloads view.
        try h.command("pods")
        h.d.press(.char("?"))
        #expect(h.text.contains("layers to…"))
    }

    @Test func viaIngressLeavesTheGatewayToTheRuntime() async throws {
        var h = try LiveDemoData.driver(width: 260, height: 50)
        Self.run(&h, "layers --via-ingress productpage.bookinfo:9080")
        #expect(h.d.effects.contains(.computeLayers(LayersRequest(from: nil, to: "productpage.bookinfo:9080", viaIngress: true))))
        try await Self.answer(&h)
        let (left, _) = try Self.panes(h)
        #expect(left[0].contains("client (outside the mesh)"))
        #expect(left[0].contains(" gateway"))
    }

    @Test func fileSourcesKeepTheirLayersFormAndRefuseTheLiveOne() throws {
        var d = try Driver("envoy/sidecar/config_dump.json", width: 160, height: 40)
        d.press(.char(":"))
        d.type("layers 9080")
        d.press(.enter)
        #expect(d.crumbs.contains("layers 9080"))
        #expect(d.effects.isEmpty)
        // The path form needs pods: on a file it is refused by the state machine, and the
        // file runtime refuses the effect with the same advice.
        d.press(.char(":"))
        d.type("layers sleep.default httpbin:8000")
        d.press(.enter)
        #expect(d.effects.isEmpty)
        #expect(d.state.flash?.level == .error)
        let source = FileSource(path: Fixtures.path("envoy/sidecar/config_dump.json"))
        let driver = FileDriver(source: source, data: try source.load(), refresh: 60)
        let answer = driver.perform(.computeLayers(LayersRequest(from: "a.b", to: "c:1")), post: { _ in })
        guard case .layersFailed(let why)? = answer.first else { Issue.record("no refusal: \(answer)"); return }
        #expect(why.hasPrefix("a path from a pod needs a live source"))
    }

    @Test func proxyRowOpensThePickerToo() throws {
        var h = try LiveDemoData.driver(width: 240)
        try h.command("proxies")
        try h.select(Self.productpage.name)
        #expect(h.d.hints.contains("p layers to…"), "\(h.d.hints)")
        h.d.press(.char("p"))
        #expect(h.d.table?.spec.title == "Layers from \(Self.productpage.name).bookinfo: pick a destination")
    }
}
