#if canImport(MeshDemo) && canImport(MeshClient)
import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope connections`: live connection tables from the running mesh, with rates over
/// the refresh interval. Polls through the same ``MeshStore`` the TUI uses.
struct ConnectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "Live connections: traffic edges, ztunnel connections, upstream hosts, xDS clients.",
        discussion: """
        Polls every proxy's admin endpoints (through the API server's pod proxy) and prints one table \
        once rates are known (two samples, one refresh interval apart). With --watch the table is \
        redrawn in place every refresh when stdout is a terminal, and printed again otherwise.
        Sources that fail (timeout, reset, HTTP 500, garbage) are listed on stderr with the reason; \
        everything else keeps updating.
        Examples:
          meshscope --demo connections --edges
          meshscope connections --hosts productpage-v1-7d4b9.bookinfo -o wide
          meshscope connections --xds --watch --refresh 5s
        """
    )

    @Flag(help: "Traffic edges between workloads (default).") var edges = false
    @Flag(help: "Connections ztunnel tracks, per node.") var ztunnel = false
    @Option(help: ArgumentHelp("Upstream hosts of one Envoy, with RQ/S and ERR/S.", valueName: "pod[.namespace]")) var hosts: String?
    @Flag(help: "istiod's xDS clients and their sync state.") var xds = false
    @Flag(help: "Redraw every refresh until interrupted.") var watch = false
    @Option(help: ArgumentHelp("Refresh interval, e.g. 2s, 500ms.", valueName: "duration")) var refresh = "2s"
    @Option(help: "Stop after this many tables with --watch (0: until interrupted).") var count = 0
    @Option(name: .customLong("max-rps"), help: ArgumentHelp("Steady admin requests per second for the proxies' stats (0: no limit); a larger mesh is swept every few refreshes.", valueName: "n"))
    var maxRPS: Double = 200
    @Option(name: .shortAndLong, help: "Output format: table, wide or json.") var output: OutputFormat = .table
    @OptionGroup var source: SourceOptions

    var connection: ConnectionOptions { source.connection }

    func validate() throws {
        if [edges, ztunnel, xds, hosts != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --edges, --ztunnel, --hosts POD, --xds")
        }
        guard let r = ConnectionOptions.DurationText.seconds(refresh), r >= 0.1 else {
            throw ValidationError("--refresh \"\(refresh)\": expected a duration of at least 100ms, such as 2s")
        }
        if maxRPS < 0 { throw ValidationError("--max-rps \(maxRPS): expected 0 (no limit) or more") }
        if output == .yaml || output == .short { throw ValidationError("-o \(output.rawValue) is not supported here: use table, wide or json") }
    }

    func run() async throws {
        let interval = ConnectionOptions.DurationText.seconds(refresh) ?? 2
        // The context's namespace unless -n/-A say otherwise.
        let source = self.source.inContextNamespace()
        let namespace = source.connection.allNamespaces ? nil : source.connection.namespace
        let concurrency = source.concurrency
        try await source.withSource(adminTimeout: max(1, min(10, interval * 2)), refresh: interval) { src in
            if let state = try src.recordedState() {
                // What the snapshot recorded, once: its rates were measured when it was taken.
                try render(state, namespace: namespace, defaultNamespace: source.defaultNamespace(src), redraw: false)
                if watch { Console.current.error("meshscope: \(src.info.name) is a snapshot taken \(Timestamp.rfc3339(state.time)): nothing to watch") }
                return
            }
            // The edge table reads the metrics alone: no `/clusters`, dumps or istiod polled for it.
            let edgesOnly = !ztunnel && !xds && hosts == nil
            // A table waits for the proxies to answer; with their pods refused none ever will
            // (only Prometheus's edges come without pods): say the refusal now, as `top` does.
            if src.prometheus == nil || !edgesOnly, let refused = try await src.cluster().podsRefusal(in: namespace) {
                throw CLIError(.unavailable, refused)
            }
            // istiod's clients and ztunnel's connections come from pods in istio-system: when
            // those were refused, say so (as `proxy-status` does), not an empty table.
            if xds || ztunnel {
                let kind: MeshState.ProxyKind = xds ? .istiod : .ztunnel
                if try await !src.proxies().contains(where: { $0.kind == kind }) {
                    let missing = await src.controlPlaneMissing(kind)
                    if missing.kind == .unavailable { throw CLIError(controlPlane: missing) }
                }
            }
            // A redrawn edge table shows Prometheus's rates as soon as they answer, totals
            // after; one printed once asks both together and prints them complete.
            let store = MeshStore.over(src, options: .init(refresh: interval, maxConcurrent: concurrency, maxRequestsPerSecond: maxRPS, edgesOnly: edgesOnly,
                                                          ratesFirst: watch && edgesOnly))
            if let target = hosts {
                // The one proxy whose upstream hosts are shown: its `/clusters` every refresh
                // and in the first complete state; the others' only every few refreshes.
                let ref = PodReference(target, defaultNamespace: source.defaultNamespace(src))
                await store.setFocus([ref.namespace + "/" + ref.name])
            }
            let poller = Task { await store.run() }
            var printed = 0
            let cache = EdgeTableCache()
            var failure: CLIError?
            var firstComplete: Date?
            for await state in await store.states() {
                // A table with rates needs two samples of every source that answers; a mesh
                // without metrics prints without rates after three intervals, and not before
                // 6 s: with edges alone the first complete state comes at the first sample,
                // and on a loaded machine the second round can take seconds.
                guard state.complete else { continue }
                let since = firstComplete ?? Date()
                firstComplete = since
                guard state.interval != nil || Date().timeIntervalSince(since) > max(3 * interval, 6) || !needsRates else { continue }
                // Prometheus's counters are in and its latency query is due within a second:
                // one table is printed once, so it waits for P50/P99 that long (a redrawn
                // table shows the edges at once and fills them in when they come).
                if !watch && state.metrics.latencyPending { continue }
                do {
                    try render(state, namespace: namespace, defaultNamespace: source.defaultNamespace(src), redraw: watch && Console.current.isTerminal, cache: cache)
                } catch let e as CLIError {
                    failure = e
                    break
                }
                printed += 1
                if !watch || (count > 0 && printed >= count) { break }
            }
            poller.cancel()
            await poller.value
            if let failure { throw failure }
        }
    }

    var needsRates: Bool { !ztunnel && !xds }

    /// The last edge table printed and the edges it showed. With `--watch` a state comes every
    /// refresh, while Prometheus's counters change at most twice per scrape interval: unchanged
    /// edges reuse the text instead of formatting every row again.
    final class EdgeTableCache {
        var edges: [TrafficEdge] = []
        var text: String?
    }

    func render(_ state: MeshState, namespace: String?, defaultNamespace: String, redraw: Bool, cache: EdgeTableCache? = nil) throws {
        let console = Console.current
        var out: String
        let edgeTable = !ztunnel && !xds && hosts == nil
        if edgeTable, let cache, let text = cache.text, cache.edges == state.edges {
            out = text
        } else {
            out = try body(state, namespace: namespace, defaultNamespace: defaultNamespace)
            if edgeTable, let cache {
                cache.edges = state.edges
                cache.text = out
            }
        }
        if redraw {
            out += "\n\(state.time) · refresh \(refresh) · \(state.proxyCount) proxies · \(state.failing.count) failing · \(state.metrics.summary)\n"
            // Home and clear-below are ours; the data between them is made inert first.
            console.writeControl("\u{1B}[H" + TerminalText.escaped(out, keepLayout: true) + "\u{1B}[J")
        } else {
            console.write(watch ? out + "\n" : out)
        }
        if !redraw {
            // Where the edges came from, when Prometheus was in play (used, or why not).
            if state.metrics.prometheus != nil { console.error("meshscope: \(state.metrics.summary)") }
            for problem in LiveTables.problems(state) { console.error("meshscope: warning: \(problem)") }
        }
    }

    /// The table (or JSON) of `state`, without the footer.
    func body(_ state: MeshState, namespace: String?, defaultNamespace: String) throws -> String {
        let table: Table
        let data: JSONTree
        if ztunnel {
            table = LiveTables.ztunnel(state, namespace: namespace)
            data = .array(table.rows.map { row in .object(zip(table.columns, row).map { ($0.name.lowercased(), .string($1)) }) })
        } else if xds {
            table = LiveTables.xds(state, namespace: namespace, now: state.time)
            data = .array(table.rows.map { row in .object(zip(table.columns, row).map { ($0.name.lowercased(), .string($1)) }) })
        } else if let target = hosts {
            let ref = PodReference(target, defaultNamespace: defaultNamespace)
            let (name, ns) = (ref.name, ref.namespace)
            guard let proxy = state.proxy(named: name, namespace: ns) else {
                throw CLIError(.badInput, "no Envoy proxy \(name) in namespace \(ns) (known proxies: \(state.proxies.filter { $0.kind != .ztunnel && $0.kind != .istiod }.prefix(5).map(\.proxyID).joined(separator: ", "))…)")
            }
            guard let t = LiveTables.hosts(state, proxy: proxy) else {
                let reason = state.sources[LiveSource(proxy: proxy.key, endpoint: .clusters)]?.summary(now: state.time) ?? "not polled"
                throw CLIError(.unavailable, "\(proxy.proxyID): no /clusters data: \(reason)")
            }
            table = t
            data = .array(t.rows.map { row in .object(zip(t.columns, row).map { ($0.name.lowercased(), .string($1)) }) })
        } else {
            // The JSON of every edge only for `-o json`: a table never reads it.
            if output == .json { return JSONWriter.string(LiveTables.edgesOutput(state, namespace: namespace)) }
            table = LiveTables.edges(state, namespace: namespace)
            data = .null
        }
        switch output {
        case .json: return JSONWriter.string(data)
        case .wide: return table.render(wide: true)
        default: return table.render(wide: false)
        }
    }
}
#endif
