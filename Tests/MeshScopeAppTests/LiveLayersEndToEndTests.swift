import Foundation
import MeshGen
import Testing

/// The Layers view on the real binary and the demo mesh (`meshscope --demo` in tmux): from a
/// pod (`L`, pick reviews:9080) and from an edge of the Connections view (`L`), then on a
/// snapshot of the demo opened offline. The facts asserted are the ones
/// `meshscope --demo layers --from <productpage pod>.bookinfo --to reviews:9080` prints: the
/// client sidecar originates Istio mTLS (SNI `outbound_.9080_._.reviews.bookinfo.svc.cluster.local`)
/// and HTTP, the server sidecar terminates them on `virtualInbound`'s `inbound|9080||` chain.
@Suite(.serialized) struct LiveLayersEndToEndTests {
    static let demo = DemoMesh()
    static var productpage: String { demo.pods.first { $0.name.hasPrefix("productpage-v1-") && $0.namespace == DemoMesh.sidecarNamespace }!.name }
    static let slow = LiveEndToEndTests.slow

    /// Wide enough for four hop columns beside the evidence pane.
    static func launch(_ t: Tmux, _ args: String = "") async throws -> String {
        let dir = NSTemporaryDirectory() + "meshscope-layers-e2e-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try await t.start(width: 260, height: 50)
        try await t.type("cd \(dir); stty -g > stty.before; \(try Tmux.binary()) \(args); echo \"exit=$?\"; stty -g > stty.after")
        try await t.keys("Enter")
        return dir
    }

    static func lines(_ screen: String) -> [String] { screen.split(separator: "\n").map(String.init) }

    /// The hop table row of `layer` (the diagram's left pane), cut at the pane's rule.
    static func row(_ screen: String, _ layer: String) -> String? {
        lines(screen).first { $0.hasPrefix("│ \(layer) ") }.map { l in
            let body = l.dropFirst(2)
            return String(body.prefix { $0 != "│" })
        }
    }

    /// Every fact `expectSidecarPath` checks is on screen: the waits wait for this, since a
    /// capture can catch the hop table with its header drawn and rows or evidence not yet.
    static func showsSidecarPath(_ screen: String) -> Bool {
        let header = lines(screen).first { $0.hasPrefix("│ LAYER ") } ?? ""
        let tls = row(screen, "TLS") ?? "", http = row(screen, "HTTP") ?? ""
        let tlsCells = tls.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return header.contains("\(productpage) app") && header.contains("\(productpage) sidecar") && header.contains("reviews-v")
            && tlsCells.count >= 4 && tlsCells[1] == "—" && tlsCells[2].hasPrefix("originate ") && tlsCells[3].hasPrefix("terminate [")
            && http.contains("terminate+originate [") && row(screen, "HBONE") != nil
            && screen.contains("EVIDENCE") && screen.contains("Istio mTLS, SNI outbound_.9080_._.reviews.bookinfo.svc.cluster.loc")
    }

    /// The sidecar-to-sidecar path's facts, as the CLI prints them for the same pods.
    static func expectSidecarPath(_ screen: String) {
        let header = lines(screen).first { $0.hasPrefix("│ LAYER ") } ?? ""
        #expect(header.contains("\(productpage) app") && header.contains("\(productpage) sidecar"), "\(header)")
        #expect(header.contains("reviews-v"), "\(header)")
        let tls = row(screen, "TLS") ?? "", http = row(screen, "HTTP") ?? "", hbone = row(screen, "HBONE") ?? ""
        // TLS: — (app), originate (client sidecar), terminate (server sidecar).
        let tlsCells = tls.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(tlsCells.count >= 4 && tlsCells[1] == "—" && tlsCells[2].hasPrefix("originate ") && tlsCells[3].hasPrefix("terminate ["), "\(tls)")
        #expect(http.contains("terminate+originate ["), "\(http)")
        #expect(!hbone.contains("originate") && !hbone.contains("terminate"), "\(hbone)")
        // The evidence pane, right of the rule.
        #expect(screen.contains("EVIDENCE"))
        #expect(screen.contains("Istio mTLS, SNI outbound_.9080_._.reviews.bookinfo.svc.cluster.loc"), "\(screen)")
    }

