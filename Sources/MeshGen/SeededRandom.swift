/// SplitMix64: a tiny, fast, seedable generator, so generated inputs are the same bytes
/// on every run and every machine (benchmarks and tests compare against fixed numbers).
///
/// ```swift
/// var rng = SeededRandom(seed: 42)
/// rng.next(below: 10)   // same value every run
/// ```
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (bound > 0).
    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Lowercase base-36 suffix like Kubernetes pod hashes (`5b9bd44f4`).
    public mutating func podHash(_ length: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var s = ""
        for _ in 0..<length { s.append(alphabet[next(below: alphabet.count)]) }
        return s
    }
}

/// Appends text to a byte buffer without building intermediate Strings per value.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func write(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func write(_ n: Int) { write(String(n)) }

    /// A JSON string literal; the generators only produce names that need no escaping.
    @inline(__always) mutating func quoted(_ s: String) {
        bytes.append(0x22)
        write(s)
        bytes.append(0x22)
    }
}
