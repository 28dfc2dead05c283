@testable import MeshModel
import Testing

/// ``DedupMemory`` against the `Set` and ring it replaced (the reference written out here):
/// the same answer to every insertion, at any capacity, with hashes that share their first
/// half (one home slot) and runs that wrap the table.
@Suite struct DedupMemoryTests {
    struct Reference {
        let capacity: Int
        var seen: Set<DedupHash> = []
        var order: [DedupHash] = []
        var head = 0

        mutating func insert(_ k: DedupHash) -> Bool {
            guard seen.insert(k).inserted else { return false }
            if order.count < capacity {
                order.append(k)
            } else {
                seen.remove(order[head])
                order[head] = k
                head = (head + 1) % capacity
            }
            return true
        }
    }

    @Test func answersAsASetWithARing() {
        var rng = SystemRandomNumberGenerator()
        for capacity in [1, 2, 3, 7, 16, 100, 1_000] {
            var m = DedupMemory(capacity: capacity)
            var r = Reference(capacity: capacity)
            // Few distinct first halves: long probe runs, shifts across the table's end.
            let pool = (0..<(capacity * 3 + 5)).map { i in
                DedupHash(a: UInt64.random(in: 0..<UInt64(capacity + 3), using: &rng) &* (i % 2 == 0 ? 1 : 0x9E37_79B9_7F4A_7C15), b: UInt64(i))
            }
            for step in 0..<(capacity * 40 + 200) {
                let k = pool[Int.random(in: 0..<pool.count, using: &rng)]
                let expected = r.insert(k)
                let got = m.insert(k)
                #expect(got == expected, "capacity \(capacity), step \(step)")
            }
            #expect(m.count == r.order.count)
        }
    }

    @Test func zeroCapacityRemembersNothing() {
        var m = DedupMemory(capacity: 0)
        let k = DedupHash(a: 1, b: 2)
        let first = m.insert(k), second = m.insert(k)
        #expect(first && second)
    }
}
