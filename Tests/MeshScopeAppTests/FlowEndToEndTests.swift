import Foundation
import MeshGen
import Testing

/// `:flows`, `l` and `v` on the real binary and the demo mesh (`meshscope --demo` in tmux):
/// the demo's proxies write access logs that the fake API server streams (`pods/log`,
/// follow), with 503 UH towards ratings, whose endpoints are unhealthy.
@Suite(.serialized) struct FlowEndToEndTests {
    static let demo = DemoMesh()
    static let slow = LiveEndToEndTests.slow

    static func rows(_ screen: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.hasPrefix("│ ") && $0.contains(":") && !$0.contains("SOURCE") }
    }

    static func count(_ screen: String, _ title: String) -> Int? {
        guard let r = screen.range(of: " \(title)[") else { return nil }
        let digits = screen[r.upperBound...].prefix { $0.isNumber || $0 == "/" }
        return Int(digits.split(separator: "/").first ?? "")
    }

    @Test func flowsShowRowsAndFiltersNarrowThem() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await LiveEndToEndTests.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.waitFor("the workloads", timeout: Self.slow) { $0.contains("Workloads[\(Self.demo.pods.count)]") }
        try await t.command("flows")
        try await t.waitFor("flows arriving", timeout: Self.slow) { (Self.count($0, "Flows") ?? 0) > 5 }
        try await t.command("flows --to ratings --status 503")
        let screen = try await t.waitFor("only ratings' 503s", timeout: Self.slow) { s in
            let rows = Self.rows(s)
            return !rows.isEmpty && s.contains("--to ratings --status 503") && rows.allSatisfy { $0.contains(" 503 ") && $0.contains(" UH ") && $0.contains("ratings") }
        }
        #expect(Self.rows(screen).allSatisfy { $0.contains("ratings") })
        // `d` says what UH means.
        try await t.keys("d")
        try await t.waitFor("UH in words", timeout: Self.slow) { $0.contains("UH (NoHealthyUpstream): no healthy upstream host (503)") }
        try await t.keys("Escape")
        // `/` narrows further, as in every view.
        try await t.filter("GET")
        try await t.waitFor("the text filter", timeout: Self.slow) { $0.contains("</GET>") }
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }

    @Test func lOnAPodOpensItsFlows() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await LiveEndToEndTests.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pod = try #require(Self.demo.pods.first { $0.name.hasPrefix("productpage-v1-") && $0.namespace == DemoMesh.sidecarNamespace })
        try await t.waitFor("the workloads", timeout: Self.slow) { $0.contains("Workloads[\(Self.demo.pods.count)]") }
        try await t.filter(pod.name)
        try await t.waitFor("the pod's row", timeout: Self.slow) { LiveEndToEndTests.line($0, pod.name) != nil }
        try await t.keys("l")
        // The rows in the wait too: a capture can catch the title counting rows not yet drawn.
        let screen = try await t.waitFor("its flows", timeout: Self.slow) { s in
            s.contains("--pod \(pod.name).\(pod.namespace)") && (Self.count(s, "Flows") ?? 0) > 0
                && !Self.rows(s).isEmpty && Self.rows(s).allSatisfy { $0.contains("productpage") }
        }
        #expect(Self.rows(screen).allSatisfy { $0.contains("productpage") })
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }

    @Test func logLevelKeyAsksThenSets() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await LiveEndToEndTests.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pod = try #require(Self.demo.pods.first { $0.name.hasPrefix("details-v1-") && $0.namespace == DemoMesh.sidecarNamespace })
        try await t.waitFor("the workloads", timeout: Self.slow) { $0.contains("Workloads[\(Self.demo.pods.count)]") }
        try await t.filter(pod.name)
        try await t.waitFor("the pod's row", timeout: Self.slow) { LiveEndToEndTests.line($0, pod.name) != nil }
        try await t.keys("v")
        try await t.waitFor("the prompt", timeout: Self.slow) { $0.contains(":log-level \(pod.name).\(pod.namespace)") }
        try await t.type("rbac:debug")
        try await t.keys("Enter")
        try await t.waitFor("the question", timeout: Self.slow) { $0.contains("Log levels") && $0.contains("This changes a live proxy") }
        try await t.keys("y")
        try await t.waitFor("the answer", timeout: Self.slow) { $0.contains("log levels set rbac:debug on \(pod.name).\(pod.namespace): rbac=debug") }
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }
}
