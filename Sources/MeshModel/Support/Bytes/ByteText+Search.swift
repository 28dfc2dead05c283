extension ByteText {
    /// Whether `needle` occurs in `hay`: a naive scan, because every needle we look for is
    /// short and its first byte rarely matches. An empty needle occurs everywhere (Go's
    /// `strings.Contains`).
    ///
    /// ```swift
    /// ByteText.contains(Array("outbound|80||a".utf8)[...], Array("|80|".utf8))   // true
    /// ```
    public static func contains(_ hay: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        return hay.withUnsafeBufferPointer { h in firstIndex(of: needle, in: h, from: 0, to: h.count) != nil }
    }

    public static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool { contains(hay[...], needle) }

    /// The first offset in `start..<end` of `b` where `needle` begins, or nil.
    static func firstIndex(of needle: [UInt8], in b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard let first = needle.first, start >= 0, end <= b.count, end - start >= needle.count else { return nil }
        return needle.withUnsafeBufferPointer { n in
            let last = end - n.count
            var i = start
            while i <= last {
                if b[i] == first {
                    var k = 1
                    while k < n.count && b[i + k] == n[k] { k += 1 }
                    if k == n.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Index of the next `::` at or after `from`, or nil (Envoy's `/clusters` separator).
    @inline(__always)
    static func findDoubleColon(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
        var i = from
        while i + 1 < end {
            if b[i] == 0x3A {
                if b[i + 1] == 0x3A { return i }
            }
            i += 1
        }
        return nil
    }
}
