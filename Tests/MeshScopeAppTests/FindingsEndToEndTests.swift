import Foundation
import MeshGen
import Testing

/// The findings in the real binary on the demo mesh, in tmux: the header counts findings by
/// severity, `!` opens the Findings view from anywhere, and Enter on the stale-proxy finding
/// (MS0101) lands on that proxy's row in `:proxies` (Enter again opens that very proxy).
@Suite(.serialized) struct FindingsEndToEndTests {
    static var stalePod: String { LiveEndToEndTests.stalePod }

    @Test func headerCountsBangAndEnterOnTheStaleProxy() async throws {
        let t = Tmux()
        defer { t.kill() }
        let dir = try await LiveEndToEndTests.launch(t)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let slow = LiveEndToEndTests.slow
        // The header's third line counts the findings once the rules ran on a full round.
        var screen = try await t.waitFor("finding counts in the header", timeout: slow) { s in
            // What is expected below is waited for too: a capture can catch a frame half drawn.
            s.split(separator: "\n").contains { $0.contains("Updated:") && $0.contains(" error") } && s.contains("Workloads[")
        }
        #expect(screen.contains("Workloads["))

        // `!` from the Workloads view opens the findings, most severe first.
        try await t.keys("!")
        screen = try await t.waitFor("the Findings view", timeout: slow) { $0.contains("Findings[") && $0.contains("MS0101") && $0.contains("SEVERITY") }
        #expect(screen.contains("SEVERITY"))
        try await t.filter("MS0101")
        screen = try await t.waitFor("the stale-proxy finding with its evidence", timeout: slow) { s in
            LiveEndToEndTests.line(s, "MS0101")?.contains("ERROR") == true && s.contains("Evidence:")
                && LiveEndToEndTests.line(s, "MS0101")?.contains("reviews-v2-") == true
        }
        #expect(LiveEndToEndTests.line(screen, "MS0101")?.contains("reviews-v2-") == true)

        // Enter: the proxies view, on the stale proxy's row.
        try await t.keys("Enter")
        // The row in the wait too: a capture can catch the title before the rows.
        screen = try await t.waitFor("the proxies view", timeout: slow) {
            $0.contains("Proxies[") && !$0.contains("Findings[") && LiveEndToEndTests.line($0, "reviews-v2-")?.contains("STALE") == true
        }
        #expect(LiveEndToEndTests.line(screen, "reviews-v2-")?.contains("STALE") == true)
        // The selected row is the stale proxy: Enter opens it.
        try await t.keys("Enter")
        screen = try await t.waitFor("the stale proxy opened", timeout: slow) { $0.contains(" Listeners[") && $0.contains(Self.stalePod) }
        #expect(screen.contains(Self.stalePod))
        // Esc twice: back to the findings.
        try await t.keys("Escape", "Escape")
        try await t.waitFor("the findings again", timeout: slow) { $0.contains("Findings[") }
        try await LiveEndToEndTests.quitAndCheckRestored(t)
    }
}
