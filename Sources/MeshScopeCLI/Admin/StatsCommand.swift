import ArgumentParser
import MeshModel

/// `meshscope stats --file PATH|- [--filter REGEX] [--previous PATH --interval SECONDS] [-o …]`
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show Envoy stats from a /stats capture (text, ?format=json or /stats/prometheus).",
        discussion: """
        The format is detected. With --previous (an earlier capture of the same proxy) and \
        --interval (seconds between the two), -o wide adds per-second rates of counters; a \
        counter lower than before (a restart) is rated from its current value and marked (reset).
        """
    )

    @Option(name: [.short, .long], help: "Envoy /stats output to read, or - for stdin.")
    var file: String

    @Option(help: "Only stats whose name matches this regular expression (anywhere in the name, like Envoy's ?filter=).")
    var filter: String?

    @Option(help: "An earlier /stats capture of the same proxy, for rates.")
    var previous: String?

    @Option(help: "Seconds between --previous and --file.")
    var interval: Double?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if (previous == nil) != (interval == nil) {
            throw ValidationError("--previous and --interval go together")
        }
        if let interval, !(interval > 0) {
            throw ValidationError("--interval must be a positive number of seconds")
        }
        if let filter {
            do { _ = try Regex(filter) } catch { throw ValidationError("--filter: invalid regular expression: \(error)") }
        }
    }

    func run() throws {
        let current = try AdminInput.decode(file) { bytes throws(AdminDecodeError) in try StatsSnapshot.decode(bytes) }
        var before: StatsSnapshot?
        if let previous {
            before = try AdminInput.decode(previous) { bytes throws(AdminDecodeError) in try StatsSnapshot.decode(bytes) }
        }
        let regex = try filter.map { try Regex($0) }
        let include: (String) -> Bool = { name in
            guard let regex else { return true }
            return (try? regex.firstMatch(in: name)) != nil
        }
        let rates = before.flatMap { b in interval.map { current.rates(since: b, interval: $0) } }
        output.emit(table: StatsTable.build(current, include: include, previous: before, interval: interval),
                    data: current.outputNode(include: include, rates: rates))
        if let previous, let before { AdminInput.warn(previous, before.malformed) }
        AdminInput.warn(file, current.malformed)
    }
}
