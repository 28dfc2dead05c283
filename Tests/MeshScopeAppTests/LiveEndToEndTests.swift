import Foundation
import MeshGen
import Testing

/// The real binary on the demo mesh (`meshscope --demo`: fake API server and proxies on
/// loopback, reached through the real client) in tmux: browse to the stale proxy and the
/// unhealthy endpoint, see mesh modes, apply a manifest from the clipboard (a tmux buffer)
/// with preview and confirm, and quit with the terminal restored. Waits poll the screen
/// with generous timeouts: the demo starts a server and the store polls every proxy, which
/// takes a while on a loaded 2-core machine in a debug build.
@Suite(.serialized) struct LiveEndToEndTests {
    static let demo = DemoMesh()
    static var stalePod: String { demo.pods[demo.stalePod].name }
    static var unhealthyIP: String { demo.pods[demo.unhealthyPod].ip }
    /// Generous: first frame, first store round, apply round trips.
    static let slow: TimeInterval = 90

    static func launch(_ t: Tmux, _ args: String = "", environment: [String: String] = [:]) async throws -> String {
        let dir = NSTemporaryDirectory() + "meshscope-live-e2e-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try await t.start(environment: environment)
        try await t.type("cd \(dir); stty -g > stty.before; \(try Tmux.binary()) --demo --refresh 1 \(args); echo \"exit=$?\"; stty -g > stty.after")
        try await t.keys("Enter")
        return dir
    }

    /// The table line holding `text`.
    static func line(_ screen: String, _ text: String) -> String? {
        screen.split(separator: "\n").map(String.init).first { $0.hasPrefix("│") && $0.contains(text) }
    }

    static func quitAndCheckRestored(_ t: Tmux) async throws {
        try await t.command("q")
        let screen = try await t.waitFor("the shell after exit", timeout: slow) { s in s.split(separator: "\n").contains { $0.hasPrefix("exit=") } }
        #expect(screen.split(separator: "\n").contains("exit=0"))
        #expect(try await t.display("#{alternate_on}") == "0")
        try await t.type("cmp stty.before stty.after && echo modes-same")
        try await t.keys("Enter")
        try await t.waitFor("modes-same")
    }

    @Test func findTheStaleProxyAndTheUnhealthyEndpoint() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await Self.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Header and the Workloads view with every mesh mode, all in the wait: a capture can
        // catch a frame half drawn.
        var screen = try await t.waitFor("the demo's workloads", timeout: Self.slow) { s in
            s.contains("meshscope-demo @ meshscope-demo") && s.contains("Workloads[\(Self.demo.pods.count)]")
                && s.contains(" sidecar ") && s.contains(" ambient ") && s.contains(" waypoint ")
                && s.contains("Source:   demo mesh") && s.contains("Refresh:  1s")
        }
        #expect(screen.contains("Source:   demo mesh"))
        #expect(screen.contains("Refresh:  1s"))
        // The store's first round: proxies counted in the header.
        try await t.waitFor("the store's first round", timeout: Self.slow) { $0.contains(" proxies") }

        // Proxies: reviews-v2 is STALE.
        try await t.command("proxies")
        screen = try await t.waitFor("a STALE proxy", timeout: Self.slow) { $0.contains("Proxies[") && $0.contains("STALE") }
        try await t.filter(Self.stalePod)
        // The NAME column is cut to fit the type columns: match its start.
        screen = try await t.waitFor("the stale proxy's row", timeout: Self.slow) { Self.line($0, "reviews-v2-")?.contains("STALE") == true }

        // Drill in: its tabs, fed by its config dump.
        try await t.keys("Enter")
        screen = try await t.waitFor("the proxy's listeners", timeout: Self.slow) {
            $0.contains(" Listeners[") && $0.contains(" 4 Endpoints") && !$0.contains("fetching") && $0.contains(Self.stalePod)
        }
        #expect(screen.contains(Self.stalePod))
        // Endpoints: ratings-v1's host is UNHEALTHY.
        try await t.keys("4")
        try await t.waitFor(" Endpoints[", timeout: Self.slow)
        try await t.filter(Self.unhealthyIP)
        screen = try await t.waitFor("the unhealthy ratings host", timeout: Self.slow) {
            Self.line($0, Self.unhealthyIP)?.contains("UNHEALTHY") == true && Self.line($0, Self.unhealthyIP)?.contains("ratings") == true
        }
        #expect(Self.line(screen, Self.unhealthyIP)?.contains("ratings") == true)

