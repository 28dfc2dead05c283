/// The byte toolkit of the single-pass decoders: they look at bytes in place and only make a
/// `String` for what the model keeps. One implementation of each: lines (here), substring
/// search (`ByteText+Search`), numbers (`ByteText+Numbers`), FNV-1a (`FNV1a`).
///
/// ```swift
/// Array("a\r\nb".utf8).withUnsafeBufferPointer { b in
///     ByteText.forEachLine(b) { s, e, n, terminated in print(n, ByteText.string(b, s, e), terminated) }
/// }   // 1 a true, 2 b false
/// ```
public enum ByteText {
    /// Calls `body(start, end, lineNumber, terminated)` for every line of `b` (without the
    /// newline and a trailing CR). `terminated` is false for a last line with no newline,
    /// which is how a truncated capture shows.
    @inline(__always)
    static func forEachLine(_ b: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, Int, Bool) -> Void) {
        let n = b.count
        var i = 0
        var lineNo = 0
        while i < n {
            lineNo += 1
            var end = i
            while end < n && b[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > i && b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            body(i, lineEnd, lineNo, end < n)
            i = end + 1
        }
    }

    @inline(__always)
    static func string(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        guard end - start == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        var k = 0
        while k < end - start {
            if b[start + k] != p[k] { return false }
            k += 1
        }
        return true
    }

    static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        guard end - start >= literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        for k in 0..<literal.utf8CodeUnitCount where b[start + k] != p[k] { return false }
        return true
    }

    static func hasSuffix(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end - start >= n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where b[end - n + k] != p[k] { return false }
        return true
    }

    /// `[a-z0-9_]+`: the shape of Envoy's setting and stat names (not of host addresses).
    static func isIdentifier(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        for k in start..<end {
            let c = b[k]
            guard (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F else { return false }
        }
        return true
    }

    /// Bytes of a line quoted for an error message, shortened to keep the message one line.
    static func excerpt(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let limit = 60
        let cut = min(end, start + limit)
        let text = string(b, start, cut) + (cut < end ? "…" : "")
        return "\"" + text + "\""
    }

    /// First byte that is not JSON whitespace, or nil for a blank input.
    static func firstSignificantByte(_ bytes: [UInt8]) -> UInt8? {
        for c in bytes where !(c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09) { return c }
        return nil
    }
}
