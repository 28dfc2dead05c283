/// Go's `sort.Slice` (pattern-defeating quicksort, Go 1.22+), reproduced step for step.
///
/// istioctl sorts its rows with `sort.Slice`, which is not stable, and some of its
/// comparators are not even strict weak orders (routes compare `strconv.Atoi` of their
/// names and call every non-numeric pair "not less"). The order of such rows is whatever
/// Go's algorithm leaves behind, so matching istioctl row for row means running the same
/// algorithm, with the same pivots and the same swaps.
///
/// ```swift
/// var names = ["b", "a", "c"]
/// GoSort.slice(&names) { $0 < $1 }   // ["a", "b", "c"]
/// ```
public enum GoSort {
    public static func slice<T>(_ data: inout [T], by less: (T, T) -> Bool) {
        let n = data.count
        guard n > 1 else { return }
        withoutActuallyEscaping(less) { less in
            data.withUnsafeMutableBufferPointer { buffer in
                var sorter = Sorter(buffer: buffer, less: less)
                sorter.pdqsort(0, n, bitLength(UInt(n)))
            }
        }
    }

    /// Sorts `items` by `key` with Go's algorithm, moving only indices (cheap swaps even
    /// when the elements are large).
    public static func sorted<T, K>(_ items: [T], key: (T) -> K, by less: (K, K) -> Bool) -> [T] {
        let keys = items.map(key)
        var order = Array(items.indices)
        keys.withUnsafeBufferPointer { k in
            slice(&order) { less(k[$0], k[$1]) }
        }
        return order.map { items[$0] }
    }

    static func bitLength(_ x: UInt) -> Int { x == 0 ? 0 : UInt.bitWidth - x.leadingZeroBitCount }

    private enum Hint { case unknown, increasing, decreasing }

    private struct Sorter<T> {
        let buffer: UnsafeMutableBufferPointer<T>
        let less: (T, T) -> Bool

        @inline(__always) func lt(_ i: Int, _ j: Int) -> Bool { less(buffer[i], buffer[j]) }
        @inline(__always) func swap(_ i: Int, _ j: Int) { buffer.swapAt(i, j) }

        func insertionSort(_ a: Int, _ b: Int) {
            var i = a + 1
            while i < b {
                var j = i
                while j > a && lt(j, j - 1) {
                    swap(j, j - 1)
                    j -= 1
                }
                i += 1
            }
        }

        func siftDown(_ lo: Int, _ hi: Int, _ first: Int) {
            var root = lo
            while true {
                var child = 2 * root + 1
                if child >= hi { return }
                if child + 1 < hi && lt(first + child, first + child + 1) { child += 1 }
                if !lt(first + root, first + child) { return }
                swap(first + root, first + child)
                root = child
            }
        }

        func heapSort(_ a: Int, _ b: Int) {
            let first = a
            let hi = b - a
            var i = (hi - 1) / 2
            while i >= 0 {
                siftDown(i, hi, first)
                i -= 1
            }
            i = hi - 1
            while i >= 0 {
                swap(first, first + i)
                siftDown(0, i, first)
                i -= 1
            }
        }

        mutating func pdqsort(_ a0: Int, _ b0: Int, _ limit0: Int) {
            var a = a0
            var b = b0
            var limit = limit0
            let maxInsertion = 12
            var wasBalanced = true
            var wasPartitioned = true
            while true {
                let length = b - a
                if length <= maxInsertion {
                    insertionSort(a, b)
                    return
                }
                if limit == 0 {
                    heapSort(a, b)
                    return
                }
                if !wasBalanced {
                    breakPatterns(a, b)
                    limit -= 1
                }
                var (pivot, hint) = choosePivot(a, b)
                if hint == .decreasing {
                    reverseRange(a, b)
                    pivot = (b - 1) - (pivot - a)
                    hint = .increasing
                }
                if wasBalanced && wasPartitioned && hint == .increasing {
                    if partialInsertionSort(a, b) { return }
                }
                if a > 0 && !lt(a - 1, pivot) {
                    let mid = partitionEqual(a, b, pivot)
                    a = mid
                    continue
                }
                let (mid, alreadyPartitioned) = partition(a, b, pivot)
                wasPartitioned = alreadyPartitioned
                let leftLen = mid - a
                let rightLen = b - mid
                let balanceThreshold = length / 8
                if leftLen < rightLen {
                    wasBalanced = leftLen >= balanceThreshold
                    pdqsort(a, mid, limit)
                    a = mid + 1
                } else {
                    wasBalanced = rightLen >= balanceThreshold
                    pdqsort(mid + 1, b, limit)
                    b = mid
                }
            }
        }

