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
    /// ztunnel dumps by node (live sources fetch the source's and the destination's node).
    public var ztunnels: [String: ZtunnelDump] = [:]
    public var pods: [Pod] = []
    public var services: [Service] = []

    public struct Pod: Sendable, Equatable {
        public var name: String, namespace: String, ip: String
        public var node: String = ""
        public var mode: MeshMode = .none
        public init(name: String, namespace: String, ip: String) { (self.name, self.namespace, self.ip) = (name, namespace, ip) }
        public init(name: String, namespace: String, ip: String, node: String, mode: MeshMode) {
            (self.name, self.namespace, self.ip, self.node, self.mode) = (name, namespace, ip, node, mode)
        }
        var key: String { "\(name).\(namespace)" }
    }

    public struct Service: Sendable, Equatable {
        public var hostname: String, vip: String
        /// service port → target port.
        public var ports: [Int: Int]
        /// IPs of the ready pods behind it (Kubernetes endpoints), in a stable order.
        public var endpointIPs: [String] = []
        /// IPs of the pods behind it that are not ready: the hop a request would reach if it
        /// got past the client (whose proxy has no healthy host for them).
        public var notReadyEndpointIPs: [String] = []
        public init(hostname: String, vip: String, ports: [Int: Int]) { (self.hostname, self.vip, self.ports) = (hostname, vip, ports) }
        public init(hostname: String, vip: String, ports: [Int: Int], endpointIPs: [String], notReadyEndpointIPs: [String] = []) {
            (self.hostname, self.vip, self.ports, self.endpointIPs, self.notReadyEndpointIPs) = (hostname, vip, ports, endpointIPs, notReadyEndpointIPs)
        }
    }

    public init() {}

    func proxy(_ name: String, _ namespace: String) -> EnvoyConfigDump? { proxies["\(name).\(namespace)"] }

    /// The ztunnel dump to read shared facts from (workloads, services, waypoints): every
    /// ztunnel holds the whole mesh's, so any one will do.
    var anyZtunnel: ZtunnelDump? { ztunnel ?? ztunnels.sorted { $0.key < $1.key }.first?.value }
}

/// What a path needs fetched: the config dumps of proxies (`pod.namespace`) and the ztunnel
/// dumps of nodes. A live driver asks, fetches, and asks again until nothing new is needed
/// (the waypoint is only known once a ztunnel dump is there).
public struct MeshPathNeeds: Sendable, Equatable {
    public var proxies: [String] = []
    public var ztunnelNodes: [String] = []
    public init() {}

    mutating func proxy(_ key: String) { if !proxies.contains(key) { proxies.append(key) } }
    mutating func ztunnel(_ node: String) { if !node.isEmpty, !ztunnelNodes.contains(node) { ztunnelNodes.append(node) } }
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

    /// Where traffic for `host` goes: the service (as ztunnel and Kubernetes know it), its
    /// VIP and target port, and the destination workload and pod that `build` shows.
    struct Destination {
        var svc: ZtunnelService?
        var extraSvc: MeshPathInputs.Service?
        var vip: String?
        var hostname: String
        var targetPort: Int
        var workload: ZtunnelWorkload?
        var pod: (String, String)?
        /// The pod is among the service's endpoints but not ready (no ready one exists).
        var podNotReady = false
        var waypoint: ZtunnelGatewayAddress?
        var waypointService: ZtunnelService?
    }

