import Foundation
import MeshDemo
import MeshGen
import Testing

/// `:ctx` on the real binary in tmux, between two demo clusters served from this test
/// process (fake API servers and proxies on loopback) and named by one kubeconfig: the
/// switch shows the other cluster's objects and context in the header; a context whose API
/// server does not answer is refused and the current one stays.
@Suite(.serialized) struct ContextSwitchEndToEndTests {
    /// The kubeconfig: `alpha` (bookinfo only), `beta` (bookinfo plus two generated services
    /// in namespace demo-00), `dead` (a loopback port nothing listens on).
    static func kubeconfig(alpha: DemoCluster, beta: DemoCluster, deadPort: Int, in dir: String) throws -> String {
        let path = dir + "/kubeconfig"
        try """
        apiVersion: v1
        kind: Config
        clusters:
        - name: alpha-cluster
          cluster: {server: "\(alpha.api.url)"}
        - name: beta-cluster
          cluster: {server: "\(beta.api.url)"}
        - name: dead-cluster
          cluster: {server: "http://127.0.0.1:\(deadPort)"}
        users:
        - name: demo
          user: {}
        contexts:
        - name: alpha
          context: {cluster: alpha-cluster, user: demo}
        - name: beta
          context: {cluster: beta-cluster, user: demo}
        - name: dead
          context: {cluster: dead-cluster, user: demo}
        current-context: alpha

        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A loopback port that was free a moment ago (bound, then closed).
    static func closedPort() async throws -> Int {
        let server = try await AdminStubServer.start([:])
        await server.shutdown()
        return Int(server.baseURL.split(separator: ":").last ?? "") ?? 1
    }

    /// Polls the screen without blocking a thread: the demo servers answer from this
    /// process's own task pool while the test waits.
    @discardableResult
    static func waitFor(_ t: Tmux, _ what: String, timeout: TimeInterval = LiveEndToEndTests.slow, _ predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try await t.capture()
            if predicate(screen) { return screen }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw Tmux.Timeout(what: what, screen: screen)
    }

    static func header(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    @Test func switchToASecondClusterAndRefuseADeadOne() async throws {
        let alpha = try await DemoCluster.start()
        let beta: DemoCluster
        do { beta = try await DemoCluster.start(.init(services: 2)) } catch { await alpha.shutdown(); throw error }
        let t = Tmux()
        let dir = NSTemporaryDirectory() + "meshscope-ctx-e2e-\(getpid())-\(UUID().uuidString)"
        defer {
            t.kill()
            try? FileManager.default.removeItem(atPath: dir)
        }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let config = try Self.kubeconfig(alpha: alpha, beta: beta, deadPort: try await Self.closedPort(), in: dir)
            let alphaPods = alpha.mesh.pods.count, betaPods = beta.mesh.pods.count
            let onlyInBeta = try #require(beta.mesh.pods.first { $0.namespace == "demo-00" })
            #expect(betaPods > alphaPods && !alpha.mesh.pods.contains { $0.namespace == "demo-00" })

            try await t.start()
            try await t.type("cd \(dir); stty -g > stty.before; \(try Tmux.binary()) --kubeconfig \(config) --refresh 1; echo \"exit=$?\"; stty -g > stty.after")
            try await t.keys("Enter")
            // What is expected below is waited for too: a capture can catch a frame half drawn.
            var screen = try await Self.waitFor(t, "alpha's workloads") { $0.contains("Workloads[\(alphaPods)]") && Self.header($0).contains("alpha @ alpha-cluster  ns: all") }
            #expect(Self.header(screen).contains("alpha @ alpha-cluster  ns: all"))

            // A context whose API server does not answer: refused, alpha stays.
            try await t.command("ctx dead")
            screen = try await Self.waitFor(t, "the refused switch") {
                $0.contains("cannot switch to context dead") && Self.header($0).contains("alpha @ alpha-cluster") && $0.contains("Workloads[\(alphaPods)]")
            }
            #expect(Self.header(screen).contains("alpha @ alpha-cluster"))
            #expect(screen.contains("Workloads[\(alphaPods)]"))

            // The second cluster: its header, its pods, a namespace only it has.
            try await t.command("ctx beta")
            screen = try await Self.waitFor(t, "beta's workloads") { Self.header($0).contains("beta @ beta-cluster") && $0.contains("Workloads[\(betaPods)]") }
            try await t.filter(onlyInBeta.name)
            screen = try await Self.waitFor(t, "a pod only beta has") { LiveEndToEndTests.line($0, onlyInBeta.name)?.contains("demo-00") == true }
            try await t.command("namespaces")
            screen = try await Self.waitFor(t, "beta's namespaces") { LiveEndToEndTests.line($0, "demo-00") != nil && Self.header($0).contains("beta @ beta-cluster") }
            #expect(Self.header(screen).contains("beta @ beta-cluster"))

            // And back: alpha has no demo-00.
            try await t.command("ctx alpha")
            screen = try await Self.waitFor(t, "alpha again") { Self.header($0).contains("alpha @ alpha-cluster") && $0.contains("Workloads[\(alphaPods)]") }
            try await t.command("namespaces")
            screen = try await Self.waitFor(t, "alpha's namespaces") { LiveEndToEndTests.line($0, "bookinfo") != nil }
            #expect(LiveEndToEndTests.line(screen, "demo-00") == nil)

            try await t.command("q")
            screen = try await Self.waitFor(t, "the shell after exit") { s in s.split(separator: "\n").contains { $0.hasPrefix("exit=") } }
            #expect(screen.split(separator: "\n").contains("exit=0"))
        } catch {
            await beta.shutdown()
            await alpha.shutdown()
            throw error
        }
        await beta.shutdown()
        await alpha.shutdown()
    }
}
