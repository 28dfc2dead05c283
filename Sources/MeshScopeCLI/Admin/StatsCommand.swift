import ArgumentParser
import MeshClient
import MeshModel

/// `meshscope stats (POD[.NS] [--interval SECONDS] | --file PATH|- [--previous PATH --interval SECONDS]) [--filter REGEX] [-o …]`
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show Envoy stats from a /stats capture (text, ?format=json or /stats/prometheus).",
        discussion: """
        The format is detected. With --previous (an earlier capture of the same proxy) and \
        --interval (seconds between the two), -o wide adds per-second rates of counters; a \
        counter lower than before (a restart) is rated from its current value and marked (reset). \
        With POD[.NAMESPACE] the stats are read live (/stats?format=json, else /stats/prometheus); \
        --interval then takes two samples that far apart.
        """
    )

    @Argument(help: ArgumentHelp("Read the stats live from this pod's Envoy (POD or POD.NAMESPACE).", valueName: "pod"))
    var pod: String?

    @Option(name: [.short, .long], help: "Envoy /stats output to read, or - for stdin.")
    var file: String?

    @OptionGroup var source: SourceOptions

    @Option(help: "Only stats whose name matches this regular expression (anywhere in the name, like Envoy's ?filter=).")
    var filter: String?

    @Option(help: "An earlier /stats capture of the same proxy, for rates.")
    var previous: String?

    @Option(help: "Seconds between --previous and --file.")
    var interval: Double?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try LiveOrFile.validate(file: file, pod: pod, what: "the stats")
        if pod != nil, previous != nil { throw ValidationError("--previous reads a file; live, --interval alone takes two samples") }
        if file != nil, (previous == nil) != (interval == nil) {
            throw ValidationError("--previous and --interval go together")
        }
        try IntervalOption.validate(interval)
        if let filter {
            do { _ = try Regex(filter) } catch { throw ValidationError("--filter: invalid regular expression: \(error)") }
        }
    }

    func run() async throws {
        let decode = { (bytes: [UInt8], name: String) throws(CLIError) -> StatsSnapshot in
            try AdminInput.decode(bytes: bytes, name: name) { bytes throws(AdminDecodeError) in try StatsSnapshot.decode(bytes) }
        }
        let current: StatsSnapshot
        var before: StatsSnapshot?
        let name: String
        var previousName: String?
        if let file {
            name = InputFile.displayName(file)
            current = try decode(try InputFile.read(file), name)
            if let previous {
                previousName = InputFile.displayName(previous)
                before = try decode(try InputFile.read(previous), previousName!)
            }
        } else {
            let (samples, ref) = try await Self.sample(pod!, source: source, interval: interval)
            name = ref
            current = try decode(samples.last!, name)
            if samples.count > 1 {
                before = try decode(samples[0], name)
                previousName = name
            }
        }
        let regex = try filter.map { try Regex($0) }
        let include: (String) -> Bool = { name in
            guard let regex else { return true }
            return (try? regex.firstMatch(in: name)) != nil
        }
        let rates = before.flatMap { b in interval.map { current.rates(since: b, interval: $0) } }
        output.emit(table: StatsTable.build(current, include: include, previous: before, interval: interval),
                    data: current.outputNode(include: include, rates: rates))
        if let previousName, let before { AdminInput.warn(name: previousName, before.malformed) }
        AdminInput.warn(name: name, current.malformed)
    }

    /// One sample of the pod's stats, or two `interval` seconds apart. Envoy's JSON form
    /// keeps Envoy's stat names; a source without it (the demo, a snapshot that kept only
    /// what edges need) is read as `/stats/prometheus`.
    static func sample(_ pod: String, source: SourceOptions, interval: Double?) async throws -> ([[UInt8]], String) {
        try await source.withSource { s in
            let ref = PodReference(pod, defaultNamespace: source.defaultNamespace(s))
            var request = AdminRequest.statsJSON
            let first: [UInt8]
            do {
                first = try await s.admin(ref, request)
            } catch let original as MeshSourceError where original.kind != .failed {
                request = .statsPrometheus
                do {
                    first = try await s.admin(ref, request)
                } catch let e as MeshSourceError {
                    throw e.kind == .notFound ? original : e
                }
            }
            var samples = [first]
            if let interval {
                try await Task.sleep(nanoseconds: IntervalOption.nanoseconds(interval))
                samples.append(try await s.admin(ref, request))
            }
            return (samples, ref.description)
        }
    }
}