    static func destination(_ inputs: MeshPathInputs, _ index: ZtunnelIndex?, host: String, port: Int) -> Destination {
        let z = inputs.anyZtunnel
        let svc = z?.services.first { $0.hostname == host || $0.vipAddresses.contains(host) }
        let extraSvc = inputs.services.first { $0.hostname == host || $0.vip == host }
        var vip = svc?.vipAddresses.first ?? extraSvc?.vip
        if IPAddress.isLiteral(host), svc == nil, extraSvc == nil { vip = nil }
        let hostname = svc?.hostname ?? extraSvc?.hostname ?? host
        let targetPort = svc?.ports.first { $0.port == String(port) }?.target.number ?? extraSvc?.ports[port] ?? port
        var destWorkload: ZtunnelWorkload?
        if let svc, let uid = ZtunnelUpstream.pick(svc, index)?.workloadUID { destWorkload = index?.workload(uid: uid) }
        if svc == nil, let z { destWorkload = z.workloads.first { $0.workloadIPs.contains(host) } }
        // Without ztunnel's view, the first Kubernetes endpoint of the service (one pod of
        // several: which one the load balancer picks does not change the layers).
        // With no ready endpoint, the first one that is not ready: the hop the request would
        // reach, shown as not reached when the client's proxy stops it.
        let readyIP = extraSvc?.endpointIPs.first { ip in inputs.pods.contains { $0.ip == ip } }
        let notReadyIP = readyIP == nil ? extraSvc?.notReadyEndpointIPs.first { ip in inputs.pods.contains { $0.ip == ip } } : nil
        let endpointIP = readyIP ?? notReadyIP
        let destPod = destWorkload.map { ($0.name, $0.namespace) }
            ?? inputs.pods.first { $0.ip == host }.map { ($0.name, $0.namespace) }
            ?? endpointIP.flatMap { ip in inputs.pods.first { $0.ip == ip } }.map { ($0.name, $0.namespace) }
        let podNotReady = destWorkload == nil && !inputs.pods.contains { $0.ip == host } && notReadyIP != nil
        let waypoint = svc?.waypoint ?? destWorkload?.waypoint
        let waypointService = waypoint.flatMap { w in z?.services.first { $0.key == w.destination || $0.vips.contains(w.destination) || "\($0.namespace)/\($0.hostname)" == w.destination } }
        return Destination(svc: svc, extraSvc: extraSvc, vip: vip, hostname: hostname, targetPort: targetPort, workload: destWorkload,
                           pod: destPod, podNotReady: podNotReady, waypoint: waypoint, waypointService: waypointService)
    }

