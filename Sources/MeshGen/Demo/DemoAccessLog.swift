import MeshModel

/// The access logs the demo's proxies write, derived from ``DemoMesh`` and ``DemoTraffic``
/// (never a second model): in second `tick` a proxy logs exactly the requests (or
/// connections) its counters grow by in that second, so `flows` and `top` agree with
/// `connections` and the metrics.
///
/// - A sidecar or gateway logs its outbound requests in Istio's default TEXT format; a
///   client with no healthy endpoint for a service (``DemoMesh/Edge/noHealthyUpstream``)
///   logs each request as `503 UH no_healthy_upstream` with no upstream host, one whose route
///   names a missing cluster (``DemoMesh/Edge/noCluster``) as `503 NC cluster_not_found`;
///   other errors are `503 UF` (or the edge's ``DemoMesh/Edge/failureFlags``).
/// - A sidecar logs the inbound requests that reach it: the plaintext edge's client (outside
///   the mesh) shows there with no SNI, every mTLS client with its outbound SNI.
/// - A waypoint logs what it forwards (`inbound-vip|…` cluster, `envoy://connect_originate/…`
///   upstream, as real waypoints do); a ztunnel logs `connection complete` for each
///   connection of an ambient pod on its node.
///
/// At most ``maxLinesPerEdge`` lines per edge and second are written (the demo at scale
/// would otherwise log thousands of lines a second per proxy).
///
/// ```swift
/// let lines = DemoAccessLog.lines(demo, pod: p, tick: 3_700, epochSecond: 1_780_000_000)
/// lines.first?.text   // "[2026-…] \"GET /details/0 HTTP/1.1\" 200 - via_upstream …"
/// ```
public enum DemoAccessLog {
    public struct Line: Sendable, Equatable {
        /// When it was written: epoch milliseconds.
        public var millis: Int
        public var text: String
    }

    public static let maxLinesPerEdge = 25
    /// The body of Envoy's RBAC filter's local reply.
    public static let rbacDeniedBody = "RBAC: access denied"
    /// The container whose log holds the access log, for every demo proxy.
    public static let container = "istio-proxy"

    /// The lines pod `p`'s proxy writes during second `tick` (wall-clock second `epochSecond`),
    /// sorted by time.
    public static func lines(_ mesh: DemoMesh, pod p: Int, tick: Int, epochSecond: Int) -> [Line] {
        let pod = mesh.pods[p]
        var out: [Line] = []
        switch pod.mode {
        case .sidecar, .gateway:
            for ei in mesh.outbound(pod.workload) { outbound(mesh, ei, sourcePod: p, tick: tick, epoch: epochSecond, into: &out) }
            if pod.mode == .sidecar {
                for ei in mesh.inbound(pod.workload) { inbound(mesh, ei, destinationPod: p, tick: tick, epoch: epochSecond, into: &out) }
            }
        case .waypoint:
            for (ei, e) in mesh.edges.enumerated() where e.viaWaypoint && mesh.waypoint(forService: e.service).map({ mesh.services[$0].workloads.contains(pod.workload) }) == true {
                waypoint(mesh, ei, waypointPod: p, tick: tick, epoch: epochSecond, into: &out)
            }
        case .ztunnel:
            for (ei, e) in mesh.edges.enumerated() {
                let src = mesh.workloads[e.source], dst = mesh.workloads[e.destination]
                if src.mode == .ambient || dst.mode == .ambient { ztunnel(mesh, ei, node: pod.node, tick: tick, epoch: epochSecond, into: &out) }
            }
        case .ambient, .istiod, .none:
            break
        }
        out.sort { $0.millis < $1.millis }
        if let n = mesh.options.logLinesPerSecond { return atRate(out, n, epoch: epochSecond) }
        return out
    }

    /// Exactly `n` lines in the second (``DemoMesh/Options/logLinesPerSecond``): the proxy's
    /// own lines, cut, or repeated in turn, spread evenly over the second. A proxy with no
    /// traffic still writes none.
    static func atRate(_ lines: [Line], _ n: Int, epoch: Int) -> [Line] {
        guard !lines.isEmpty, n > 0 else { return [] }
        return (0..<n).map { k in Line(millis: epoch * 1000 + k * 1000 / n, text: lines[k % lines.count].text) }
    }

    // MARK: Per edge and second

    /// Requests (or connections) and errors of an edge towards destination replica `r` in second `tick`.
    static func perSecond(_ e: DemoMesh.Edge, replica r: Int, tick: Int, http: Bool) -> (count: Int, errors: Int) {
        let now = DemoTraffic.counters(e, pod: r, tick: tick, http: http), before = DemoTraffic.counters(e, pod: r, tick: tick - 1, http: http)
        if http { return (max(0, now.requests - before.requests), max(0, now.errors - before.errors)) }
        return (max(0, now.opened - before.opened), 0)
    }

