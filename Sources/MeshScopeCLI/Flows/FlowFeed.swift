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

    /// `fields`: the descriptive entry fields the caller reads (``AccessLogFields``; the
    /// filter's are added): `top` shows none of them, and skips a String per field per line.
    /// `onIdle`: before each blocking read of a followed stdin, so output batched by the caller
    /// reaches the terminal while the pipe is quiet, whatever threads the runtime has.
    static func run(_ options: FlowOptions, fields: AccessLogFields = .all, onFlow: (Flow) -> Void, onTick: (() -> Void)? = nil,
                    onIdle: () -> Void = {}) async throws -> Result {
        var options = options
        // Live: the context's namespace unless -n/-A say otherwise (a file is read whole).
        if options.file == nil { options.connection = options.connection.inContextNamespace() }
        let filter = try options.filter()
        let fields = fields.union(filter.fields)
        if let file = options.file {
            var ingest = FlowIngest()
            ingest.fields = fields
            if file == "-", options.follow {
                readStdinIncrementally(idle: onIdle) { line, cut in
                    ingest.read(line, cut: cut) { if filter.matches($0) { onFlow($0) } }
                    onTick?()
                }
            } else {
                try InputFile.forEachLine(file) { line in
                    ingest.read(line) { if filter.matches($0) { onFlow($0) } }
                }
            }
            return Result(ingest: ingest)
        }
        return try await options.connection.withClient { client in try await live(client, options, filter: filter, fields: fields, onFlow: onFlow, onTick: onTick) }
    }

    /// Reads fd 0 as it grows, line by line, until end of input.
    static func readStdinIncrementally(idle: () -> Void = {}, _ body: ([UInt8], Bool) -> Void) {
        if let bytes = Console.current.stdinBytes {
            var s = BoundedLineSplitter()
            for l in s.feed(bytes) { body(l.bytes, l.cut) }
            if let rest = s.finish() { body(rest.bytes, false) }
            return
        }
        var splitter = BoundedLineSplitter()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            idle()
            let n = buffer.withUnsafeMutableBytes { Foundation.read(0, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            for l in splitter.feed(buffer[0..<n]) { body(l.bytes, l.cut) }
        }
        // The last line of a file without a final newline is whole.
        if let rest = splitter.finish() { body(rest.bytes, false) }
    }

    static func live(_ client: KubeClient, _ options: FlowOptions, filter: FlowFilter, fields: AccessLogFields, onFlow: (Flow) -> Void,
                     onTick: (() -> Void)?) async throws -> Result {
        let defaultNamespace = options.connection.namespace ?? client.connection.namespace
        let read = try await readable(client, options, defaultNamespace: defaultNamespace)
        let pods = read.pods
        let directory = WorkloadDirectory(pods: pods, services: read.services)
        // With `-n` or `--pod`, every namespace is read only to name the peers: its refusal
        // leaves peers elsewhere as addresses, and is not what the reader asked about.
        let askedOne = options.connection.namespace != nil || options.pod != nil
        var refused = read.forbidden.filter { $0.resource == "pods" && ($0.namespace != nil || !askedOne) }
        if pods.isEmpty, !refused.isEmpty { throw CLIError(.unavailable, refused.said) }
        var targets = try Self.targets(pods, options: options, defaultNamespace: defaultNamespace, namespace: read.namespace)
        // Logs refused in a namespace (`get pods/log`): said with the rest, not tried per pod.
        for ns in Set(targets.map(\.namespace)).sorted() {
            let check = AccessCheck(verb: "get", group: "", resource: "pods/log", namespace: ns)
            if read.access.allows(check) == false {
                refused.append(ForbiddenAccess(check))
                targets.removeAll { $0.namespace == ns }
            }
        }
        if !refused.isEmpty {
            let said = refused.said
            guard !targets.isEmpty else { throw CLIError(.unavailable, said) }
            Console.current.error("meshscope: \(said): reading \(targets.count) proxies' logs\(read.namespace.map { " in \($0)" } ?? "")")
        }
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
        ingest.fields = fields
        let console = Console.current
        for await event in streamer.stream(targets) {
            switch event {
            case .lines(let target, let lines):
                let reporter = reporters[target]
                for line in lines {
                    ingest.read(line.bytes, reporter: reporter, cut: line.cut) { if filter.matches($0) { onFlow($0) } }
                }
            case .notice(let target, let text):
                console.error("meshscope: \(target): \(text)")
            case .ended(let target, let reason):
                if let reason { console.error("meshscope: \(target): \(reason)") }
            }
            onTick?()
        }
        return Result(ingest: ingest, dropped: streamer.droppedLines)
    }

    /// What the user may read of pods and services, and where flows are read.
    struct Readable {
        var pods: [KubePod] = []
        var services: [KubeService] = []
        /// The namespace whose proxies are read (ztunnels beside it); nil: every namespace.
        var namespace: String?
        var forbidden: [ForbiddenAccess] = []
        var access = AccessAnswers()
    }

    /// Lists pods and services where the user may: everywhere with `-A`; else everywhere
    /// when allowed (peers in other namespaces are named, not left as addresses) and, when
    /// not, `-n`'s namespace (or `--pod`'s, or the context's) with istio-system for the
    /// ztunnels (which log for every ambient namespace) when it is readable. Logs are read
    /// in `-n`'s (or the context's, when every namespace is refused) namespace only. The
    /// authorizer is asked first (``AccessReviewer``); a list refused anyway (403) is
    /// recorded, not retried.
    static func readable(_ client: KubeClient, _ options: FlowOptions, defaultNamespace: String) async throws -> Readable {
        let controlPlane = ClusterMeshSource.controlPlaneNamespace
        let scope: InformerPlan.Scope
        var namespace: String?
        if let pod = options.pod {
            let ns = PodReference(pod, defaultNamespace: defaultNamespace).namespace
            namespace = ns
            scope = .all(fallback: [ns])
        } else if let ns = options.connection.namespace {
            namespace = ns
            scope = .all(fallback: [ns, controlPlane])
        } else if options.connection.allNamespaces {
            scope = .all(fallback: [])
        } else {
            scope = .all(fallback: [client.connection.namespace, controlPlane])
        }
        let resources = [try await client.resource("pods"), try await client.resource("services")]
        let logs = scope.wantsAll ? [AccessCheck(verb: "get", group: "", resource: "pods/log", namespace: nil)] : []
        var out = Readable()
        let (plan, access) = await AccessPlanner.plan(client, resources, scope: scope, checks: logs, namespaces: namespace.map { [$0] } ?? [])
        out.access = access
        out.forbidden = plan.forbidden
        var podsEverywhere = false
        for w in plan.watches {
            var items: [JSONValue] = []
            do { items = try await client.listAll(w.resource, namespace: w.namespace).items } catch {
                guard error.kind == .forbidden else { throw error }
                out.forbidden.append(ForbiddenAccess(listing: w.resource, namespace: w.namespace, refused: error))
                continue
            }
            if w.resource.name == "pods" {
                out.pods += items.map(KubePod.init)
                if w.namespace == nil { podsEverywhere = true }
            } else {
                out.services += items.map(KubeService.init)
            }
        }
        // Every namespace asked for but refused: the context's namespace (and the ztunnels').
        if namespace == nil, !options.connection.allNamespaces, !podsEverywhere { namespace = client.connection.namespace }
        out.namespace = namespace
        return out
    }

    /// The containers to read: the named pod's, else every pod with the access-log container
    /// in `namespace` (`-n`, or the context's when every namespace may not be read; plus the
    /// ztunnels, which log for every ambient namespace), else everywhere.
    static func targets(_ pods: [KubePod], options: FlowOptions, defaultNamespace: String, namespace: String? = nil) throws -> [LogTarget] {
        if let pod = options.pod {
            let ref = PodReference(pod, defaultNamespace: defaultNamespace)
            guard pods.contains(where: { $0.metadata.name == ref.name && $0.metadata.namespace == ref.namespace }) else {
                throw CLIError(.unavailable, "pod \"\(ref.name)\" not found in namespace \"\(ref.namespace)\"")
            }
            return [LogTarget(pod: ref.name, namespace: ref.namespace, container: options.container)]
        }
        let ns = namespace ?? options.connection.namespace
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

    /// The one-line account of what was not a flow, and of lines dropped.
    static func report(_ result: Result) {
        let console = Console.current
        if let s = result.ingest.summary {
            var line = "meshscope: \(s)"
            if let first = result.ingest.raw.first {
                line += "; first: \(first.origin.map { $0 + ": " } ?? "")\(TerminalText.cell(first.text, maxWidth: 160))"
            }
            console.error(line)
        }
        if result.dropped > 0 { console.error("meshscope: \(result.dropped) log lines dropped: the output fell behind") }
    }
}
