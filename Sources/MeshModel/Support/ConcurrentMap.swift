import Foundation

extension Array where Element: Sendable {
    /// `map`, with the elements split into contiguous chunks transformed on all cores at once
    /// (`DispatchQueue.concurrentPerform`), the results in the order of the elements: the
    /// same array `map` returns, as long as `transform` is pure. Work that is independent per
    /// element (decoding each proxy's responses, each pod, each rule) otherwise runs on one
    /// core of the two a laptop or CI machine has.
    ///
    /// Fewer than `minimumChunk` elements per chunk is not worth a thread hop: a short array
    /// is mapped inline. The caller's ``InputLimits`` hold on every thread. The calling
    /// thread takes part and is blocked until every chunk is done, so call it from a command
    /// or a background thread, not a render loop.
    ///
    /// ```swift
    /// let pods = objects.concurrentMap(minimumChunk: 256) { KubePod($0) }   // same order as objects
    /// ```
    public func concurrentMap<T: Sendable>(minimumChunk: Int = 1, _ transform: @Sendable (Element) -> T) -> [T] {
        let chunks = ConcurrentChunks(count: count, minimumChunk: minimumChunk)
        guard chunks.count > 1 else { return map(transform) }
        let parts = ChunkResults<T>(count: chunks.count)
        // Dispatch's threads do not inherit the task's limits (a task-local): hand them over.
        let limits = InputLimits.current
        withoutActuallyEscaping(transform) { transform in
            let elements = self
            DispatchQueue.concurrentPerform(iterations: chunks.count) { c in
                InputLimits.withLimits(limits) { parts.set(c, elements[chunks.range(c)].map(transform)) }
            }
        }
        return parts.joined()
    }
}

/// How `count` elements are cut into chunks: at most four per core (so a slow chunk is
/// shared out), none smaller than `minimumChunk`.
struct ConcurrentChunks: Sendable {
    let total: Int
    let count: Int

    init(count total: Int, minimumChunk: Int, cores: Int = ConcurrentChunks.cores) {
        self.total = max(0, total)
        let bySize = self.total / max(1, minimumChunk)
        count = Swift.max(1, Swift.min(bySize, Swift.max(1, cores) * 4))
    }

    /// Elements `range(c)` of chunk `c` (`0..<count`); the chunks cover `0..<total` in order.
    func range(_ c: Int) -> Range<Int> {
        let base = total / count, extra = total % count
        let lower = c * base + Swift.min(c, extra)
        return lower..<(lower + base + (c < extra ? 1 : 0))
    }

    static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Each chunk's results, written once by the thread that made them and read after all are done.
private final class ChunkResults<T>: @unchecked Sendable {
    private var parts: [[T]]
    private let lock = NSLock()

    init(count: Int) { parts = Array(repeating: [], count: count) }

    func set(_ i: Int, _ value: [T]) { lock.withLock { parts[i] = value } }

    func joined() -> [T] {
        lock.withLock {
            var out: [T] = []
            out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for p in parts { out.append(contentsOf: p) }
            return out
        }
    }
}
