import ArgumentParser
import Foundation
import MeshModel

/// `--now` (hidden): the clock certificate and secret validity and ages are computed
/// against, so output can be reproduced (tests use it). Defaults to the real clock.
///
/// ```
/// meshscope pc secret --file dump.json --now 2024-01-01T00:00:00Z
/// ```
struct ClockOption: ParsableArguments {
    @Option(name: .long, help: .hidden)
    var now: String?

    func date() throws(CLIError) -> Date {
        guard let now else { return Date() }
        guard let d = Timestamp.parse(now) else { throw CLIError(.usage, "--now: expected an RFC 3339 time such as 2024-01-01T00:00:00Z") }
        return d
    }
}
