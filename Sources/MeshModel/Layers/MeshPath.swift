/// Everything a path is chained from. Sources fill it: the CLI from files today; demo, live
/// and snapshot sources later (each proxy's dump keyed by `pod.namespace`).
///
/// ```swift
/// var inputs = MeshPathInputs()
/// inputs.ztunnel = ztunnelDump
/// inputs.proxies["productpage-v1-675fc69cf-kkrm2.default"] = sidecarDump
/// let path = MeshPath.build(inputs, from: "sleep-7656cf8794-lxcmx.default", to: "httpbin.default.svc.cluster.local:8000")
/// ```
public struct MeshPathInputs: Sendable {
    public var proxies: [String: EnvoyConfigDump] = [:]
    public var ztunnel: ZtunnelDump?
    public var pods: [Pod] = []
    public var services: [Service] = []

    public struct Pod: Sendable, Equatable {
        public var name: String, namespace: String, ip: String
        public init(name: String, namespace: String, ip: String) { (self.name, self.namespace, self.ip) = (name, namespace, ip) }
    }

    public struct Service: Sendable, Equatable {
        public var hostname: String, vip: String
        /// service port → target port.
        public var ports: [Int: Int]
        public init(hostname: String, vip: String, ports: [Int: Int]) { (self.hostname, self.vip, self.ports) = (hostname, vip, ports) }
    }

    public init() {}

    func proxy(_ name: String, _ namespace: String) -> EnvoyConfigDump? { proxies["\(name).\(namespace)"] }
}

/// Chains the hops from a source workload to a destination.
public enum MeshPath {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    struct Endpoint {
        var name: String, namespace: String, ip: String?
        var workload: ZtunnelWorkload?
    }

