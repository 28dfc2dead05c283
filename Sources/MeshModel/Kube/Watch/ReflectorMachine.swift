import Foundation

/// The list-then-watch loop of an informer, as a pure state machine: feed it what the
/// server said, get back the next request to make. The I/O layer only performs steps.
///
/// Behaviour follows client-go's reflector:
/// - list in pages (`limit`/`continue`), then watch from the list's `resourceVersion`
///   with `allowWatchBookmarks=true`;
/// - a watch that ends normally (server timeout) is resumed from the last seen version;
/// - `410 Gone` (or an `ERROR` event with code 410) means the version was compacted: relist;
///   an expired `continue` token restarts the list;
/// - `429` waits `Retry-After`; other failures back off exponentially (capped), and any
///   received event resets the backoff.
///
/// ```swift
/// var m = ReflectorMachine()
/// m.start()                                            // .list(continueToken: nil)
/// m.listPage(continueToken: nil, resourceVersion: "42") // (commit: true, next: .watch(resourceVersion: "42"))
/// ```
public struct ReflectorMachine: Sendable {
    public enum Step: Sendable, Equatable {
        case list(continueToken: String?)
        case watch(resourceVersion: String)
        indirect case wait(seconds: Double, then: Step)
    }

    public enum Phase: Sendable, Equatable { case idle, listing, watching }

    public private(set) var phase: Phase = .idle
    /// The version the cache is synced to (last list or event or bookmark).
    public private(set) var resourceVersion: String?
    /// Consecutive failures since the last success.
    public private(set) var failures = 0
    /// How many complete lists were done (1 after the initial sync; more after relists).
    public private(set) var listCount = 0
    public var backoff: Backoff

    public init(backoff: Backoff = Backoff()) { self.backoff = backoff }

    public mutating func start() -> Step {
        phase = .listing
        return .list(continueToken: nil)
    }

    /// A list page arrived. `commit` is true on the last page: the accumulated items now
    /// replace the cache, and the watch starts.
    public mutating func listPage(continueToken: String?, resourceVersion rv: String) -> (commit: Bool, next: Step) {
        failures = 0
        if let token = continueToken, !token.isEmpty { return (false, .list(continueToken: token)) }
        resourceVersion = rv
        listCount += 1
        phase = .watching
        return (true, .watch(resourceVersion: rv))
    }

    /// A list request failed with an HTTP status (0 for a connection failure).
    public mutating func listFailed(status: Int, retryAfter: Double?) -> Step {
        phase = .listing
        if status == 410 {
            // The continue token expired mid-list: start over, at once (client-go does the same).
            return .list(continueToken: nil)
        }
        return .wait(seconds: delay(status: status, retryAfter: retryAfter), then: .list(continueToken: nil))
    }

    /// A watch event (`ADDED`, `MODIFIED`, `DELETED` or `BOOKMARK`) carried this version.
    public mutating func event(resourceVersion rv: String) {
        failures = 0
        resourceVersion = rv
    }

    /// The watch stream ended without an error (the server's `timeoutSeconds`).
    public mutating func watchEnded() -> Step {
        guard let rv = resourceVersion else { return relist() }
        return .watch(resourceVersion: rv)
    }

    /// The watch failed: an HTTP status on connect, an `ERROR` event's code, or 0 for a
    /// dropped connection.
    public mutating func watchFailed(status: Int, retryAfter: Double?) -> Step {
        if status == 410 { return relist() }
        guard let rv = resourceVersion else { return relist() }
        return .wait(seconds: delay(status: status, retryAfter: retryAfter), then: .watch(resourceVersion: rv))
    }

    private mutating func relist() -> Step {
        phase = .listing
        resourceVersion = nil
        return .list(continueToken: nil)
    }

    private mutating func delay(status: Int, retryAfter: Double?) -> Double {
        failures += 1
        if status == 429, let retryAfter { return retryAfter }
        return backoff.delay(attempt: failures)
    }
}

/// Exponential backoff with a cap: `initial × factor^(attempt-1)`, at most `cap` seconds,
/// with optional jitter drawn from a caller-supplied fraction (kept pure for tests).
public struct Backoff: Sendable, Equatable {
    public var initial: Double
    public var factor: Double
    public var cap: Double
    /// 0…1: the delay is multiplied by `1 + jitter × jitterFraction`.
    public var jitter: Double
    public var jitterFraction: Double

    public init(initial: Double = 0.8, factor: Double = 2, cap: Double = 30, jitter: Double = 0, jitterFraction: Double = 0) {
        self.initial = initial
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self.jitterFraction = jitterFraction
    }

    public func delay(attempt: Int) -> Double {
        var d = initial
        for _ in 1..<max(1, attempt) {
            d *= factor
            if d >= cap { break }
        }
        return min(cap, d) * (1 + jitter * jitterFraction)
    }
}

/// HTTP `Retry-After`: seconds (`"3"`) or an HTTP date, which API servers do not send;
/// capped so a misbehaving server cannot park a client for hours.
public enum RetryAfter {
    public static func seconds(_ header: String?, cap: Double = 60) -> Double? {
        guard let h = header?.trimmingCharacters(in: .whitespaces), let n = Double(h), n >= 0 else { return nil }
        return min(n, cap)
    }
}
