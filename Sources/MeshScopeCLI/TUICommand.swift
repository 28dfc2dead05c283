import ArgumentParser
import Foundation
import MeshClient
import MeshModel
import MeshScopeApp

/// `meshscope [tui] [--context CTX] [-n NS|-A]` or `meshscope [tui] --file PATH...`: the
/// interactive terminal UI (also what `meshscope` with no subcommand runs). Without
/// `--file` it opens the current kubeconfig context (`meshscope --demo` opens the demo).
public struct TUICommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Browse mesh state interactively (the default command).",
        discussion: "Keys: : command, / filter, Enter open, Esc back, ? help, Ctrl-C quit. See docs/tui.md."
    )

    @Option(name: [.short, .long], help: ArgumentHelp(
        "A file to browse, detected by content: Envoy /config_dump, ztunnel config_dump, istiod syncz/CSDS, Prometheus metrics, Envoy /clusters or /stats (or any JSON). Repeatable: a dump plus its /clusters and /stats make one proxy. Re-read when it changes.",
        valueName: "path"))
    var file: [String] = []

    @Option(help: "Theme name (default-dark, light, solarized-dark, high-contrast, monochrome, or a user theme) or a .yaml path.")
    var theme: String?

    @Flag(help: "Report mouse clicks and the wheel (off by default so terminal selection keeps working).")
    var mouse = false

    @Option(help: "Seconds between source refreshes.")
    var refresh: Double = 2

    @Option(name: .customLong("max-rps"), help: ArgumentHelp("Live sources: steady admin requests per second for proxies you are not looking at (0: no limit); a larger mesh is swept every few refreshes.", valueName: "n"))
    var maxRPS: Double = 200

    @Option(help: "The view to start on (a : command such as clusters, stats, proxies, sections); default: the source's main view.")
    var view: String?

    @Flag(help: "Disable every write: clipboard copy, snapshots, apply.")
    var readonly = false

    @Flag(name: .customLong("exit-after-first-frame"), help: .hidden)
    var exitAfterFirstFrame = false

    /// Set by `--demo` so the header says what the cluster is.
    @Option(name: .customLong("source-label"), help: .hidden)
    var sourceLabel: String?

    @Option(help: ArgumentHelp("Open a snapshot written by `meshscope snapshot` (or `S`), read-only and offline.", valueName: "file"))
    var snapshot: String?

    @Option(help: ArgumentHelp("Open on the Diff view against this snapshot: with --snapshot A, A (old) against it (new); on a live source or the demo, it (old) against the mesh now (new). Proxies added, removed and changed, Kubernetes objects.", valueName: "file"))
    var compare: String?

    @OptionGroup var connection: ConnectionOptions

    public init() {}

    public func validate() throws {
        guard refresh > 0 else { throw ValidationError("--refresh must be a positive number of seconds") }
        guard maxRPS >= 0 else { throw ValidationError("--max-rps must be 0 (no limit) or more") }
        if snapshot != nil && !file.isEmpty { throw ValidationError("give either --snapshot or --file, not both") }
        if compare != nil && !file.isEmpty { throw ValidationError("--compare compares meshes (a snapshot or a live source), not --file dumps: use meshscope diff A B") }
    }

    /// Process start, for `--exit-after-first-frame`: /proc's start time (clock ticks
    /// since boot) so the measure includes exec, dynamic linking and argument parsing.
    static var launchedAt: Date {
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // Field 22 (starttime) is the 20th after the command name.
            if fields.count > 19, let ticks = Double(fields[19]),
               let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
               let up = Double(uptime.split(separator: " ")[0]) {
                let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
                return Date().addingTimeInterval(-(up - ticks / hz))
            }
        }
        return Date()
    }

    public func run() async throws {
        var ui = TUIOptions(files: file, theme: theme, mouse: mouse, refreshInterval: refresh, readonly: readonly, view: view,
                            exitAfterFirstFrame: exitAfterFirstFrame, launchedAt: TUICommand.launchedAt)
        do {
            // Mistakes in flags and the key file end here, before the screen is taken.
            try StartupChecks.theme(theme, environment: ui.environment)
            ui.keymap = try StartupChecks.keymap(environment: ui.environment)
            if file.isEmpty { try StartupChecks.view(view, in: StartupChecks.liveRegistry) }
            if let snapshot {
                try await TUI.run(live: try await snapshotOptions(ui, path: snapshot))
            } else if file.isEmpty {
                try await TUI.run(live: try await liveOptions(ui))
            } else {
                try await TUI.run(ui)
            }
        } catch let error as TUIError {
            switch error.kind {
            case .badInput: throw CLIError(.badInput, error.message)
            case .usage: throw CLIError(.usage, error.message)
            case .unavailable: throw CLIError(.unavailable, error.message)
            }
        }
    }
}