        func partition(_ a: Int, _ b: Int, _ pivot: Int) -> (Int, Bool) {
            swap(a, pivot)
            var i = a + 1
            var j = b - 1
            while i <= j && lt(i, a) { i += 1 }
            while i <= j && !lt(j, a) { j -= 1 }
            if i > j {
                swap(j, a)
                return (j, true)
            }
            swap(i, j)
            i += 1
            j -= 1
            while true {
                while i <= j && lt(i, a) { i += 1 }
                while i <= j && !lt(j, a) { j -= 1 }
                if i > j { break }
                swap(i, j)
                i += 1
                j -= 1
            }
            swap(j, a)
            return (j, false)
        }

        func partitionEqual(_ a: Int, _ b: Int, _ pivot: Int) -> Int {
            swap(a, pivot)
            var i = a + 1
            var j = b - 1
            while true {
                while i <= j && !lt(a, i) { i += 1 }
                while i <= j && lt(a, j) { j -= 1 }
                if i > j { break }
                swap(i, j)
                i += 1
                j -= 1
            }
            return i
        }

        func partialInsertionSort(_ a: Int, _ b: Int) -> Bool {
            let maxSteps = 5
            let shortestShifting = 50
            var i = a + 1
            for _ in 0..<maxSteps {
                while i < b && !lt(i, i - 1) { i += 1 }
                if i == b { return true }
                if b - a < shortestShifting { return false }
                swap(i, i - 1)
                if i - a >= 2 {
                    var j = i - 1
                    while j >= 1 {
                        if !lt(j, j - 1) { break }
                        swap(j, j - 1)
                        j -= 1
                    }
                }
                if b - i >= 2 {
                    var j = i + 1
                    while j < b {
                        if !lt(j, j - 1) { break }
                        swap(j, j - 1)
                        j += 1
                    }
                }
            }
            return false
        }

        func breakPatterns(_ a: Int, _ b: Int) {
            let length = b - a
            guard length >= 8 else { return }
            var random = UInt64(length)
            let modulus = UInt(1) << UInt(GoSort.bitLength(UInt(length)))
            var idx = a + (length / 4) * 2 - 1
            while idx <= a + (length / 4) * 2 + 1 {
                random ^= random << 13
                random ^= random >> 7
                random ^= random << 17
                var other = Int(UInt(truncatingIfNeeded: random) & (modulus - 1))
                if other >= length { other -= length }
                swap(idx, a + other)
                idx += 1
            }
        }

        func choosePivot(_ a: Int, _ b: Int) -> (Int, Hint) {
            let shortestNinther = 50
            let maxSwaps = 4 * 3
            let l = b - a
            var swaps = 0
            var i = a + l / 4 * 1
            var j = a + l / 4 * 2
            var k = a + l / 4 * 3
            if l >= 8 {
                if l >= shortestNinther {
                    i = median(i - 1, i, i + 1, &swaps)
                    j = median(j - 1, j, j + 1, &swaps)
                    k = median(k - 1, k, k + 1, &swaps)
                }
                j = median(i, j, k, &swaps)
            }
            switch swaps {
            case 0: return (j, .increasing)
            case maxSwaps: return (j, .decreasing)
            default: return (j, .unknown)
            }
        }

        func order2(_ a: Int, _ b: Int, _ swaps: inout Int) -> (Int, Int) {
            if lt(b, a) {
                swaps += 1
                return (b, a)
            }
            return (a, b)
        }

        func median(_ a0: Int, _ b0: Int, _ c0: Int, _ swaps: inout Int) -> Int {
            var (a, b) = order2(a0, b0, &swaps)
            var c: Int
            (b, c) = order2(b, c0, &swaps)
            _ = c
            (a, b) = order2(a, b, &swaps)
            _ = a
            return b
        }

        func reverseRange(_ a: Int, _ b: Int) {
            var i = a
            var j = b - 1
            while i < j {
                swap(i, j)
                i += 1
                j -= 1
            }
        }
    }
}
