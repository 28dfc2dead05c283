import Foundation
import MeshGen
import MeshModel
import NIOCore
import NIOHTTP1
import NIOPosix

/// One loopback HTTP server standing in for every admin port of the demo mesh: Envoy
/// (`:15000`), ztunnel (`:15000` admin, `:15020` metrics) and istiod (`:15014`). The fake API
/// server's pod proxy forwards `pods/POD:PORT/proxy/PATH` to
/// `BASE/pods/NS/POD/PORT/PATH` here. Responses are generated on request from the
/// ``DemoMesh`` at the current tick, so counters move with wall-clock time.
///
/// ```swift
/// let admin = try await DemoAdminServer.start(mesh: DemoMesh())
/// admin.backendURL(pod: 3, port: 15000)   // "http://127.0.0.1:41234/pods/bookinfo/details-v1-…/15000"
/// ```
public final class DemoAdminServer: Sendable {
    public let mesh: DemoMesh
    let http: LoopbackHTTPServer
    let state: DemoAdminState
    let resetter: ResettingServer

    public var baseURL: String { http.baseURL }
    /// A server that resets every connection it accepts (the `reset` fault points pods here).
    public var resettingURL: String { resetter.baseURL }

    private init(mesh: DemoMesh, http: LoopbackHTTPServer, state: DemoAdminState, resetter: ResettingServer) {
        self.mesh = mesh
        self.http = http
        self.state = state
        self.resetter = resetter
    }

    /// - Parameters:
    ///   - tickSeconds: wall-clock seconds per generator tick.
    ///   - startTick: the tick at start (proxies have been up this long).
    public static func start(mesh: DemoMesh, tickSeconds: Double = 1, startTick: Int = 3_600) async throws -> DemoAdminServer {
        let state = DemoAdminState(mesh: mesh, tickSeconds: tickSeconds, startTick: startTick)
        let http = try await LoopbackHTTPServer.start { req in await state.handle(req) }
        let resetter = try await ResettingServer.start()
        return DemoAdminServer(mesh: mesh, http: http, state: state, resetter: resetter)
    }

    public func shutdown() async {
        state.releaseHangs()
        await http.shutdown()
        await resetter.shutdown()
    }

    public func backendURL(pod p: Int, port: Int) -> String {
        "\(http.baseURL)/pods/\(mesh.pods[p].namespace)/\(mesh.pods[p].name)/\(port)"
    }

    /// Faults other than `reset` are served here; `reset` needs the backend to point at
    /// ``resettingURL`` (``DemoCluster`` does both).
    public func setFault(_ fault: DemoFault?, pod p: Int) { state.setFault(fault, pod: p) }

    /// The proxy restarts now: its counters start over from zero.
    public func restart(pod p: Int) { state.restart(pod: p) }

    /// The current tick.
    public var tick: Int { state.tick() }

    /// Requests served per pod (to check that a failing pod does not stop the others).
    public func requestCount(pod p: Int) -> Int { state.requestCount(pod: p) }
}

/// Mutable server state behind a lock: faults, restart ticks, cached certificates.
final class DemoAdminState: @unchecked Sendable {
    let mesh: DemoMesh
    let tickSeconds: Double
    let startTick: Int
    let started = Date()
    private let lock = NSLock()
    private var faults: [Int: DemoFault] = [:]
    private var restartTick: [Int: Int] = [:]
    private var counts: [Int: Int] = [:]
    private var released = false
    private var leaves: [String: String] = [:]
    private let certificates: CertificateFactory?
    /// Each proxy's log levels (`/logging`).
    let logLevels = DemoLogLevels()

    init(mesh: DemoMesh, tickSeconds: Double, startTick: Int) {
        self.mesh = mesh
        self.tickSeconds = max(0.001, tickSeconds)
        self.startTick = startTick
        certificates = try? CertificateFactory(trustDomain: mesh.trustDomain, now: Date())
    }

    func tick() -> Int { startTick + Int(Date().timeIntervalSince(started) / tickSeconds) }

    func setFault(_ f: DemoFault?, pod: Int) { lock.withLock { faults[pod] = f } }
    func restart(pod: Int) { lock.withLock { restartTick[pod] = tick() } }
    func requestCount(pod: Int) -> Int { lock.withLock { counts[pod] ?? 0 } }