extension TUICommand {
    /// The live source for the current (or `--context`) kubeconfig context; `:ctx` reopens
    /// through the same function. Namespaces: `-n NS` starts filtered to NS, `-A` on all,
    /// otherwise the context's namespace when it names one (as kubectl does), else all.
    func liveOptions(_ ui: TUIOptions) async throws -> LiveTUIOptions {
        let flags = connection
        let conn: LiveConnection
        do {
            conn = try await TUICommand.open(flags, context: nil, refresh: refresh)
        } catch let e as CLIError {
            // The first thing a newcomer runs: say what works without a cluster.
            throw CLIError(e.kind, e.message + "\n(no cluster? try meshscope --demo, or meshscope --file DUMP to browse a proxy's config dump)")
        }
        let contexts = (try? KubeconfigLoader().merged(KubeconfigLoader.Flags(kubeconfig: flags.kubeconfig, context: flags.context)))
            .map { Array($0.contexts.values) } ?? []
        var write: (@Sendable (any MeshSource) async throws -> String)?
        if !ui.readonly {
            write = { @Sendable source in try await TUICommand.writeSnapshot(source) }
        }
        var options = LiveTUIOptions(ui: ui, connection: conn, label: sourceLabel, namespace: flags.startNamespace(),
                                     contexts: contexts, connect: { [refresh] name in try await TUICommand.open(flags, context: name, refresh: refresh) },
                                     writeSnapshot: write)
        options.maxRequestsPerSecond = maxRPS > 0 ? maxRPS : nil
        if let compare {
            do {
                options.compare = try await SnapshotMeshSource.open(path: compare)
            } catch {
                await conn.close()
                throw CLIError(.badInput, error.message)
            }
        }
        return options
    }

    /// `S`: the whole mesh the TUI shows, to `meshscope-CONTEXT-TIME.json.gz` in the working
    /// directory (secrets and keys never included; see docs/snapshot-format.md).
    static func writeSnapshot(_ source: any MeshSource) async throws -> String {
        let stamp = Timestamp.rfc3339(Date()).replacingOccurrences(of: ":", with: "")
        let context = source.info.context.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        let path = "meshscope-\(String(context))-\(stamp).json.gz"
        let result = try await SnapshotCollector.write(source: source, to: path)
        let failures = result.failures.isEmpty ? "" : " (\(result.failures.count) reads failed, recorded in the file)"
        return "\(result.path), \(result.proxies) proxies\(failures)"
    }

    /// `--snapshot FILE`: the snapshot as a read-only source; the header shows when it was taken.
    func snapshotOptions(_ ui: TUIOptions, path: String) async throws -> LiveTUIOptions {
        let source: SnapshotMeshSource
        var other: SnapshotMeshSource?
        do {
            source = try await SnapshotMeshSource.open(path: path)
            if let compare { other = try await SnapshotMeshSource.open(path: compare) }
        } catch {
            throw CLIError(.badInput, error.message)
        }
        // Read-only by its kind (no applier, no snapshot writer: apply and Ctrl-S say so), not
        // by --readonly: copying from a snapshot stays possible.
        let conn = LiveConnection(source: source, info: source.info, cluster: source.info.context, applier: nil) { await source.close() }
        var options = LiveTUIOptions(ui: ui, connection: conn, namespace: connection.allNamespaces ? nil : connection.namespace)
        options.compare = other
        return options
    }

    /// A client, an admin client and a ``ClusterMeshSource`` over every namespace (so `:ns`
    /// switches without reconnecting), and an ``Applier`` for `A`.
    static func open(_ options: ConnectionOptions, context: String?, refresh: Double = 2) async throws -> LiveConnection {
        var flags = options
        if let context { flags.context = context }
        let conn = try flags.connection()
        let client: KubeClient
        do {
            client = try KubeClient(connection: conn, options: flags.transportOptions)
        } catch {
            throw CLIError(.unavailable, error.message)
        }
        let mode: AdminClient.Mode = flags.adminURL.map { .direct($0) } ?? .apiServerProxy(client)
        let admin = AdminClient(mode, timeout: flags.timeoutSeconds ?? 30, maxConcurrent: 16)
        // `-A` asks for every namespace or nothing; otherwise a user who may not list every
        // namespace gets the context's namespace (and istiod's, when readable).
        let prometheus: PrometheusMetrics?, refused: ForbiddenAccess?
        do { (prometheus, refused) = try await flags.prometheus.metrics(client: client, refresh: refresh, timeout: flags.timeoutSeconds) } catch {
            await admin.shutdown()
            await client.shutdown()
            throw error
        }
        let source = ClusterMeshSource(client: client, admin: admin, namespace: nil, fallbackNamespaces: flags.allNamespaces ? [] : nil,
                                       syncTimeout: flags.timeoutSeconds ?? 60, prometheus: prometheus, forbidden: refused.map { [$0] } ?? [])
        var info = source.info
        info.namespace = conn.namespace
        return LiveConnection(source: source, info: info, cluster: conn.clusterName, server: conn.server, applier: Applier(client: client)) {
            await source.close()
            await admin.shutdown()
            await prometheus?.client.shutdown()
            await client.shutdown()
        }
    }
}
