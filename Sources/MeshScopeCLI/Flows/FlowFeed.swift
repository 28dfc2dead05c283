#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MeshClient
import MeshModel

/// Where `flows` and `top` get their flows: a saved log, stdin, or every proxy's access log
/// on the cluster (or the demo) through the API server. Flows that pass the filter go to
/// `onFlow`; lines in other formats are counted in the ingest and reported once at the end
/// (`summary`), stream problems as they happen, one line each.
enum FlowFeed {
    /// What was read, for the closing summary.
    struct Result {
        var ingest: FlowIngest
        var dropped = 0
    }

    static func run(_ options: FlowOptions, onFlow: (Flow) -> Void, onTick: (() -> Void)? = nil) async throws -> Result {
        let filter = try options.filter()
        if let file = options.file {
            var ingest = FlowIngest()
            if file == "-", options.follow {
                readStdinIncrementally { line, cut in
                    if let flow = ingest.read(line, cut: cut), filter.matches(flow) { onFlow(flow) }
                    onTick?()
                }
            } else {
                let bytes = try InputFile.read(file)
                FlowIngest.forEachLine(bytes) { line in
                    if let flow = ingest.read(line), filter.matches(flow) { onFlow(flow) }
                }
            }
            return Result(ingest: ingest)
        }
        return try await options.connection.withClient { client in try await live(client, options, filter: filter, onFlow: onFlow, onTick: onTick) }
    }

    /// Reads fd 0 as it grows, line by line, until end of input.
    static func readStdinIncrementally(_ body: ([UInt8], Bool) -> Void) {
        if let bytes = Console.current.stdinBytes {
            var s = BoundedLineSplitter()
            for l in s.feed(bytes) { body(l.bytes, l.cut) }
            if let rest = s.finish() { body(rest.bytes, false) }
            return
        }
        var splitter = BoundedLineSplitter()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(0, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            for l in splitter.feed(buffer[0..<n]) { body(l.bytes, l.cut) }
        }
        // The last line of a file without a final newline is whole.
        if let rest = splitter.finish() { body(rest.bytes, false) }
    }

    static func live(_ client: KubeClient, _ options: FlowOptions, filter: FlowFilter, onFlow: (Flow) -> Void, onTick: (() -> Void)?) async throws -> Result {
        let podsResource = try await client.resource("pods")
        let pods = try await client.listAll(podsResource, namespace: nil).items.map(KubePod.init)
        let services = (try? await client.listAll(try await client.resource("services"), namespace: nil).items.map(KubeService.init)) ?? []
        let directory = WorkloadDirectory(pods: pods, services: services)
        let defaultNamespace = options.connection.namespace ?? client.connection.namespace
        let targets = try Self.targets(pods, options: options, defaultNamespace: defaultNamespace)
        var reporters: [LogTarget: WorkloadDirectory.Endpoint] = [:]
        for p in pods {
            let ns = p.metadata.namespace ?? ""
            reporters[LogTarget(pod: p.metadata.name, namespace: ns, container: options.container)] =
                WorkloadDirectory.Endpoint(pod: p.metadata.name, namespace: ns, workload: WorkloadDirectory.workloadName(pod: p.metadata.name, owners: p.metadata.owners),
                                           serviceAccount: p.serviceAccount)
        }
        var streamOptions = LogStreamer.Options(follow: options.follow, sinceSeconds: options.since.flatMap(ConnectionOptions.DurationText.seconds).map { max(1, Int($0.rounded(.up))) },
                                                tailLines: options.tail ?? (options.follow ? 10 : 200))
        streamOptions.maxStreams = options.maxStreams
        streamOptions.maxRequestsPerSecond = options.maxRequestsPerSecond
        let streamer = LogStreamer(client: client, options: streamOptions)
        var ingest = FlowIngest(directory: directory)
        let console = Console.current
        for await event in streamer.stream(targets) {
            switch event {
            case .line(let target, _, let bytes, let cut):
                if let flow = ingest.read(bytes, reporter: reporters[target], cut: cut), filter.matches(flow) { onFlow(flow) }
            case .notice(let target, let text):
                console.error("meshscope: \(target): \(text)")
            case .ended(let target, let reason):
                if let reason { console.error("meshscope: \(target): \(reason)") }
            }
            onTick?()
        }
        return Result(ingest: ingest, dropped: streamer.droppedEvents)
    }

    /// The containers to read: the named pod's, else every pod with the access-log container
    /// in the namespace asked for (with `-n`, plus the ztunnels, which log for every ambient
    /// namespace), else everywhere.
    static func targets(_ pods: [KubePod], options: FlowOptions, defaultNamespace: String) throws -> [LogTarget] {
        if let pod = options.pod {
            let ref = PodReference(pod, defaultNamespace: defaultNamespace)
            guard pods.contains(where: { $0.metadata.name == ref.name && $0.metadata.namespace == ref.namespace }) else {
                throw CLIError(.unavailable, "pod \"\(ref.name)\" not found in namespace \"\(ref.namespace)\"")
            }
            return [LogTarget(pod: ref.name, namespace: ref.namespace, container: options.container)]
        }
        let ns = options.connection.namespace
        let chosen = pods.filter { p in
            guard p.containers.contains(where: { $0.name == options.container }), p.phase == "Running" else { return false }
            guard let ns else { return true }
            return p.metadata.namespace == ns || p.metadata.labels["app"] == "ztunnel"
        }
        if chosen.isEmpty {
            throw CLIError(.unavailable, "no running pod has a container \"\(options.container)\"\(ns.map { " in namespace \"\($0)\" (nor a ztunnel)" } ?? "")")
        }
        return chosen.map { LogTarget(pod: $0.metadata.name, namespace: $0.metadata.namespace ?? "", container: options.container) }
    }

    /// The one-line account of what was not a flow, and of events dropped.
    static func report(_ result: Result) {
        let console = Console.current
        if let s = result.ingest.summary {
            var line = "meshscope: \(s)"
            if let first = result.ingest.raw.first {
                line += "; first: \(first.origin.map { $0 + ": " } ?? "")\(TerminalText.cell(first.text, maxWidth: 160))"
            }
            console.error(line)
        }
        if result.dropped > 0 { console.error("meshscope: \(result.dropped) log events dropped: the output fell behind") }
    }
}
