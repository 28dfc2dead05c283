import Foundation

/// A table's ``RowIndex``, built off the key path. Building it folds every byte of every
/// row (~56 ms at 100,000 rows in release); done on the first filter keystroke, that key
/// missed its frame. The runtime calls ``prepare()`` once the table is on screen, which
/// builds the index on a background thread, so the first `/` keystroke finds it ready.
///
/// One cache belongs to one immutable set of rows: a refresh builds a new table and with it
/// a new cache (the old one is dropped with its rows).
///
/// ```swift
/// let cache = RowIndexCache(rows: table.rows)
/// cache.prepare()                            // returns at once; builds in the background
/// cache.index.rows(containing: Array("svc".utf8))   // ready, or waits for the build under way
/// ```
public final class RowIndexCache: @unchecked Sendable {
    private enum Phase {
        case idle, building
        case ready(RowIndex)
    }

    private let rows: [[String]]
    /// Guards `phase`; the build signals it when done.
    private let condition = NSCondition()
    private var phase = Phase.idle
    private var onDemand = false

    public init(rows: [[String]]) {
        self.rows = rows
    }

    /// The number of rows the index covers.
    public var count: Int { rows.count }

    /// The index if it is built, without waiting (nil while idle or building).
    public var ready: RowIndex? {
        condition.lock()
        defer { condition.unlock() }
        if case .ready(let index) = phase { return index }
        return nil
    }

    /// Whether ``prepare()`` or ``index`` started a build (finished or not).
    public var started: Bool {
        condition.lock()
        defer { condition.unlock() }
        if case .idle = phase { return false }
        return true
    }

    /// Whether ``index`` had to build it on the caller's thread (nobody prepared it): what
    /// the runtime's ``prepare()`` after each frame avoids on the key path.
    public var builtOnDemand: Bool {
        condition.lock()
        defer { condition.unlock() }
        return onDemand
    }

    /// Starts building the index on a background thread; does nothing when a build already
    /// started. Cheap to call after every frame.
    public func prepare() {
        condition.lock()
        guard case .idle = phase else { condition.unlock(); return }
        phase = .building
        condition.unlock()
        let thread = Thread { [self] in finish(RowIndex(rows: rows)) }
        thread.qualityOfService = .userInitiated
        thread.start()
    }

    /// The index: at once when built, after the build under way when one is, else built
    /// here (a filter before any ``prepare()``: tests, or a table filtered as it opens).
    public var index: RowIndex {
        condition.lock()
        while true {
            switch phase {
            case .ready(let index):
                condition.unlock()
                return index
            case .building:
                condition.wait()
            case .idle:
                phase = .building
                onDemand = true
                condition.unlock()
                let index = RowIndex(rows: rows)
                finish(index)
                return index
            }
        }
    }

    private func finish(_ index: RowIndex) {
        condition.lock()
        phase = .ready(index)
        condition.broadcast()
        condition.unlock()
    }
}
