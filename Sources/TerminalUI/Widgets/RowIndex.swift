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
        // Sized first, then filled through a raw pointer: byte-wise `append` made the first
        // filter keystroke on 100,000 rows cost a whole frame.
        var total = 0
        for row in rows {
            for cell in row { total += cell.utf8.count + 1 }
            if row.isEmpty { total += 1 }
        }
        starts = [Int](repeating: 0, count: rows.count + 1)
        bytes = [UInt8](repeating: 0, count: total)
        var at = 0
        bytes.withUnsafeMutableBufferPointer { out in
            starts.withUnsafeMutableBufferPointer { st in
                RowIndex.fold.withUnsafeBufferPointer { fold in
                    guard let base = out.baseAddress else { return }
                    for (r, row) in rows.enumerated() {
                        st[r] = at
                        for (i, cell) in row.enumerated() {
                            if i > 0 { base[at] = 0x20; at += 1 }
                            // One table lookup per byte: ASCII lowercase, and a newline inside a
                            // cell becomes a space so it never reads as a row separator.
                            if let n = cell.utf8.withContiguousStorageIfAvailable({ u -> Int in
                                for (k, b) in u.enumerated() { base[at + k] = fold[Int(b)] }
                                return u.count
                            }) {
                                at += n
                            } else {
                                for b in cell.utf8 { base[at] = fold[Int(b)]; at += 1 }
                            }
                        }
                        base[at] = 0x0A
                        at += 1
                    }
                    st[rows.count] = at
                }
            }
        }
    }

    /// Byte → indexed byte: `A`–`Z` lowercased, `\n` a space, everything else itself.
    static let fold: [UInt8] = (0..<256).map { (i: Int) -> UInt8 in
        let b = UInt8(i)
        if b >= 0x41 && b <= 0x5A { return b | 0x20 }
        return b == 0x0A ? 0x20 : b
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
    ///
    /// The candidates come in the view's sort order, which jumps all over the buffer; they
    /// are marked in a bitmap and scanned in buffer order instead, so the scan streams through
    /// memory (on a sorted 100,000-row table the scattered reads cost more than the search).
    public func rows(_ candidates: [Int], containing needle: [UInt8]) -> [Int] {
        guard !needle.isEmpty else { return candidates }
        let n = count
        var marked = [Bool](repeating: false, count: n)
        var lowest = n, highest = -1
        for r in candidates where r >= 0 && r < n {
            marked[r] = true
            lowest = min(lowest, r)
            highest = max(highest, r)
        }
        guard lowest <= highest else { return [] }
        bytes.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { nd in
                starts.withUnsafeBufferPointer { st in
                    marked.withUnsafeMutableBufferPointer { m in
                        guard let base = hay.baseAddress, let nb = nd.baseAddress else { return }
                        for r in lowest...highest where m[r] {
                            // The row's text without its trailing separator.
                            m[r] = RowIndex.find(nb, nd.count, in: base, from: st[r], count: st[r + 1] - 1) != nil
                        }
                    }
                }
            }
        }
        var out: [Int] = []
        out.reserveCapacity(candidates.count)
        for r in candidates where r >= 0 && r < n && marked[r] { out.append(r) }
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