    /// `from`: `pod` or `pod.namespace`; `to`: `host:port` (service name or VIP) or `podIP:port`.
    public static func build(_ inputs: MeshPathInputs, from: String, to: String) throws(Failure) -> [HopLayers] {
        guard let colon = to.lastIndex(of: ":"), let port = Int(to[to.index(after: colon)...]) else {
            throw Failure(message: "--to: expected HOST:PORT, got \(to)")
        }
        let host = String(to[..<colon])
        let index = inputs.ztunnel.map(ZtunnelIndex.init)
        let source = try resolveSource(inputs, index, from)
        var hops: [HopLayers] = []
        var app = HopLayers(name: "\(source.name) app", kind: .clientApp)
        app.set(.tcp, upstream: .originate("to \(to)"), source.workload.map { [Evidence(.workload, "\($0.uid) (\($0.workloadIPs.joined(separator: ",")))")] } ?? [])
        hops.append(app)

        // Destination: a service (by hostname or VIP) or a workload IP.
        let svc = inputs.ztunnel?.services.first { $0.hostname == host || $0.vipAddresses.contains(host) }
        let extraSvc = inputs.services.first { $0.hostname == host || $0.vip == host }
        var vip = svc?.vipAddresses.first ?? extraSvc?.vip
        if IPAddress.isLiteral(host), svc == nil, extraSvc == nil { vip = nil }
        let hostname = svc?.hostname ?? extraSvc?.hostname ?? host
        let targetPort = svc?.ports.first { $0.port == String(port) }?.target ?? extraSvc?.ports[port] ?? port
        var destWorkload: ZtunnelWorkload?
        if let svc, let uid = svc.endpoints.first?.workloadUID { destWorkload = index?.workload(uid: uid) }
        if svc == nil, let z = inputs.ztunnel { destWorkload = z.workloads.first { $0.workloadIPs.contains(host) } }
        let destPod = destWorkload.map { ($0.name, $0.namespace) } ?? inputs.pods.first { $0.ip == host }.map { ($0.name, $0.namespace) }

        // Client side: sidecar, node ztunnel, or nothing.
        let waypoint = svc?.waypoint ?? destWorkload?.waypoint
        let waypointService = waypoint.flatMap { w in inputs.ztunnel?.services.first { $0.key == w.destination || $0.vips.contains(w.destination) || "\($0.namespace)/\($0.hostname)" == w.destination } }
        if let dump = inputs.proxy(source.name, source.namespace) {
            hops.append(EnvoyLayers(dump).outbound(host: hostname, port: port, ip: vip, name: "\(source.name) sidecar", kind: .sidecar))
        } else if let w = source.workload, w.protocol_ == "HBONE" {
            hops.append(ztunnelClient(w, dest: destWorkload, svc: svc, waypoint: waypoint, waypointService: waypointService, index: index))
        } else if let w = source.workload {
            var note = HopLayers(name: "(no client proxy)", kind: .ztunnel)
            note.set(.tcp, downstream: .passthrough("not captured"), [Evidence(.workload, "\(w.uid): protocol \(w.protocol_) — not captured by ztunnel, and no sidecar dump was given")])
            hops.append(note)
        }

        // Waypoint.
        if let waypoint {
            let wpPodUID = waypointService?.endpoints.first?.workloadUID
            let wpPod = wpPodUID.flatMap { index?.workload(uid: $0) }
            let name = wpPod.map { "\($0.name) waypoint" } ?? "waypoint \(waypointService?.name ?? waypoint.destination)"
            let ev = Evidence(.waypoint, "\(svc?.waypoint != nil ? "service" : "workload") waypoint \(waypoint.destination):\(waypoint.port.map(String.init) ?? "?") = \(waypointService.map { "\($0.namespace)/\($0.name)" } ?? "not among ztunnel's services")")
            if let p = wpPod, let dump = inputs.proxy(p.name, p.namespace) {
                var attrs = ConnectionAttributes()
                attrs.destinationIP = vip ?? destWorkload?.workloadIPs.first
                var hop = EnvoyLayers(dump).inbound(port: port, host: hostname, attrs: attrs, name: name, kind: .waypoint)
                hop.note(ev)
                hops.append(hop)
            } else {
                var hop = HopLayers(name: name, kind: .waypoint)
                hop.set(.hbone, downstream: .terminate("port \(waypoint.port.map(String.init) ?? "15008")"), [ev])
                hop.set(.tls, downstream: .terminate("mTLS (HBONE)"), [ev])
                for l in [TrafficLayer.tcp, .http] { hop.set(l, downstream: .unknown("no config dump for the waypoint pod was given (--proxy)")) }
                hop.lack("the waypoint's config dump (--proxy \(wpPod.map { "\($0.name).\($0.namespace)" } ?? "POD.NS")=FILE)")
                hops.append(hop)
            }
        }

        // Server side.
        if let (podName, ns) = destPod, let dump = inputs.proxy(podName, ns) {
            var attrs = ConnectionAttributes()
            attrs.destinationIP = destWorkload?.workloadIPs.first
            hops.append(EnvoyLayers(dump).inbound(port: targetPort, attrs: attrs, name: "\(podName) sidecar", kind: .sidecar))
        } else if let d = destWorkload {
            hops.append(ztunnelServer(d, index: index, viaHBONE: d.protocol_ == "HBONE"))
        }
        var server = HopLayers(name: "\(destPod?.0 ?? host) app", kind: .serverApp)
        server.set(.tcp, downstream: .terminate("port \(targetPort)"), destWorkload.map { [Evidence(.workload, "\($0.uid) (\($0.workloadIPs.joined(separator: ",")))")] } ?? [])
        if let last = hops.last, case .originate = last.cell(.http).upstream {
            server.set(.http, downstream: .terminate(""), [Evidence(.input, "the previous hop originates HTTP to it")])
        }
        hops.append(server)
        return hops
    }

    static func resolveSource(_ inputs: MeshPathInputs, _ index: ZtunnelIndex?, _ from: String) throws(Failure) -> Endpoint {
        let parts = from.split(separator: ".", maxSplits: 1).map(String.init)
        let name = parts[0]
        let ns = parts.count > 1 ? parts[1] : nil
        if let z = inputs.ztunnel {
            let matches = z.workloads.filter { $0.name == name && (ns == nil || $0.namespace == ns) }
            if matches.count > 1 { throw Failure(message: "--from \(from): \(matches.count) workloads are named \(name); give POD.NAMESPACE") }
            if let w = matches.first { return Endpoint(name: w.name, namespace: w.namespace, ip: w.workloadIPs.first, workload: w) }
        }
        if let p = inputs.pods.first(where: { $0.name == name && (ns == nil || $0.namespace == ns) }) {
            return Endpoint(name: p.name, namespace: p.namespace, ip: p.ip, workload: nil)
        }
        if let ns, inputs.proxy(name, ns) != nil { return Endpoint(name: name, namespace: ns, ip: nil, workload: nil) }
        throw Failure(message: "--from \(from): no such workload in the ztunnel dump or the given proxies")
    }

    static func ztunnelClient(_ w: ZtunnelWorkload, dest: ZtunnelWorkload?, svc: ZtunnelService?, waypoint: ZtunnelGatewayAddress?,
                              waypointService: ZtunnelService?, index: ZtunnelIndex?) -> HopLayers {
        var hop = HopLayers(name: "ztunnel on \(w.node.isEmpty ? "?" : w.node)", kind: .ztunnel)
        let src = Evidence(.workload, "\(w.uid): protocol \(w.protocol_) (captured by its node's ztunnel)")
        hop.set(.tcp, downstream: .terminate("captured outbound"), upstream: .originate(""), [src])
        hop.set(.http, downstream: .none, upstream: .none)
        if let waypoint {
            let ev = Evidence(.waypoint, "to waypoint \(waypointService.map { "\($0.namespace)/\($0.name)" } ?? waypoint.destination) on port \(waypoint.port.map(String.init) ?? "?")")
            hop.set(.hbone, upstream: .originate("CONNECT to waypoint"), [ev])
            hop.set(.tls, upstream: .originate("mTLS as \(w.identity)"), [ev])
        } else if let d = dest {
            let ev = Evidence(.workload, "\(d.uid): protocol \(d.protocol_)")
            if d.protocol_ == "HBONE" {
                hop.set(.hbone, upstream: .originate("CONNECT to \(d.workloadIPs.first ?? ""):15008"), [ev])
                hop.set(.tls, upstream: .originate("mTLS as \(w.identity)"), [ev])
            } else {
                hop.set(.hbone, upstream: .none, [ev])
                hop.set(.tls, upstream: .none, [ev])
            }
        } else {
            hop.set(.hbone, upstream: .unknown("the destination workload is not in the ztunnel dump"))
        }
        if let svc { hop.note(Evidence(.service, "\(svc.namespace)/\(svc.name) (\(svc.vipAddresses.joined(separator: ",")))")) }
        return hop
    }

    static func ztunnelServer(_ d: ZtunnelWorkload, index: ZtunnelIndex?, viaHBONE: Bool) -> HopLayers {
        var hop = HopLayers(name: "ztunnel on \(d.node.isEmpty ? "?" : d.node)", kind: .ztunnel)
        let ev = Evidence(.workload, "\(d.uid): protocol \(d.protocol_)")
        if viaHBONE {
            hop.set(.tcp, downstream: .terminate("port 15008"), upstream: .originate("to the pod"), [ev])
            hop.set(.tls, downstream: .terminate("mTLS"), [ev])
            hop.set(.hbone, downstream: .terminate("CONNECT"), [ev])
        } else {
            hop.set(.tcp, downstream: .passthrough("not captured: protocol TCP"), [ev])
        }
        hop.set(.http, downstream: .none, upstream: .none)
        // Policies ztunnel enforces for this workload.
        for p in index?.dump.policies ?? [] {
            let applies = p.scope == "Global" || (p.scope == "Namespace" && p.namespace == d.namespace)
                || d.authorizationPolicies.contains("\(p.namespace)/\(p.name)")
            if applies {
                hop.note(Evidence(.policy, "\(p.namespace)/\(p.name): \(p.action), scope \(p.scope), \(p.ruleCount) rules\(p.action == "Allow" && p.ruleCount == 0 ? " (allows nothing)" : "")"))
            }
        }
        return hop
    }
}
