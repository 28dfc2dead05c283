import Foundation

/// Numbers distinct byte strings 0, 1, 2, … in the order they are first seen, and finds a
/// string's number again with one hash and one comparison of its bytes: no String, no
/// allocation and no reference counting per lookup. ``FlowTop`` keys its rows by it (a row's
/// source, destination and route, joined), so a line costs one hash of its key's bytes.
///
/// A number never changes while the table lives (a table is rebuilt only by its owner).
/// The hash is Swift's seeded `Hasher`, so a hostile log cannot pick keys that collide.
///
/// ```swift
/// var t = ByteInterner()
/// t.intern(Array("a".utf8))   // 0
/// t.intern(Array("b".utf8))   // 1
/// t.intern(Array("a".utf8))   // 0
/// t.find(Array("c".utf8))     // nil
/// t.bytes(of: 1)              // [0x62]
/// ```
struct ByteInterner: Sendable {
    /// Every string, back to back, in number order.
    private var arena: [UInt8] = []
    /// `ends[id]`: where string `id` ends in ``arena`` (it starts where `id - 1` ends).
    private var ends: [Int] = []
    /// Each string's hash, kept to grow the table without hashing again.
    private var hashes: [Int] = []
    /// Open addressing with linear probing: a number, or -1 for an empty slot. Its size is a
    /// power of two, at least twice ``count``.
    private var slots: [Int] = []

    init() {}

    /// How many distinct strings are numbered.
    var count: Int { ends.count }

    /// The number of `b`, or nil when it has none.
    func find(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !slots.isEmpty else { return nil }
        return probe(b, hash: Self.hash(b)).id
    }

    func find(_ b: [UInt8]) -> Int? { b.withUnsafeBufferPointer { find($0) } }

    /// The number of `b`, given the next one when it has none yet.
    @discardableResult
    mutating func intern(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        if slots.isEmpty { slots = [Int](repeating: -1, count: 16) }
        let h = Self.hash(b)
        let (slot, found) = probe(b, hash: h)
        if let found { return found }
        let id = ends.count
        arena.append(contentsOf: b)
        ends.append(arena.count)
        hashes.append(h)
        slots[slot] = id
        if ends.count * 2 > slots.count { grow() }
        return id
    }

    @discardableResult
    mutating func intern(_ b: [UInt8]) -> Int { b.withUnsafeBufferPointer { intern($0) } }

    /// The bytes numbered `id`.
    func bytes(of id: Int) -> ArraySlice<UInt8> { arena[range(of: id)] }

    private func range(of id: Int) -> Range<Int> { (id == 0 ? 0 : ends[id - 1])..<ends[id] }

    private static func hash(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var h = Hasher()
        h.combine(bytes: UnsafeRawBufferPointer(b))
        return h.finalize()
    }

    /// The slot holding `b`'s number, or the empty slot where it would go.
    private func probe(_ b: UnsafeBufferPointer<UInt8>, hash: Int) -> (slot: Int, id: Int?) {
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let id = slots[i]
            if id < 0 { return (i, nil) }
            if hashes[id] == hash, equal(id, b) { return (i, id) }
            i = (i + 1) & mask
        }
    }

    private func equal(_ id: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let r = range(of: id)
        guard r.count == b.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            guard let ab = a.baseAddress, let bb = b.baseAddress else { return true }
            return memcmp(ab + r.lowerBound, bb, r.count) == 0
        }
    }

    private mutating func grow() {
        var bigger = [Int](repeating: -1, count: slots.count * 2)
        let mask = bigger.count - 1
        for id in 0..<ends.count {
            var i = hashes[id] & mask
            while bigger[i] >= 0 { i = (i + 1) & mask }
            bigger[i] = id
        }
        slots = bigger
    }
}
