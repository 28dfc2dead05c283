import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshTestSupport
import Testing
import TerminalUI
@testable import MeshScopeApp

/// `:log-level` in the TUI asks the API server before it asks the user: the state machine's
/// `.reviewLogLevel` is answered by the live runtime (a SelfSubjectAccessReview through the
/// fake API server's RBAC, as the demo's bookinfo user), and only an allowed answer opens the
/// y/n question; a refusal is said instead, with no question and no write.
@Suite(.serialized) struct LogLevelReviewTests {
    @Test func refusalIsSaidBeforeTheQuestionAndNothingIsWritten() async throws {
        let setup = try await DemoSetup.start("meshscope-loglevel-review")
        let user = DemoCluster.restrictedUser(namespace: DemoMesh.sidecarNamespace)
        let kubeconfig: String
        let client: KubeClient
        do {
            kubeconfig = try setup.demo.writeRestrictedKubeconfig(namespace: DemoMesh.sidecarNamespace, path: setup.dir + "/bookinfo")
            let env = KubeconfigLoader.Environment(variables: [:], home: setup.dir + "/home", serviceAccountRoot: setup.dir + "/sa")
            client = try KubeClient(connection: try KubeconfigLoader(environment: env).load(.init(kubeconfig: kubeconfig)),
                                    options: TransportOptions(requestTimeout: 60))
        } catch {
            await setup.stop()
            throw error
        }
        let source = ClusterMeshSource(client: client, admin: AdminClient(.apiServerProxy(client), timeout: 60, maxConcurrent: 8), namespace: nil, syncTimeout: 60)
        let conn = LiveConnection(source: source, info: source.info, cluster: "meshscope-demo", applier: nil, close: { await source.close() })
        let runtime = LiveDriver(LiveTUIOptions(ui: TUIOptions(files: [], refreshInterval: 0.5), connection: conn, label: "demo"))
        let events = PostedEvents()
        runtime.start(post: events.post)
        func teardown() async {
            await runtime.stop()
            await client.shutdown()
            await setup.stop()
        }
        do {
            try await body(setup, user: user, runtime: runtime, events: events)
            await teardown()
        } catch {
            await teardown()
            throw error
        }
    }

    func body(_ setup: DemoSetup, user: String, runtime: LiveDriver, events: PostedEvents) async throws {
        func waitFor<T>(_ what: String, _ find: () -> T?) async throws -> T {
            for _ in 0..<600 {
                if let found = find() { return found }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            throw Failure(what: what)
        }
        let data = try await waitFor("the bookinfo pods") {
            events.all.lazy.compactMap { e -> SourceData? in if case .loaded(let d, _) = e, d.cluster?.pods.isEmpty == false { d } else { nil } }.first
        }
        let pod = try #require(setup.demo.mesh.pods.first { $0.namespace == DemoMesh.sidecarNamespace && $0.name.hasPrefix("details-v1-") })
        var d = try Driver("envoy/waypoint/config_dump.json", width: 200, height: 40)
        d.state = AppState(registry: LiveViews.registry(), data: data, source: SourceInfo(kind: .demo, label: "demo", context: "meshscope-demo"),
                           home: LiveViews.home, size: Size(width: 200, height: 40), theme: .defaultDark, now: Date())
        var reviews = 0
        /// `:log-level …` Enter: the effect the runtime answers; its answer goes back through update.
        func ask(_ level: String) async throws {
            d.effects = []
            d.press(.char(":"))
            d.type("log-level \(pod.name).\(pod.namespace) \(level)")
            d.press(.enter)
            let request = LogLevelRequest(pod: pod.name, namespace: pod.namespace, level: level, reset: false)
            // Nothing is asked before the review answers.
            #expect(d.effects == [.reviewLogLevel(request)])
            #expect(d.state.mode.isNormal)
            #expect(d.state.flash?.text.contains("checking access") == true)
            reviews += 1
            _ = runtime.perform(.reviewLogLevel(request), post: events.post)
            let n = reviews
            let answer = try await waitFor("the review's answer") {
                events.all.compactMap { e -> AppEvent? in if case .logLevelReviewed = e { e } else { nil } }.dropFirst(n - 1).first
            }
            d.effects = []
            d.send(answer)
        }
        func loggingPosts() -> Int {
            setup.demo.api.requests.filter { $0.user == user && $0.method == "POST" && $0.path.contains("/proxy/logging") }.count
        }
        // Allowed (the bookinfo user may create pods/proxy in bookinfo): the question, then the write.
        try await ask("rbac:debug")
        guard case .confirm(let c) = d.state.mode else { Issue.record("no question after an allowed review"); return }
        #expect(c.dialog.message.joined().contains("rbac:debug on \(pod.name).\(pod.namespace)"))
        d.press(.char("y"))
        let write = try #require(d.effects.first { if case .setLogLevel = $0 { true } else { false } })
        _ = runtime.perform(write, post: events.post)
        _ = try await waitFor("the write's answer") {
            events.all.first { if case .flash(let text, _) = $0 { text.contains("log levels set rbac:debug") } else { false } }
        }
        let written = loggingPosts()
        #expect(written > 0)
        // Refused (the grant taken back): the refusal instead of a question, and nothing sent.
        setup.demo.api.deny(user: user, verb: "create", resource: "pods/proxy")
        try await ask("http:debug")
        #expect(d.state.mode.isNormal, "a question was asked after a refusal")
        #expect(d.state.flash?.level == .error)
        #expect(d.state.flash?.text.contains("log levels http:debug on \(pod.name).\(pod.namespace): forbidden:") == true, "\(d.state.flash?.text ?? "")")
        #expect(d.state.flash?.text.contains("create pods/proxy in \(pod.namespace)") == true, "\(d.state.flash?.text ?? "")")
        #expect(!d.effects.contains { if case .setLogLevel = $0 { true } else { false } })
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(loggingPosts() == written, "a write was sent after the refusal")
    }

    struct Failure: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }
}
