import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope top [--file LOG|-] [filters] [--window S] [--follow [--interval S]] [-o …]`.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Requests per source, destination and route from the access logs: success rate, p50/p99 latency, bytes, flags.",
        discussion: """
        Live, counts the flows of the last --window seconds (the log is read that far back) and, \
        with --follow, prints the table again every --interval seconds over a sliding window. \
        With --file LOG (- for stdin) every line of the log counts. Latency percentiles are \
        exact below 128 ms and within 12.5% above. Flags are the most frequent response flags, \
        explained below the table.
        Examples:
          meshscope top -n bookinfo
          meshscope top --follow --window 30
          meshscope top --file istio-proxy.log -o json
        """
    )

    @OptionGroup var input: FlowOptions

    @Option(help: ArgumentHelp("Live: seconds of traffic each table counts.", valueName: "seconds"))
    var window = 60

    @Option(help: ArgumentHelp("With --follow: seconds between tables.", valueName: "seconds"))
    var interval = 2.0

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if output.output == .yaml { throw ValidationError("top prints table, wide or json") }
        if window < 1 { throw ValidationError("--window must be at least 1 second") }
        if !(interval > 0) { throw ValidationError("--interval must be more than 0 seconds") }
    }

    func run() async throws {
        var options = input
        let live = options.file == nil
        if live {
            options.since = options.since ?? "\(window)s"
            options.tail = options.tail ?? 5_000
        }
        // Live, the window slides on the follow's clock (``FlowTopTicker``); a file counts
        // every line in one slot and reads no time (nor any field the table does not show).
        var ticker = FlowTopTicker(window: window, interval: interval, start: Date().timeIntervalSince1970)
        var fileTop = FlowTop()
        let follow = options.follow
        let result = try await FlowFeed.run(options, fields: live ? .time : [], onFlow: { flow in
            if live { ticker.add(flow, now: Int(Date().timeIntervalSince1970)) } else { fileTop.add(flow) }
        }, onTick: follow ? {
            let now = Date().timeIntervalSince1970
            if ticker.tick(now: now) { emit(live ? ticker.top : fileTop, now: Int(now), heading: true) }
        } : nil)
        let top = live ? ticker.top : fileTop
        if result.ingest.parsed == 0, result.ingest.lines > 0, let file = options.file {
            FlowFeed.report(result)
            throw CLIError.badInput(InputFile.displayName(file), "no line is an access-log line (Envoy TEXT or JSON, or ztunnel)")
        }
        emit(top, now: Int(Date().timeIntervalSince1970), heading: follow)
        if top.droppedKeys > 0 { Console.current.error("meshscope: \(top.droppedKeys) flows not counted: more than \(top.maxKeys) source/destination/route keys") }
        FlowFeed.report(result)
    }

    func emit(_ top: FlowTop, now: Int, heading: Bool) {
        let console = Console.current
        let rows = top.rows(now: now)
        if output.output == .json {
            console.write(JSONWriter.bytes(FlowTables.topNode(rows), indent: heading ? 0 : 2))
            if heading { console.write("\n") }
            return
        }
        if heading { console.write("\n\(FlowTime.rfc3339(now)) · last \(window)s\n") }
        if rows.isEmpty {
            console.write("No flows.\n")
            return
        }
        console.write(FlowTables.top(rows).render(wide: output.isWide))
        console.write(FlowTables.legend(rows.flatMap { $0.flags.map(\.code) }))
    }
}