        // Back out to the proxies, then Workloads.
        try await t.keys("Escape", "Escape")
        try await t.waitFor("the proxies again", timeout: Self.slow) { $0.contains("Proxies[") && !$0.contains(" Endpoints[") }
        try await t.command("pods")
        try await t.filter("bookinfo-ambient")
        screen = try await t.waitFor("ambient pods", timeout: Self.slow) { s in
            s.split(separator: "\n").contains { $0.hasPrefix("│") && $0.contains("bookinfo-ambient") && $0.contains(" ambient ") }
        }
        try await Self.quitAndCheckRestored(t)
    }

    @Test func applyFromTheClipboardWithPreviewAndConfirm() async throws {
        let t = Tmux()
        defer { t.kill() }
        let manifest = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: ratings-e2e
          namespace: bookinfo
        spec:
          host: ratings.bookinfo.svc.cluster.local
          trafficPolicy:
            tls:
              mode: ISTIO_MUTUAL

        """
        // The session's shell has a clean environment (no $TMUX), so name the buffer's server.
        let dir = try await Self.launch(t, environment: ["MESHSCOPE_CLIPBOARD_CMD": "tmux -L \(t.socket) save-buffer -"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.waitFor("the demo", timeout: Self.slow) { $0.contains("Workloads[\(Self.demo.pods.count)]") }
        try await t.tmux(["set-buffer", manifest])

        // Preview: one object to create, then the question.
        try await t.keys("a")
        // The clipboard line and the object's row in the wait too: a capture can catch a frame half drawn.
        var screen = try await t.waitFor("the dry run", timeout: Self.slow) {
            $0.contains("Dry run of 1 object") && $0.contains("Apply 1 change (1 create, 0 change)")
                && $0.contains("(clipboard: $MESHSCOPE_CLIPBOARD_CMD (tmux -L \(t.socket)") && Self.line($0, "ratings-e2e")?.contains("create") == true
        }
        #expect(screen.contains("(clipboard: $MESHSCOPE_CLIPBOARD_CMD (tmux -L \(t.socket)"))
        #expect(Self.line(screen, "ratings-e2e")?.contains("create") == true)
        try await t.keys("y")
        screen = try await t.waitFor("the result", timeout: Self.slow) {
            $0.contains("Applied to context \"meshscope-demo\"") && $0.contains("applied: 1 created") && Self.line($0, "ratings-e2e")?.contains("created") == true
        }
        #expect(Self.line(screen, "ratings-e2e")?.contains("created") == true)

        // The object is in the cluster: the Istio view lists it (through the informers).
        try await t.command("istio")
        try await t.filter("destinationrules")
        // The demo's own DestinationRules (one per service with several versions) and the applied one.
        let rules = Self.demo.destinationRules.count + 1
        try await t.waitFor("a DestinationRule", timeout: Self.slow) {
            Self.line($0, "destinationrules.networking.istio.io")?.hasSuffix("\(rules) │") == true || Self.line($0, "destinationrules.networking.istio.io")?.contains(" \(rules) ") == true
        }
        try await t.keys("Enter")
        screen = try await t.waitFor("ratings-e2e listed", timeout: Self.slow) { Self.line($0, "ratings-e2e")?.contains("ratings.bookinfo.svc.cluster.local") == true }
        #expect(Self.line(screen, "ratings-e2e")?.contains("ratings.bookinfo.svc.cluster.local") == true)

        // Applying the same manifest again: unchanged, nothing to confirm.
        try await t.keys("a")
        try await t.waitFor("the second dry run", timeout: Self.slow) { $0.contains("nothing to apply: 1 unchanged") }
        try await t.keys("Escape")

        // A broken manifest: the YAML error names where.
        try await t.tmux(["set-buffer", "kind: [unclosed\n"])
        try await t.keys("a")
        screen = try await t.waitFor("the YAML error", timeout: Self.slow) { $0.contains("Apply from the clipboard failed") && $0.contains("line") }
        #expect(screen.contains("line"))
        try await Self.quitAndCheckRestored(t)
    }

    @Test func readOnlyRefusesApply() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await Self.launch(t, "--readonly")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.waitFor("the demo", timeout: Self.slow) { $0.contains("Workloads[") && $0.contains("[read-only: --rea") }
        try await t.keys("a")
        try await t.waitFor("--readonly: apply is disabled", timeout: Self.slow)
        try await Self.quitAndCheckRestored(t)
    }

    /// `S` on the demo writes a snapshot; `meshscope --snapshot FILE` reopens it read-only
    /// with the same findings (the STALE proxy), offline.
    @Test func snapshotKeyThenReopenOffline() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await Self.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.waitFor("the store's first round", timeout: Self.slow) { $0.contains("Workloads[") && $0.contains(" proxies") }
        try await t.keys("C-s")
        let written = try await t.waitFor("the snapshot written", timeout: Self.slow) { $0.contains("snapshot written: ") && $0.contains("meshscope-meshscope-demo-") }
        #expect(written.contains("meshscope-meshscope-demo-"))
        try await Self.quitAndCheckRestored(t)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json.gz") }
        #expect(files.count == 1)
        let file = try #require(files.first)

        try await t.type("\(try Tmux.binary()) --snapshot \(file); echo \"exit=$?\"")
        try await t.keys("Enter")
        // The header's read-only mark and age in the wait too: a capture can catch a frame half drawn.
        let screen = try await t.waitFor("the snapshot opened", timeout: Self.slow) { s in
            s.contains("Workloads[\(Self.demo.pods.count)]") && s.contains("Source:   snapshot ")
                && s.contains("[snapshot: read-only]") && s.contains("(taken ") && s.contains(" · \(file.prefix(16))")
        }
        #expect(screen.contains("[snapshot: read-only]"))
        // `snapshot TAKEN (taken AGE ago) · FILE`, the name cut to the header's column.
        #expect(screen.contains("(taken ") && screen.contains(" · \(file.prefix(16))"))
        try await t.command("proxies")
        try await t.waitFor("the STALE proxy, offline", timeout: Self.slow) { $0.contains("Proxies[") && $0.contains("STALE") }
        try await t.keys("a")
        try await t.waitFor("apply refused on a snapshot", timeout: Self.slow) { $0.contains("read-only") && $0.contains("apply") }
        try await t.command("q")
        try await t.waitFor("exit=0", timeout: Self.slow)
    }
}
