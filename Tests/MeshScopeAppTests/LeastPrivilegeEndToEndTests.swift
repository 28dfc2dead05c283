import Foundation
import MeshGen
import Testing

/// The real binary in tmux as a namespace-scoped user (`--demo --demo-user bookinfo`: a
/// token that may read bookinfo and nothing else): the TUI starts in the context's
/// namespace and fills it, says what is forbidden, and `-A` says forbidden instead of waiting.
@Suite(.serialized) struct LeastPrivilegeEndToEndTests {
    static let slow = LiveEndToEndTests.slow
    static var bookinfoPod: String { LiveEndToEndTests.demo.pods.first { $0.namespace == DemoMesh.sidecarNamespace }!.name }

    static func header(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    @Test func namespaceScopedUserStartsInTheContextNamespace() async throws {
        let t = Tmux()
        defer { t.kill() }
        _ = try await LiveEndToEndTests.launch(t, "--demo-user bookinfo")
        var screen = try await t.waitFor("bookinfo's workloads", timeout: Self.slow) { s in
            // The header in the wait too: a capture can catch a frame half drawn.
            LiveEndToEndTests.line(s, Self.bookinfoPod) != nil && s.contains("forbidden") && Self.header(s).contains("ns: bookinfo")
        }
        #expect(Self.header(screen).contains("ns: bookinfo"))
        #expect(!screen.contains("waiting for the cluster's objects"))
        // istiod lives in istio-system, which this user may not read: :proxies says so and
        // still lists the proxies it can reach.
        try await t.command("proxies")
        screen = try await t.waitFor("the reachable proxies", timeout: Self.slow) { s in
            LiveEndToEndTests.line(s, Self.bookinfoPod) != nil && s.contains("unavailable") && s.contains("istiod not found: forbidden")
        }
        // Another team's namespace: the empty view says which refusal emptied it.
        try await t.command("pods")
        try await t.command("ns istio-system")
        screen = try await t.waitFor("the refusal in istio-system", timeout: Self.slow) { s in
            s.contains("forbidden: cannot list pods in istio-system (needs get/list on pods)")
        }
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }

    @Test func allNamespacesSaysForbiddenInsteadOfWaiting() async throws {
        let t = Tmux()
        defer { t.kill() }
        _ = try await LiveEndToEndTests.launch(t, "--demo-user bookinfo -A")
        let screen = try await t.waitFor("the forbidden message", timeout: Self.slow) { s in
            s.contains("forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)") && Self.header(s).contains("ns: all")
        }
        #expect(Self.header(screen).contains("ns: all"))
        #expect(!screen.contains("waiting for the cluster's objects"))
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }
}
