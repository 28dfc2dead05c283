import Foundation
import Testing

/// The real binary in tmux: start, navigate, filter, drill in, help, resize, quit, and the
/// terminal restored afterwards (shell prompt back, alternate screen off, same stty modes).
@Suite(.serialized) struct EndToEndTests {
    static let dump = Fixtures.path("envoy/waypoint/config_dump.json")

    func launch(_ t: Tmux, binary: String = "meshscope", extra: String = "", env: String = "", waitForFrame: Bool = true) async throws {
        let bin = try Tmux.binary(binary)
        try await t.start()
        try await t.type("cd \(NSTemporaryDirectory()); stty -g > stty.before.$$; \(env) \(bin) --file \(Self.dump) --view sections \(extra); echo \"exit=$?\"; stty -g > stty.after.$$")
        try await t.keys("Enter")
        if waitForFrame { try await t.waitFor("Sections[7]") }
    }

    /// After meshscope ends: the shell is back, the alternate screen is off, tty modes match.
    func expectRestored(_ t: Tmux, exit code: String) async throws {
        let screen = try await t.waitFor("the shell after exit") { Self.exitLine($0) != nil }
        #expect(Self.exitLine(screen) == "exit=\(code)")
        #expect(!screen.contains("Sections["))
        #expect(try await t.display("#{alternate_on}") == "0")
        #expect(try await t.display("#{cursor_flag}") == "1")
        try await t.type("cmp stty.before.$$ stty.after.$$ && echo modes-same && rm stty.before.$$ stty.after.$$")
        try await t.keys("Enter")
        try await t.waitFor("modes-same")
    }

    @Test func navigateFilterDrillHelpAndQuit() async throws {
        let t = Tmux()
        defer { t.kill() }
        try await launch(t)
        // Listeners' row in the wait too: a capture can catch a frame half drawn.
        let listeners = "│  4  Listeners              2  2023-12-26T05:57:39Z/1   42110  envoy.admin.v3.ListenersConfigDump"
        let screen = try await t.waitFor("│  7  Secrets", "Source:   file /", listeners)
        #expect(screen.contains(listeners))
        // Navigate and drill in.
        try await t.keys("j", "j", "j", "Enter")
        try await t.waitFor("Listeners[2]", " main_internal ")
        try await t.keys("End", "Enter")
        try await t.waitFor(" 1 JSON   2 YAML", "\"name\": \"main_internal\"")
        try await t.keys("Tab")
        try await t.waitFor("'@type': type.googleapis.com/envoy.config.listener.v3.Listener")
        // Back out twice, then filter.
        try await t.keys("Escape", "Escape")
        try await t.waitFor("Sections[7]")
        try await t.type("/route")
        try await t.keys("Enter")
        try await t.waitFor("the filtered rows only") { s in
            s.contains("Sections[2/7]") && s.contains("ScopedRoutes") && s.contains("  Routes ") && !s.contains("Listeners ")
        }
        // Esc and ? sent together are two keys (Esc clears the filter, ? opens help).
        // Help lists the keys of this view, scrolls to its end; Esc closes it.
        try await t.keys("Escape", "?")
        try await t.waitFor("Help: sections", "filter rows (regex, !inverts)")
        try await t.keys("G")
        try await t.waitFor(":q", ":sections (:sec :dump)")
        try await t.keys("Escape")
        try await t.waitFor("no help, no filter") { !$0.contains("Help: sections") && $0.contains("Sections[7]") }
        // :q quits and gives the terminal back.
        try await t.type(":q")
        try await t.keys("Enter")
        try await expectRestored(t, exit: "0")
    }

    /// The `exit=N` line the shell prints after meshscope ends (not the echoed command).
    static func exitLine(_ screen: String) -> String? {
        screen.split(separator: "\n").first { $0.hasPrefix("exit=") }.map(String.init)
    }

    /// A whole frame drawn for `width` columns (not the old frame cut or reflowed by tmux).
    static func isCompleteFrame(_ screen: String, width: Int) -> Bool {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        let top = lines.first { $0.hasPrefix("┌") }
        let bottom = lines.first { $0.hasPrefix("└") }
        return top?.count == width && top?.hasSuffix("┐") == true && top?.contains("Sections[7]") == true
            && bottom?.count == width && bottom?.hasSuffix("┘") == true
    }

