import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// `:` command lines parsed into ``AppCommand`` on their own (no state, no screens), and
/// the row keys and picker rows that produce commands without a command line.
@Suite struct AppCommandTests {
    @Test func wordsBecomeTypedCommands() {
        let cases: [(String, AppCommand?)] = [
            ("", nil),
            ("   ", nil),
            ("q", .quit), ("q!", .quit), ("quit", .quit), ("exit", .quit),
            ("help", .help), ("?", .help),
            ("reload", .reload), ("pause", .pause), ("resume", .resume), ("stats", .stats),
            ("theme", .theme(nil)), ("theme  solarized", .theme("solarized")),
            ("ns", .namespaces), ("ns all", .namespace(nil)), ("namespace -A", .namespace(nil)), ("ns bookinfo", .namespace("bookinfo")),
            ("ctx", .context(nil)), ("context kind-dev", .context("kind-dev")),
            ("apply", .apply), ("describe", .describe),
            ("messages", .messages), ("msg", .messages),
            ("diff", .diff([])), ("diff productpage-v1.bookinfo", .diff(["productpage-v1.bookinfo"])),
            ("diff a.ns  b.ns", .diff(["a.ns", "b.ns"])),
            ("layers 9080", .layers(["9080"])),
            ("layers --via-ingress reviews:9080", .layers(["--via-ingress", "reviews:9080"])),
            ("clusters", .view("clusters", filter: nil)),
            ("clusters outbound|inbound", .view("clusters", filter: "outbound|inbound")),
            // Blanks collapse: the filter is the words after the name, one blank apart.
            ("  listeners   0.0.0.0  15006 ", .view("listeners", filter: "0.0.0.0 15006")),
            ("nosuchview", .view("nosuchview", filter: nil)),
        ]
        for (line, expected) in cases {
            #expect(AppCommand.parse(line) == expected, "\(line)")
        }
    }

    @Test func completionOffersEveryCommandName() {
        // Each completable name parses to something other than a view (views come from the registry).
        for name in AppCommand.names {
            guard let c = AppCommand.parse(name) else { Issue.record("\(name) does not parse"); continue }
            if case .view = c { Issue.record("\(name) parses as a view") }
        }
    }

    @Test func pickersAndRowKeysProduceCommandsNotText() throws {
        let proxy = MeshState.Proxy(name: "productpage-v1-abc", namespace: "bookinfo", kind: .sidecar, node: "node-1", ip: "10.0.0.1")
        #expect(DiffRequest.istiod(proxy: proxy.key).command == .diff(["productpage-v1-abc.bookinfo"]))
        #expect(DiffRequest.proxies("bookinfo/a", "default/b").command == .diff(["a.bookinfo", "b.default"]))
        let edge = try #require(LiveLayers.edgeKey.command)
        #expect(edge(.empty, ["productpage-v1.bookinfo", "reviews-v2.bookinfo", "reviews.bookinfo.svc.cluster.local"], 0)
                == .layers(["productpage-v1.bookinfo", "reviews.bookinfo.svc.cluster.local"]))
        #expect(edge(.empty, ["a", "b"], 0) == nil)
        let pick = try #require(LiveLayers.picker(from: "productpage-v1-abc.bookinfo").enterCommand)
        #expect(pick(["bookinfo", "reviews", "reviews.bookinfo.svc.cluster.local:9080"]) == .layers(["productpage-v1-abc.bookinfo", "reviews.bookinfo.svc.cluster.local:9080"]))
    }

    @Test func anUnknownNameListsTheViews() throws {
        var d = try Driver("envoy/waypoint/config_dump.json")
        d.press(.char(":"))
        d.type("nosuchview")
        d.press(.enter)
        #expect(d.state.flash?.level == .error)
        #expect(d.state.flash?.text.hasPrefix("unknown command \"nosuchview\"; try :") == true)
        #expect(d.crumbs == "sections")
    }
}
