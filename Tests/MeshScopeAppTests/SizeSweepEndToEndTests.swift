import Foundation
import MeshModel
import TerminalUI
import Testing

/// The real binary in tmux on each kind of source (the demo, a snapshot written by
/// `meshscope --demo snapshot`, a ztunnel config dump, an Envoy dump), one session each, resized with
/// `tmux resize-window` through 60×15, 80×24, 120×40 and 200×60. At every size: the frame
/// fits the window (no line wider, header, frame and hints present), the view with hidden
/// columns says `+N cols →` (at 200 columns in wide mode, where the wide-only columns are
/// more than fit), `?` help opens and `G` scrolls it to its last line (the last `:` view);
/// at the end `:q` exits 0 and the terminal is as it was.
@Suite(.serialized) struct SizeSweepEndToEndTests {
    static let sizes = [(60, 15), (80, 24), (120, 40), (200, 60)]
    /// How long a redraw after a resize may take: the demo's debug build refreshing on a
    /// loaded 2-core machine took over 30 s once (alone the whole sweep takes about 10 s).
    static let patience: TimeInterval = 90

    enum Source: String, CaseIterable, CustomTestStringConvertible {
        case demo, snapshot, file
        var testDescription: String { rawValue }
    }

    /// `+N cols →` or `+1 col →` on the frame's bottom edge.
    static func announcesHiddenColumns(_ line: String) -> Bool {
        line.range(of: #"\+[1-9][0-9]* cols? →"#, options: .regularExpression) != nil
    }

    /// The screen at `width`×`height` as a whole frame: every line fits, the header's first
    /// lines, the frame's corners at the window's edges, and the crumbs and hints under it.
    static func frameFits(_ screen: String, width: Int, height: Int) -> Bool {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).prefix(height)
        guard lines.count == height, lines.allSatisfy({ DisplayWidth.of($0) <= width }) else { return false }
        guard lines[0].hasPrefix(" Context:"), lines[1].hasPrefix(" Source:") else { return false }
        guard let top = lines.firstIndex(where: { $0.hasPrefix("┌") }), DisplayWidth.of(lines[top]) == width, lines[top].hasSuffix("┐"),
              let bottom = lines.lastIndex(where: { $0.hasPrefix("└") }), DisplayWidth.of(lines[bottom]) == width, lines[bottom].hasSuffix("┘"),
              bottom > top + 1 else { return false }
        // Under the frame: the crumbs, then the hints (the last line).
        return bottom + 2 < lines.endIndex && !lines[lines.endIndex - 1].trimmingCharacters(in: .whitespaces).isEmpty
    }

    static func bottomEdge(_ screen: String) -> String {
        screen.split(separator: "\n").last { $0.hasPrefix("└") }.map(String.init) ?? ""
    }

