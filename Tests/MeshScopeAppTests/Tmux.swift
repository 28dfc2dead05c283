import Foundation
import Testing

/// Drives the real `meshscope` binary in a private tmux server (its own `-L` socket, killed
/// afterwards), reading the screen with `capture-pane -p` and waiting by polling, never
/// by fixed sleeps.
final class Tmux {
    let socket: String
    private(set) var started = false
    nonisolated(unsafe) static var counter = 0

    /// The built `meshscope` next to this test bundle (`swift test` builds it: the test
    /// target depends on the executable target). `MESHSCOPE_BIN` overrides; the crash tests'
    /// `meshscope-crashtest` (Tests/CrashHarness) is looked for beside it.
    static func binary(_ name: String = "meshscope") throws -> String {
        if let env = ProcessInfo.processInfo.environment["MESHSCOPE_BIN"], !env.isEmpty {
            return name == "meshscope" ? env : URL(fileURLWithPath: env).deletingLastPathComponent().appendingPathComponent(name).path
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // On Linux the test bundle is an executable (…/debug/meshscopePackageTests.xctest);
        // on macOS it is a bundle directory several levels deep.
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw Missing(message: "the \(name) binary was not found next to the test bundle (\(exe.path)); run `swift build` first or set MESHSCOPE_BIN")
    }

    struct Missing: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var screen: String
        var description: String { "timed out waiting for \(what); screen was:\n\(screen)" }
    }

    init() {
        _ = Tmux.sweepStaleServers
        Tmux.counter += 1
        socket = "ms\(Tmux.counter)-\(getpid())"
    }

    /// Ends the tmux servers of earlier runs that were killed before their `kill()` ran (each
    /// keeps a `meshscope --demo` refreshing in it): sockets are named `msN-PID`, so one whose
    /// PID is gone belongs to a dead run. Done once per process, before the first session.
    static let sweepStaleServers: Void = {
        let dir = "\(ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp")/tmux-\(getuid())"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            guard name.hasPrefix("ms"), let dash = name.lastIndex(of: "-"),
                  let pid = pid_t(name[name.index(after: dash)...]), pid != getpid() else { continue }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if Glibc.kill(pid, 0) == 0 || errno != ESRCH { continue }
            _ = try? Tmux.run(["kill-server"], socket: name)
            try? FileManager.default.removeItem(atPath: "\(dir)/\(name)")
        }
    }()

    deinit { kill() }

    /// Runs a tmux client command and waits for it with `waitpid` on a thread of its own.
    ///
    /// Async because the test runner's task pool has one thread per core: a test that
    /// blocked one in `waitpid` or `usleep` for its whole run starved every other test
    /// in the process (CI saw an informer miss its 10 s sync deadline that way).
    @discardableResult
    func tmux(_ args: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<String, any Error>) in
            let socket = self.socket
            let thread = Thread { done.resume(with: Result { try Tmux.run(args, socket: socket) }) }
            thread.start()
        }
    }

    /// Runs a tmux client command and waits for it with `waitpid`.
    ///
    /// Not with Foundation's `Process`: it learns that a child exited when a descriptor it
    /// hands the child is closed, and the tmux server that `new-session` forks inherits
    /// that descriptor and keeps it open for its whole life, so `waitUntilExit` never
    /// returns. Here every descriptor above 2 is close-on-exec and output goes to a file.
    @discardableResult
    static func run(_ args: [String], socket: String) throws -> String {
        let outPath = NSTemporaryDirectory() + "meshscope-\(socket)-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        // -u: UTF-8 whatever the runner's locale (CI may have no LANG at all).
        let argv = ["tmux", "-u", "-L", socket, "-f", "/dev/null"] + args
        let status = try Tmux.spawnAndWait(argv, output: outPath)
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        if status != 0 && args.first != "kill-server" {
            throw Failed(message: "tmux \(args.joined(separator: " ")) exited \(status): \(text)")
        }
        return text
    }

    struct Failed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func spawnAndWait(_ argv: [String], output: String) throws -> Int32 {
        for fd in 3..<Int32(1024) {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The test runner's threads block signals; the tmux server (and the shell and
        // meshscope under it) must not inherit that, or kill-server's SIGTERM is ignored.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE, SIGWINCH] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, &cargs, environ)
        guard rc == 0 else { throw Failed(message: "cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// A 120×40 session running a plain shell with a `$ ` prompt.
    func start(width: Int = 120, height: Int = 40, environment: [String: String] = [:]) async throws {
        var env = ["HOME": NSTemporaryDirectory(), "PATH": "/usr/bin:/bin", "TERM": "tmux-256color", "LANG": "C.UTF-8", "PS1": "$ "]
        for (k, v) in environment { env[k] = v }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        try await tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "env -i \(assignments) sh"])
        started = true
        _ = try await waitFor("the shell prompt") { $0.contains("$") }
    }

    func capture() async throws -> String { try await tmux(["capture-pane", "-p"]) }

    /// The screen with its SGR escape sequences (colours and attributes) kept.
    func captureStyled() async throws -> String { try await tmux(["capture-pane", "-p", "-e"]) }

    func display(_ format: String) async throws -> String {
        try await tmux(["display-message", "-p", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends keys (tmux names: `Enter`, `Escape`, `C-c`, `Down`, or literal text with `-l`).
    func keys(_ keys: String...) async throws { try await tmux(["send-keys"] + keys) }
    func type(_ text: String) async throws { try await tmux(["send-keys", "-l", text]) }

    /// `:TEXT` Enter in meshscope's command line.
    func command(_ text: String) async throws {
        try await type(":" + text)
        try await keys("Enter")
    }

    /// `/TEXT` Enter: meshscope's filter.
    func filter(_ text: String) async throws {
        try await type("/" + text)
        try await keys("Enter")
    }

    /// Polls the screen every 30 ms until `predicate` holds (60 s at most: a debug build on a
    /// busy 2-core CI machine can take seconds to parse its arguments and draw, and CI has
    /// seen whole-machine stalls of tens of seconds; a poll costs nothing when it is quick).
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 60, _ predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try await capture()
            if predicate(screen) { return screen }
            try await Task.sleep(nanoseconds: 30_000_000)
        }
        throw Timeout(what: what, screen: screen)
    }

    /// Waits until every text is on screen at once (a frame can be captured half-drawn).
    @discardableResult
    func waitFor(_ texts: String..., timeout: TimeInterval = 60) async throws -> String {
        try await waitFor(texts.map { "\"\($0)\"" }.joined(separator: " and "), timeout: timeout) { screen in
            texts.allSatisfy { screen.contains($0) }
        }
    }

    func kill() {
        guard started else { return }
        started = false
        // Blocking, so it can run from `defer` and `deinit`; it is one short command.
        _ = try? Tmux.run(["kill-server"], socket: socket)
        // The server ends on SIGTERM without unlinking its socket; do not leave it behind.
        let dir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(dir)/tmux-\(getuid())/\(socket)")
    }
}
