import MeshGen
import MeshModel

/// The fuzzer's generator is MeshGen's SplitMix64 (``SeededRandom``): the same sequence on
/// every platform, so a seed printed by a failing run replays the same inputs anywhere
/// (`SystemRandomNumberGenerator` cannot).
typealias FuzzRandom = SeededRandom

extension SeededRandom {
    /// A number in `0..<n` (0 when `n` is 0).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// True `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// A stable hash of a target's name (``FNV1a``), so each target draws its own sequence from
/// one run seed (Swift's `hashValue` changes between processes).
func stableHash(_ s: String) -> UInt64 { FNV1a.hash(s.utf8) }
