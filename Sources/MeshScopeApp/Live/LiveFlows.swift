import Foundation
import MeshClient
import MeshModel

/// Flows and log levels on a live source: the access logs `:flows` and `:top` need are
/// followed through the API server (``LogStreamer``) while one of them is on the stack, and
/// posted in batches (``FlowBatch``) a few times a second; `:log-level` asks the API server
/// whether it may, then POSTs the proxy's `/logging`.
extension LiveDriver {
    /// How often streamed flows are handed to the loop.
    static let flowBatchInterval: Double = 0.3

    /// Stops the current log streams and, with a request, follows the logs it names.
    func streamFlows(_ request: FlowStreamRequest?) {
        let (conn, post) = current()
        let old = lock.withLock { () -> [Task<Void, Never>] in
            defer { flowTasks = [] }
            return flowTasks
        }
        for t in old { t.cancel() }
        guard let request else { return }
        guard let cluster = conn.source as? ClusterMeshSource else {
            post(.flowsArrived(FlowBatch(flows: [], at: Date(), problem: "a snapshot holds no access logs: flows need a live cluster or --demo")))
            return
        }
        let pending = PendingFlows()
        let known = lock.withLock { feed.cluster }
        let reader = spawn {
            let client = cluster.client
            var pods = known?.pods ?? []
            var services = known?.services ?? []
            if pods.isEmpty {
                do {
                    pods = try await client.listAll(try await client.resource("pods"), namespace: request.namespace).items.map(KubePod.init)
                    services = (try? await client.listAll(try await client.resource("services"), namespace: request.namespace).items.map(KubeService.init)) ?? []
                } catch {
                    // The view's one line, and the whole error in `:messages`.
                    pending.problem("cannot list pods: \(LiveDriver.oneLine(error))")
                    post(.flash("cannot list pods: \(LiveDriver.message(error))", .error))
                    return
                }
            }
            let chosen = FlowTargets.choose(pods, pod: request.pod.map { ($0, request.podNamespace) }, namespace: request.namespace)
            guard !chosen.isEmpty else {
                let scope = request.pod.map { "pod \($0)" } ?? request.namespace.map { "namespace \($0)" } ?? "the cluster"
                pending.problem("no running pod with an istio-proxy container (a sidecar, a gateway, a waypoint or a ztunnel) in \(scope)")
                return
            }
            var reporters: [LogTarget: WorkloadDirectory.Endpoint] = [:]
            for p in pods {
                let ns = p.metadata.namespace ?? ""
                reporters[LogTarget(pod: p.metadata.name, namespace: ns, container: "istio-proxy")] = WorkloadDirectory.Endpoint(
                    pod: p.metadata.name, namespace: ns, workload: WorkloadDirectory.workloadName(pod: p.metadata.name, owners: p.metadata.owners),
                    serviceAccount: p.serviceAccount)
            }
            var options = LogStreamer.Options(follow: true, tailLines: 20)
            options.maxStreams = 100
            options.bufferedEvents = 5_000
            let streamer = LogStreamer(client: client, options: options)
            var ingest = FlowIngest(directory: WorkloadDirectory(pods: pods, services: services))
            pending.started(chosen.count)
            for await event in streamer.stream(chosen.map { LogTarget(pod: $0.pod, namespace: $0.namespace, container: "istio-proxy") }) {
                if Task.isCancelled { return }
                switch event {
                case .lines(let target, let lines):
                    // A read's flows are handed over together: one lock, one count of the rest.
                    let reporter = reporters[target]
                    var flows: [Flow] = []
                    flows.reserveCapacity(lines.count)
                    for line in lines { ingest.read(line.bytes, reporter: reporter, cut: line.cut) { flows.append($0) } }
                    pending.add(flows, notFlows: ingest.rejectedTotal, dropped: streamer.droppedLines)
                case .notice(let target, let text):
                    pending.problem("\(target): \(text)")
                case .ended(let target, let reason):
                    if let reason { pending.problem("\(target): \(reason)") }
                }
            }
        }
        let flusher = spawn {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(LiveDriver.flowBatchInterval * 1e9))
                if Task.isCancelled { return }
                if let batch = pending.take() { post(.flowsArrived(batch)) }
            }
        }
        lock.withLock { flowTasks = [reader, flusher].compactMap { $0 } }
    }

    /// `:log-level` before its question: a SelfSubjectAccessReview (`create pods/proxy` in
    /// the pod's namespace), answered with `.logLevelReviewed`, so a refusal is said before
    /// the user is asked anything.
    func reviewLogLevel(_ request: LogLevelRequest) {
        let (conn, post) = current()
        guard let cluster = conn.source as? ClusterMeshSource else {
            post(.flash("log levels are set on a live proxy: this source has none", .warn))
            return
        }
        spawn {
            let refusal = await LogLevelWriter.refusal(client: cluster.client, namespace: request.namespace)
            post(.logLevelReviewed(request, refusal: refusal))
        }
    }

    /// `y` on `:log-level`: asks again (access may have changed since the question), then
    /// POSTs; a "no" is said instead of trying.
    func setLogLevel(_ request: LogLevelRequest) {
        let (conn, post) = current()
        guard let cluster = conn.source as? ClusterMeshSource else {
            post(.flash("log levels are set on a live proxy: this source has none", .warn))
            return
        }
        post(.flash("setting log levels \(request.summary)…", .info))
        spawn {
            if let refusal = await LogLevelWriter.refusal(client: cluster.client, namespace: request.namespace) {
                post(.flash(refusal, .error))
                return
            }
            do {
                let levels = try await LogLevelWriter(admin: cluster.adminClient).apply(pod: request.pod, namespace: request.namespace, level: request.level, reset: request.reset)
                let shown = levels.ztunnelLevel.map { "level \($0)" }
                    ?? levels.loggers.filter { l in request.reset || (request.level ?? "").contains(l.name) || !(request.level ?? "").contains(":") }
                        .prefix(6).map { "\($0.name)=\($0.level)" }.joined(separator: " ")
                post(.flash("log levels set \(request.summary): \(shown)", .info))
            } catch {
                post(.flash("log levels \(request.summary): \(error)", .error))
            }
        }
    }
}

/// Flows read but not yet posted, shared by the reader and the flusher.
final class PendingFlows: @unchecked Sendable {
    private let lock = NSLock()
    private var flows: [Flow] = []
    private var notFlows = 0
    /// Held flows that went to make room, and the streamer's own drops (a running count).
    private var ownDropped = 0
    private var streamDropped = 0
    private var lastProblem: String?
    private var streams = 0
    private var changed = false
    /// Most flows held between two posts; older ones are counted as dropped.
    let limit = 5_000

    func add(_ batch: [Flow], notFlows: Int, dropped: Int) {
        lock.withLock {
            flows += batch
            if flows.count > limit {
                ownDropped += flows.count - limit
                flows.removeFirst(flows.count - limit)
            }
            self.notFlows = notFlows
            streamDropped = max(streamDropped, dropped)
            changed = true
        }
    }

    func problem(_ text: String) { lock.withLock { lastProblem = text; changed = true } }

    func started(_ count: Int) { lock.withLock { streams = count; changed = true } }

    /// What arrived since the last take (nil: nothing did).
    func take() -> FlowBatch? {
        lock.withLock {
            guard changed else { return nil }
            defer { flows = []; changed = false }
            return FlowBatch(flows: flows, at: Date(), streamDropped: ownDropped + streamDropped, notFlows: notFlows, problem: lastProblem, streams: streams)
        }
    }
}