    func releaseHangs() { lock.withLock { released = true } }

    /// A leaf certificate per SPIFFE identity, made once (real keys are slow to make and the
    /// identity does not change).
    func leaf(namespace: String, serviceAccount: String) -> (String, String)? {
        guard let f = certificates else { return nil }
        let id = "\(namespace)/\(serviceAccount)"
        if let pem = lock.withLock({ leaves[id] }) { return (pem, f.rootPEM) }
        guard let pem = try? f.leafPEM(namespace: namespace, serviceAccount: serviceAccount, serial: UInt64(truncatingIfNeeded: id.hashValue & 0xFFFF_FFFF)) else { return nil }
        // Two first requests can race here, each with its own fresh key: the first one stored
        // is the identity's certificate from then on, so every answer agrees (a snapshot
        // taken during the race once disagreed with the live dump after it).
        let kept = lock.withLock { () -> String in
            if let first = leaves[id] { return first }
            leaves[id] = pem
            return pem
        }
        return (kept, f.rootPEM)
    }

    func handle(_ req: DemoHTTPRequest) async -> DemoHTTPResponse {
        // /pods/NS/NAME/PORT/PATH
        let parts = req.path.split(separator: "/", maxSplits: 4, omittingEmptySubsequences: true)
        guard parts.count >= 4, parts[0] == "pods", let port = Int(parts[3]), let p = mesh.pod(named: String(parts[2]), namespace: String(parts[1])) else {
            return .text(.notFound, "no such demo admin endpoint: \(req.path)\n")
        }
        let path = "/" + (parts.count > 4 ? String(parts[4]) : "")
        let (fault, since) = lock.withLock { () -> (DemoFault?, Int) in
            counts[p, default: 0] += 1
            return (faults[p], restartTick[p] ?? 0)
        }
        switch fault {
        case .hang:
            // Never answers; ends when the client gives up (the connection closes and this
            // task is cancelled) or the server shuts down.
            while !Task.isCancelled && !lock.withLock({ released }) {
                try? await Task.sleep(nanoseconds: 50_000_000)
            }
            return .text(.serviceUnavailable, "shutting down\n")
        case .status500:
            return .text(.internalServerError, "upstream connect error or disconnect/reset before headers. reset reason: overflow\n")
        case .garbage:
            return DemoHTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: .bytes(Array("\u{1F}\u{8B}\u{08}garbage{{{[[[ not what you asked for\n".utf8)))
        case .reset, nil:
            break
        }
        if path == "/logging" { return logging(pod: p, port: port, req) }
        return serve(pod: p, port: port, path: path, query: req.rawQuery, since: since)
    }

    func serve(pod p: Int, port: Int, path: String, query: String, since: Int) -> DemoHTTPResponse {
        let pod = mesh.pods[p]
        let t = tick()
        let json = { (b: [UInt8]) in DemoHTTPResponse.json(.ok, b) }
        let text = { (b: [UInt8]) in DemoHTTPResponse(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: .bytes(b)) }
        switch (pod.mode, port, path) {
        case (.sidecar, 15000, "/stats/prometheus"), (.gateway, 15000, "/stats/prometheus"), (.waypoint, 15000, "/stats/prometheus"):
            return text(mesh.envoyPrometheus(pod: p, tick: t, since: since))
        case (.sidecar, 15000, "/clusters"), (.gateway, 15000, "/clusters"), (.waypoint, 15000, "/clusters"):
            guard query.contains("format=json") else { return .text(.ok, "use /clusters?format=json: the demo serves the JSON form\n") }
            return json(mesh.envoyClustersJSON(pod: p, tick: t, since: since))
        case (.sidecar, 15000, "/config_dump"), (.gateway, 15000, "/config_dump"), (.waypoint, 15000, "/config_dump"):
            let wl = mesh.workloads[pod.workload]
            return json(mesh.envoyConfigDump(pod: p, certificates: leaf(namespace: wl.namespace, serviceAccount: wl.serviceAccount),
                                             pushVersion: DemoMesh.pushVersion(tick: t)))
        case (.sidecar, 15000, "/server_info"), (.gateway, 15000, "/server_info"), (.waypoint, 15000, "/server_info"):
            return json(mesh.envoyServerInfo(pod: p, tick: t, since: since))
        case (.sidecar, 15000, "/stats"), (.gateway, 15000, "/stats"), (.waypoint, 15000, "/stats"):
            guard query.contains("format=json") else { return .text(.ok, "use /stats?format=json or /stats/prometheus: the demo serves those forms\n") }
            return json(mesh.envoyStatsJSON(pod: p, tick: t, since: since))
        case (.sidecar, 15000, "/certs"), (.gateway, 15000, "/certs"), (.waypoint, 15000, "/certs"):
            let wl = mesh.workloads[pod.workload]
            guard let (chain, root) = leaf(namespace: wl.namespace, serviceAccount: wl.serviceAccount) else { return .text(.serviceUnavailable, "no certificates\n") }
            return json(mesh.envoyCerts(pod: p, chain: chain, root: root, now: Date().timeIntervalSince1970))
        case (.istiod, 15014, "/debug/config_dump"):
            return istiodConfigDump(query: query, tick: t)
        case (.sidecar, 15000, "/ready"), (.gateway, 15000, "/ready"), (.waypoint, 15000, "/ready"):
            return .text(.ok, "LIVE\n")
        case (.ztunnel, 15000, "/config_dump"):
            var certs: [String: String] = [:]
            for q in mesh.pods.indices where mesh.pods[q].node == pod.node && mesh.pods[q].mode == .ambient {
                let wl = mesh.workloads[mesh.pods[q].workload]
                if let (pem, _) = leaf(namespace: wl.namespace, serviceAccount: wl.serviceAccount) {
                    certs["spiffe://\(mesh.trustDomain)/ns/\(wl.namespace)/sa/\(wl.serviceAccount)"] = pem
                }
            }
            return json(mesh.ztunnelConfigDump(node: pod.node, tick: t, certificates: certs, root: certificates?.rootPEM))
        case (.ztunnel, 15020, "/metrics"):
            return text(mesh.ztunnelMetrics(node: pod.node, tick: t, since: since))
        case (.istiod, 15014, "/debug/syncz"):
            return json(mesh.istiodSyncz(tick: t))
        case (.istiod, 15014, "/debug/connections"):
            return json(mesh.istiodConnections(tick: t))
        default:
            return .text(.notFound, "invalid path: \(path)\n")
        }
    }
}

