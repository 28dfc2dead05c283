import Foundation

/// Runs a helper program (exec credential plugins, clipboard tools) and collects its output.
///
/// Runs on a thread of its own so a slow plugin does not block the async executor; a
/// program still running after `timeout` is terminated.
enum Subprocess {
    struct Result: Sendable {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
        var stderrText: String { String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    enum Failure: Error, Sendable {
        case notFound(String)
        case couldNotStart(String, String)
        case timedOut(String, Double)
    }

    /// Finds `name` on `PATH` (or returns it when it already names a path).
    static func which(_ name: String, path: String?) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func run(_ command: String, _ args: [String], environment: [String: String]? = nil, stdin: [UInt8]? = nil, timeout: Double = 60) async throws(Failure) -> Result {
        let env = environment ?? ProcessInfo.processInfo.environment
        guard let executable = which(command, path: env["PATH"]) else { throw .notFound(command) }
        let outcome: Swift.Result<Result, Failure> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: runBlocking(executable, command, args, env, stdin, timeout))
            }
        }
        return try outcome.get()
    }

    #if canImport(Glibc)
    /// posix_spawn rather than Foundation's Process: the child must start with an empty
    /// signal mask and default handlers. Threads of an async program block most signals,
    /// and a child inheriting that mask ignores SIGTERM (our timeout) and Ctrl-C, and
    /// programs that fork servers (tmux) misbehave.
    private static func runBlocking(_ executable: String, _ command: String, _ args: [String], _ env: [String: String], _ stdin: [UInt8]?, _ timeout: Double) -> Swift.Result<Result, Failure> {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        // Close-on-exec, so programs started concurrently from other threads do not inherit
        // (and hold open) this child's pipes.
        // (pipe2 is not visible from Swift's Glibc module; the window before fcntl is tiny.)
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            return .failure(.couldNotStart(command, String(cString: strerror(errno))))
        }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attr, &all)
        // A process group of its own, so a timeout can end the plugin and everything it started.
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        // ETXTBSY: a just-written script is still open for writing in a child another thread
        // is starting; that descriptor goes away at its exec. Retry briefly.
        var attempts = 0
        while rc == ETXTBSY && attempts < 20 {
            attempts += 1
            usleep(25_000)
            rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        }
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            for fd in [inPipe[1], outPipe[0], errPipe[0]] { close(fd) }
            return .failure(.couldNotStart(command, String(cString: strerror(rc))))
        }

        // Feed stdin on its own thread so a full pipe cannot stall the reads below.
        let inFD = inPipe[1]
        let input = stdin ?? []
        Thread.detachNewThread {
            // A child that exits without reading (a clipboard tool that cannot reach its
            // display, one killed at the timeout) must not take us down with SIGPIPE: blocked
            // on this thread, the write fails with EPIPE instead.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            input.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = write(inFD, raw.baseAddress! + off, raw.count - off)
                    if n < 0 { if errno == EINTR { continue } else { break } }
                    off += n
                }
            }
            close(inFD)
        }
        LiveGroups.add(pid)
        let collected = collect(pid: pid, stdoutFD: outPipe[0], stderrFD: errPipe[0], timeout: timeout)
        LiveGroups.remove(pid)
        close(outPipe[0])
        close(errPipe[0])
        if collected.timedOut { return .failure(.timedOut(command, timeout)) }
        let status = collected.status
        // WIFEXITED / WEXITSTATUS, and 128+signal for a signal (as shells report it).
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return .success(Result(status: exitStatus, stdout: collected.stdout, stderr: collected.stderr))
    }

    /// Reads stdout and stderr until both close and the child has exited, or until `timeout`.
    ///
    /// On timeout the child's whole process group gets SIGTERM, then SIGKILL a second later
    /// (a shell script's `sleep` dies with it). Reading never outlasts the timeout: a
    /// grandchild that left the group and still holds a pipe open is abandoned, not waited for.
    private static func collect(pid: pid_t, stdoutFD: Int32, stderrFD: Int32, timeout: Double) -> (status: Int32, stdout: [UInt8], stderr: [UInt8], timedOut: Bool) {
        let start = DispatchTime.now().uptimeNanoseconds
        let limit = TimeBound.nanoseconds(timeout)
        func elapsed() -> UInt64 { DispatchTime.now().uptimeNanoseconds &- start }
        var out: [UInt8] = [], err: [UInt8] = []
        var open: [Int32: Bool] = [stdoutFD: true, stderrFD: true]
        var status: Int32 = 0
        var exited = false
        var exitedAt: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if !exited {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid || (r < 0 && errno == ECHILD) { exited = true; exitedAt = elapsed() }
            }
            let stillOpen = open.filter(\.value).map(\.key)
            if exited && (stillOpen.isEmpty || elapsed() &- exitedAt > 200_000_000) { break }
            if elapsed() >= limit {
                terminateGroup(pid)
                if !exited { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
                return (status, out, err, true)
            }
            if stillOpen.isEmpty {
                usleep(10_000)
                continue
            }
            var fds = stillOpen.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let slice = Int32(min(100, max(1, (limit &- elapsed()) / 1_000_000)))
            let n = poll(&fds, nfds_t(fds.count), slice)
            if n < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                let got = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress!, $0.count) }
                if got > 0 {
                    if p.fd == stdoutFD { out.append(contentsOf: buffer[0..<got]) } else { err.append(contentsOf: buffer[0..<got]) }
                } else if got == 0 || errno != EINTR {
                    open[p.fd] = false
                }
            }
        }
        return (status, out, err, false)
    }

    /// SIGTERM to the child's process group, SIGKILL a second later if anything is left.
    private static func terminateGroup(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<20 {
            if waitpid(pid, &status, WNOHANG) == pid {
                // The leader is gone; make sure nothing else of the group outlives it.
                kill(-pid, SIGKILL)
                return
            }
            usleep(50_000)
        }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    #else
    private static func runBlocking(_ executable: String, _ command: String, _ args: [String], _ env: [String: String], _ stdin: [UInt8]?, _ timeout: Double) -> Swift.Result<Result, Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        do { try process.run() } catch { return .failure(.couldNotStart(command, "\(error.localizedDescription)")) }
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        // Drain stderr concurrently so a chatty program cannot fill the pipe and stall.
        let errData = LockedBytes()
        let errThread = Thread { errData.set([UInt8](err.fileHandleForReading.readDataToEndOfFile())) }
        errThread.start()
        let timedOut = LockedBytes()
        let timer = DispatchWorkItem {
            if process.isRunning {
                timedOut.set([1])
                process.terminate()
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let stdout = [UInt8](out.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        timer.cancel()
        let stderr = errData.wait()
        if timedOut.peek() != nil {
            return .failure(.timedOut(command, timeout))
        }
        return .success(Result(status: process.terminationStatus, stdout: stdout, stderr: stderr))
    }
    #endif
}

#if canImport(Glibc)
/// Process groups of helpers still running. A helper has a group of its own (so a timeout
/// can end everything it started), which also means it would outlive meshscope when
/// meshscope exits first (another request failed, the user quit): an `atexit` handler ends
/// the groups still listed.
private enum LiveGroups {
    nonisolated(unsafe) private static var groups: Set<pid_t> = []
    nonisolated(unsafe) private static var registered = false
    private static let lock = NSLock()

    static func add(_ pid: pid_t) {
        lock.withLock {
            groups.insert(pid)
            if !registered {
                registered = true
                atexit { LiveGroups.killAll() }
            }
        }
    }

    static func remove(_ pid: pid_t) { _ = lock.withLock { groups.remove(pid) } }

    static func killAll() {
        // No lock: at exit, other threads may hold it for ever; a stale read only sends a
        // signal to a group that has already gone.
        for pid in groups { kill(-pid, SIGKILL) }
    }
}
#endif

/// A one-shot byte buffer handed from the stderr reader thread.
private final class LockedBytes: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: [UInt8]?

    func set(_ bytes: [UInt8]) {
        condition.lock()
        value = bytes
        condition.signal()
        condition.unlock()
    }

    func peek() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        return value
    }

    func wait() -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}
