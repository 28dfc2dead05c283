import Foundation
import MeshModel
import NIOHTTP1

/// One line a fake container wrote, at `millis` (epoch milliseconds).
public struct FakeLogLine: Sendable, Equatable {
    public var millis: Int
    public var text: String

    public init(millis: Int, text: String) {
        self.millis = millis
        self.text = text
    }
}

/// Where container logs come from: the lines `namespace/pod`'s `container` wrote in
/// `[fromMillis, toMillis)`, oldest first. The demo derives them from its mesh.
public typealias FakeLogSource = @Sendable (_ namespace: String, _ pod: String, _ container: String, _ fromMillis: Int, _ toMillis: Int) -> [FakeLogLine]

/// Container log state of the fake API server: the source of lines, when each container
/// (re)started, and the generation that ends open streams (a restart, ``FakeAPIServer/dropLogStreams()``).
final class FakeLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var source: FakeLogSource?
    /// `ns/pod/container` → restarts so far and when the current container started.
    private var containers: [String: (restarts: Int, startMillis: Int)] = [:]
    private var dropGeneration = 0
    private var open = 0
    /// Containers that never restarted started this long before the server.
    let createdMillis = Int(Date().timeIntervalSince1970 * 1000) - 600_000
    /// How often a following stream looks for new lines.
    var pollInterval: Double = 0.2

    func setSource(_ s: FakeLogSource?) { lock.withLock { source = s } }

    func state(_ key: String) -> (restarts: Int, startMillis: Int, drop: Int, source: FakeLogSource?) {
        lock.withLock {
            let c = containers[key] ?? (0, createdMillis)
            return (c.restarts, c.startMillis, dropGeneration, source)
        }
    }

    func restart(_ key: String, now: Int) -> Int {
        lock.withLock {
            let restarts = (containers[key]?.restarts ?? 0) + 1
            containers[key] = (restarts, now)
            return restarts
        }
    }

    func dropAll() { lock.withLock { dropGeneration += 1 } }
    func opened(_ delta: Int) { lock.withLock { open += delta } }
    var openStreams: Int { lock.withLock { open } }

    static func nowMillis() -> Int { Int(Date().timeIntervalSince1970 * 1000) }

    /// `2026-01-01T00:00:01.250000000Z`: RFC3339Nano as the kubelet prints it.
    static func timestamp(_ millis: Int) -> String {
        let ms = millis % 1000
        return String(FlowTime.rfc3339(millis / 1000).dropLast()) + "." + (ms < 10 ? "00" : ms < 100 ? "0" : "") + String(ms) + "000000Z"
    }
}

extension FakeAPIServer {
    /// Serves container logs from `source` (nil: every container's log is empty).
    public func setLogSource(_ source: FakeLogSource?) { logs.setSource(source) }

    /// Ends every open `pods/log` stream now (an API server restart, a kubelet dropping
    /// the connection); followers reconnect.
    public func dropLogStreams() { logs.dropAll() }

    /// Log streams open now.
    public var openLogStreams: Int { logs.openStreams }

    /// The container restarts: its restart count and container ID change on the pod object
    /// (a MODIFIED event), open streams of it end, and its log starts over.
    public func restartContainer(namespace: String, pod: String, container: String) throws {
        let podResource = FakeResources.core[1]
        guard let entry = store.withLock({ store.getLocked(podResource, namespace: namespace, name: pod) }) else {
            throw FakeServerError("no pod \(namespace)/\(pod)")
        }
        let restarts = logs.restart("\(namespace)/\(pod)/\(container)", now: FakeLogs.nowMillis())
        var object = try JSONTree(json: entry.bytes)
        guard case .array(var statuses)? = object["status"]?["containerStatuses"] else { return }
        for i in statuses.indices where statuses[i]["name"]?.string == container {
            guard case .object(var s) = statuses[i] else { continue }
            s["restartCount"] = .number(String(restarts))
            s["containerID"] = .string("containerd://\(String(format: "%064x", restarts))")
            statuses[i] = .object(s)
        }
        object.setValue(.array(statuses), at: ["status", "containerStatuses"])
        try write(object, manager: "kubelet")
    }

    // MARK: GET pods/NAME/log

    func podLog(namespace: String, pod: String, _ req: DemoHTTPRequest) -> DemoHTTPResponse {
        let podResource = FakeResources.core[1]
        guard let entry = store.withLock({ store.getLocked(podResource, namespace: namespace, name: pod) }),
              let object = try? JSONTree(json: entry.bytes) else { return notFound(podResource, pod) }
        var names: [String] = []
        if case .array(let cs)? = object["spec"]?["containers"] { names = cs.compactMap { $0["name"]?.string } }
        let container: String
        if let c = req.query["container"], !c.isEmpty {
            guard names.contains(c) else {
                return status(KubeStatus(code: 400, reason: "BadRequest", message: "container \(c) is not valid for pod \(pod)"))
            }
            container = c
        } else if names.count == 1 {
            container = names[0]
        } else {
            return status(KubeStatus(code: 400, reason: "BadRequest",
                                     message: "a container name must be specified for pod \(pod), choose one of: [\(names.joined(separator: " "))]"))
        }
        let key = "\(namespace)/\(pod)/\(container)"
        let follow = req.query["follow"] == "true" || req.query["follow"] == "1"
        let timestamps = req.query["timestamps"] == "true" || req.query["timestamps"] == "1"
        let tail = req.query["tailLines"].flatMap { Int($0) }
        let now = FakeLogs.nowMillis()
        let state = logs.state(key)
        var from = max(state.startMillis, now - 120_000)
        if let s = req.query["sinceSeconds"].flatMap({ Int($0) }), s > 0 { from = max(from, now - s * 1000) }
        if let t = req.query["sinceTime"].flatMap(FlowTime.epochSeconds) { from = max(from, t * 1000) }
        var history = state.source?(namespace, pod, container, from, now) ?? []
        if let tail, tail >= 0 { history = Array(history.suffix(tail)) }
        func encode(_ lines: [FakeLogLine]) -> [UInt8] {
            var out: [UInt8] = []
            for l in lines {
                if timestamps { out += Array(FakeLogs.timestamp(l.millis).utf8); out.append(0x20) }
                out += Array(l.text.utf8)
                out.append(0x0A)
            }
            return out
        }
        let headers: HTTPHeaders = ["Content-Type": "text/plain"]
        guard follow else { return DemoHTTPResponse(status: .ok, headers: headers, body: .bytes(encode(history))) }
        let (out, continuation) = AsyncStream<[UInt8]>.makeStream()
        let logState = self.logs, objects = self.store, interval = logs.pollInterval
        logState.opened(1)
        let pump = Task {
            if !history.isEmpty { continuation.yield(encode(history)) }
            var cursor = now
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                if Task.isCancelled { break }
                // The pod deleted, its container restarted, or the streams dropped: this stream ends.
                let gone = objects.withLock { objects.getLocked(podResource, namespace: namespace, name: pod) } == nil
                let s = logState.state(key)
                if gone || s.restarts != state.restarts || s.drop != state.drop { break }
                let next = FakeLogs.nowMillis()
                let lines = s.source?(namespace, pod, container, cursor, next) ?? []
                cursor = next
                if !lines.isEmpty { continuation.yield(encode(lines)) }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            pump.cancel()
            logState.opened(-1)
        }
        return DemoHTTPResponse(status: .ok, headers: headers, body: .stream(out))
    }
}
