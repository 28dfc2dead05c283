import Foundation
import MeshModel

/// Runs the rules off the render path: the newest data handed in is evaluated on a
/// background task and the report posted back as ``AppEvent/findingsReady(_:sequence:)``.
/// One evaluation at a time; data that arrives meanwhile replaces what waits (only the newest
/// is worth evaluating), so a burst of refreshes costs one evaluation after the running one,
/// started no sooner than twice the running one's time after it ended.
///
/// ```swift
/// let evaluator = FindingsEvaluator()
/// evaluator.submit(state.data, post: post)   // later: post(.findingsReady(report, sequence: data.sequence))
/// ```
final class FindingsEvaluator: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: SourceData?
    private var running = false
    let rules: [FindingRule]
    let options: FindingOptions

    init(rules: [FindingRule] = FindingRules.all, options: FindingOptions = FindingOptions()) {
        self.rules = rules
        self.options = options
    }

    func submit(_ data: SourceData, post: @escaping @Sendable (AppEvent) -> Void) {
        let start = lock.withLock { () -> Bool in
            waiting = data
            if running { return false }
            running = true
            return true
        }
        guard start else { return }
        Task.detached(priority: .utility) { [self] in
            while let data = next() {
                let started = ContinuousClock.now
                let report = FindingsEngine.evaluate(MeshFacts(data: data), rules: rules, options: options)
                post(.findingsReady(report, sequence: data.sequence))
                // At thousands of proxies one evaluation takes a third of a second, and a
                // starting TUI gets new data several times a second: back to back, the rules
                // took a quarter of a core from the rest of the start (Prometheus's first
                // answer among it). Resting twice as long as the last evaluation took keeps
                // them under a third of a core; a small mesh's take milliseconds.
                try? await Task.sleep(for: (ContinuousClock.now - started) * 2)
            }
        }
    }

    /// The data to evaluate next; nil (and not running) when none waits.
    private func next() -> SourceData? {
        lock.withLock {
            defer { waiting = nil }
            if waiting == nil { running = false }
            return waiting
        }
    }
}
