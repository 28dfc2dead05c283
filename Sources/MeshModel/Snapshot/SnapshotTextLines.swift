import Foundation

/// Picks lines out of a JSON string that holds recorded text (a proxy's Prometheus stats)
/// without decoding the whole string: `check` on a 6,000-proxy snapshot needs a few metric
/// families out of some 100 KB of stats per sample, and decoding every line first was most of the
/// time spent on them.
///
/// A line is kept when `keep` accepts its leading name: the run of Prometheus name characters
/// (`[A-Za-z_:][A-Za-z0-9_:]*`) after any spaces and tabs, what the Prometheus text parser
/// reads as the metric name. `keep` also gets the rest of the line as stored (still escaped:
/// a label's quotes read `\"`), to choose among a family's series. Kept lines are decoded and each ends with `\n`; the result parses
/// to the same samples, in the same order, as the whole decoded string filtered by name.
///
/// Only the plain case is taken: printable ASCII with the escapes `\n \" \\ \/ \b \f \r \t`.
/// Anything else (`\u` escapes, bytes the JSON parser rejects or decodes differently) returns
/// nil, and the caller decodes the string whole, the exact way.
///
/// ```swift
/// let json = Array(##""# a\nistio_x 1\nenvoy_y 2\n""##.utf8)
/// let kept = json.withUnsafeBufferPointer { b in
///     SnapshotTextLines.kept(in: b, string: 0..<json.count) { name, _ in name.starts(with: "istio_".utf8) }
/// }
/// String(decoding: kept!, as: UTF8.self)    // "istio_x 1\n"
/// ```
public enum SnapshotTextLines {
    /// `string` is the JSON string's bytes, quotes included. A reader that writes the kept
    /// lines back into JSON (``SnapshotCompactor``) takes them as stored:
    /// ``keptEscaped(in:stringAt:_:)``.
    public static func kept(in b: UnsafeBufferPointer<UInt8>, string: Range<Int>,
                            _ keep: (_ name: UnsafeBufferPointer<UInt8>, _ rest: UnsafeBufferPointer<UInt8>) -> Bool) -> [UInt8]? {
        guard string.lowerBound >= 0, string.upperBound <= b.count, string.count >= 2, let base = b.baseAddress,
              b[string.lowerBound] == 0x22, b[string.upperBound - 1] == 0x22, string.count - 2 < 1 << 27 else { return nil }
        let s = string.lowerBound + 1
        let e = string.upperBound - 1
        // Control characters (the JSON parser rejects them) and non-ASCII bytes (decoded with
        // repair) go the exact way: one branch-free pass the compiler vectorizes.
        var odd: UInt8 = 0
        for i in s..<e {
            let c = b[i]
            odd |= ((c &- 0x20) | c) & 0x80
        }
        if odd != 0 { return nil }
        var out: [UInt8] = []
        var i = s
        while i < e {
            let (nameStart, j) = name(b, from: i, to: e)
            // The line ends at the next `\n` escape; every escape on the way must be a plain one.
            var lineEnd = e
            var k = j
            while k < e {
                guard let bs = JSONSkimmer.nextByte(0x5C, base, from: k, to: e) else { break }
                guard let after = escape(b, at: bs, end: e) else { return nil }
                if after < 0 {
                    lineEnd = bs
                    break
                }
                k = after
            }
            if j > nameStart, keep(UnsafeBufferPointer(rebasing: b[nameStart..<j]), UnsafeBufferPointer(rebasing: b[j..<lineEnd])) {
                // Runs between escapes are copied whole, not a byte at a time (each append checked
                // the array's uniqueness: 2% of `check` on a 6,000-proxy snapshot).
                var m = i
                while m < lineEnd {
                    let bs = JSONSkimmer.nextByte(0x5C, base, from: m, to: lineEnd) ?? lineEnd
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[m..<bs]))
                    guard bs < lineEnd else { break }
                    out.append(unescaped(b[bs + 1]) ?? 0x5C)
                    m = bs + 2
                }
                out.append(0x0A)
            }
            i = lineEnd == e ? e : lineEnd + 2
        }
        return out
    }

    /// The lines ``kept(in:string:_:)`` keeps of the JSON string that starts at `start`, as
    /// stored (each ending with the `\n` escape: the inside of a JSON string that decodes to
    /// `kept`'s bytes), and one past the string's closing quote, found on the way: what
    /// ``SnapshotCompactor`` keeps of a recorded sample. Finding the end first stopped at every
    /// escaped quote of every label, then the lines stopped at them again. nil where `kept`
    /// gives nil, and when the string is cut short by the end of `b` (the caller finds out
    /// which, the exact way).
    public static func keptEscaped(in b: UnsafeBufferPointer<UInt8>, stringAt start: Int,
                                   _ keep: (_ name: UnsafeBufferPointer<UInt8>, _ rest: UnsafeBufferPointer<UInt8>) -> Bool) -> (lines: [UInt8], end: Int)? {
        guard start >= 0, start < b.count, b[start] == 0x22, let base = b.baseAddress else { return nil }
        let n = min(b.count, start &+ 1 &+ (1 << 27))
        var out: [UInt8] = []
        var i = start + 1
        while i < n {
            if b[i] == 0x22 { return (out, i + 1) }
            let (nameStart, j) = name(b, from: i, to: n)
            // The line ends at the next `\n` escape or at the closing quote; on the way every
            // escape must be plain, and no byte a control character or beyond ASCII.
            var k = j
            var lineEnd = -1
            var closing = false
            while k < n {
                guard let at = special(base, from: k, to: n) else { return nil }
                let c = b[at]
                if c == 0x22 {
                    lineEnd = at
                    closing = true
                    break
                }
                guard c == 0x5C, let after = escape(b, at: at, end: n) else { return nil }
                if after < 0 {
                    lineEnd = at
                    break
                }
                k = after
            }
            guard lineEnd >= 0 else { return nil }
            if j > nameStart, keep(UnsafeBufferPointer(rebasing: b[nameStart..<j]), UnsafeBufferPointer(rebasing: b[j..<lineEnd])) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<lineEnd]))
                out.append(contentsOf: [0x5C, 0x6E])
            }
            if closing { return (out, lineEnd + 1) }
            i = lineEnd + 2
        }
        return nil
    }

    /// The first byte in `from..<to` that is a quote, a backslash, a control character or
    /// beyond ASCII, a word at a time.
    @inline(__always) static func special(_ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var i = from
        #if _endian(little)
        while i &+ 8 <= end {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let z = WordBytes.equal(w, 0x22) | WordBytes.equal(w, 0x5C) | WordBytes.below(w, 0x20) | WordBytes.nonASCII(w)
            if z != 0 { return i &+ z.trailingZeroBitCount / 8 }
            i &+= 8
        }
        #endif
        while i < end {
            let c = base[i]
            if c == 0x22 || c == 0x5C || c < 0x20 || c >= 0x80 { return i }
            i &+= 1
        }
        return nil
    }

    /// Where the name of the line that starts at `i` begins and ends: after any spaces and
    /// `\t` escapes, the run of Prometheus name characters (empty when there is none).
    @inline(__always) static func name(_ b: UnsafeBufferPointer<UInt8>, from i: Int, to end: Int) -> (start: Int, end: Int) {
        var j = i
        while j < end {
            if b[j] == 0x20 { j += 1 } else if b[j] == 0x5C, j + 1 < end, b[j + 1] == 0x74 { j += 2 } else { break }
        }
        let start = j
        while j < end && isNameChar(b[j], first: j == start) { j += 1 }
        return (start, j)
    }

    /// The escape whose backslash is at `at`: -1 when it is `\n` (the line ends there), where
    /// the line goes on after a plain one, nil for any other (or one cut by `end`).
    @inline(__always) static func escape(_ b: UnsafeBufferPointer<UInt8>, at: Int, end: Int) -> Int? {
        guard at + 1 < end else { return nil }
        let x = b[at + 1]
        if x == 0x6E { return -1 }
        return unescaped(x) == nil ? nil : at + 2
    }

    /// The byte a plain escape stands for (`n` excepted: it ends a line).
    @inline(__always) static func unescaped(_ x: UInt8) -> UInt8? {
        switch x {
        case 0x22, 0x5C, 0x2F: x
        case 0x62: 0x08
        case 0x66: 0x0C
        case 0x72: 0x0D
        case 0x74: 0x09
        default: nil
        }
    }

    @inline(__always) static func isNameChar(_ c: UInt8, first: Bool) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A || (!first && c >= 0x30 && c <= 0x39)
    }
}
