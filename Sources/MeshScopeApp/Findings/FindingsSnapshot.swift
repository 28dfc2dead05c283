import Foundation
import MeshModel

/// The findings of one evaluation, as the views read them: the engine's report, which data
/// it was computed from (``SourceData/sequence``), and the problem lookup built from it once.
public struct FindingsSnapshot: Sendable {
    public var report: FindingsReport
    /// The ``SourceData/sequence`` of the data evaluated (0 for file sources).
    public var sequence: UInt64
    public var problems: ProblemIndex

    public init(report: FindingsReport, sequence: UInt64) {
        self.report = report
        self.sequence = sequence
        problems = ProblemIndex(report.findings, linkKinds: ProblemIndex.linkKinds)
    }

    /// `2 errors · 3 warnings` (info only when there is some); nil when there is nothing.
    public var counts: [(severity: FindingSeverity, text: String)] {
        FindingSeverity.allCases.reversed().compactMap { s in
            let n = report.count(s)
            guard n > 0 else { return nil }
            let noun = s == .info ? "info" : s.rawValue + (n == 1 ? "" : "s")
            return (s, "\(n) \(noun)")
        }
    }
}

extension AppState {
    /// A report arrived from the background evaluation. One computed from data older than the
    /// report on screen (or from the source before a `:ctx` switch) is dropped; the views
    /// rebuild so the Findings view and the problem cells follow.
    mutating func receiveFindings(_ report: FindingsReport, sequence: UInt64) {
        guard sequence >= findingsFloor, sequence >= (data.findings?.sequence ?? 0) else { return }
        data.findings = FindingsSnapshot(report: report, sequence: sequence)
        reloadScreens()
    }
}
