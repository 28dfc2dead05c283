import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated thread that waits (in `poll`) for keyboard input and for the SIGWINCH
/// self-pipe, and tells the runtime; the runtime then reads keys on ``TerminalActor``.
/// Blocking waits stay off Swift's cooperative thread pool, and curses is only ever
/// called from the actor.
public final class InputWatcher: @unchecked Sendable {
    public enum Signal: Sendable { case input, resize, hangup }

    private let resizeFD: Int32
    private let notify: @Sendable (Signal) -> Void
    private let consumed = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false

    public init(resizeFD: Int32, notify: @escaping @Sendable (Signal) -> Void) {
        self.resizeFD = resizeFD
        self.notify = notify
    }

    public func start() {
        let t = Thread { [self] in run() }
        t.name = "meshscope-input"
        t.start()
    }

    /// Called after the keys were read, so the thread polls again (rather than spin on a
    /// still-readable stdin).
    public func inputConsumed() { consumed.signal() }

    public func stop() {
        lock.withLock { stopped = true }
        consumed.signal()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func run() {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: resizeFD, events: Int16(POLLIN), revents: 0)]
        let count = resizeFD >= 0 ? 2 : 1
        while !isStopped {
            fds[0].revents = 0
            fds[1].revents = 0
            let n = poll(&fds, nfds_t(count), 250)
            if isStopped { return }
            if n < 0 {
                if errno == EINTR { continue }
                notify(.hangup)
                return
            }
            if n == 0 { continue }
            if count == 2, fds[1].revents & Int16(POLLIN) != 0 {
                var buf = [UInt8](repeating: 0, count: 64)
                while read(resizeFD, &buf, buf.count) > 0 {}
                notify(.resize)
            }
            let r = fds[0].revents
            if r & Int16(POLLIN) != 0 {
                notify(.input)
                // Wait until the runtime has read the keys; re-check stop every second.
                while consumed.wait(timeout: .now() + 1) == .timedOut {
                    if isStopped { return }
                }
            } else if r & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                notify(.hangup)
                return
            }
        }
    }
}
