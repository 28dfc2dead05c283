import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// What the header says about the source (issue 20, item 7): a snapshot or a file shows
/// what it is, with no refresh interval or seconds counter; read-only says why; `:ns`
/// lists namespaces; `ns:` follows a namespace drilled into; `connecting to …` clears
/// when data is on screen; `c` claims nothing before the copy happened.
@Suite struct SourceHeaderTests {
    static func header(_ d: Driver) -> [String] { Array(d.screen.lines.prefix(3)) }

    /// `2026-12-06 10:31` in local time, spelled by Foundation's formatter.
    static func localMinute(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .current
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }

    static func snapshot() throws -> LiveDriverHarness {
        var h = try LiveDemoData.driver(width: 160)
        let taken = LiveDemoData.t0.addingTimeInterval(-3 * 3600 - 120)
        let info = SourceInfo(kind: .snapshot, label: "snapshot /tmp/s.json.gz", context: "meshscope-demo", cluster: "meshscope-demo",
                              applyRefusal: "snapshot: read-only (apply needs a live cluster)", takenAt: taken)
        h.d.state.source = info
        h.d.state.data.origin = .snapshot
        return h
    }

    @Test func aSnapshotSaysWhenItWasTakenAndNothingTicks() throws {
        var h = try Self.snapshot()
        let taken = try #require(h.d.state.source.takenAt)
        let before = Self.header(h.d)
        #expect(before[0].contains("ns: all  [snapshot: read-only]"), "\(before[0])")
        #expect(before[1].contains("Source:   snapshot \(Self.localMinute(taken)) (taken 3h ago) · /tmp/s.json.gz"), "\(before[1])")
        #expect(before[2].contains("Loaded:") && !before[2].contains("ago)") && !before[2].contains("Updated:"), "\(before[2])")
        #expect(!before.joined().contains("Refresh:"))
        // Five seconds on: the header is the same, nothing counts.
        h.d.send(.tick(LiveDemoData.t0.addingTimeInterval(5)))
        #expect(Self.header(h.d) == before)
        // Apply says why it is refused, and not "--readonly".
        try h.command("apply")
        #expect(h.d.hints.contains("snapshot: read-only"))
        #expect(!h.d.hints.contains("--readonly"))
    }

    @Test func aFileSaysItIsReadOnlyAndReloadsOnChangeWithoutACounter() throws {
        var d = try Driver("envoy/waypoint/config_dump.json", width: 120, height: 30)
        // Read a while after the file was written: the header gives the file's age, not a counter.
        let modified = try #require(d.state.data.producedAt)
        d.state.now = modified.addingTimeInterval(3 * 3600 + 60)
        d.state.loadedAt = d.state.now
        let header = Self.header(d)
        #expect(header[0].contains("[file: read-only]"), "\(header[0])")
        #expect(header[0].contains("Refresh:  on file change"), "\(header[0])")
        // Whole at 100 columns too, beside the context and source.
        var narrow = try Driver("envoy/waypoint/config_dump.json", width: 100, height: 30)
        narrow.state.now = d.state.now
        narrow.state.loadedAt = d.state.now
        #expect(Self.header(narrow)[0].contains("Refresh:  on file change"), "\(Self.header(narrow)[0])")
        #expect(header[1].contains("Source:   file envoy/waypoint/config_dump.json"))
        #expect(header[2].contains("Loaded:") && header[2].contains("(file modified 3h ago)") && !header[2].contains("(0s ago)"), "\(header[2])")
        d.send(.tick(d.state.now.addingTimeInterval(5)))
        #expect(Self.header(d) == header)
        d.press(.char(" "))
        #expect(d.screen.lines[0].contains("Refresh:  paused"))
    }

    @Test func aLiveSourceStillCountsAndReadonlyFlagSaysSo() throws {
        var h = try LiveDemoData.driver(width: 160)
        #expect(Self.header(h.d)[2].contains("Updated:") && Self.header(h.d)[2].contains("(0s ago)"))
        #expect(Self.header(h.d)[0].contains("Refresh:  2s") && !Self.header(h.d)[0].contains("read-only"))
        h.d.state.readonly = true
        #expect(Self.header(h.d)[0].contains("[read-only: --readonly]"))
        // At 120 columns the right column takes only what `Refresh:  2s` and `Rows:` need, so
        // the context and the freshness line are whole, not cut beside an empty right half.
        var narrow = try LiveDemoData.driver(width: 120)
        narrow.d.state.readonly = true
        let header = Self.header(narrow.d)
        #expect(header[0].contains("ns: all  [read-only: --readonly]") && header[0].contains("Refresh:  2s"), "\(header[0])")
        #expect(!header[2].contains("…"), "\(header[2])")
    }

