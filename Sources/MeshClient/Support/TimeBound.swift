import Foundation
import NIOCore

/// Runs async work that must end by a deadline, whatever the work does.
///
/// AsyncHTTPClient's own deadline stops at the response head (a body that stalls after it
/// hangs), and a request waiting for a connection is only failed when the connection attempt
/// gives up. `run` returns when the time is up even if the work ignores cancellation: the
/// work is cancelled and left to wind down on its own.
///
/// ```swift
/// let body = try await TimeBound.run(seconds: 3) { try await fetch() }   // throws TimeBound.Exceeded after 3 s
/// ```
enum TimeBound {
    /// The time ran out; `seconds` is how long the caller really waited.
    struct Exceeded: Error, Sendable {
        var seconds: Double
    }

    /// Runs `operation`, throwing ``Exceeded`` once `seconds` have passed (nil, 0, negative
    /// or infinite: no bound). Cancelling the caller cancels the work and throws `CancellationError`.
    static func run<T: Sendable>(seconds: Double?, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let seconds, seconds.isFinite, seconds > 0 else { return try await operation() }
        let start = DispatchTime.now()
        let once = ResumeOnce<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let work = Task {
                    do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(nanoseconds: nanoseconds(seconds))
                    let waited = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                    once.resume(.failure(Exceeded(seconds: waited)))
                }
                once.install(continuation) {
                    work.cancel()
                    timer.cancel()
                }
            }
        } onCancel: {
            once.resume(.failure(CancellationError()))
        }
    }

    /// Nanoseconds for `seconds`, clamped so no duration a user can type traps the conversion
    /// (`--request-timeout 1e300` means "a very long time", not a crash).
    static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds.isFinite, seconds > 0 else { return seconds > 0 ? UInt64(1e18) : 0 }
        return UInt64(min(seconds, 1e9) * 1e9)
    }

    /// The same clamp as a NIO `TimeAmount`.
    static func timeAmount(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(nanoseconds(seconds)))
    }

    /// A NIO deadline `seconds` from now (nil or infinite: `distantFuture`; used up: now).
    static func deadline(_ seconds: Double?) -> NIODeadline {
        guard let seconds, seconds.isFinite else { return .distantFuture }
        return seconds > 0 ? .now() + timeAmount(seconds) : .now()
    }
}

/// Resumes a continuation exactly once, from whichever of several racers comes first, then
/// runs a cleanup (cancelling the losers).
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?
    private var done = false
    private var cleanup: (@Sendable () -> Void)?

    func install(_ c: CheckedContinuation<T, any Error>, cleanup: @escaping @Sendable () -> Void) {
        lock.lock()
        if let early {
            // A racer (or cancellation) finished before the continuation was installed.
            lock.unlock()
            c.resume(with: early)
            cleanup()
            return
        }
        continuation = c
        self.cleanup = cleanup
        lock.unlock()
    }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        guard !done else { lock.unlock(); return }
        done = true
        guard let c = continuation else {
            early = result
            lock.unlock()
            return
        }
        continuation = nil
        let clean = cleanup
        cleanup = nil
        lock.unlock()
        c.resume(with: result)
        clean?()
    }
}