    @Test func resizeRedrawsForTheNewSize() async throws {
        let t = Tmux()
        defer { t.kill() }
        try await launch(t)
        try await t.tmux(["resize-window", "-x", "80", "-y", "24"])
        // Top and bottom edges can be drawn before the rows between them: wait for the rows too.
        var screen = try await t.waitFor("an 80-column frame without TYPE") {
            Self.isCompleteFrame($0, width: 80) && $0.split(separator: "\n").count == 24 && !$0.contains("ListenersConfigDump")
        }
        #expect(screen.split(separator: "\n").count == 24)
        #expect(!screen.contains("ListenersConfigDump"))  // TYPE (wide-only) no longer fits
        // A burst of resizes settles on the last size.
        for (w, h) in [(100, 30), (90, 28), (130, 45), (110, 35)] {
            try await t.tmux(["resize-window", "-x", "\(w)", "-y", "\(h)"])
        }
        screen = try await t.waitFor("a 110-column frame with TYPE") { Self.isCompleteFrame($0, width: 110) && $0.contains("ListenersConfigDump") }
        #expect(screen.contains("ListenersConfigDump"))
        // Too small: a clear message instead of a broken frame; growing back restores it.
        try await t.tmux(["resize-window", "-x", "30", "-y", "6"])
        try await t.waitFor("terminal too small")
        try await t.tmux(["resize-window", "-x", "120", "-y", "40"])
        try await t.waitFor("Sections[7]")
        try await t.keys("C-c")
        try await expectRestored(t, exit: "0")
    }

