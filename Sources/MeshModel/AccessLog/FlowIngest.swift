import Foundation

/// Turns log lines into flows and keeps account of the rest: every line either becomes a
/// ``Flow`` or is counted by why it did not (kept raw: the first ``maxKeptRaw`` of them),
/// so nothing is dropped silently.
///
/// ```swift
/// var ingest = FlowIngest(directory: dir)
/// if let flow = ingest.read(line, reporter: reporter) { … }
/// ingest.rejected[.unknownFormat]   // lines in another format
/// ingest.raw.first?.text            // one of them, as it came
/// ```
public struct FlowIngest: Sendable {
    public struct RawLine: Sendable, Equatable {
        public var text: String
        public var reason: AccessLogRejection
        /// `pod.namespace` of the stream it came from, when there was one.
        public var origin: String?
    }

    public var directory: WorkloadDirectory
    public private(set) var lines = 0
    public private(set) var parsed = 0
    public private(set) var rejected: [AccessLogRejection: Int] = [:]
    public private(set) var raw: [RawLine] = []
    public var maxKeptRaw = 100
    /// The descriptive fields each flow's entry carries (``AccessLogFields``): `top` asks for
    /// none, or the time alone, and skips a String per field per line.
    public var fields: AccessLogFields = .all

    public init(directory: WorkloadDirectory = WorkloadDirectory()) { self.directory = directory }

    /// The flow of one line, or nil (counted) when it is not an access-log line. A line known
    /// to be cut (the stream ended mid-line, or it was too long) is counted as truncated even
    /// if what arrived happens to parse.
    public mutating func read(_ line: UnsafeBufferPointer<UInt8>, reporter: WorkloadDirectory.Endpoint? = nil, cut: Bool = false) -> Flow? {
        var flow: Flow?
        read(line, reporter: reporter, cut: cut) { flow = $0 }
        return flow
    }

    public mutating func read(_ line: [UInt8], reporter: WorkloadDirectory.Endpoint? = nil, cut: Bool = false) -> Flow? {
        line.withUnsafeBufferPointer { read($0, reporter: reporter, cut: cut) }
    }

    /// ``read(_:reporter:cut:)-(UnsafeBufferPointer<UInt8>,_,_)`` handing the flow to `body`
    /// instead of returning it: what reads every line of a log (`top --file`, following)
    /// passes the flow on as it was built. Taken out of an Optional, it was copied (a retain
    /// of every String) and destroyed twice per line.
    public mutating func read(_ line: UnsafeBufferPointer<UInt8>, reporter: WorkloadDirectory.Endpoint? = nil, cut: Bool = false,
                              then body: (Flow) -> Void) {
        lines += 1
        // The entry is parsed in place and moved into the flow: no copy of it per line.
        var entry = AccessLogEntry(format: .envoyText)
        let rejection = cut ? .truncated : AccessLogParser.read(line, fields: fields, into: &entry)
        guard let reason = rejection else {
            parsed += 1
            // `consume`: passed from a `var`, the entry was copied and the original destroyed.
            body(Flow(consume entry, reporter: reporter, directory: directory))
            return
        }
        // A blank line is not worth a count.
        if !cut, line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            lines -= 1
            return
        }
        rejected[reason, default: 0] += 1
        if raw.count < maxKeptRaw {
            raw.append(RawLine(text: String(decoding: line.prefix(4096), as: UTF8.self), reason: reason,
                               origin: reporter.map { ($0.pod ?? $0.workload) + "." + $0.namespace }))
        }
    }

    public mutating func read(_ line: [UInt8], reporter: WorkloadDirectory.Endpoint? = nil, cut: Bool = false, then body: (Flow) -> Void) {
        line.withUnsafeBufferPointer { read($0, reporter: reporter, cut: cut, then: body) }
    }

    /// Lines that were not flows.
    public var rejectedTotal: Int { rejected.values.reduce(0, +) }

    /// `3 lines were not access-log lines (2 unknown-format, 1 truncated)`, or nil.
    public var summary: String? {
        let total = rejectedTotal
        guard total > 0 else { return nil }
        let parts = AccessLogRejection.allCases.compactMap { r in rejected[r].map { "\($0) \(r.rawValue)" } }
        return "\(total) of \(lines) line\(lines == 1 ? "" : "s") \(total == 1 ? "was not an access-log line" : "were not access-log lines") (\(parts.joined(separator: ", ")))"
    }

    /// Calls `body` with each line of `bytes` (split at `\n`), without copying them; the
    /// newlines are found with `memchr`, a word at a time.
    public static func forEachLine(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            let done = forEachTerminatedLine(all, body)
            if done < all.count { body(UnsafeBufferPointer(rebasing: all[done...])) }
        }
    }

    /// Calls `body` with each line of `all` that a newline ends, and returns where the
    /// unfinished rest begins: a file read in chunks carries that rest into the next one.
    public static func forEachTerminatedLine(_ all: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Int {
        guard let base = all.baseAddress else { return 0 }
        var start = 0
        let n = all.count
        while start < n, let p = memchr(base + start, 0x0A, n - start) {
            let end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p))
            body(UnsafeBufferPointer(rebasing: all[start..<end]))
            start = end + 1
        }
        return start
    }
}
