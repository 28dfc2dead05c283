/// `meshscope top`: requests per (source, destination, route) over a sliding window, with
/// success rate, p50/p99 latency, bytes and the most frequent response flags.
///
/// Memory is bounded by the keys, not the lines: each key keeps one bucket per second of
/// the window, and latencies go into a log-scale histogram (exact below 128 ms, within
/// 12.5% above), so a million lines cost the same as a thousand.
///
/// ```swift
/// var top = FlowTop(window: 60)
/// top.add(flow, at: 1_700_000_000)
/// let rows = top.rows(now: 1_700_000_030)
/// rows[0].requests, rows[0].successRate, rows[0].p99Ms
/// ```
public struct FlowTop: Sendable {
    public struct Key: Sendable, Hashable {
        public var source: String
        public var destination: String
        public var route: String
    }

    public struct Row: Sendable, Equatable {
        public var source: String
        public var destination: String
        public var route: String
        public var requests: Int
        public var failures: Int
        public var bytes: Int
        public var p50Ms: Int?
        public var p99Ms: Int?
        /// Flag codes with their counts, most frequent first.
        public var flags: [(code: String, count: Int)]

        /// Share of requests that did not fail, 0…1.
        public var successRate: Double { requests == 0 ? 1 : Double(requests - failures) / Double(requests) }

        public static func == (a: Row, b: Row) -> Bool {
            a.source == b.source && a.destination == b.destination && a.route == b.route && a.requests == b.requests && a.failures == b.failures
                && a.bytes == b.bytes && a.p50Ms == b.p50Ms && a.p99Ms == b.p99Ms && a.flags.map(\.code) == b.flags.map(\.code)
                && a.flags.map(\.count) == b.flags.map(\.count)
        }
    }

    struct Bucket: Sendable {
        var second: Int
        var requests = 0
        var failures = 0
        var bytes = 0
        var histogram: [UInt32]
        var flags: [String: Int] = [:]
    }

    /// Seconds the window spans; nil keeps everything (a file read once).
    public let window: Int?
    private var buckets: [Key: [Bucket]] = [:]
    /// Most keys tracked; flows beyond are counted in ``droppedKeys`` (hostile logs with a
    /// new path per line cannot grow memory without end).
    public var maxKeys = 100_000
    public private(set) var droppedKeys = 0
    /// Count a request logged by both its client's and its server's proxy once (by its
    /// ``Flow/dedupKey``, among the last ``dedupMemory`` ones, remembered as ``Flow/dedupHash``:
    /// 16 bytes each, no String per line).
    public var deduplicate = true
    public var dedupMemory = 100_000
    /// Lines not counted because another line already logged the same request.
    public private(set) var duplicates = 0
    private var seen: Set<DedupHash> = []
    private var seenOrder: [DedupHash] = []
    private var seenHead = 0

    public init(window: Int? = nil) { self.window = window.map { max(1, $0) } }

    public mutating func add(_ flow: Flow, at second: Int = 0) {
        if deduplicate, let k = flow.dedupHash {
            if seen.contains(k) {
                duplicates += 1
                return
            }
            remember(k)
        }
        let key = Key(source: flow.source.name, destination: flow.destination.name, route: flow.route)
        let slot = window == nil ? 0 : second
        // One hash of the key per line: found, its list is mutated in place (copying the list
        // out and back would copy every bucket per line); else a new key, while there is room.
        if let at = buckets.index(forKey: key) {
            Self.record(flow.entry, slot: slot, window: window, into: &buckets.values[at])
        } else if buckets.count >= maxKeys {
            droppedKeys += 1
        } else {
            var list: [Bucket] = []
            Self.record(flow.entry, slot: slot, window: window, into: &list)
            buckets[key] = list
        }
    }

