/// FNV-1a, 64-bit: the one stable hash (Swift's `hashValue` is seeded per process), for
/// what must land the same in every run (poll slots, fuzz seeds), interning keys, and
/// digests that tell "changed" from "same" without keeping a secret.
///
/// ```swift
/// FNV1a.hash("a".utf8)   // 0xaf63dc4c8601ec8c
/// var h = FNV1a(); h.add(0x61); h.value   // the same
/// ```
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    @inline(__always)
    public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x100_0000_01B3
    }

    @inline(__always)
    public mutating func add<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { add(b) }
    }

    @inline(__always)
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a()
        h.add(bytes)
        return h.value
    }

    /// Over `b[start..<end]`, the decoders' hot path (no slice, no generic sequence).
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h = FNV1a()
        var k = start
        while k < end {
            h.add(b[k])
            k += 1
        }
        return h.value
    }
}
