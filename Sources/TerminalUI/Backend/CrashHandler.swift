import CNcurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A crash never holds the terminal: on SIGILL, SIGTRAP (Swift runtime traps), SIGSEGV,
/// SIGBUS, SIGFPE or SIGABRT the terminal is restored (when the TUI has it), a backtrace is
/// written to `$TMPDIR/meshscope-crash-PID.txt`, one line names the crash on stderr, and the
/// process exits at once with 128 + the signal.
///
/// Without it, the Swift runtime's backtracer takes over the terminal for tens of seconds
/// with an interactive prompt. The runtime installs its handlers before `main`; installing
/// ours afterwards replaces them. Set `SWIFT_BACKTRACE=enable=yes` to keep the runtime's
/// backtracer instead (for debugging meshscope itself).
///
/// The handler restores the same curses session ``CursesTerminal`` started: the shim's state
/// lives once per process, in CNcurses/shim.c.
///
/// ```
/// meshscope: crashed (SIGILL, illegal instruction: a Swift runtime trap); backtrace in /tmp/meshscope-crash-4242.txt
/// ```
public enum CrashHandler {
    /// Installs the handler for the whole process; call once, first thing in `main`.
    public static func install(program: String = "meshscope", environment: [String: String]) {
        if let setting = environment["SWIFT_BACKTRACE"], setting.split(separator: ",").contains("enable=yes") { return }
        var dir = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        ms_install_crash_handlers(program, path(directory: dir, pid: Int(getpid())))
    }

    /// The backtrace file for process `pid`.
    public static func path(directory: String, pid: Int) -> String {
        "\(directory)/meshscope-crash-\(pid).txt"
    }
}