extension DemoAdminState {
    /// `/debug/config_dump?proxyID=POD.NS`: istiod's view of one connected Envoy, made on
    /// request from that proxy's dump (see ``DemoMesh/istiodConfigDump(pod:envoyDump:tick:)``).
    func istiodConfigDump(query: String, tick t: Int) -> DemoHTTPResponse {
        let id = query.split(separator: "&").first { $0.hasPrefix("proxyID=") }.map { String($0.dropFirst("proxyID=".count)) }
            .map { $0.removingPercentEncoding ?? $0 }
        guard let id, !id.isEmpty else { return .text(.badRequest, "You must provide a proxyID in the query string\n") }
        guard let dot = id.lastIndex(of: "."), let q = mesh.pod(named: String(id[..<dot]), namespace: String(id[id.index(after: dot)...])),
              mesh.pods[q].mode.hasEnvoy else {
            return .text(.notFound, "Proxy not connected to this Pilot instance\n")
        }
        // Secrets are not part of istiod's view, so the proxy's dump is made without certificates.
        let envoy = mesh.envoyConfigDump(pod: q, certificates: nil, pushVersion: DemoMesh.pushVersion(tick: t))
        guard let body = mesh.istiodConfigDump(pod: q, envoyDump: envoy, tick: t) else { return .text(.internalServerError, "config dump failed\n") }
        return .json(.ok, body)
    }
}

/// Accepts TCP connections and resets them at once (SO_LINGER 0, then close).
final class ResettingServer: Sendable {
    let channel: any Channel
    var baseURL: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }

    private init(channel: any Channel) { self.channel = channel }

    static func start() async throws -> ResettingServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                // SO_LINGER 0 makes close() send RST instead of FIN.
                guard let provider = child as? any SocketOptionProvider else { return child.close() }
                return provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).flatMap { child.close() }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ResettingServer(channel: channel)
    }

    func shutdown() async { try? await channel.close() }
}
