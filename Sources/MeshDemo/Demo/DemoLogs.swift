import Foundation
import MeshGen
import MeshModel

extension DemoCluster {
    /// The fake API server's container logs: every proxy's `istio-proxy` container writes
    /// the access log ``DemoAccessLog`` derives from the mesh, second by second on the admin
    /// server's clock, so `flows` shows the same traffic the metrics count.
    static func accessLogs(mesh: DemoMesh, admin: DemoAdminState) -> FakeLogSource {
        { namespace, name, container, from, to in
            guard to > from, container == DemoAccessLog.container, let p = mesh.pod(named: name, namespace: namespace) else { return [] }
            var out: [FakeLogLine] = []
            for second in (from / 1000)...((to - 1) / 1000) {
                for line in DemoAccessLog.lines(mesh, pod: p, tick: admin.tick(atEpochSecond: second), epochSecond: second)
                where line.millis >= from && line.millis < to {
                    out.append(FakeLogLine(millis: line.millis, text: line.text))
                }
            }
            return out
        }
    }

    /// The container restarts (its log starts over, open streams of it end).
    public func restartContainer(pod name: String, namespace: String, container: String = DemoAccessLog.container) throws {
        try api.restartContainer(namespace: namespace, pod: name, container: container)
    }
}

extension DemoAdminState {
    /// The generator tick of a wall-clock second.
    func tick(atEpochSecond s: Int) -> Int {
        startTick + Int((Double(s) - started.timeIntervalSince1970) / tickSeconds)
    }

    /// Envoy's and ztunnel's `/logging`: POST with `level=LEVEL` sets every logger, with
    /// `NAME=LEVEL` (or `paths=NAME:LEVEL,…`) one; any method without a change lists them.
    func logging(pod p: Int, port: Int, _ req: DemoHTTPRequest) -> DemoHTTPResponse {
        let ztunnel = mesh.pods[p].mode == .ztunnel
        guard port == 15000, mesh.pods[p].mode.hasEnvoy || ztunnel else { return .text(.notFound, "invalid path: /logging\n") }
        var changes: [(String, String)] = []
        for (k, v) in req.query {
            if k == "paths" {
                for pair in v.split(separator: ",") {
                    let kv = pair.split(separator: ":", maxSplits: 1)
                    guard kv.count == 2 else { return .text(.badRequest, "error: invalid paths= value \"\(pair)\"\n") }
                    changes.append((String(kv[0]), String(kv[1])))
                }
            } else {
                changes.append((k, v))
            }
        }
        if !changes.isEmpty, req.method != .POST { return .text(.methodNotAllowed, "This endpoint requires POST\n") }
        if ztunnel {
            return logLevels.ztunnel(pod: p, changes: changes)
        }
        return logLevels.envoy(pod: p, changes: changes)
    }
}

/// The demo proxies' log levels, as Envoy's and ztunnel's `/logging` keep them.
final class DemoLogLevels: @unchecked Sendable {
    static let levels = ["trace", "debug", "info", "warning", "error", "critical", "off"]
    /// A subset of Envoy's loggers, the ones Istio users raise.
    static let envoyLoggers = ["admin", "config", "connection", "conn_handler", "dns", "ext_authz", "filter", "grpc", "hc", "http", "http2",
                               "jwt", "lua", "main", "misc", "pool", "rbac", "router", "runtime", "tracing", "upstream", "wasm"]
    private let lock = NSLock()
    private var envoy: [Int: [String: String]] = [:]
    private var ztunnelLevel: [Int: String] = [:]

    func envoy(pod p: Int, changes: [(String, String)]) -> DemoHTTPResponse {
        lock.withLock {
            var current = envoy[p] ?? Dictionary(uniqueKeysWithValues: DemoLogLevels.envoyLoggers.map { ($0, "warning") })
            for (name, level) in changes {
                let lv = level == "warn" ? "warning" : level
                guard DemoLogLevels.levels.contains(lv) else { return .text(.badRequest, "error: unknown logger level \"\(level)\"\n") }
                if name == "level" {
                    for k in current.keys { current[k] = lv }
                } else {
                    guard current[name] != nil else { return .text(.notFound, "error: unknown logger name \"\(name)\"\n") }
                    current[name] = lv
                }
            }
            envoy[p] = current
            var text = "active loggers:\n"
            for k in current.keys.sorted() { text += "  \(k): \(current[k]!)\n" }
            return .text(.ok, text)
        }
    }

    func ztunnel(pod p: Int, changes: [(String, String)]) -> DemoHTTPResponse {
        lock.withLock {
            var level = ztunnelLevel[p] ?? "info"
            for (name, value) in changes {
                guard name == "level" else { return .text(.badRequest, "error: ztunnel takes level=[SCOPE:]LEVEL,…\n") }
                level = value
            }
            ztunnelLevel[p] = level
            return .text(.ok, "current log level is \(level)\n")
        }
    }
}