    /// The file changes on disk; the view updates in place, and the terminal receives only
    /// the changed cells (measured on the real output stream with `pipe-pane`).
    @Test func fileChangeRedrawsOnlyWhatChanged() async throws {
        let dir = NSTemporaryDirectory() + "meshscope-e2e-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let copy = dir + "/dump.json"
        let original = try String(contentsOfFile: Self.dump, encoding: .utf8)
        try original.write(toFile: copy, atomically: true, encoding: .utf8)
        let out = dir + "/out.bytes"

        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        try await t.start()
        try await t.type("\(bin) --file \(copy) --view sections --refresh 0.3")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]", "│  7  Secrets")
        try await t.tmux(["pipe-pane", "-o", "cat >> \(out)"])
        // Same length, one character different: what a counter refresh looks like.
        let changed = original.replacingOccurrences(of: "2023-12-26T05:56:10Z/3", with: "2023-12-26T05:56:10Z/4")
        #expect(changed != original)
        try changed.write(toFile: copy, atomically: true, encoding: .utf8)
        try await t.waitFor("2023-12-26T05:56:10Z/4")
        try await t.tmux(["pipe-pane"])
        let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
        // The version cell plus the header clock ("Loaded: HH:MM:SS (Ns ago)"): a few dozen
        // bytes, against ~15 KB for a full 120×40 frame.
        print("a one-cell change on disk: \(bytes) bytes written to the terminal")
        #expect(bytes > 0)
        #expect(bytes < 480, "a one-cell change wrote \(bytes) bytes")
        try await t.keys("C-c")
        try await t.waitFor("the shell") { Self.lastLine($0) == "$" }
    }

    /// A child process by name, from /proc (no procps needed).
    static func childProcess(of parent: Int32, named name: String) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for e in entries {
            guard let pid = Int32(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let comm = stat[stat.index(after: open)..<close]
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            if comm == name, rest.count > 1, Int32(rest[1]) == parent { return pid }
        }
        return nil
    }

    static func lastLine(_ screen: String) -> String? {
        screen.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// 256 colours by default; `NO_COLOR` keeps attributes only; a missing theme asked for by
    /// `$MESHSCOPE_THEME` is named on screen and the default is used (`--theme` is checked
    /// before drawing: KeymapEndToEndTests).
    @Test func coloursNoColorAndThemeFallback() async throws {
        let bin = try Tmux.binary()
        let t = Tmux()
        defer { t.kill() }
        try await t.start()
        try await t.type("MESHSCOPE_THEME=no-such-theme \(bin) --file \(Self.dump) --view sections")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]", "theme \"no-such-theme\" (from $MESHSCOPE_THEME) not found")
        let styled = try await t.captureStyled()
        #expect(styled.contains("38;5;"))   // xterm-256 foreground colours in use
        try await t.keys("C-c")
        try await t.waitFor("the shell") { !$0.contains("Sections[7]") && Self.lastLine($0) == "$" }

        try await t.type("NO_COLOR=1 \(bin) --file \(Self.dump) --view sections")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]", "│  7  Secrets")
        let plain = try await t.captureStyled()
        #expect(!plain.contains("38;5;") && !plain.contains("48;5;"))
        #expect(plain.contains("\u{1B}[1m"))   // bold headers remain
        #expect(plain.contains("\u{1B}[1;7m 1  Bootstrap"))   // the selection is bold reverse video
        try await t.keys("C-c")
        try await t.waitFor("the shell") { !$0.contains("Sections[7]") && Self.lastLine($0) == "$" }
    }

    /// Wide characters line up on a real terminal, and a C locale (no LANG) falls back
    /// to C.UTF-8 instead of printing question marks.
    @Test func wideCharactersWithoutALocale() async throws {
        let dir = NSTemporaryDirectory() + "meshscope-e2e-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/wide.json"
        try #"{"workloads": [{"name": "日本語-svc", "namespace": "デフォルト"}, {"name": "ascii-svc", "namespace": "default"}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let t = Tmux()
        defer { t.kill() }
        try await t.start(environment: ["LANG": ""])
        try await t.type("\(try Tmux.binary()) --file \(file) --view sections")
        try await t.keys("Enter")
        try await t.waitFor("Sections[1]")
        try await t.keys("Enter")
        // Both rows, each to its right border: a capture can catch the second row not yet drawn.
        let screen = try await t.waitFor("both rows whole") { s in
            let lines = s.split(separator: "\n")
            return s.contains("workloads[2]")
                && lines.contains { $0.contains("日本語-svc") && $0.hasSuffix("│") } && lines.contains { $0.contains("ascii-svc") && $0.hasSuffix("│") }
        }
        let lines = screen.split(separator: "\n")
        let wide = try #require(lines.first { $0.contains("日本語-svc") })
        let ascii = try #require(lines.first { $0.contains("ascii-svc") })
        // Same display column for the GROUP cell on both rows: 日本語 takes 6 columns.
        func column(_ line: Substring, of text: String) -> Int? {
            guard let r = line.range(of: text) else { return nil }
            return line[..<r.lowerBound].reduce(0) { $0 + ($1.unicodeScalars.first.map { (0x3000...0x30FF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) } == true ? 2 : 1) }
        }
        #expect(column(wide, of: "workloads") == column(ascii, of: "workloads"))
        #expect(wide.hasSuffix("│") && ascii.hasSuffix("│"))
        try await t.keys("C-c")
        try await t.waitFor("the shell") { !$0.contains("workloads[2]") && Self.lastLine($0) == "$" }
    }

    @Test func ctrlZSuspendsAndFgResumes() async throws {
        let t = Tmux()
        defer { t.kill() }
        try await t.start()
        // Alone on the command line: a stopped job would let a `; echo` list run on.
        try await t.type("\(try Tmux.binary()) --file \(Self.dump) --view sections")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]", "│  7  Secrets")
        try await t.keys("C-z")
        try await t.waitFor("the shell with meshscope stopped") { !$0.contains("Sections[7]") && Self.lastLine($0) == "$" }
        #expect(try await t.display("#{alternate_on}") == "0")
        try await t.type("fg")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]", "│  7  Secrets", "space pause")
        try await t.keys("j", "Enter")
        try await t.waitFor("Clusters[3]", "prometheus_stats")
        try await t.keys("C-c")
        try await t.waitFor("the shell after quitting") { !$0.contains("Clusters[3]") && Self.lastLine($0) == "$" }
        #expect(try await t.display("#{alternate_on}") == "0")
    }

    @Test func sigtermRestoresTheTerminal() async throws {
        let t = Tmux()
        defer { t.kill() }
        try await launch(t)
        let shell = try await t.display("#{pane_pid}")
        // meshscope is the shell's child; signal that one process by its id.
        let n = Self.childProcess(of: Int32(shell) ?? -1, named: "meshscope")
        try #require(n != nil, "meshscope child of \(shell) not found")
        Foundation.kill(n!, SIGTERM)
        try await expectRestored(t, exit: "143")
    }

    @Test func crashRestoresTheTerminal() async throws {
        let t = Tmux()
        defer { t.kill() }
        try await launch(t, binary: "meshscope-crashtest", env: "MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME=1 SWIFT_BACKTRACE=enable=no", waitForFrame: false)
        // fatalError traps (SIGILL on x86_64, SIGTRAP on arm64): 128 + signal.
        let screen = try await t.waitFor("the shell after the crash", timeout: 20) { Self.exitLine($0) != nil }
        #expect(Self.exitLine(screen) == "exit=132" || Self.exitLine(screen) == "exit=133")
        #expect(screen.contains("Fatal error: MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME"))
        #expect(try await t.display("#{alternate_on}") == "0")
        try await t.type("cmp stty.before.$$ stty.after.$$ && echo modes-same && rm stty.before.$$ stty.after.$$")
        try await t.keys("Enter")
        try await t.waitFor("modes-same")
    }

    @Test func badTermSaysSoAndExits() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        try await t.start()
        try await t.type("TERM=no-such-term \(bin) --file \(Self.dump); echo \"exit=$?\"")
        try await t.keys("Enter")
        let screen = try await t.waitFor("exit=1")
        #expect(screen.contains("meshscope: TERM=no-such-term: unknown terminal type"))
    }

    @Test func withoutATerminalItExitsWithAMessage() async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Tmux.binary())
        p.arguments = ["--file", Self.dump]
        p.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1)
        #expect(stderr.hasPrefix("meshscope: the terminal UI needs a terminal"))
    }

    @Test func missingFileAndNoSourceAreClearErrors() async throws {
        for (args, code, message) in [
            (["--file", "/nonexistent/dump.json"], Int32(1), "meshscope: /nonexistent/dump.json: no such file"),
            // No --file: the current kubeconfig context; with none, say so and what else works.
            ([], Int32(1), "meshscope: no kubeconfig found"),
        ] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try Tmux.binary())
            p.arguments = args
            p.environment = ["HOME": "/nonexistent-home", "PATH": "/usr/bin:/bin"]
            p.standardInput = FileHandle.nullDevice
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            p.waitUntilExit()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == code)
            #expect(stderr.hasPrefix(message))
            if args.isEmpty { #expect(stderr.contains("try meshscope --demo")) }
        }
    }
}