    private static func record(_ e: AccessLogEntry, slot: Int, window: Int?, into list: inout [Bucket]) {
        if list.last?.second != slot {
            if let window { list.removeAll { $0.second <= slot - window } }
            list.append(Bucket(second: slot, histogram: [UInt32](repeating: 0, count: FlowTop.histogramSize)))
        }
        let k = list.count - 1
        list[k].requests += 1
        if e.failed { list[k].failures += 1 }
        list[k].bytes &+= (e.bytesSent ?? 0) &+ (e.bytesReceived ?? 0)
        if let d = e.durationMs { list[k].histogram[FlowTop.bucket(d)] &+= 1 }
        for f in e.flags { list[k].flags[f.code, default: 0] += 1 }
    }

    /// Keeps the last ``dedupMemory`` keys, the oldest forgotten first.
    private mutating func remember(_ k: DedupHash) {
        seen.insert(k)
        if seenOrder.count < dedupMemory {
            seenOrder.append(k)
        } else {
            seen.remove(seenOrder[seenHead])
            seenOrder[seenHead] = k
            seenHead = (seenHead + 1) % seenOrder.count
        }
    }

    /// Drops buckets older than the window ending at `now`.
    public mutating func expire(now: Int) {
        guard let window else { return }
        for (k, list) in buckets {
            let kept = list.filter { $0.second > now - window }
            buckets[k] = kept.isEmpty ? nil : kept
        }
    }

    /// The rows of the window ending at `now` (everything without a window), most requests first.
    public func rows(now: Int = .max) -> [Row] {
        var out: [Row] = []
        for (key, list) in buckets {
            var requests = 0, failures = 0, bytes = 0
            var flags: [String: Int] = [:]
            let live = list.filter { window == nil || $0.second > now &- window! }
            // One bucket (a file, one second): its histogram as it is, no copy to sum into.
            var hist = live.count == 1 ? live[0].histogram : [UInt32](repeating: 0, count: FlowTop.histogramSize)
            for b in live {
                requests += b.requests
                failures += b.failures
                bytes &+= b.bytes
                if live.count > 1 { for i in hist.indices { hist[i] &+= b.histogram[i] } }
                for (f, n) in b.flags { flags[f, default: 0] += n }
            }
            guard requests > 0 else { continue }
            let sortedFlags = flags.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { (code: $0.key, count: $0.value) }
            out.append(Row(source: key.source, destination: key.destination, route: key.route, requests: requests, failures: failures, bytes: bytes,
                           p50Ms: FlowTop.percentile(hist, 0.50), p99Ms: FlowTop.percentile(hist, 0.99), flags: sortedFlags))
        }
        return out.sorted {
            if $0.requests != $1.requests { return $0.requests > $1.requests }
            if $0.source != $1.source { return $0.source < $1.source }
            if $0.destination != $1.destination { return $0.destination < $1.destination }
            return $0.route < $1.route
        }
    }

    // MARK: Latency histogram

    static let exactBelow = 128
    static let histogramSize = exactBelow + 8 * 57

    /// Milliseconds below 128 each have their own bucket; above, eight buckets per power of two.
    static func bucket(_ ms: Int) -> Int {
        if ms < exactBelow { return max(0, ms) }
        let e = Int.bitWidth - 1 - ms.leadingZeroBitCount   // ≥ 7
        let sub = (ms >> (e - 3)) & 7
        return min(histogramSize - 1, exactBelow + (e - 7) * 8 + sub)
    }

    /// The smallest value a bucket holds.
    static func lowerBound(_ bucket: Int) -> Int {
        if bucket < exactBelow { return bucket }
        let e = (bucket - exactBelow) / 8 + 7, sub = (bucket - exactBelow) % 8
        return (8 + sub) << (e - 3)
    }

    /// The value at quantile `q` (nearest rank), as its bucket's lower bound.
    static func percentile(_ hist: [UInt32], _ q: Double) -> Int? {
        let total = hist.reduce(0) { $0 + Int($1) }
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (i, n) in hist.enumerated() {
            seen += Int(n)
            if seen >= rank { return lowerBound(i) }
        }
        return nil
    }
}
