import Foundation

/// Where a test harness can act inside the TUI runtime. The shipping `meshscope` sets none,
/// so each costs one nil check; the crash tests' `meshscope-crashtest` (Tests/CrashHarness)
/// sets ``afterFirstFrame`` to a trap, to check that the real crash handler gives the
/// terminal back with a frame on screen.
///
/// ```swift
/// RuntimeHooks.afterFirstFrame = { fatalError("MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME") }
/// ```
public enum RuntimeHooks {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var _afterFirstFrame: (@Sendable () -> Void)?

    /// Runs once, right after the runtime's first frame is on screen.
    public static var afterFirstFrame: (@Sendable () -> Void)? {
        get { lock.withLock { _afterFirstFrame } }
        set { lock.withLock { _afterFirstFrame = newValue } }
    }
}
