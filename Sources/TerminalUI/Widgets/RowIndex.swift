#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of every row of a table, ASCII-lowercased into one buffer, so a plain-text
/// filter over 100,000 rows is one `memchr`/`memcmp` scan instead of 100,000 string searches.
///
/// ```swift
/// let index = RowIndex(rows: table.rows)
/// index.rows(containing: Array("svc-33".utf8))   // ascending row numbers
/// index.text(of: 5)                             // "pod-5 svc-5... " (lowercased)
/// ```
public struct RowIndex: Sendable {
    private var bytes: [UInt8] = []
    /// Start offset of each row in `bytes`; rows end with a 0x0A separator.
    private var starts: [Int] = []

    public init(rows: [[String]]) {
        bytes.reserveCapacity(rows.count * 64)
        starts.reserveCapacity(rows.count + 1)
        for row in rows {
            starts.append(bytes.count)
            for (i, cell) in row.enumerated() {
                if i > 0 { bytes.append(0x20) }
                for var b in cell.utf8 {
                    if b >= 0x41 && b <= 0x5A { b |= 0x20 }
                    if b == 0x0A { b = 0x20 }
                    bytes.append(b)
                }
            }
            bytes.append(0x0A)
        }
        starts.append(bytes.count)
    }

    public var count: Int { starts.count - 1 }

    /// A row's indexed text (cells joined by spaces, ASCII-lowercased).
    public func text(of row: Int) -> String {
        String(decoding: bytes[starts[row]..<(starts[row + 1] - 1)], as: UTF8.self)
    }

    /// Rows whose text contains `needle` (already lowercased), in ascending order.
    public func rows(containing needle: [UInt8]) -> [Int] {
        guard !needle.isEmpty else { return Array(0..<count) }
        var out: [Int] = []
        bytes.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { n in
                guard let base = hay.baseAddress, let nb = n.baseAddress else { return }
                var offset = 0
                var row = 0
                while offset < hay.count {
                    guard let at = RowIndex.find(nb, n.count, in: base, from: offset, count: hay.count) else { break }
                    // The row holding the hit: advance (hits come in order).
                    row = RowIndex.rowContaining(at, starts: starts, from: row)
                    out.append(row)
                    offset = starts[row + 1]
                }
            }
        }
        return out
    }

    /// Those of `candidates` (row numbers, in any order; the order is kept) whose text contains
    /// `needle` (already lowercased). What a filter keystroke that extends the pattern scans:
    /// only the rows the shorter pattern kept.
    public func rows(_ candidates: [Int], containing needle: [UInt8]) -> [Int] {
        guard !needle.isEmpty else { return candidates }
        var out: [Int] = []
        out.reserveCapacity(candidates.count)
        bytes.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { n in
                starts.withUnsafeBufferPointer { st in
                    guard let base = hay.baseAddress, let nb = n.baseAddress else { return }
                    for r in candidates where r >= 0 && r < st.count - 1 {
                        // The row's text without its trailing separator.
                        if RowIndex.find(nb, n.count, in: base, from: st[r], count: st[r + 1] - 1) != nil { out.append(r) }
                    }
                }
            }
        }
        return out
    }

    /// First occurrence of the needle at or after `from` (memchr for the first byte, then memcmp).
    static func find(_ needle: UnsafePointer<UInt8>, _ n: Int, in hay: UnsafePointer<UInt8>, from: Int, count: Int) -> Int? {
        var i = from
        let first = Int32(needle[0])
        while count - i >= n {
            guard let p = memchr(hay + i, first, count - i - n + 1) else { return nil }
            let at = hay.distance(to: p.assumingMemoryBound(to: UInt8.self))
            if memcmp(hay + at, needle, n) == 0 { return at }
            i = at + 1
        }
        return nil
    }

    static func rowContaining(_ offset: Int, starts: [Int], from: Int) -> Int {
        var lo = from
        var hi = starts.count - 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