    /// The destination replicas source pod `p` calls: replicas are shared out among the source's pods.
    static func replicas(_ mesh: DemoMesh, _ e: DemoMesh.Edge, sourcePod p: Int) -> [Int] {
        let sources = mesh.workloads[e.source].pods
        let k = sources.firstIndex(of: p) ?? 0
        return mesh.workloads[e.destination].pods.indices.filter { $0 % max(1, sources.count) == k }
    }

    static func sourcePod(_ mesh: DemoMesh, _ e: DemoMesh.Edge, replica r: Int) -> Int {
        let sources = mesh.workloads[e.source].pods
        return sources[r % max(1, sources.count)]
    }

    static func outbound(_ mesh: DemoMesh, _ ei: Int, sourcePod p: Int, tick: Int, epoch: Int, into out: inout [Line]) {
        let e = mesh.edges[ei]
        let svc = mesh.services[e.service]
        let http = svc.protocolName != "tcp"
        for r in replicas(mesh, e, sourcePod: p) {
            let (count, errors) = perSecond(e, replica: r, tick: tick, http: http)
            let dst = mesh.pods[mesh.workloads[e.destination].pods[r]]
            for i in 0..<min(count, maxLinesPerEdge) {
                let key = key(ei, r, tick, i)
                let millis = epoch * 1000 + i * 1000 / max(1, min(count, maxLinesPerEdge))
                let client = mesh.pods[p].ip + ":" + String(30_000 + Int(key % 30_000))
                var f = Fields(start: millis, key: key)
                f.cluster = "outbound|\(svc.port)||\(svc.fqdn)"
                f.downstreamLocal = "\(svc.clusterIP):\(svc.port)"
                f.downstreamRemote = client
                if http {
                    f.request(path: path(svc, key), authority: "\(svc.name):\(svc.port)", method: i < errors && e.deniedBy != nil ? DemoMesh.deniedMethod : "GET")
                    if i < errors, e.deniedBy != nil {
                        // The destination's RBAC filter answered: to the client an upstream response.
                        f.deny(details: "via_upstream", key)
                        f.upstreamHost = "\(dst.ip):\(svc.targetPort)"
                        f.upstreamLocal = "\(mesh.pods[p].ip):\(40_000 + Int(key % 20_000))"
                    } else if i < errors {
                        f.fail(e)
                        if e.noCluster { f.cluster = "-" }
                        if !e.failsAtClient { f.upstreamHost = "\(dst.ip):\(svc.targetPort)" }
                    } else {
                        f.succeed(key)
                        f.upstreamHost = "\(dst.ip):\(svc.targetPort)"
                        f.upstreamLocal = "\(mesh.pods[p].ip):\(40_000 + Int(key % 20_000))"
                    }
                } else {
                    f.connection(key)
                    f.upstreamHost = "\(dst.ip):\(svc.targetPort)"
                    f.upstreamLocal = "\(mesh.pods[p].ip):\(40_000 + Int(key % 20_000))"
                }
                out.append(Line(millis: millis, text: f.text))
            }
        }
    }

    static func inbound(_ mesh: DemoMesh, _ ei: Int, destinationPod p: Int, tick: Int, epoch: Int, into out: inout [Line]) {
        let e = mesh.edges[ei]
        // Requests the client fails itself never arrive.
        guard !e.failsAtClient, let r = mesh.workloads[e.destination].pods.firstIndex(of: p) else { return }
        let svc = mesh.services[e.service]
        let http = svc.protocolName != "tcp"
        let (count, errors) = perSecond(e, replica: r, tick: tick, http: http)
        let src = mesh.pods[sourcePod(mesh, e, replica: r)]
        let me = mesh.pods[p]
        // The requests that did not fail at the client, with the keys (so the request IDs
        // and client ports) the client's own lines gave them.
        // Requests an AuthorizationPolicy denies arrive too: the RBAC filter answers them here.
        let logged = min(count, maxLinesPerEdge)
        let denied = mesh.deniedDetails(e)
        for i in (denied != nil ? 0 : min(errors, logged))..<logged {
            let key = key(ei, r, tick, i)
            let millis = epoch * 1000 + i * 1000 / max(1, logged) + 1
            var f = Fields(start: millis, key: key)
            f.cluster = "inbound|\(svc.targetPort)||"
            f.upstreamHost = "\(me.ip):\(svc.targetPort)"
            f.upstreamLocal = "127.0.0.6:\(50_000 + Int(key % 10_000))"
            f.downstreamLocal = "\(me.ip):\(svc.targetPort)"
            f.downstreamRemote = "\(src.ip):\(30_000 + Int(key % 30_000))"
            f.sni = e.mtls ? "outbound_.\(svc.port)_._.\(svc.fqdn)" : nil
            if http, let denied, i < errors {
                // Answered before the router: no upstream host or connection.
                f.request(path: path(svc, key), authority: "\(svc.name):\(svc.port)", method: DemoMesh.deniedMethod)
                f.deny(details: denied, key)
                f.upstreamHost = "-"
                f.upstreamLocal = "-"
            } else if http {
                f.request(path: path(svc, key), authority: "\(svc.name):\(svc.port)")
                f.succeed(key)
            } else {
                f.connection(key)
            }
            out.append(Line(millis: millis, text: f.text))
        }
    }

