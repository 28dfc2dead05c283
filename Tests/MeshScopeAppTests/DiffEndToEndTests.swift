import Foundation
import MeshGen
import Testing

/// The Diff view in the real binary (tmux): `D` on the demo's stale proxy shows the cluster
/// istiod would change, `--snapshot A --compare B` opens on two snapshots' differences, and
/// `--compare A` on a live source on what changed since snapshot A.
@Suite(.serialized) struct DiffEndToEndTests {
    static let slow = LiveEndToEndTests.slow

    @Test func dOnTheStaleProxyShowsWhatIstiodWouldSend() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await LiveEndToEndTests.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.waitFor("the store's first round", timeout: Self.slow) { $0.contains("Workloads[") && $0.contains(" proxies") }
        try await t.command("proxies")
        try await t.filter("reviews-v2-")
        try await t.waitFor("the stale proxy", timeout: Self.slow) { LiveEndToEndTests.line($0, "reviews-v2-")?.contains("STALE") == true }
        try await t.keys("x")
        // What is expected after each wait is waited for too: a capture can catch a frame half drawn.
        var screen = try await t.waitFor("the picker", timeout: Self.slow) {
            $0.contains("Compare \(LiveEndToEndTests.stalePod) with") && LiveEndToEndTests.line($0, "istiod")?.contains("what istiod would send this proxy") == true
        }
        #expect(LiveEndToEndTests.line(screen, "istiod")?.contains("what istiod would send this proxy") == true)
        try await t.keys("Enter")
        screen = try await t.waitFor("the comparison", timeout: Self.slow) {
            $0.contains("Clusters Don't Match") && $0.contains("Listeners Match") && $0.contains("~ cluster outbound|9080||ratings.bookinfo")
        }
        #expect(screen.contains("Listeners Match"))
        #expect(screen.contains("~ cluster outbound|9080||ratings.bookinfo"))
        try await t.keys("j", "Tab")
        screen = try await t.waitFor("the cluster's diff", timeout: Self.slow) { $0.contains("-outlier_detection:") && $0.contains("+++ Envoy Clusters/cluster/outbound|9080||ratings") }
        #expect(screen.contains("+++ Envoy Clusters/cluster/outbound|9080||ratings"))
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }

    @Test func compareTwoSnapshots() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = NSTemporaryDirectory() + "meshscope-diff-e2e-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.start()
        let bin = try Tmux.binary()
        // Two demo meshes, the second with one generated service more.
        try await t.type("cd \(dir) && \(bin) --demo --demo-services 2 --demo-replicas 1 snapshot -o a.json && \(bin) --demo --demo-services 3 --demo-replicas 1 snapshot -o b.json && echo snapshots-done")
        try await t.keys("Enter")
        try await t.waitFor("snapshots-done", timeout: Self.slow)
        try await t.type("clear; \(bin) --snapshot a.json --compare b.json; echo \"exit=$?\"")
        try await t.keys("Enter")
        // Waits for every line expected below: tmux may be read while the frame is half written.
        let demo = DemoMesh(.init(services: 3, replicas: 1))
        let added = demo.pods.first { $0.name.hasPrefix("svc-0002-v1-") }!
        let screen = try await t.waitFor("the mesh diff", timeout: Self.slow) {
            $0.contains("PROXIES: 1 added, 0 removed, 1 changed") && $0.contains("+ v1/Service demo-00/svc-0002")
                && $0.contains("Diff a.json → b.json (2 proxies, 3 objects differ)") && $0.contains("+ proxy \(added.id)") && $0.contains("[snapshot: read-only]")
        }
        #expect(screen.contains("Diff a.json → b.json (2 proxies, 3 objects differ)"))
        #expect(screen.contains("+ proxy \(added.id)"))
        #expect(screen.contains("+ v1/Service demo-00/svc-0002"))
        #expect(screen.contains("[snapshot: read-only]"))
        try await t.command("q")
        try await t.waitFor("exit=0", timeout: Self.slow)

        // A live mesh (the demo, grown by one service) against the snapshot taken before.
        try await t.type("clear; \(bin) --demo --demo-services 3 --demo-replicas 1 --compare a.json; echo \"exit=$?\"")
        try await t.keys("Enter")
        let live = try await t.waitFor("then → now", timeout: Self.slow) {
            $0.contains("PROXIES: 1 added, 0 removed, 1 changed") && $0.contains("Diff a.json → meshscope-demo") && $0.contains("+ proxy \(added.id)")
        }
        #expect(live.contains("Diff a.json → meshscope-demo"))
        #expect(live.contains("+ proxy \(added.id)"))
        #expect(!live.contains("read-only]"))
        try await t.command("q")
        try await t.waitFor("exit=0", timeout: Self.slow)
    }
}