    /// `--to HOST:PORT` (`[v6]:PORT`); the port must be 1...65535, so a typo such as
    /// `host:99999999999` or `host:0` is refused rather than chained as a path to nowhere.
    public static func hostPort(_ to: String) throws(Failure) -> (String, Int) {
        guard let colon = to.lastIndex(of: ":") else {
            throw Failure(message: "--to: expected HOST:PORT, got \(to)")
        }
        let portText = to[to.index(after: colon)...]
        guard let port = PortNumber(text: portText).number, port > 0 else {
            throw Failure(message: "--to: port must be 1-65535, got \(portText.isEmpty ? "nothing" : String(portText)) in \(to)")
        }
        var host = String(to[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// The dumps `build` would read for this path that `inputs` does not have yet (empty when
    /// it has all it can use). Pods need ``MeshPathInputs/Pod/mode`` and `node` for this.
    public static func needs(_ inputs: MeshPathInputs, from: String, to: String) throws(Failure) -> MeshPathNeeds {
        let (host, port) = try hostPort(to)
        let index = inputs.anyZtunnel.map(ZtunnelIndex.init)
        let source = try resolveSource(inputs, index, from)
        var needs = MeshPathNeeds()
        func want(_ pod: MeshPathInputs.Pod?) {
            guard let pod else { return }
            switch pod.mode {
            case .sidecar, .gateway, .waypoint: needs.proxy(pod.key)
            case .ambient: needs.ztunnel(pod.node)
            case .none: break
            }
        }
        want(inputs.pods.first { $0.name == source.name && $0.namespace == source.namespace })
        let dest = destination(inputs, index, host: host, port: port)
        if let (name, ns) = dest.pod { want(inputs.pods.first { $0.name == name && $0.namespace == ns }) }
        if let uid = dest.waypointService?.endpoints.first?.workloadUID, let w = index?.workload(uid: uid) { needs.proxy("\(w.name).\(w.namespace)") }
        needs.proxies.removeAll { inputs.proxies[$0] != nil }
        needs.ztunnelNodes.removeAll { inputs.ztunnels[$0] != nil }
        return needs
    }

    /// `from`: `pod` or `pod.namespace`; `to`: `host:port` (service name or VIP) or `podIP:port`.
    /// `ingress`: `from` is an ingress gateway and the client is outside the mesh.
    public static func build(_ inputs: MeshPathInputs, from: String, to: String, ingress: Bool = false) throws(Failure) -> [HopLayers] {
        let (host, port) = try hostPort(to)
        let index = inputs.anyZtunnel.map(ZtunnelIndex.init)
        let source = try resolveSource(inputs, index, from)
        var hops: [HopLayers] = []
        var app = HopLayers(name: ingress ? "client (outside the mesh)" : "\(source.name) app", kind: .clientApp)
        app.set(.tcp, upstream: .originate("to \(to)"), ingress ? [] : source.workload.map { [Evidence(.workload, "\($0.uid) (\($0.workloadIPs.joined(separator: ",")))")] } ?? [])
        hops.append(app)

        // Destination: a service (by hostname or VIP) or a workload IP.
        let dest = destination(inputs, index, host: host, port: port)
        let (svc, vip, hostname, targetPort, destWorkload, destPod) = (dest.svc, dest.vip, dest.hostname, dest.targetPort, dest.workload, dest.pod)
        let (waypoint, waypointService) = (dest.waypoint, dest.waypointService)
        let notReady = Evidence(.assumption, "\(destPod.map { "\($0.0).\($0.1)" } ?? "the pod") is an endpoint of \(hostname) but not ready (Kubernetes), and no endpoint is: the hop a request would reach")

        // Client side: sidecar (or the ingress gateway), node ztunnel, or nothing.
        if let dump = inputs.proxy(source.name, source.namespace) {
            hops.append(EnvoyLayers(dump).outbound(host: hostname, port: port, ip: vip, name: "\(source.name) \(ingress ? "gateway" : "sidecar")",
                                                   kind: ingress ? .gateway : .sidecar))
        } else if ingress {
            var hop = HopLayers(name: "\(source.name) gateway", kind: .gateway)
            for l in TrafficLayer.allCases { hop.set(l, downstream: .unknown("no config dump for the gateway"), upstream: .unknown("no config dump for the gateway")) }
            hop.lack("the gateway's config dump (--proxy \(source.name).\(source.namespace)=FILE)")
            hops.append(hop)
        } else if let hop = unreadProxy(inputs, source.name, source.namespace) {
            hops.append(hop)
        } else if let w = source.workload, w.protocol_ == "HBONE" {
            var hop = ztunnelClient(w, dest: destWorkload, svc: svc, waypoint: waypoint, waypointService: waypointService, index: index)
            stopWithoutHealthyEndpoint(&hop, svc: svc, waypointService: waypointService, port: port, index: index)
            hops.append(hop)
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
            attrs.destinationIP = destWorkload?.workloadIPs.first ?? inputs.pods.first { $0.name == podName && $0.namespace == ns }?.ip
            // What arrives is what the previous hop sends: Istio mTLS from a sidecar, plaintext
            // from an app without a proxy. That picks the server sidecar's filter chain.
            var arrives: Evidence?
            if let prev = hops.last {
                if case .originate(let how) = prev.sends(.tls), how.contains("mTLS") {
                    attrs.transportProtocol = "tls"
                    attrs.applicationProtocols = ["istio-peer-exchange", "istio"]
                    arrives = Evidence(.assumption, "\(prev.name) sends Istio mTLS (transport tls, ALPN istio-peer-exchange,istio)")
                } else if prev.kind == .clientApp {
                    attrs.transportProtocol = "raw_buffer"
                    arrives = Evidence(.assumption, "\(prev.name) has no proxy: the connection arrives in plaintext (transport raw_buffer)")
                }
            }
            var hop = EnvoyLayers(dump).inbound(port: targetPort, attrs: attrs, name: "\(podName) sidecar", kind: .sidecar)
            if let arrives { hop.note(arrives) }
            if dest.podNotReady { hop.note(notReady) }
            hops.append(hop)
        } else if let (podName, ns) = destPod, let hop = unreadProxy(inputs, podName, ns) {
            hops.append(hop)
        } else if let d = destWorkload {
            let serverIndex = inputs.ztunnels[d.node].map(ZtunnelIndex.init) ?? index
            hops.append(ztunnelServer(d, index: serverIndex, viaHBONE: d.protocol_ == "HBONE"))
        }
        var server = HopLayers(name: "\(destPod?.0 ?? host) app", kind: .serverApp)
        server.set(.tcp, downstream: .terminate("port \(targetPort)"), destWorkload.map { [Evidence(.workload, "\($0.uid) (\($0.workloadIPs.joined(separator: ",")))")] } ?? [])
        if let last = hops.last, case .originate = last.sends(.http) {
            server.set(.http, downstream: .terminate(""), [Evidence(.input, "the previous hop originates HTTP to it")])
        }
        if dest.podNotReady { server.note(notReady) }
        hops.append(server)
        markNotReached(&hops)
        return hops
    }

    /// Every hop after the first that stops the request is marked as not reached (each still
    /// shows what it would do), so a path always ends where the request ends.
    static func markNotReached(_ hops: inout [HopLayers]) {
        guard let i = hops.firstIndex(where: { $0.stop != nil }), let stop = hops[i].stop else { return }
        for j in hops.indices where j > i {
            hops[j].notReached = "the request stops at \(hops[i].name) (\(stop.code), \(stop.flag.meaning))"
        }
    }

    /// A pod the cluster says runs an Envoy (sidecar, gateway) whose dump is not among the
    /// inputs (it could not be read): its hop is there, every layer unknown, rather than
    /// left out as if the traffic did not cross it.
    static func unreadProxy(_ inputs: MeshPathInputs, _ name: String, _ namespace: String) -> HopLayers? {
        guard let pod = inputs.pods.first(where: { $0.name == name && $0.namespace == namespace }),
              pod.mode == .sidecar || pod.mode == .gateway, inputs.proxy(name, namespace) == nil else { return nil }
        let kind: HopKind = pod.mode == .gateway ? .gateway : .sidecar
        var hop = HopLayers(name: "\(name) \(kind.rawValue)", kind: kind)
        let why = LayerAction.unknown("the \(kind.rawValue)'s config dump could not be read")
        for l in TrafficLayer.allCases { hop.set(l, downstream: why, upstream: why) }
        hop.lack("the config dump of \(name).\(namespace) (\(kind.rawValue))")
        return hop
    }

    static func resolveSource(_ inputs: MeshPathInputs, _ index: ZtunnelIndex?, _ from: String) throws(Failure) -> Endpoint {
        let parts = from.split(separator: ".", maxSplits: 1).map(String.init)
        let name = parts[0]
        let ns = parts.count > 1 ? parts[1] : nil
        if let z = inputs.anyZtunnel {
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

    /// A client ztunnel load-balances over the healthy endpoints of the service it connects
    /// to (the service's waypoint when it has a service waypoint, else the service itself;
    /// a workload waypoint is reached through the service's endpoint). With none, ztunnel
    /// closes the connection with `no healthy upstream: ADDR`: an L4 stop, flag UH, no status.
    static func stopWithoutHealthyEndpoint(_ hop: inout HopLayers, svc: ZtunnelService?, waypointService: ZtunnelService?, port: Int, index: ZtunnelIndex?) {
        guard let svc else { return }
        let target = svc.waypoint != nil ? waypointService : svc
        guard let target else { return }
        let up = ZtunnelUpstream(service: target, index: index)
        guard up.healthy.isEmpty, !up.passthrough else { return }
        let addr = svc.vipAddresses.first.map { IPAddress.isLiteral($0) && $0.contains(":") ? "[\($0)]:\(port)" : "\($0):\(port)" } ?? "\(svc.hostname):\(port)"
        let role = svc.waypoint != nil ? " (the waypoint of \(svc.namespace)/\(svc.name))" : ""
        hop.note(Evidence(.service, "\(target.namespace)/\(target.name)\(role): \(up.summary) in ztunnel's config"))
        hop.stopHere(.noHealthyUpstream, http: false,
                     "ztunnel has no healthy endpoint for \(target.namespace)/\(target.name)\(role): \(up.summary); it closes the connection (\"no healthy upstream: \(addr)\")")
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