    static func waypoint(_ mesh: DemoMesh, _ ei: Int, waypointPod p: Int, tick: Int, epoch: Int, into out: inout [Line]) {
        let e = mesh.edges[ei]
        let svc = mesh.services[e.service]
        let http = svc.protocolName != "tcp"
        for (r, dp) in mesh.workloads[e.destination].pods.enumerated() {
            let (count, errors) = perSecond(e, replica: r, tick: tick, http: http)
            let src = mesh.pods[sourcePod(mesh, e, replica: r)]
            let dst = mesh.pods[dp]
            for i in 0..<min(count, maxLinesPerEdge) {
                let key = key(ei, r, tick, i + 2_000)
                let millis = epoch * 1000 + i * 1000 / max(1, min(count, maxLinesPerEdge)) + 2
                var f = Fields(start: millis, key: key)
                f.cluster = "inbound-vip|\(svc.port)|\(http ? "http" : "tcp")|\(svc.fqdn)"
                f.upstreamHost = "envoy://connect_originate/\(dst.ip):\(svc.targetPort)"
                f.upstreamLocal = "envoy://internal_client_address/"
                f.downstreamLocal = "\(svc.clusterIP):\(svc.port)"
                f.downstreamRemote = "\(src.ip):\(30_000 + Int(key % 30_000))"
                if http {
                    f.request(path: path(svc, key), authority: "\(svc.name):\(svc.port)")
                    if i < errors { f.fail(e) } else { f.succeed(key) }
                } else {
                    f.connection(key)
                }
                out.append(Line(millis: millis, text: f.text))
            }
        }
    }

    /// ztunnel's `connection complete` lines on `node`: outbound where the source pod runs
    /// there and is ambient, inbound where the destination pod does.
    static func ztunnel(_ mesh: DemoMesh, _ ei: Int, node: String, tick: Int, epoch: Int, into out: inout [Line]) {
        let e = mesh.edges[ei]
        let svc = mesh.services[e.service]
        for (r, dp) in mesh.workloads[e.destination].pods.enumerated() {
            let sp = sourcePod(mesh, e, replica: r)
            let src = mesh.pods[sp], dst = mesh.pods[dp]
            // HTTP rides on pooled HBONE connections: about one per fifty requests.
            let http = svc.protocolName != "tcp"
            let (count, _) = perSecond(e, replica: r, tick: tick, http: http)
            let conns = http ? (count + Int(key(ei, r, tick, 0) % 50)) / 50 : count
            for (direction, pod) in [("outbound", src), ("inbound", dst)] where pod.node == node && pod.mode == .ambient {
                for i in 0..<min(conns, maxLinesPerEdge) {
                    // Both ends log the same connection: one key, so one client port.
                    let key = key(ei, r, tick, i + 3_000)
                    let millis = epoch * 1000 + i * 1000 / max(1, min(conns, maxLinesPerEdge)) + 3
                    let sw = mesh.workloads[src.workload], dw = mesh.workloads[dst.workload]
                    let sent = http ? 320 * 50 : 2_300, recv = http ? 4_180 * 50 : 11_500
                    var t = timestamp(millis, micros: Int(key % 1000)) + "\tinfo\taccess\tconnection complete\t"
                    t += "src.addr=\(src.ip):\(30_000 + Int(key % 30_000)) src.workload=\(src.name) src.namespace=\(src.namespace) "
                    t += "src.identity=\"spiffe://\(mesh.trustDomain)/ns/\(src.namespace)/sa/\(sw.serviceAccount)\" "
                    t += "dst.addr=\(dst.ip):15008 dst.hbone_addr=\(dst.ip):\(svc.targetPort) dst.service=\(svc.fqdn) "
                    t += "dst.workload=\(dst.name) dst.namespace=\(dst.namespace) "
                    t += "dst.identity=\"spiffe://\(mesh.trustDomain)/ns/\(dst.namespace)/sa/\(dw.serviceAccount)\" "
                    t += "direction=\"\(direction)\" bytes_sent=\(direction == "outbound" ? sent : recv) bytes_recv=\(direction == "outbound" ? recv : sent) "
                    t += "duration=\"\(1 + Int(key % 40))ms\""
                    out.append(Line(millis: millis, text: t))
                }
            }
        }
    }

    // MARK: Formatting

