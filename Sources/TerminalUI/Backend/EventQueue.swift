import Foundation

/// A many-producer, one-consumer queue that hands the consumer everything pending at
/// once, so a burst of events (keys typed ahead, a storm of resizes, data updates)
/// becomes one update pass and one frame.
///
/// ```swift
/// let q = EventQueue<Int>()
/// q.post(1); q.post(2)
/// await q.next()   // [1, 2]
/// ```
public final class EventQueue<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Event] = []
    private var waiter: CheckedContinuation<[Event], Never>?

    public init() {}

    public func post(_ event: Event) {
        let resume: (CheckedContinuation<[Event], Never>, [Event])? = lock.withLock {
            pending.append(event)
            guard let w = waiter else { return nil }
            waiter = nil
            let batch = pending
            pending = []
            return (w, batch)
        }
        if let (w, batch) = resume { w.resume(returning: batch) }
    }

    /// Waits for at least one event and returns all that are pending.
    public func next() async -> [Event] {
        await withCheckedContinuation { (c: CheckedContinuation<[Event], Never>) in
            let batch: [Event]? = lock.withLock {
                if pending.isEmpty {
                    waiter = c
                    return nil
                }
                let b = pending
                pending = []
                return b
            }
            if let batch { c.resume(returning: batch) }
        }
    }

    /// Whatever is pending now, without waiting.
    public func drain() -> [Event] {
        lock.withLock {
            let b = pending
            pending = []
            return b
        }
    }
}