    /// The text rows inside the frame, borders and indentation dropped, blank rows left out.
    static func inside(_ screen: String) -> [String] {
        screen.split(separator: "\n").filter { $0.hasPrefix("│") }.map {
            String($0.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    @Test(arguments: Source.allCases) func everySizeOnEverySource(_ source: Source) async throws {
        let dir = try RealDataEndToEndTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args: String
        switch source {
        case .demo:
            args = "--demo --refresh 2 --view edges"
        case .snapshot:
            let file = dir + "/mesh.json.gz"
            try RealDataEndToEndTests.generate(["--demo", "snapshot", "-o", file])
            args = "--snapshot \(file) --view edges"
        case .file:
            args = "--file \(Fixtures.path("ztunnel/config_dump.json")) --view certificates"
        }
        let t = Tmux()
        defer { t.kill() }
        try await RealDataEndToEndTests.launch(t, in: dir, args)
        let title = source == .file ? " Certificates[" : " Connections["
        try await t.waitFor("the first view of the \(source)", timeout: 90) { $0.contains(title) && $0.contains(" Context:") }

        for (width, height) in Self.sizes {
            try await t.tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
            let at = "\(source) at \(width)×\(height)"
            if width < 200 {
                try await t.waitFor("\(at): a whole frame announcing its hidden columns", timeout: Self.patience) { s in
                    Self.frameFits(s, width: width, height: height) && s.contains(title) && Self.announcesHiddenColumns(Self.bottomEdge(s))
                }
            } else {
                // 200 columns hold every default column; wide mode (Ctrl-W) adds the wide-only
                // ones, more than fit, and says how many are off screen.
                try await t.waitFor("\(at): a whole frame", timeout: Self.patience) { Self.frameFits($0, width: width, height: height) && $0.contains(title) }
                try await t.keys("C-w")
                try await t.waitFor("\(at): wide mode announcing its hidden columns", timeout: Self.patience) { s in
                    Self.frameFits(s, width: width, height: height) && Self.bottomEdge(s).contains("wide ·")
                        && Self.announcesHiddenColumns(Self.bottomEdge(s))
                }
                try await t.keys("C-w")
                try await t.waitFor("\(at): wide mode off", timeout: Self.patience) { !Self.bottomEdge($0).contains("wide ·") && $0.contains(title) }
            }
            // Help opens, fits, and G shows its last line: the Views section ends it.
            try await t.keys("?")
            try await t.waitFor("\(at): help", timeout: Self.patience) { $0.contains("Help: ") && Self.frameFits($0, width: width, height: height) }
            try await t.keys("G")
            let end = try await t.waitFor("\(at): the end of help", timeout: Self.patience) { s in
                Self.frameFits(s, width: width, height: height) && (Self.inside(s).last?.hasPrefix(":") ?? false) && s.contains("Help: ")
            }
            #expect(end.contains("Help: "), "\(at)")
            try await t.keys("Escape")
            try await t.waitFor("\(at): help closed", timeout: Self.patience) { !$0.contains("Help: ") && $0.contains(title) }
        }
        try await t.command("q")
        try await EndToEndTests().expectRestored(t, exit: "0")
    }

    /// The is160 Envoy dump (with its `/clusters` and `/stats`), Listeners tab: at 100×30 the
    /// wide-only LISTENER, CHAIN and STATE fit and nothing is announced; at 60×15 they are left
    /// out for room, the frame says so (`+N cols →`), and `→` (no Ctrl-W) brings each of them
    /// on screen; back at 100 columns `←` returns to the unscrolled table.
    @Test func envoyDumpListenersAnnounceAndReachTheirWideOnlyColumns() async throws {
        let dir = try RealDataEndToEndTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = ["config_dump.json", "clusters.txt", "stats.txt"].map { "--file \(Fixtures.path("envoy-admin/is160/\($0)"))" }
        let t = Tmux()
        defer { t.kill() }
        try await RealDataEndToEndTests.launch(t, in: dir, files.joined(separator: " ") + " --view listeners")
        let title = " Listeners["
        try await t.tmux(["resize-window", "-x", "100", "-y", "30"])
        let wide = try await t.waitFor("listeners at 100×30", timeout: Self.patience) { s in
            Self.frameFits(s, width: 100, height: 30) && s.contains(title) && s.contains("LISTENER") && s.contains("CHAIN")
        }
        #expect(!Self.bottomEdge(wide).contains("→"), "\(wide)")
        try await t.tmux(["resize-window", "-x", "60", "-y", "15"])
        let narrow = try await t.waitFor("listeners at 60×15 announcing hidden columns", timeout: Self.patience) { s in
            Self.frameFits(s, width: 60, height: 15) && s.contains(title) && Self.announcesHiddenColumns(Self.bottomEdge(s))
        }
        // The table's header: the first row inside the frame of capitals only.
        let header = { (s: String) in
            Self.inside(s).first { $0.range(of: #"^[A-Z][A-Z %↑↓]*$"#, options: .regularExpression) != nil } ?? ""
        }
        #expect(!header(narrow).contains("CHAIN"), "\(narrow)")
        var seen = Set<String>()
        for _ in 0..<12 {
            let s = try await t.capture()
            for name in ["LISTENER", "CHAIN", "STATE"] where header(s).contains(name) { seen.insert(name) }
            if !Self.announcesHiddenColumns(Self.bottomEdge(s)) { break }
            try await t.keys("Right")
            // The scroll is drawn before the next look (the bottom edge's `← N ·` changes).
            let before = Self.bottomEdge(s)
            _ = try await t.waitFor("a scrolled frame", timeout: Self.patience) { Self.bottomEdge($0) != before && Self.frameFits($0, width: 60, height: 15) }
        }
        #expect(seen == ["LISTENER", "CHAIN", "STATE"], "→ reached only \(seen.sorted())")
        for _ in 0..<12 { try await t.keys("Left") }
        try await t.tmux(["resize-window", "-x", "100", "-y", "30"])
        try await t.waitFor("listeners unscrolled at 100×30", timeout: Self.patience) { s in
            Self.frameFits(s, width: 100, height: 30) && !Self.bottomEdge(s).contains("→") && header(s).contains("CHAIN")
        }
        try await t.command("q")
        try await EndToEndTests().expectRestored(t, exit: "0")
    }
}