    @Test func fromAPodPickReviewsAndSeeTheHops() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await Self.launch(t, "--demo --refresh 1")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.waitFor("the demo's workloads", timeout: Self.slow) { $0.contains("Workloads[\(Self.demo.pods.count)]") && $0.contains(" sidecar ") }
        try await t.filter(Self.productpage)
        try await t.waitFor("productpage's row", timeout: Self.slow) { LiveEndToEndTests.line($0, Self.productpage) != nil }
        // The hints bar and ? name the key.
        try await t.waitFor("p in the hints", timeout: Self.slow) { $0.contains("p layers to…") }
        try await t.keys("p")
        // On a loaded machine tmux can be read mid-frame (header drawn, rows not yet): wait for the row.
        var screen = try await t.waitFor("the destination picker", timeout: Self.slow) {
            $0.contains("pick a destination") && $0.contains("DESTINATION") && LiveEndToEndTests.line($0, "reviews.bookinfo.svc.cluster.local:9080")?.contains(" 9080 ") == true
        }
        #expect(LiveEndToEndTests.line(screen, "reviews.bookinfo.svc.cluster.local:9080")?.contains(" 9080 ") == true)
        try await t.filter("reviews.bookinfo.svc")
        try await t.waitFor("reviews' row", timeout: Self.slow) { s in
            Self.lines(s).filter { $0.hasPrefix("│ bookinfo ") }.count == 1 && LiveEndToEndTests.line(s, "reviews.bookinfo.svc.cluster.local:9080") != nil
        }
        try await t.keys("Enter")
        let title = " Layers \(Self.productpage).bookinfo → reviews.bookinfo.svc.cluster.local:9080 "
        screen = try await t.waitFor("the hop table", timeout: Self.slow) { Self.showsSidecarPath($0) && $0.contains(title) }
        Self.expectSidecarPath(screen)
        #expect(screen.contains(title))
        // The flash says how many hops, for 7 s: on a loaded machine the screen above may be
        // read after it went, so read it in :messages, which keeps every flash.
        try await t.command("messages")
        try await t.waitFor("the hop count in :messages", timeout: Self.slow) { $0.contains("path with 4 hops") }
        try await t.keys("Escape")
        try await t.waitFor("the hop table again", timeout: Self.slow) { $0.contains("│ LAYER ") }
        // Esc returns to the picker.
        try await t.keys("Escape")
        try await t.waitFor("the picker again", timeout: Self.slow) { $0.contains("pick a destination") }
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }

    @Test func fromAnEdgeThenOnASnapshot() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await Self.launch(t, "--demo --refresh 1")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.waitFor("the store's first round", timeout: Self.slow) { $0.contains("Workloads[") && $0.contains(" proxies") }
        try await t.command("edges")
        try await t.waitFor("the edges", timeout: Self.slow) { $0.contains("Connections[") && $0.contains("productpage-") }
        // productpage → reviews (the first such row; every reviews version takes the same layers).
        try await t.filter("productpage-v1.bookinfo.*reviews.bookinfo.svc")
        try await t.waitFor("a productpage → reviews edge", timeout: Self.slow) { s in
            let rows = Self.lines(s).filter { $0.hasPrefix("│ productpage-") }
            return !rows.isEmpty && !Self.lines(s).contains { $0.hasPrefix("│ istio-ingres") || $0.hasPrefix("│ curl-") }
        }
        try await t.keys("p")
        let chosen = "the edge names no port: using reviews's first port 9080 (http-reviews)"
        let screen = try await t.waitFor("the edge's hop table", timeout: Self.slow) { Self.showsSidecarPath($0) && $0.contains("CHOSEN") && $0.contains(chosen) }
        Self.expectSidecarPath(screen)
        // The edge has no port: the choice is said in the evidence pane.
        #expect(screen.contains("CHOSEN"))
        #expect(screen.contains(chosen))

        // A snapshot of the demo: the same path, offline.
        try await t.keys("C-s")
        try await t.waitFor("the snapshot written", timeout: Self.slow) { $0.contains("snapshot written: ") }
        try await LiveEndToEndTests.quitAndCheckRestored(t)
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".json.gz") })
        try await t.type("\(try Tmux.binary()) --snapshot \(file); echo \"exit=$?\"")
        try await t.keys("Enter")
        try await t.waitFor("the snapshot opened", timeout: Self.slow) { $0.contains("Workloads[\(Self.demo.pods.count)]") && $0.contains("Source:   snapshot ") }
        try await t.command("layers \(Self.productpage).bookinfo reviews:9080")
        let offline = try await t.waitFor("the hop table from the snapshot", timeout: Self.slow) { Self.showsSidecarPath($0) }
        Self.expectSidecarPath(offline)
        try await t.command("q")
        try await t.waitFor("exit=0", timeout: Self.slow)
    }
}
