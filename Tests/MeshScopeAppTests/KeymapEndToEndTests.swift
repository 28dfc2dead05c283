import Foundation
import Testing

/// The k9s habits in the real binary under tmux: Shift+N sorts by NAME (and writes
/// nothing), help scrolls to its end and lists the views, and a bad `--theme`, key file or
/// `--view` stops before the screen is taken with one line on stderr and exit status 2.
@Suite(.serialized) struct KeymapEndToEndTests {
    static let dump = Fixtures.path("envoy/waypoint/config_dump.json")

    @Test func shiftNSortsByNameAndWritesNoFile() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("k9s-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.start()
        try await t.type("cd \(dir); \(bin) --file \(Self.dump) --view resources; echo \"exit=$?\"")
        try await t.keys("Enter")
        try await t.waitFor("Resources[")
        try await t.keys("N")
        let screen = try await t.waitFor("Sort:     NAME ↑", "NAME↑")
        #expect(!screen.contains("snapshot"))
        try await t.keys("N")
        try await t.waitFor("Sort:     NAME ↓")
        // The capitals that used to write a snapshot, apply or diff sort (or say no column starts so).
        try await t.keys("A", "D", "S")
        try await t.waitFor("Sort:     SECTION ↑")
        try await t.command("q")
        _ = try await t.waitFor("exit") { $0.contains("exit=0") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    }

    @Test func helpScrollsToItsLastLineAndListsTheViews() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        try await t.start(width: 100, height: 24)
        try await t.type("\(bin) --file \(Self.dump) --view sections; echo \"exit=$?\"")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]")
        try await t.keys("?")
        try await t.waitFor("Help: sections", "Enter")
        try await t.keys("G")
        // The end of help: the views with their aliases, and the last one listed.
        // Help's first lines gone too: a capture can catch the scroll half drawn.
        let end = try await t.waitFor("the end of help") {
            $0.contains(":resources (:res :all)") && $0.contains(":sections (:sec :dump)") && !$0.contains("open the selected row")
        }
        #expect(!end.contains("open the selected row"))
        // Searchable: `/` finds a key's line.
        try await t.keys("g", "/")
        try await t.type("snapshot")
        try await t.keys("Enter")
        try await t.waitFor("Ctrl-S")
        try await t.keys("?")
        try await t.waitFor("Sections[7]")
        try await t.command("views")
        try await t.waitFor("Views[", "VIEW", "ALIASES")
        try await t.command("q")
        _ = try await t.waitFor("exit") { $0.contains("exit=0") }
    }

    @Test func edgesAt100ColumnsKeepSecurityAndAnnounceHiddenColumns() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        try await t.start(width: 100, height: 30)
        try await t.type("cd \(NSTemporaryDirectory()); \(bin) --demo --refresh 1 --view edges; echo \"exit=$?\"")
        try await t.keys("Enter")
        let screen = try await t.waitFor("edges with their security", timeout: 90) { s in
            // Every header checked below: a capture can catch a frame half drawn.
            s.contains("SECURITY") && s.contains(" cols →") && s.contains("mTLS") && s.contains("SOURCE") && s.contains("DESTINATION")
        }
        #expect(screen.contains("SOURCE") && screen.contains("DESTINATION"))
        try await t.keys("Right")
        try await t.waitFor("← 1 ·")
        try await t.command("q")
        _ = try await t.waitFor("exit", timeout: 30) { $0.contains("exit=0") }
    }

    /// On a live view (the demo's `:pods`), the capitals that once wrote a snapshot (S) and
    /// applied the clipboard (A) sort by STATUS and AGE, and N by NAME (not NAMESPACE, which
    /// comes first); nothing is written to the working directory.
    @Test func shiftLettersSortTheLivePodsAndWriteNoFile() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("k9s-live-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await t.start(width: 160, height: 30)
        try await t.type("cd \(dir); \(bin) --demo --refresh 2 --view pods; echo \"exit=$?\"")
        try await t.keys("Enter")
        _ = try await t.waitFor("the demo's pods", timeout: 90) { $0.contains("SYNC") && $0.contains("Running") }
        for (key, column) in [("S", "STATUS"), ("A", "AGE"), ("N", "NAME")] {
            try await t.keys(key)
            let screen = try await t.waitFor("Sort:     \(column) ↑", timeout: 30)
            #expect(!screen.contains("snapshot written") && !screen.contains("clipboard"), "\(screen)")
        }
        try await t.command("q")
        _ = try await t.waitFor("exit", timeout: 30) { $0.contains("exit=0") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    }

    /// Runs meshscope with `args` outside a terminal; returns its exit status and stderr.
    static func run(_ args: String, env: String = "") throws -> (Int32, String) {
        let bin = try Tmux.binary()
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)").path
        let out = err + ".out"
        defer { try? FileManager.default.removeItem(atPath: err); try? FileManager.default.removeItem(atPath: out) }
        let status = try Tmux.spawnAndWait(["sh", "-c", "\(env) \(bin) \(args) 2>\(err) >/dev/null"], output: out)
        return (status, (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    @Test func badThemeKeysOrViewExitTwoBeforeDrawing() throws {
        let (status, stderr) = try Self.run("--file \(Self.dump) --theme /nonexistent.yaml")
        #expect(status == 2)
        #expect(stderr.contains("--theme /nonexistent.yaml: no such theme file"), "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1)

        let (s2, e2) = try Self.run("--file \(Self.dump) --theme nope")
        #expect(s2 == 2)
        #expect(e2.contains("--theme nope: no such theme; available:") && e2.contains("light"), "\(e2)")

        let (s3, e3) = try Self.run("--file \(Self.dump) --view nosuchview")
        #expect(s3 == 2)
        #expect(e3.contains("--view nosuchview: no such view here"), "\(e3)")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xdg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("meshscope"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "snapshot: ctrl-t\ncopy: y\n".write(to: dir.appendingPathComponent("meshscope/keys.yaml"), atomically: true, encoding: .utf8)
        let (s4, e4) = try Self.run("--file \(Self.dump)", env: "XDG_CONFIG_HOME=\(dir.path)")
        #expect(s4 == 2)
        #expect(e4.contains("meshscope/keys.yaml:2: y means yaml and copy in table panes"), "\(e4)")

        // A key a view's rows already use: `p` is layers on a pod or listener row.
        try "# mine\nflows: p\n".write(to: dir.appendingPathComponent("meshscope/keys.yaml"), atomically: true, encoding: .utf8)
        let (s5, e5) = try Self.run("--demo", env: "XDG_CONFIG_HOME=\(dir.path)")
        #expect(s5 == 2)
        #expect(e5.contains("meshscope/keys.yaml:2: p means flows and layers"), "\(e5)")
        #expect(e5.split(separator: "\n").count == 1, "\(e5)")
    }
}
