#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope snapshot`: the whole mesh (objects and every proxy's admin responses) in one
/// JSON file that every read command and the TUI open offline with `--snapshot FILE`.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write the mesh to one JSON file (objects + every proxy's admin responses), or summarize one.",
        discussion: """
        Collects namespaces, pods, services, endpointslices, Istio and Gateway API objects, and per proxy \
        Envoy /config_dump?include_eds, /clusters?format=json, /stats?format=json, /stats/prometheus, /server_info, \
        /certs; per ztunnel /config_dump and /metrics; istiod /debug/syncz and /debug/connections. Metrics are \
        sampled twice (--rate-interval apart) so traffic rates can be shown offline.
        Never collected: Secrets, private keys (redacted as Envoy redacts them), credential-like env values, \
        kubeconfig credentials. See docs/snapshot-format.md.
        The file is written to a temporary name and renamed when complete; a name ending in .gz is gzip-compressed; \
        -o - writes to stdout. Without -n or -A the kubeconfig context's namespace is covered when it names one, else every \
        namespace; -A covers every namespace (ztunnel and istiod are always collected).
        Examples:
          meshscope snapshot -o mesh.json.gz
          meshscope snapshot -n bookinfo --proxies app=productpage --no-stats -o pp.json
          meshscope snapshot --summary mesh.json.gz
          meshscope get pods -A --snapshot mesh.json.gz
        """
    )

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("File to write (.json, .json.gz, or - for stdout; default meshscope-snapshot-CONTEXT-TIME.json).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Only proxies whose pod labels match this selector, e.g. app=productpage.", valueName: "selector"))
    var proxies: String?

    @Flag(name: .customLong("no-stats"), help: "Leave out /stats, /stats/prometheus and ztunnel /metrics (smaller; no traffic rates).")
    var noStats = false

    @Option(name: .customLong("rate-interval"), help: ArgumentHelp("Time between the two metrics samples rates come from (0: one sample).", valueName: "duration"))
    var rateInterval = "1s"

    @Option(help: ArgumentHelp("Print what a snapshot file holds instead of taking one.", valueName: "file"))
    var summary: String?

    @OptionGroup var source: SourceOptions

    func validate() throws {
        if let proxies {
            do { _ = try LabelSelector.parse(proxies) } catch { throw ValidationError(error.message) }
        }
        if ConnectionOptions.DurationText.seconds(rateInterval) == nil {
            throw ValidationError("--rate-interval \"\(rateInterval)\": expected a duration such as 1s or 500ms")
        }
        if summary != nil && (output != nil || proxies != nil || noStats) {
            throw ValidationError("--summary FILE reads a snapshot; it takes no -o, --proxies or --no-stats")
        }
    }

    func run() async throws {
        let console = Console.current
        if let summary {
            let snap: SnapshotMeshSource
            do { snap = try await SnapshotMeshSource.open(path: summary) } catch { throw CLIError(.badInput, error.message) }
            do {
                console.write(try SnapshotSummary(snap.index).render(path: summary, fileBytes: snap.fileBytes, compressed: snap.compressed))
            } catch {
                throw CLIError(.badInput, error.message)
            }
            return
        }
        var selector: LabelSelector?
        if let text = proxies {
            do { selector = try LabelSelector.parse(text) } catch { throw CLIError(.usage, error.message) }
        }
        // The context's namespace unless -n/-A say otherwise (istiod and the ztunnels always).
        let source = self.source.inContextNamespace()
        let connection = source.connection
        let options = SnapshotOptions(
            namespaces: connection.allNamespaces ? nil : connection.namespace.map { [$0] },
            proxySelector: selector, stats: !noStats,
            rateInterval: ConnectionOptions.DurationText.seconds(rateInterval), concurrency: source.concurrency)
        let showProgress = console === Console.standard && isatty(2) == 1
        let progress: @Sendable (SnapshotProgress) -> Void = { p in
            guard showProgress else { return }
            let line: String
            switch p.phase {
            case .objects: line = "snapshot: reading objects…"
            case .firstSample: line = "snapshot: first metrics sample \(p.done)/\(p.total)"
            case .proxies: line = "snapshot: proxies \(p.done)/\(p.total)"
            case .done: line = ""
            }
            let failures = p.failures > 0 && p.phase != .done ? ", \(p.failures) failure\(p.failures == 1 ? "" : "s")" : ""
            Console.writeAll(2, Array("\r\u{1B}[K\(line)\(failures)".utf8))
        }
        // Attaches Prometheus (as --prometheus or discovery say): its edges are recorded beside the scraped ones.
        try await source.withSource(refresh: max(1, ConnectionOptions.DurationText.seconds(rateInterval) ?? 1)) { src in
            let path = output ?? SnapshotCommand.defaultName(context: src.info.context, at: Date())
            let result: SnapshotResult
            do {
                if path == "-" {
                    result = try await SnapshotCollector.collect(source: src, options: options, progress: progress) { chunk in console.write(chunk.bytes) }
                } else {
                    result = try await SnapshotCollector.write(source: src, to: path, options: options, progress: progress)
                }
            } catch let e as MeshSourceError {
                throw CLIError(.unavailable, e.message)
            } catch let e as SnapshotFile.FileError {
                throw CLIError(.unavailable, e.message)
            }
            for f in result.failures.prefix(20) { console.error("meshscope: warning: not collected: \(f.description)") }
            if result.failures.count > 20 { console.error("meshscope: warning: … \(result.failures.count - 20) more (meshscope snapshot --summary \(path))") }
            if path != "-" {
                console.error("meshscope: wrote \(path) (\(SnapshotSummary.size(result.bytes)), \(result.proxies) proxies, \(result.failures.count) not collected)")
            }
        }
    }

    /// `meshscope-snapshot-prod-eu-20261121-220410.json`
    static func defaultName(context: String, at date: Date) -> String {
        let safe = String(context.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        let t = Timestamp.rfc3339(date).filter { $0.isNumber }
        let stamp = String(t.prefix(8)) + "-" + String(t.dropFirst(8).prefix(6))
        return "meshscope-snapshot-\(safe.isEmpty ? "cluster" : safe)-\(stamp).json"
    }
}
