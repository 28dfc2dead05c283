import Foundation

/// Runs CPU-bound test work (a scale test's seconds of decoding and rules) on a thread of its
/// own and awaits it. Run inline, it holds one of the cooperative pool's threads, and a
/// 2-core CI machine has two: every async test beside it (loopback servers, stores, tmux
/// waits) then stalls and misses its deadlines.
///
/// ```swift
/// let report = try await onOwnThread { FindingsEngine.evaluate(facts, rules: FindingRules.config) }
/// ```
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        // The main thread's stack, not a secondary thread's 512 KB: decoders recurse.
        thread.stackSize = 8 << 20
        thread.start()
    }
}
