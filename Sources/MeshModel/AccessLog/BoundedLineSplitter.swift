import Foundation

/// Splits a byte stream into lines, holding at most `maxLineBytes` of an unfinished line: a
/// longer line is cut there and reported as such (a log line of gigabytes, or a stream that
/// never sends a newline, cannot grow memory). A stream cut mid-line leaves its last partial
/// line to ``finish()``, marked cut.
///
/// ```swift
/// var s = BoundedLineSplitter(maxLineBytes: 8)
/// s.feed(Array("ab\ncd".utf8))     // [Line("ab", cut: false)]
/// s.finish()                       // Line("cd", cut: true)
/// ```
public struct BoundedLineSplitter: Sendable {
    public struct Line: Sendable, Equatable {
        public var bytes: [UInt8]
        /// The line did not end with a newline: too long, or the stream ended mid-line.
        public var cut: Bool

        public init(bytes: [UInt8], cut: Bool) {
            self.bytes = bytes
            self.cut = cut
        }
    }

    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    /// Discarding the rest of a line already cut for length.
    private var skipping = false

    public init(maxLineBytes: Int = 64 << 10) { self.maxLineBytes = max(1, maxLineBytes) }

    public mutating func feed(_ chunk: some Collection<UInt8>) -> [Line] {
        if let out = chunk.withContiguousStorageIfAvailable({ feed(bytes: $0) }) { return out }
        return Array(chunk).withUnsafeBufferPointer { feed(bytes: $0) }
    }

    /// ``feed(_:)`` over contiguous bytes (a network buffer's), the newlines found with
    /// `memchr`. Not generic: a caller in another module (the log streamer, with NIO's
    /// buffers) pays no generic dispatch per byte and no metadata lookup per chunk.
    public mutating func feed(bytes chunk: UnsafeBufferPointer<UInt8>) -> [Line] {
        var out: [Line] = []
        guard let base = chunk.baseAddress else { return out }
        let n = chunk.count
        var start = 0
        while start < n, let p = memchr(base + start, 0x0A, n - start) {
            let nl = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p))
            let part = UnsafeBufferPointer(rebasing: chunk[start..<nl])
            start = nl + 1
            if skipping {
                skipping = false
                pending.removeAll(keepingCapacity: true)
                continue
            }
            if pending.isEmpty {
                // The whole line in this chunk: copied once, straight into its Line.
                if part.count > maxLineBytes {
                    out.append(Line(bytes: Array(part.prefix(maxLineBytes)), cut: true))
                } else if !part.isEmpty {
                    out.append(Line(bytes: Array(part), cut: false))
                }
                continue
            }
            if pending.count + part.count > maxLineBytes {
                pending.append(contentsOf: part.prefix(maxLineBytes - pending.count))
                out.append(Line(bytes: pending, cut: true))
            } else {
                pending.append(contentsOf: part)
                out.append(Line(bytes: pending, cut: false))
            }
            pending.removeAll(keepingCapacity: true)
        }
        let rest = UnsafeBufferPointer(rebasing: chunk[start..<n])
        if !skipping, !rest.isEmpty {
            if pending.count + rest.count > maxLineBytes {
                pending.append(contentsOf: rest.prefix(maxLineBytes - pending.count))
                out.append(Line(bytes: pending, cut: true))
                pending.removeAll(keepingCapacity: true)
                skipping = true
            } else {
                pending.append(contentsOf: rest)
            }
        }
        return out
    }

    /// The unfinished last line, if any (the stream ended mid-line).
    public mutating func finish() -> Line? {
        defer {
            pending = []
            skipping = false
        }
        return pending.isEmpty ? nil : Line(bytes: pending, cut: true)
    }
}
