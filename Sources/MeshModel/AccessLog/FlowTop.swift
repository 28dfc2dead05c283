import Foundation

/// `meshscope top`: requests per (source, destination, route) over a sliding window, with
/// success rate, p50/p99 latency, bytes and the most frequent response flags.
///
/// Memory is bounded by the keys, not the lines: each key keeps one bucket per second of
/// the window, and latencies go into a log-scale histogram (exact below 128 ms, within
/// 12.5% above), so a million lines cost the same as a thousand.
///
/// Rows are numbered by their key's bytes (source, destination and route, joined; see
/// ``ByteInterner``): a line costs one hash of those bytes and no String, where a key of three
/// Strings cost the route's String and three String hashes and compares per line.
///
/// ```swift
/// var top = FlowTop(window: 60)
/// top.add(flow, at: 1_700_000_000)
/// let rows = top.rows(now: 1_700_000_030)
/// rows[0].requests, rows[0].successRate, rows[0].p99Ms
/// ```
public struct FlowTop: Sendable {
    /// What a row counts: one source, destination and route.
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
        /// Where its latency histogram starts in ``FlowTop/histograms``.
        var histogram: Int
        var flags: [String: Int] = [:]
    }

    /// A row's buckets, oldest first: `older`, then `newest`, the one a line counts into,
    /// kept in the row itself (nil: the row is empty, the window passed it). A line touches
    /// its row and one histogram entry, not an array of buckets and a histogram array besides
    /// (two objects per row, each a cache miss per line among thousands of rows).
    struct Buckets: Sendable {
        var older: [Bucket] = []
        var newest: Bucket?

        var isEmpty: Bool { newest == nil }
        var all: [Bucket] { newest.map { older + [$0] } ?? older }
    }

    /// Seconds the window spans; nil keeps everything (a file read once).
    public let window: Int?
    /// Row numbers by their key's bytes: `source 0xFF destination 0xFF route` (0xFF is never
    /// in UTF-8, so the joined bytes name one key).
    private var keys = ByteInterner()
    /// Each row's buckets, by row number; empty once the window has passed it.
    private var lists: [Buckets] = []
    /// Every bucket's latency histogram (``histogramSize`` counts each), back to back.
    private var histograms: [UInt32] = []
    /// Latency counts not yet added to ``histograms`` (their indexes), added a batch at a time:
    /// a line's count lands in one of thousands of rows' histograms, a cache miss that stalled
    /// every line (7% of `top --file`); a batch's misses overlap. Added before a histogram is
    /// reused, and counted by ``rows(now:)``.
    private var pendingCounts: [Int] = []
    static let pendingBatch = 64
    /// Where the histograms of dropped buckets start, to be reused.
    private var freeHistograms: [Int] = []
    /// How keys beyond ASCII were first spelled, by row number.
    private var spellings: [Int: Key] = [:]
    /// Rows with buckets: what ``maxKeys`` bounds.
    private var liveKeys = 0
    /// The key bytes of the line being counted, kept to reuse its storage.
    private var scratch: [UInt8] = []
    /// Most keys tracked; flows beyond are counted in ``droppedKeys`` (hostile logs with a
    /// new path per line cannot grow memory without end).
    public var maxKeys = 100_000
    public private(set) var droppedKeys = 0
    /// Count a request logged by both its client's and its server's proxy once (by its
    /// ``Flow/dedupKey``, among the last ``dedupMemory`` ones, remembered as ``Flow/dedupHash``:
    /// 16 bytes each, no String per line).
    public var deduplicate = true
    /// Setting it forgets what was remembered.
    public var dedupMemory: Int {
        get { seen.capacity }
        set { seen = DedupMemory(capacity: newValue) }
    }
    /// Lines not counted because another line already logged the same request.
    public private(set) var duplicates = 0
    private var seen = DedupMemory(capacity: 100_000)

    public init(window: Int? = nil) { self.window = window.map { max(1, $0) } }

    public mutating func add(_ flow: Flow, at second: Int = 0) {
        // One look-up: the insertion says whether the request was already counted.
        if deduplicate, let k = flow.dedupHash, !seen.insert(k) {
            duplicates += 1
            return
        }
        scratch.removeAll(keepingCapacity: true)
        Self.appendKey(flow, to: &scratch)
        // Strings are equal when canonically equivalent (`é` composed or not, the Kelvin
        // sign and `K`): a key beyond ASCII is numbered by its NFC bytes, and its row shows
        // the spelling seen first, as a key of three Strings did.
        var spelling: Key?
        if scratch.contains(where: { $0 >= 0x80 && $0 != 0xFF }) {
            let key = Key(source: flow.source.name, destination: flow.destination.name, route: flow.route)
            scratch = Self.bytes(Key(source: key.source.precomposedStringWithCanonicalMapping, destination: key.destination.precomposedStringWithCanonicalMapping,
                                     route: key.route.precomposedStringWithCanonicalMapping))
            spelling = key
        }
        let slot = window == nil ? 0 : second
        // One hash of the key's bytes per line; the row's list is mutated in place (copying it
        // out and back would copy every bucket per line). A key the window emptied counts as
        // new against ``maxKeys``, as one never seen.
        if let id = keys.find(scratch), !lists[id].isEmpty {
            record(flow.entry, slot: slot, row: id)
        } else if liveKeys >= maxKeys {
            droppedKeys += 1
        } else {
            let id = keys.intern(scratch)
            if id == lists.count { lists.append(Buckets()) }
            spellings[id] = spelling
            record(flow.entry, slot: slot, row: id)
            liveKeys += 1
        }
    }

    /// A flow's key as the bytes rows are numbered by.
    static func appendKey(_ flow: Flow, to out: inout [UInt8]) {
        out.append(contentsOf: flow.source.name.utf8)
        out.append(0xFF)
        out.append(contentsOf: flow.destination.name.utf8)
        out.append(0xFF)
        flow.appendRoute(to: &out)
    }

    /// The bytes `key` is numbered by, as ``appendKey(_:to:)`` gives them.
    static func bytes(_ key: Key) -> [UInt8] {
        var b = Array(key.source.utf8)
        b.append(0xFF)
        b.append(contentsOf: key.destination.utf8)
        b.append(0xFF)
        b.append(contentsOf: key.route.utf8)
        return b
    }

    /// The key numbered `id`, taken apart again (or as first spelled).
    private func key(_ id: Int) -> Key {
        if let k = spellings[id] { return k }
        let b = keys.bytes(of: id)
        let parts = b.split(separator: 0xFF, maxSplits: 2, omittingEmptySubsequences: false)
        func text(_ i: Int) -> String { i < parts.count ? String(decoding: parts[i], as: UTF8.self) : "" }
        return Key(source: text(0), destination: text(1), route: text(2))
    }

    /// The number of `key`'s row, if it has one (live or emptied by the window).
    func rowNumber(_ key: Key) -> Int? { keys.find(Self.bytes(key)) }

    private mutating func record(_ e: AccessLogEntry, slot: Int, row id: Int) {
        if lists[id].newest?.second != slot {
            if let window { drop(row: id, through: slot - window) }
            if let last = lists[id].newest { lists[id].older.append(last) }
            lists[id].newest = Bucket(second: slot, histogram: newHistogram())
        }
        // The newest bucket mutated through one pointer: `lists[id].newest?.field += …`
        // checked that the rows were not shared once per field.
        let histogram = lists.withUnsafeMutableBufferPointer { l -> Int? in
            l[id].newest?.requests += 1
            if e.failed { l[id].newest?.failures += 1 }
            l[id].newest?.bytes &+= (e.bytesSent ?? 0) &+ (e.bytesReceived ?? 0)
            for f in e.flags { l[id].newest?.flags[f.code, default: 0] += 1 }
            return l[id].newest?.histogram
        }
        if let histogram, let d = e.durationMs {
            pendingCounts.append(histogram + FlowTop.bucket(d))
            if pendingCounts.count >= FlowTop.pendingBatch { addPendingCounts() }
        }
    }

    private mutating func addPendingCounts() {
        histograms.withUnsafeMutableBufferPointer { h in
            for i in pendingCounts { h[i] &+= 1 }
        }
        pendingCounts.removeAll(keepingCapacity: true)
    }

    /// A zeroed histogram's start in ``histograms``: a dropped bucket's, or a new one.
    private mutating func newHistogram() -> Int {
        if let start = freeHistograms.popLast() {
            // A dropped bucket's counts still pending would land in the reused histogram.
            addPendingCounts()
            histograms.withUnsafeMutableBufferPointer { h in
                UnsafeMutableBufferPointer(rebasing: h[start..<(start + FlowTop.histogramSize)]).update(repeating: 0)
            }
            return start
        }
        histograms.append(contentsOf: repeatElement(0, count: FlowTop.histogramSize))
        return histograms.count - FlowTop.histogramSize
    }

    /// Drops row `id`'s buckets of `second` ≤ `cutoff`, giving their histograms back.
    private mutating func drop(row id: Int, through cutoff: Int) {
        for b in lists[id].older where b.second <= cutoff { freeHistograms.append(b.histogram) }
        lists[id].older.removeAll { $0.second <= cutoff }
        if let newest = lists[id].newest, newest.second <= cutoff {
            freeHistograms.append(newest.histogram)
            lists[id].newest = lists[id].older.popLast()
        }
    }

    /// Drops buckets older than the window ending at `now`. When most numbered rows are
    /// empty, the table is rebuilt with the live ones (renumbered), so keys that come and go
    /// over a long follow do not grow it without end.
    public mutating func expire(now: Int) {
        guard let window else { return }
        liveKeys = 0
        for id in lists.indices where !lists[id].isEmpty {
            drop(row: id, through: now - window)
            if !lists[id].isEmpty { liveKeys += 1 }
        }
        guard lists.count >= 1_024, liveKeys * 2 < lists.count else { return }
        var kept = ByteInterner()
        var keptLists: [Buckets] = []
        var keptSpellings: [Int: Key] = [:]
        keptLists.reserveCapacity(liveKeys)
        for id in lists.indices where !lists[id].isEmpty {
            let new = keys.bytes(of: id).withUnsafeBufferPointer { kept.intern($0) }
            keptSpellings[new] = spellings[id]
            keptLists.append(lists[id])
        }
        keys = kept
        lists = keptLists
        spellings = keptSpellings
    }

    /// The rows of the window ending at `now` (everything without a window), most requests first.
    public func rows(now: Int = .max) -> [Row] {
        var out: [Row] = []
        for (id, list) in lists.enumerated() where !list.isEmpty {
            var requests = 0, failures = 0, bytes = 0
            var flags: [String: Int] = [:]
            let live = list.all.filter { window == nil || $0.second > now &- window! }
            var hist = [UInt32](repeating: 0, count: FlowTop.histogramSize)
            for b in live {
                requests += b.requests
                failures += b.failures
                bytes &+= b.bytes
                for i in hist.indices { hist[i] &+= histograms[b.histogram + i] }
                for i in pendingCounts where i >= b.histogram && i < b.histogram + FlowTop.histogramSize { hist[i - b.histogram] &+= 1 }
                for (f, n) in b.flags { flags[f, default: 0] += n }
            }
            guard requests > 0 else { continue }
            let key = key(id)
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
