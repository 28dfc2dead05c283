/// What one input did wrong. `problems` fail the test; `terminal` (control characters on a
/// terminal path) fail it too once ``KnownIssue/terminalEscapes`` is fixed, and are known
/// issues until then.
struct FuzzOutcome: Sendable {
    var problems: [String] = []
    var terminal: [String] = []
    /// The CLI's exit status, for targets that run it (seeds must exit 0).
    var exitCode: Int32?

    static let ok = FuzzOutcome()

    mutating func merge(_ other: FuzzOutcome) {
        problems += other.problems
        terminal += other.terminal
    }

    mutating func problem(_ s: String) { problems.append(s) }
}
