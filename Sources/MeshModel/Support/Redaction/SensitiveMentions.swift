/// Where a document mentions a sensitive field or a PEM private key, found in one pass, so
/// a walk can ask "does this subtree mention one?" of every value at every level by its byte
/// range instead of scanning the subtree's bytes again at each level (which made the
/// redaction pre-scan cost depth × size × needles).
///
/// ```swift
/// let m = SensitiveMentions(root.rawBytes)
/// if !m.mentions(child.rawBytes) { /* copy the child's bytes verbatim */ }
/// ```
///
/// Ranges are the offsets of slices of one buffer (`JSONValue.rawBytes` of one document); a
/// slice of another buffer gets a wrong answer, so build one per document.
struct SensitiveMentions {
    /// Every needle occurrence (start, end), by ascending start.
    private var hits: [(start: Int, end: Int)] = []

    init(_ bytes: ArraySlice<UInt8>) {
        let needles = SensitiveFields.needles + [SensitiveFields.pemNeedle]
        // Needles by first byte: one pass over the bytes, comparing only where a needle can start.
        var byFirst = [[Int]](repeating: [], count: 256)
        for (i, n) in needles.enumerated() where !n.isEmpty { byFirst[Int(n[0])].append(i) }
        let base = bytes.startIndex
        bytes.withUnsafeBufferPointer { b in
            let count = b.count
            var i = 0
            while i < count {
                let candidates = byFirst[Int(b[i])]
                if !candidates.isEmpty {
                    for c in candidates {
                        let n = needles[c]
                        guard count - i >= n.count else { continue }
                        var k = 1
                        while k < n.count && b[i + k] == n[k] { k += 1 }
                        if k == n.count { hits.append((base + i, base + i + n.count)) }
                    }
                }
                i += 1
            }
        }
    }

    /// Whether any needle lies wholly inside `slice` (a slice of the buffer this was built from).
    func mentions(_ slice: ArraySlice<UInt8>) -> Bool {
        let lo = slice.startIndex, hi = slice.endIndex
        // First hit starting at or after `lo`.
        var a = 0, b = hits.count
        while a < b {
            let m = (a + b) / 2
            if hits[m].start < lo { a = m + 1 } else { b = m }
        }
        var i = a
        while i < hits.count && hits[i].start < hi {
            if hits[i].end <= hi { return true }
            i += 1
        }
        return false
    }

    var isEmpty: Bool { hits.isEmpty }
}