    static func key(_ ei: Int, _ r: Int, _ tick: Int, _ i: Int) -> UInt64 {
        var rng = SeededRandom(seed: UInt64(truncatingIfNeeded: ei) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: r) &* 0xBF58_476D_1CE4_E5B9
            ^ UInt64(truncatingIfNeeded: tick) &* 0x94D0_49BB_1331_11EB ^ UInt64(truncatingIfNeeded: i))
        return rng.next()
    }

    static func path(_ svc: DemoMesh.Service, _ key: UInt64) -> String {
        switch svc.name {
        case "productpage": "/productpage"
        case "details", "reviews", "ratings": "/\(svc.name)/\(key % 5)"
        default: "/api/v1/items"
        }
    }

    /// `2026-11-20T09:00:00.123Z` (Envoy's `%START_TIME%`), or with microseconds (ztunnel).
    static func timestamp(_ millis: Int, micros: Int? = nil) -> String {
        let base = DemoAccessLog.rfc3339(seconds: millis / 1000)
        let ms = millis % 1000
        let frac = micros.map { String(format3(ms)) + String(format3($0)) } ?? format3(ms)
        return String(base.dropLast()) + "." + frac + "Z"
    }

    static func format3(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : String(v) }

    static func rfc3339(seconds: Int) -> String { FlowTime.rfc3339(seconds) }

    /// One Envoy line's fields, in Istio's default format order.
    struct Fields {
        var start: Int
        var key: UInt64
        var request = "- - -"
        var status = "0"
        var flags = "-"
        var details = "-"
        var received = 0
        var sent = 0
        var duration = 0
        var upstreamTime = "-"
        var userAgent = "-"
        var requestID = "-"
        var authority = "-"
        var upstreamHost = "-"
        var cluster = "-"
        var upstreamLocal = "-"
        var downstreamLocal = "-"
        var downstreamRemote = "-"
        var sni: String?
        var route = "-"

        init(start: Int, key: UInt64) {
            self.start = start
            self.key = key
        }

        mutating func request(path: String, authority: String, method: String = "GET") {
            request = "\(method) \(path) HTTP/1.1"
            self.authority = authority
            userAgent = "Go-http-client/1.1"
            let h = String(key, radix: 16)
            let hex = String(repeating: "0", count: max(0, 16 - h.count)) + h
            let b = Array(hex)
            requestID = String(b[0..<8]) + "-" + String(b[8..<12]) + "-" + String(b[12..<16]) + "-" + String(b[0..<4]) + "-" + String(b[4..<16])
            route = "default"
        }

        mutating func succeed(_ key: UInt64) {
            status = "200"
            details = "via_upstream"
            sent = 178 + Int(key % 400)
            duration = 2 + Int(key % 28)
            upstreamTime = String(max(1, duration - 1))
        }

        /// A 503 with the edge's response flag (``DemoMesh/Edge/errorResponseFlags``).
        mutating func fail(_ e: DemoMesh.Edge) {
            status = "503"
            flags = e.errorResponseFlags
            if e.noHealthyUpstream {
                details = "no_healthy_upstream"
                sent = DemoTraffic.noHealthyUpstreamBody.utf8.count
                duration = 0
            } else if e.noCluster {
                details = "cluster_not_found"
                duration = 0
            } else if flags == "UC" {
                details = "upstream_reset_before_response_started{connection_termination}"
                sent = 95
                duration = 1 + Int(key % 5)
            } else {
                details = "upstream_reset_before_response_started{remote_connection_failure}"
                sent = 91
                duration = 1 + Int(key % 5)
            }
        }

        /// A 403 from Envoy's RBAC filter (body `RBAC: access denied`, no response flag):
        /// `details` is `rbac_access_denied_matched_policy[…]` where the filter ran, and
        /// `via_upstream` on the client, which only sees the answer.
        mutating func deny(details: String, _ key: UInt64) {
            status = "403"
            flags = "-"
            self.details = details
            sent = DemoAccessLog.rbacDeniedBody.utf8.count
            duration = details == "via_upstream" ? 1 + Int(key % 3) : 0
            upstreamTime = details == "via_upstream" ? String(duration) : "-"
        }

        mutating func connection(_ key: UInt64) {
            received = 2_300
            sent = 11_500
            duration = 1_000 + Int(key % 4_000)
        }

        var text: String {
            "[\(DemoAccessLog.timestamp(start))] \"\(request)\" \(status) \(flags) \(details) - \"-\" \(received) \(sent) \(duration) \(upstreamTime) "
                + "\"-\" \"\(userAgent)\" \"\(requestID)\" \"\(authority)\" \"\(upstreamHost)\" \(cluster) \(upstreamLocal) \(downstreamLocal) "
                + "\(downstreamRemote) \(sni ?? "-") \(route)"
        }
    }
}
