/// The life of one followed container log, as a pure state machine: what to ask the API
/// server for next, how long to back off, which lines are repeats after a reconnect, and when
/// to give up. MeshClient's `LogStreamer` feeds it what happened and performs what it says.
///
/// - A stream that ends (the API server's timeout, a dropped connection) is reopened with
///   `sinceTime` at the last line's second; lines up to the last one seen are dropped
///   (``accept(timestamp:line:)``), so nothing shows twice and nothing is lost.
/// - Before reopening, the caller reads the pod: gone → stop (`pod deleted`); a new
///   container ID (or restart count) → the container restarted, read its log from the start.
/// - Failures back off exponentially (0.5 s doubling to 30 s); a stream that delivered lines
///   resets the backoff. A 400 (no such container), 403 or 404 is final: reported once.
///
/// ```swift
/// var m = LogStreamMachine(initial: .init(sinceSeconds: 60))
/// m.start()                                   // .open(LogQuery(sinceSeconds: 60))
/// m.accept(timestamp: "2026-01-01T00:00:01.5Z", line: bytes)   // true
/// m.streamEnded()                             // .checkPod
/// m.podChecked(exists: true, containerID: "containerd://a")    // .wait(0.5)
/// m.waited()                                  // .open(LogQuery(sinceTime: "2026-01-01T00:00:01Z"))
/// ```
public struct LogStreamMachine: Sendable {
    /// The log request's query.
    public struct Query: Sendable, Equatable {
        public var sinceSeconds: Int?
        public var sinceTime: String?
        public var tailLines: Int?

        public init(sinceSeconds: Int? = nil, sinceTime: String? = nil, tailLines: Int? = nil) {
            self.sinceSeconds = sinceSeconds
            self.sinceTime = sinceTime
            self.tailLines = tailLines
        }
    }

    public enum Action: Sendable, Equatable {
        case open(Query)
        /// Read the pod (exists? container ID?) and report with ``podChecked(exists:containerID:)``.
        case checkPod
        case wait(seconds: Double)
        /// Give up on this stream; the reason is shown once (nil: it simply ended).
        case stop(reason: String?)
    }

    public let initial: Query
    public let follow: Bool
    public var baseBackoff = 0.5
    public var maxBackoff = 30.0
    public private(set) var failures = 0
    public private(set) var reconnects = 0
    public private(set) var restarts = 0
    /// Lines dropped as repeats of lines already delivered.
    public private(set) var duplicates = 0
    private var containerID: String?
    private var lastTime: (seconds: Int, nanos: Int)?
    private var lastTimeText: String?
    /// Hashes of the lines at ``lastTime`` (several lines can share a timestamp).
    private var atLastTime: Set<Int> = []
    /// The first line at ``lastTime``, hashed only when another line shares its time: with
    /// the kubelet's nanosecond timestamps that is rare, and hashing every line was a
    /// thirtieth of a follower's CPU.
    private var firstAtLastTime: [UInt8]?
    private var linesThisStream = 0
    private var fromStart = false

    public init(initial: Query = Query(), follow: Bool = true) {
        self.initial = initial
        self.follow = follow
    }

    public mutating func start() -> Action { .open(initial) }

    /// Records the container seen when the stream first opened (so a later change is a restart).
    public mutating func opened(containerID: String?) {
        if self.containerID == nil { self.containerID = containerID }
    }

    /// Whether a line is new. `timestamp` is the `timestamps=true` prefix; lines without one
    /// cannot be deduplicated and are always new.
    public mutating func accept(timestamp: String?, line: some Sequence<UInt8>) -> Bool {
        guard let timestamp, let t = LogStreamMachine.parse(timestamp) else {
            linesThisStream += 1
            return true
        }
        if let last = lastTime {
            if t < last {
                duplicates += 1
                return false
            }
            if t == last {
                if let first = firstAtLastTime {
                    atLastTime = [LogStreamMachine.hash(first)]
                    firstAtLastTime = nil
                }
                if !atLastTime.insert(LogStreamMachine.hash(line)).inserted {
                    duplicates += 1
                    return false
                }
                linesThisStream += 1
                return true
            }
        }
        lastTime = t
        lastTimeText = timestamp
        atLastTime = []
        firstAtLastTime = Array(line)
        linesThisStream += 1
        return true
    }

    static func hash(_ line: some Sequence<UInt8>) -> Int {
        var hasher = Hasher()
        // The line's bytes in one call (they are contiguous: a line's array), not a call per byte.
        if line.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            Array(line).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        return hasher.finalize()
    }

    /// The stream ended without an error, or failed with `status` (an HTTP code, nil for a
    /// transport error).
    public mutating func streamEnded(status: Int? = nil, message: String? = nil) -> Action {
        if let status, status == 400 || status == 403 || status == 404 {
            return .stop(reason: message ?? "HTTP \(status)")
        }
        if !follow, status == nil { return .stop(reason: nil) }
        if !follow { return .stop(reason: message ?? "HTTP \(status ?? 0)") }
        if status != nil || linesThisStream == 0 { failures += 1 } else { failures = 0 }
        linesThisStream = 0
        return .checkPod
    }

    /// What reading the pod said.
    public mutating func podChecked(exists: Bool, containerID: String?) -> Action {
        guard exists else { return .stop(reason: "pod deleted") }
        if let containerID, let old = self.containerID, containerID != old {
            self.containerID = containerID
            restarts += 1
            failures = 0
            fromStart = true
            return .wait(seconds: 0)
        }
        if self.containerID == nil { self.containerID = containerID }
        return .wait(seconds: backoff)
    }

    /// The wait is over: the next request.
    public mutating func waited() -> Action {
        reconnects += 1
        if fromStart {
            fromStart = false
            // A new container: everything it wrote is new.
            lastTime = nil
            atLastTime = []
            firstAtLastTime = nil
            return .open(Query())
        }
        guard let text = lastTimeText else { return .open(initial) }
        return .open(Query(sinceTime: LogStreamMachine.secondPrecision(text)))
    }

    /// Seconds before the next attempt: 0 after a healthy stream, then 0.5, 1, 2 … 30.
    public var backoff: Double {
        guard failures > 0 else { return 0 }
        let exp = min(failures - 1, 16)
        return min(maxBackoff, baseBackoff * Double(1 << exp))
    }

    /// `2026-01-01T00:00:01.123456789Z` → (epoch seconds, nanoseconds). Kubernetes trims
    /// trailing zeros (RFC3339Nano), so fractions are compared as numbers, not text.
    static func parse(_ ts: String) -> (seconds: Int, nanos: Int)? {
        guard let s = FlowTime.epochSeconds(ts) else { return nil }
        var nanos = 0
        let b = Array(ts.utf8)
        if b.count > 20, b[19] == UInt8(ascii: ".") {
            var digits = 0
            var i = 20
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int(b[i] - 0x30); digits += 1 }
                i += 1
            }
            while digits < 9 { nanos *= 10; digits += 1 }
        }
        return (s, nanos)
    }

    /// `sinceTime` takes whole seconds: `2026-01-01T00:00:01.5Z` → `2026-01-01T00:00:01Z`.
    static func secondPrecision(_ ts: String) -> String {
        guard let s = FlowTime.epochSeconds(ts) else { return ts }
        return FlowTime.rfc3339(s)
    }
}

extension FlowTime {
    /// Epoch seconds → `2026-01-01T00:00:01Z`.
    public static func rfc3339(_ epoch: Int) -> String {
        let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let secs = epoch - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
    }
}
