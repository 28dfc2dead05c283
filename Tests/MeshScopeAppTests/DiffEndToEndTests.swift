import Foundation
import MeshGen
import Testing

/// The Diff view in the real binary (tmux): `D` on the demo's stale proxy shows the cluster
/// istiod would change, `--snapshot A --compare B` opens on two snapshots' differences, and
/// `--compare A` on a live source on what changed since snapshot A.
@Suite(.serialized) struct DiffEndToEndTests {
    static let slow = LiveEndToEndTests.slow

    @Test func dOnTheStaleProxyShowsWhatIstiodWouldSend() throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try LiveEndToEndTests.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try t.waitFor("the store's first round", timeout: Self.slow) { $0.contains("Workloads[") && $0.contains(" proxies") }
        try LiveEndToEndTests.command(t, "proxies")
        try LiveEndToEndTests.filter(t, "reviews-v2-")
        try t.waitFor("the stale proxy", timeout: Self.slow) { LiveEndToEndTests.line($0, "reviews-v2-")?.contains("STALE") == true }
        try t.keys("D")
        var screen = try t.waitFor("the picker", timeout: Self.slow) { $0.contains("Compare \(LiveEndToEndTests.stalePod) with") }
        #expect(LiveEndToEndTests.line(screen, "istiod")?.contains("what istiod would send this proxy") == true)
        try t.keys("Enter")
        screen = try t.waitFor("the comparison", timeout: Self.slow) { $0.contains("Clusters Don't Match") }
        #expect(screen.contains("Listeners Match"))
        #expect(screen.contains("~ cluster outbound|9080||ratings.bookinfo"))
        try t.keys("j", "Tab")
        screen = try t.waitFor("the cluster's diff", timeout: Self.slow) { $0.contains("-outlier_detection:") }
        #expect(screen.contains("+++ Envoy Clusters/cluster/outbound|9080||ratings"))
        try LiveEndToEndTests.quitAndCheckRestored(t)
    }

    @Test func compareTwoSnapshots() throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = NSTemporaryDirectory() + "meshscope-diff-e2e-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try t.start()
        let bin = try Tmux.binary()
        // Two demo meshes, the second with one generated service more.
        try t.type("cd \(dir) && \(bin) --demo --demo-services 2 --demo-replicas 1 snapshot -o a.json && \(bin) --demo --demo-services 3 --demo-replicas 1 snapshot -o b.json && echo snapshots-done")
        try t.keys("Enter")
        try t.waitFor("snapshots-done", timeout: Self.slow)
        try t.type("clear; \(bin) --snapshot a.json --compare b.json; echo \"exit=$?\"")
        try t.keys("Enter")
        let screen = try t.waitFor("the mesh diff", timeout: Self.slow) { $0.contains("PROXIES: 1 added, 0 removed, 1 changed") }
        let demo = DemoMesh(.init(services: 3, replicas: 1))
        let added = demo.pods.first { $0.name.hasPrefix("svc-0002-v1-") }!
        #expect(screen.contains("Diff a.json → b.json (2 proxies, 3 objects differ)"))
        #expect(screen.contains("+ proxy \(added.id)"))
        #expect(screen.contains("+ v1/Service demo-00/svc-0002"))
        #expect(screen.contains("[read-only]"))
        try LiveEndToEndTests.command(t, "q")
        try t.waitFor("exit=0", timeout: Self.slow)

        // A live mesh (the demo, grown by one service) against the snapshot taken before.
        try t.type("clear; \(bin) --demo --demo-services 3 --demo-replicas 1 --compare a.json; echo \"exit=$?\"")
        try t.keys("Enter")
        let live = try t.waitFor("then → now", timeout: Self.slow) { $0.contains("PROXIES: 1 added, 0 removed, 1 changed") }
        #expect(live.contains("Diff a.json → meshscope-demo"))
        #expect(live.contains("+ proxy \(added.id)"))
        #expect(!live.contains("[read-only]"))
        try LiveEndToEndTests.command(t, "q")
        try t.waitFor("exit=0", timeout: Self.slow)
    }
}
