import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope flows [--file LOG|-] [filters] [--follow] [-o table|wide|json]`: requests and
/// connections, one per line, from the proxies' access logs.
struct FlowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows",
        abstract: "Show requests and connections from the proxies' access logs (live, or a saved log).",
        discussion: """
        Reads every Envoy's and ztunnel's access log through the API server (pods/log of the \
        istio-proxy container), or --file LOG (- for stdin). Understands Istio's default TEXT \
        format, its JSON encoding and ztunnel's access lines, with or without the timestamps \
        kubectl logs --timestamps adds; other lines are counted and the first one shown. Response \
        flags are explained below the table. Both ends are named by workload where their pod IP \
        (or SPIFFE identity) is known.
        Examples:
          meshscope flows --to ratings --status 5xx
          meshscope flows -n bookinfo --flag UH,UF --follow
          meshscope flows --file istio-proxy.log -o json
        """
    )

    @OptionGroup var input: FlowOptions

    @Option(help: ArgumentHelp("Show at most this many flows (the newest); 0 for all.", valueName: "n"))
    var limit = 10_000

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if output.output == .yaml { throw ValidationError("flows prints table, wide or json") }
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let console = Console.current
        if input.follow {
            // Flows are written in batches (one `write` for all that arrived within
            // ``FollowOutput/interval``), not one `write` each.
            let out = FollowOutput(console: console)
            var printer = FollowPrinter(output: output.output, out: out)
            let flusher = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: FollowOutput.interval)
                    out.flush()
                }
            }
            defer {
                flusher.cancel()
                out.flush()
            }
            // A followed stdin blocks its thread in read(2): flushed before each read too, so a
            // runtime with a single thread (a one-CPU pod) does not hold the output back.
            let result = try await FlowFeed.run(input, onFlow: { printer.print($0) }, onIdle: { out.flush() })
            out.flush()
            FlowFeed.report(result)
            return
        }
        var kept: [Flow] = []
        var matched = 0
        let result = try await FlowFeed.run(input) { flow in
            matched += 1
            kept.append(flow)
            if limit > 0, kept.count > 2 * limit { kept.removeFirst(kept.count - limit) }
        }
        if limit > 0, kept.count > limit { kept.removeFirst(kept.count - limit) }
        if result.ingest.parsed == 0, result.ingest.lines > 0, input.file != nil {
            FlowFeed.report(result)
            throw CLIError.badInput(InputFile.displayName(input.file!), "no line is an access-log line (Envoy TEXT or JSON, or ztunnel)")
        }
        switch output.output {
        case .json:
            console.write(JSONWriter.bytes(.object([
                ("flows", .array(kept.map(FlowTables.flowNode))),
                ("unparsed", .array(result.ingest.raw.map { .object([("reason", .string($0.reason.rawValue)), ("origin", $0.origin.map { .string($0) } ?? .null), ("line", .string($0.text))]) })),
                ("counts", .object([("lines", .int(result.ingest.lines)), ("flows", .int(result.ingest.parsed)), ("matched", .int(matched)),
                                    ("shown", .int(kept.count)), ("unparsed", .int(result.ingest.rejectedTotal))])),
            ]), indent: 2))
        default:
            if kept.isEmpty {
                console.error("meshscope: no flows\(result.ingest.parsed > 0 ? " match the filters" : "")")
            } else {
                console.write(FlowTables.flows(kept).render(wide: output.isWide))
                console.write(FlowTables.legend(kept.flatMap { $0.entry.flags.map(\.code) }))
            }
            if matched > kept.count { console.error("meshscope: showing the newest \(kept.count) of \(matched) flows (--limit)") }
        }
        FlowFeed.report(result)
    }
}

/// Prints flows as they arrive: fixed-width rows (a table's widths are unknown until the
/// end), each flag explained the first time it shows; `-o json` prints one object a line.
struct FollowPrinter {
    let output: OutputFormat
    let out: FollowOutput
    private var headerDone = false
    private var explained = Set<String>()
    static let widths = [12, 28, 28, 6, 36, 6, 8, 8, 9]

    init(output: OutputFormat, out: FollowOutput) {
        self.output = output
        self.out = out
    }

    mutating func print(_ flow: Flow) {
        if output == .json {
            var bytes = JSONWriter.bytes(FlowTables.flowNode(flow), indent: 0)
            bytes.append(0x0A)
            out.write(bytes)
            return
        }
        if !headerDone {
            headerDone = true
            out.write(inert: Self.line(["TIME", "SOURCE", "DESTINATION", "METHOD", "ROUTE", "STATUS", "FLAGS", "DURATION", "BYTES"]))
        }
        for f in flow.entry.flags where explained.insert(f.code).inserted { out.write("# \(f.described)\n") }
        out.write(inert: Self.line(FlowTables.row(flow, wide: output == .wide)))
    }

    /// One row as terminal-safe UTF-8: the first columns cut and padded to ``widths``, the
    /// wide ones after them escaped to one line each, built in one pass.
    static func line(_ cells: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(192)
        for (i, c) in cells.enumerated() {
            let last = i == cells.count - 1
            if i < widths.count {
                TerminalText.appendCell(c, maxWidth: widths[i], paddedTo: last ? 0 : widths[i] + 2, to: &out)
            } else {
                TerminalText.appendCell(c, maxWidth: .max, paddedTo: last ? 0 : 2, to: &out)
            }
        }
        out.append(0x0A)
        return out
    }
}

/// A follow's standard output, gathered and written in one piece at most every ``interval``
/// (by the caller's timer), when ``limit`` bytes are waiting, and at the end: one `write` per
/// flow was a third of a follower's CPU. What is written is what ``Console`` would have
/// written piece by piece (text escaped as ``Console/write(_:)-(String)`` does, bytes made
/// inert on a terminal), so the output is the same, only later by at most ``interval``.
final class FollowOutput: @unchecked Sendable {
    /// Nanoseconds between flushes: the follow stays live to the eye.
    static let interval: UInt64 = 50_000_000
    static let limit = 64 << 10

    private let console: Console
    private let terminal: Bool
    private let lock = NSLock()
    private var pending: [UInt8] = []

    init(console: Console) {
        self.console = console
        terminal = console.isTerminal
    }

    /// Text, escaped as ``Console/write(_:)-(String)`` escapes it.
    func write(_ text: String) {
        append(Array(TerminalText.escaped(text, keepLayout: true).utf8))
    }

    /// Bytes, made inert on a terminal as ``Console/write(_:)-([UInt8])`` makes them.
    func write(_ bytes: [UInt8]) {
        append(terminal ? TerminalText.escaped(bytes: bytes) : bytes)
    }

    /// Bytes already made inert (cells from ``TerminalText``): passed as they are.
    func write(inert bytes: [UInt8]) {
        append(bytes)
    }

    private func append(_ bytes: [UInt8]) {
        lock.withLock {
            pending.append(contentsOf: bytes)
            if pending.count >= Self.limit { writePending() }
        }
    }

    /// Writes what is waiting, if anything. Already escaped, it passes ``Console`` unchanged.
    func flush() { lock.withLock { writePending() } }

    /// Under the lock, so that batches are written in the order they were gathered.
    private func writePending() {
        guard !pending.isEmpty else { return }
        console.write(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
