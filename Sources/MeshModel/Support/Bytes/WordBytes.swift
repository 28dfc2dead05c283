/// Byte tests on eight bytes at once: each answer has the high bit of every byte of the word
/// that passes, and no other bit, so `trailingZeroBitCount / 8` of a little-endian load is the
/// first one's offset. The scanners that cross plain bytes a word at a time (a JSON string's
/// end, an access log's plain strings, recorded stats text) share these.
///
/// ```swift
/// let w = UInt64(littleEndian: 0x0000_0000_2261_6161)     // "aaa\"" then zeros
/// WordBytes.equal(w, 0x22).trailingZeroBitCount / 8       // 3
/// WordBytes.below(w, 0x20).trailingZeroBitCount / 8       // 4
/// ```
enum WordBytes {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let tops: UInt64 = 0x8080_8080_8080_8080

    /// Bytes that are zero. Exact: no borrow reaches a neighbour.
    @inline(__always) static func zero(_ w: UInt64) -> UInt64 {
        ~(((w & ~tops) &+ ~tops) | w) & tops
    }

    /// Bytes equal to `byte`.
    @inline(__always) static func equal(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        zero(w ^ (ones &* UInt64(byte)))
    }

    /// Bytes below `bound` (at most 0x80): adding `0x80 - bound` to the low seven bits of a
    /// smaller byte does not reach its high bit.
    @inline(__always) static func below(_ w: UInt64, _ bound: UInt8) -> UInt64 {
        ~(((w & ~tops) &+ ones &* UInt64(0x80 &- min(bound, 0x80))) | w) & tops
    }

    /// Bytes beyond ASCII.
    @inline(__always) static func nonASCII(_ w: UInt64) -> UInt64 { w & tops }
}