    @Test func nsWithoutANameOpensTheNamespaceListAndEnterSetsIt() throws {
        var h = try LiveDemoData.driver()
        try h.command("ns")
        #expect(h.d.frameTitle.contains(" Namespaces["))
        #expect(h.d.crumbs.contains("namespaces"))
        try h.select("bookinfo-ambient")
        h.d.press(.escape)
        h.d.press(.enter)
        // Back on the view `:ns` was typed over, now in that namespace.
        #expect(h.d.state.stack.count == 1)
        #expect(h.d.state.namespace == "bookinfo-ambient")
        #expect(h.d.screen.lines[0].contains("ns: bookinfo-ambient"))
        let t = try #require(h.d.table)
        #expect(!t.order.isEmpty && t.order.allSatisfy { t.table.rows[$0][0] == "bookinfo-ambient" })
        // A namespace without rows says so (not "match the filter").
        try h.command("ns empty-ns")
        #expect(h.text.contains("no rows in namespace empty-ns (:ns all shows every namespace)"))
        try h.command("ns all")
        #expect(h.d.state.namespace == nil && h.d.screen.lines[0].contains("ns: all"))
    }

    @Test func theHeaderFollowsANamespaceDrilledIntoAndEscGoesBack() throws {
        var h = try LiveDemoData.driver()
        try h.command("namespaces")
        try h.select("bookinfo")
        h.d.press(.escape)
        #expect(h.d.screen.lines[0].contains("ns: all"))
        h.d.press(.enter)
        #expect(h.d.frameTitle.contains("Workloads(bookinfo)"))
        #expect(h.d.screen.lines[0].contains("ns: bookinfo "), "\(h.d.screen.lines[0])")
        h.d.press(.escape)
        #expect(h.d.screen.lines[0].contains("ns: all"))
    }

    @Test func aFileSourceAnswersNsWithoutAList() throws {
        var d = try Driver("envoy/waypoint/config_dump.json")
        d.press(.char(":"))
        d.type("ns")
        d.press(.enter)
        #expect(d.state.stack.count == 1)
        #expect(d.hints.contains("no namespace list"))
    }

    @Test func connectingClearsWhenDataIsOnScreen() throws {
        var h = try LiveDemoData.driver()
        let full = h.d.state.data
        var empty = SourceData(name: "demo")
        empty.live = MeshState()
        h.d.send(.loaded(empty, at: LiveDemoData.t0))
        h.d.state.flash = Flash("connecting to meshscope-demo…", .info, at: LiveDemoData.t0, untilData: true)
        // Nothing to show yet: the note stays, past the usual expiry too.
        h.d.send(.tick(LiveDemoData.t0.addingTimeInterval(10)))
        h.d.send(.loaded(empty, at: LiveDemoData.t0.addingTimeInterval(10)))
        #expect(!h.d.state.dataOnScreen)
        #expect(h.d.hints.contains("connecting to meshscope-demo"))
        h.d.send(.loaded(full, at: LiveDemoData.t0.addingTimeInterval(11)))
        #expect(h.d.state.dataOnScreen)
        #expect(h.d.state.flash == nil)
        #expect(!h.d.hints.contains("connecting"))
    }

    @Test func copyClaimsNothingBeforeTheRuntimeAnswers() throws {
        var h = try LiveDemoData.driver()
        h.d.press(.char("c"))
        guard case .copyToClipboard(let text)? = h.d.effects.last else { Issue.record("no copy effect"); return }
        #expect(h.d.hints.contains("copying \(text.utf8.count) bytes"))
        #expect(!h.d.hints.contains("copied"))
        h.d.send(.flash("copied \(text.utf8.count) bytes via xclip", .info))
        #expect(h.d.hints.contains("via xclip"))
    }
}
