/// The last ``capacity`` request hashes (``DedupHash``), the oldest forgotten first: what
/// ``FlowTop`` asks, once per line, whether a request was already counted.
///
/// An open-addressed table (linear probing, deletion by shifting back) indexed by the hash's
/// first half, which is already a seeded SipHash: a `Set` hashed it again on every insertion
/// and once more to forget the oldest, and looked in a bitmap and an element array apart,
/// about a tenth of `top --file`. Here a slot holds that half's low 32 bits and where the
/// hash lies in arrival order: 8 bytes, so the table of the default 100,000 hashes (2 MB)
/// stays twice as much in cache as with the whole half. A probe touches one slot; the hash
/// in ``order`` is compared only when those bits match, and they hold the home slot of any
/// table up to 2³¹ slots, so shifting back on removal needs nothing else.
///
/// ```swift
/// var m = DedupMemory(capacity: 2)
/// m.insert(h1)   // true: new
/// m.insert(h1)   // false: remembered
/// m.insert(h2); m.insert(h3)   // h1 forgotten
/// m.insert(h1)   // true again
/// ```
struct DedupMemory: Sendable {
    struct Slot: Sendable {
        /// The low 32 bits of the hash's first half.
        var low: UInt32
        /// The hash's index in ``order``; -1: an empty slot.
        var position: Int32
    }

    let capacity: Int
    /// The remembered hashes in arrival order; once full, a ring whose oldest is at ``head``.
    private var order: [DedupHash] = []
    private var head = 0
    /// A power of two, at least twice ``count`` (empty until the first insertion).
    private var slots: [Slot] = []

    /// `capacity` at most 2³⁰ (a slot's position is 32 bits); 0 remembers nothing.
    init(capacity: Int) { self.capacity = min(max(0, capacity), 1 << 30) }

    var count: Int { order.count }

    /// Remembers `k`; false (and nothing changed) when it is already remembered.
    mutating func insert(_ k: DedupHash) -> Bool {
        guard capacity > 0 else { return true }
        // Grown as hashes arrive (a `:top` of a few flows builds a small table), at most half full.
        if order.count < capacity, 2 * (order.count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        let low = UInt32(truncatingIfNeeded: k.a)
        var i = Int(low) & mask
        while slots[i].position >= 0 {
            if slots[i].low == low, order[Int(slots[i].position)] == k { return false }
            i = (i + 1) & mask
        }
        let position: Int
        if order.count < capacity {
            position = order.count
            order.append(k)
        } else {
            // Forget the oldest first: the shift may move the empty slot found above.
            position = head
            Self.remove(order[head], at: position, from: &slots)
            order[head] = k
            head = (head + 1) % capacity
            i = Int(low) & mask
            while slots[i].position >= 0 { i = (i + 1) & mask }
        }
        slots[i] = Slot(low: low, position: Int32(position))
        return true
    }

    /// Doubles the table (or starts it) and puts every remembered hash back: only while the
    /// ring has not wrapped, so a hash's position is its index in ``order``.
    private mutating func grow() {
        slots = [Slot](repeating: Slot(low: 0, position: -1), count: max(16, slots.count * 2))
        let mask = slots.count - 1
        for (position, k) in order.enumerated() {
            let low = UInt32(truncatingIfNeeded: k.a)
            var i = Int(low) & mask
            while slots[i].position >= 0 { i = (i + 1) & mask }
            slots[i] = Slot(low: low, position: Int32(position))
        }
    }

    /// Empties the slot of the hash at `position` in ``order``, shifting back the slots after
    /// it that probed past it, so that every hash stays reachable from its home slot.
    private static func remove(_ k: DedupHash, at position: Int, from s: inout [Slot]) {
        let mask = s.count - 1
        var i = Int(UInt32(truncatingIfNeeded: k.a)) & mask
        while s[i].position != Int32(position) { i = (i + 1) & mask }
        var j = i
        while true {
            j = (j + 1) & mask
            if s[j].position < 0 { break }
            let home = Int(s[j].low) & mask
            // The slot at `j` may move to the hole at `i` unless its home lies after `i`,
            // cyclically, up to `j`.
            let stays = i <= j ? (home > i && home <= j) : (home > i || home <= j)
            if !stays {
                s[i] = s[j]
                i = j
            }
        }
        s[i].position = -1
    }
}
