import Foundation
import Testing

/// A crash never holds the terminal: a Swift runtime trap in the TUI or in a CLI command
/// restores the terminal, prints one line naming the crash and where the backtrace went, and
/// exits at once with 128 + the signal, instead of the runtime's interactive backtracer.
/// Nothing here sets SWIFT_BACKTRACE: the default environment must behave. The traps come from
/// `meshscope-crashtest` (Tests/CrashHarness): `meshscope`'s entry point, crash handler and
/// runtime with a trap on cue, so the shipping binary carries no test hook.
@Suite(.serialized) struct CrashTests {
    /// `meshscope: crashed (SIGILL, …); backtrace in /tmp/meshscope-crash-N.txt` (SIGTRAP on arm64).
    static func crashLine(in text: String) -> (line: String, file: String)? {
        for line in text.split(separator: "\n").map(String.init) {
            guard line.hasPrefix("meshscope: crashed (SIGILL, illegal instruction: a Swift runtime trap); backtrace in ")
                || line.hasPrefix("meshscope: crashed (SIGTRAP, trace trap: a Swift runtime trap); backtrace in ") else { continue }
            guard let r = line.range(of: "; backtrace in ") else { continue }
            return (line, String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    static func checkBacktraceFile(_ path: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(text.hasPrefix("meshscope: crashed (SIG"), "backtrace file \(path): \(text.prefix(200))")
        #expect(text.split(separator: "\n").count > 3, "a backtrace has frames")
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test func trapInTheTUIRestoresTheTerminalAndExitsAtOnce() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary("meshscope-crashtest")
        try await t.start(width: 200)
        let dump = EndToEndTests.dump
        try await t.type("cd \(NSTemporaryDirectory()); stty -g > stty.before.$$; MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME=1 \(bin) --file \(dump) --view sections; echo \"exit=$?\"; stty -g > stty.after.$$")
        let start = Date()
        try await t.keys("Enter")
        let screen = try await t.waitFor("the shell after the crash", timeout: 20) { EndToEndTests.exitLine($0) != nil }
        let seconds = Date().timeIntervalSince(start)
        // Start-up, the first frame and the crash: 1-3 s alone, up to ~10 s beside the rest of
        // the suite on 2 cores; the runtime's interactive backtracer held the terminal ~50 s.
        #expect(seconds < 20, "took \(seconds)s")
        #expect(EndToEndTests.exitLine(screen) == "exit=132" || EndToEndTests.exitLine(screen) == "exit=133")
        #expect(screen.contains("Fatal error: MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME"))
        let crash = Self.crashLine(in: screen)
        #expect(crash != nil, "\(screen)")
        #expect(!screen.contains("Sections["))
        #expect(!screen.contains("Program crashed") && !screen.contains("Backtracing"))
        #expect(try await t.display("#{alternate_on}") == "0")
        try await t.type("cmp stty.before.$$ stty.after.$$ && echo modes-same && rm stty.before.$$ stty.after.$$")
        try await t.keys("Enter")
        try await t.waitFor("modes-same")
        if let crash { Self.checkBacktraceFile(crash.file) }
    }

    @Test func trapInACommandPrintsOneLineAndExits() throws {
        let bin = try Tmux.binary("meshscope-crashtest")
        let dir = NSTemporaryDirectory() + "meshscope-crash-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = Date()
        let status = try Tmux.spawnAndWait(["/bin/sh", "-c", "TMPDIR=\(dir) MESHSCOPE_TEST_CRASH_IN_COMMAND=1 exec \(bin) version >\(dir)/out 2>\(dir)/err"], output: dir + "/sh")
        let seconds = Date().timeIntervalSince(start)
        #expect(status == 132 || status == 133)
        // A process start and a trap: well under a second alone; the bound leaves room for a
        // loaded 2-core run and is still far from the backtracer's ~50 s.
        #expect(seconds < 15, "took \(seconds)s")
        let err = try String(contentsOfFile: dir + "/err", encoding: .utf8)
        let lines = err.split(separator: "\n").map(String.init)
        // The runtime's own `Fatal error:` line (the cause), then ours; no backtracer output.
        #expect(lines.count <= 2, "\(err)")
        #expect(lines.first?.contains("Fatal error: MESHSCOPE_TEST_CRASH_IN_COMMAND") == true, "\(err)")
        let crash = Self.crashLine(in: lines.last ?? "")
        #expect(crash?.file.hasPrefix(dir + "/meshscope-crash-") == true, "\(err)")
        if let crash { Self.checkBacktraceFile(crash.file) }
    }
}
