/// The built-in demo mesh: a bookinfo app with sidecars, the same app in ambient mode behind
/// a waypoint, an ingress gateway, istiod and one ztunnel per node, plus `services` generated
/// services for scale. Pure and deterministic: the same options give the same mesh, and every
/// generator of the demo (Kubernetes objects, admin outputs, metrics) reads this one value,
/// so they agree with each other.
///
/// Things are broken on purpose so there is something to find: one proxy is stale in istiod's
/// syncz (``stalePod``), one endpoint is unhealthy (``unhealthyPod``; a client that sees no
/// healthy endpoint of a service fails its requests locally, ``Edge/noHealthyUpstream``), one
/// edge is plaintext (``plaintextEdge``: a non-mesh client calling a sidecar in PERMISSIVE mode).
///
/// Traffic follows requests: only the entry points (the ingress gateway, and clients no
/// Service selects) call on their own; every other workload calls downstream in proportion
/// to the requests that reach it (``Edge/perThousandInbound``), so one whose inbound requests
/// all fail before reaching it, or that gets none, calls nothing (``isTrafficOrigin(_:)``).
///
/// Facts are stated once here and derived everywhere else: which waypoint a service uses
/// (``waypoint(forService:)``, from its namespace's `istio.io/use-waypoint` label), which
/// DestinationRules exist (``destinationRules``), which endpoints are healthy, and which
/// pods are xDS proxies (``xdsClients``).
///
/// ```swift
/// let demo = DemoMesh(DemoMesh.Options(services: 10, replicas: 2))
/// demo.pods.count                         // every pod, ztunnels and istiod included
/// demo.pods[demo.stalePod].name           // "reviews-v2-…"
/// ```
public struct DemoMesh: Sendable {
    public struct Options: Sendable, Equatable {
        /// Generated services beyond bookinfo (`svc-0000.demo-00`, …), each calling the next.
        public var services: Int
        /// Pods per workload.
        public var replicas: Int
        public var nodes: Int
        public var seed: UInt64
        /// Access-log lines every proxy writes a second, for load benchmarks (`--demo-log-rate`);
        /// nil: the lines its traffic gives (``DemoAccessLog``).
        public var logLinesPerSecond: Int?

        public init(services: Int = 0, replicas: Int = 1, nodes: Int = 3, seed: UInt64 = 2026, logLinesPerSecond: Int? = nil) {
            self.services = max(0, services)
            self.replicas = max(1, replicas)
            self.nodes = max(1, nodes)
            self.seed = seed
            self.logLinesPerSecond = logLinesPerSecond.map { min(max(0, $0), DemoMesh.maxLogLinesPerSecond) }
        }
    }

    /// How a pod takes part in the mesh (what the pod's labels, annotations and containers say).
    public enum Mode: String, Sendable, Hashable {
        case sidecar, ambient, waypoint, gateway, ztunnel, istiod, none

        /// Whether the pod runs an Envoy with an admin port (15000).
        public var hasEnvoy: Bool { self == .sidecar || self == .waypoint || self == .gateway }
    }

    public struct Namespace: Sendable {
        public var name: String
        public var labels: [(String, String)]
    }

    public struct Workload: Sendable {
        /// Deployment (or DaemonSet) name: `reviews-v2`.
        public var name: String
        public var namespace: String
        public var app: String
        public var version: String
        public var serviceAccount: String
        public var mode: Mode
        /// The service that selects it, if any.
        public var service: Int?
        public var containerPort: Int
        public var image: String
        public var pods: [Int] = []
    }

    public struct Pod: Sendable {
        public var name: String
        public var namespace: String
        public var ip: String
        public var node: String
        public var zone: String
        public var workload: Int
        public var mode: Mode
        public var uid: String
        /// Index among its workload's pods.
        public var replica: Int
        public var id: String { name + "." + namespace }
    }

    public struct Service: Sendable {
        public var name: String
        public var namespace: String
        public var clusterIP: String
        public var port: Int
        public var targetPort: Int
        /// `http` or `tcp` (Istio protocol selection from the port name).
        public var protocolName: String
        /// The `app` label the service selects.
        public var app: String
        public var workloads: [Int] = []
        public var fqdn: String { "\(name).\(namespace).svc.cluster.local" }
        public var portName: String { "\(protocolName)-\(name)" }
    }

    /// Traffic from one workload to the pods of one workload behind a service.
    public struct Edge: Sendable {
        public var source: Int
        public var service: Int
        public var destination: Int
        /// Requests (HTTP) or connections (TCP) per second per destination pod, on average.
        public var rate: Int
        /// Share of HTTP requests answered 503, in permille.
        public var errorPermille: Int
        public var mtls: Bool
        /// Goes through the destination service's waypoint (``DemoMesh/waypoint(forService:)``).
        public var viaWaypoint: Bool
        public var seed: UInt64
        /// The client's Envoy sees no healthy endpoint of the service: with Istio's defaults
        /// (no panic routing, `minHealthPercent: 0`) it answers every request itself with 503
        /// and response flag UH, and nothing reaches the destination.
        public var noHealthyUpstream = false
        /// Calls (requests or connections) per thousand requests that reach the source, or
        /// nil for a planned rate. The rate is derived from the source's inbound traffic once
        /// every edge's health is known, so the edge disappears when nothing reaches the source.
        public var perThousandInbound: Int?
        /// The client's route sends these requests to a cluster its Envoy does not have (a
        /// VirtualService naming a subset no DestinationRule defines): Envoy answers 503 with
        /// response flag NC itself, and nothing reaches the destination (``DemoMesh/Faults``).
        public var noCluster = false
        /// Every 503 of this edge is a failed upstream connection attempt (`upstream_cx_connect_fail`,
        /// response flag UF): the destination refuses connections (``DemoMesh/Faults``).
        public var connectFailures = false
        /// The response flag of this edge's 503s when it is neither UH nor NC (UF by default).
        public var failureFlags: String?
        /// The AuthorizationPolicy (in the destination's namespace) whose DENY rule matches
        /// this edge's failing requests: the destination's sidecar RBAC filter answers each
        /// `403 RBAC: access denied` itself, with no response flag (``DemoMesh/Faults/denyingWorkload``).
        public var deniedBy: String?

        /// Whether the client's Envoy fails the requests itself (UH, NC): they never reach the
        /// destination, which reports nothing and calls nothing because of them.
        public var failsAtClient: Bool { noHealthyUpstream || noCluster }

        /// Istio's `response_flags` label for this edge's 503s: UH when the client had no
        /// healthy host, NC when its route names a missing cluster, else ``failureFlags``
        /// or UF (upstream failure).
        public var errorResponseFlags: String { deniedBy != nil ? "-" : noHealthyUpstream ? "UH" : noCluster ? "NC" : failureFlags ?? "UF" }

        /// The status of this edge's failing requests: 403 when an AuthorizationPolicy denies
        /// them (``deniedBy``), 503 otherwise.
        public var errorCode: String { deniedBy != nil ? "403" : "503" }
    }

    /// A DestinationRule with one subset per version of the service's workloads.
    public struct DestinationRule: Sendable {
        public var name: String
        public var namespace: String
        public var service: Int
        public var subsets: [String]
        /// `trafficPolicy.tls.mode` when the rule sets one (`DISABLE`: plaintext to the host).
        public var tlsMode: String? = nil
    }

    public let options: Options
    public let trustDomain = "cluster.local"
    public let istioVersion = "1.24.2"
    public private(set) var namespaces: [Namespace] = []
    public private(set) var workloads: [Workload] = []
    public private(set) var pods: [Pod] = []
    public private(set) var services: [Service] = []
    public private(set) var edges: [Edge] = []
    /// The Istio config objects the proxies' config names (cluster metadata `config`).
    public private(set) var destinationRules: [DestinationRule] = []
    public let nodes: [String]
    /// The proxy istiod has not heard an ACK from for its last EDS push.
    public private(set) var stalePod = 0
    /// An endpoint whose EDS health is UNHEALTHY in every client's `/clusters`.
    public private(set) var unhealthyPod = 0
    /// The edge without mTLS.
    public private(set) var plaintextEdge = 0
    /// The faults planted so that every runtime findings rule has something to find
    /// (DemoFaults.swift): who has them, read by every generator.
    public private(set) var faults = Faults()

    public static let sidecarNamespace = "bookinfo"
    public static let ambientNamespace = "bookinfo-ambient"
    /// The label that binds a namespace's (or a service's) traffic to a waypoint.
    public static let useWaypointLabel = "istio.io/use-waypoint"
    /// What the demo's waypoints capture (`istio.io/waypoint-for`): both service and workload
    /// traffic, so ztunnel names the waypoint for the services and the workloads alike.
    public static let waypointFor = "all"

    public init(_ options: Options = Options()) {
        self.options = options
        nodes = (0..<options.nodes).map { "demo-worker-\($0)" }
        var rng = SeededRandom(seed: options.seed)
        build(&rng)
    }

    // MARK: Lookups

    /// Pods that answer on an admin port: Envoys, ztunnels and istiod.
    public var proxyPods: [Int] { pods.indices.filter { pods[$0].mode != .ambient && pods[$0].mode != .none } }

    public func pod(named name: String, namespace: String) -> Int? {
        podIndex[namespace + "/" + name]
    }

    /// The ztunnel pod on a node.
    public func ztunnel(onNode node: String) -> Int? { ztunnelByNode[node] }

    /// The istiod pod.
    public var istiod: Int { istiodPod }

    /// The waypoint service (an index into ``services``) that traffic to service `s` goes
    /// through: the one its namespace's `istio.io/use-waypoint` label names, never the
    /// waypoint's own service. Both the namespace label and ztunnel's view read this.
    public func waypoint(forService s: Int) -> Int? {
        let svc = services[s]
        guard let name = namespaces.first(where: { $0.name == svc.namespace })?.labels.first(where: { $0.0 == DemoMesh.useWaypointLabel })?.1,
              let w = services.firstIndex(where: { $0.namespace == svc.namespace && $0.name == name && $0.workloads.contains { workloads[$0].mode == .waypoint } }),
              w != s else { return nil }
        return w
    }

    /// The waypoint a workload's own traffic goes through (``waypointFor`` `all`): its service's.
    public func waypoint(forWorkload w: Int) -> Int? {
        guard workloads[w].mode == .ambient, let s = workloads[w].service else { return nil }
        return waypoint(forService: s)
    }

    /// Whether the endpoint is HEALTHY in its clients' EDS (and ready in its EndpointSlice).
    public func isHealthy(pod p: Int) -> Bool { p != unhealthyPod }

    /// Healthy endpoints of a service, over every workload it selects.
    public func healthyEndpoints(service s: Int) -> [Int] {
        services[s].workloads.flatMap { workloads[$0].pods }.filter(isHealthy)
    }

    /// Whether workload `w` calls others on its own rather than because it was called: the
    /// ingress gateway (its clients are outside the mesh) and workloads no Service selects.
    public func isTrafficOrigin(_ w: Int) -> Bool { workloads[w].mode == .gateway || workloads[w].service == nil }

    /// Requests (or connections) per second that reach workload `w` and succeed, over all its
    /// pods: what its inbound edges deliver, less what the clients fail locally or answer 503.
    public func successfulInboundRate(_ w: Int) -> Int {
        edges.reduce(0) { sum, e in
            guard e.destination == w, !e.failsAtClient else { return sum }
            let total = e.rate * workloads[w].pods.count
            return sum + total - total * e.errorPermille / 1000
        }
    }

    /// Edges whose destination workload is `w`, and whose source workload is `w`.
    public func inbound(_ w: Int) -> [Int] { inboundEdges[w] ?? [] }
    public func outbound(_ w: Int) -> [Int] { outboundEdges[w] ?? [] }

    private var podIndex: [String: Int] = [:]
    private var ztunnelByNode: [String: Int] = [:]
    private var istiodPod = 0
    private var inboundEdges: [Int: [Int]] = [:]
    private var outboundEdges: [Int: [Int]] = [:]

    // MARK: Building

    private mutating func build(_ rng: inout SeededRandom) {
        let sc = DemoMesh.sidecarNamespace, am = DemoMesh.ambientNamespace
        namespaces = [
            Namespace(name: "istio-system", labels: [("kubernetes.io/metadata.name", "istio-system")]),
            Namespace(name: sc, labels: [("istio-injection", "enabled"), ("kubernetes.io/metadata.name", sc)]),
            Namespace(name: am, labels: [("istio.io/dataplane-mode", "ambient"), (DemoMesh.useWaypointLabel, "waypoint"), ("kubernetes.io/metadata.name", am)]),
            Namespace(name: "legacy", labels: [("kubernetes.io/metadata.name", "legacy")]),
        ]
        let extraNamespaces = options.services == 0 ? 0 : min(20, max(1, options.services / 100))
        for n in 0..<extraNamespaces {
            let name = "demo-" + SyntheticMesh.pad(n, 2)
            namespaces.append(Namespace(name: name, labels: [("istio-injection", "enabled"), ("kubernetes.io/metadata.name", name)]))
        }

        // Control plane and node agents.
        let istiodSvc = addService("istiod", "istio-system", port: 15012, proto: "grpc", app: "istiod")
        let istiodW = addWorkload("istiod", "istio-system", app: "istiod", version: "", sa: "istiod", mode: .istiod, service: istiodSvc, port: 15012,
                                  image: "docker.io/istio/pilot:\(istioVersion)")
        istiodPod = addPods(istiodW, count: 1, &rng)[0]
        let ztunnelW = addWorkload("ztunnel", "istio-system", app: "ztunnel", version: "", sa: "ztunnel", mode: .ztunnel, service: nil, port: 15020,
                                   image: "docker.io/istio/ztunnel:\(istioVersion)")
        for node in nodes {
            let p = addPod(ztunnelW, node: node, &rng, daemonSet: true)
            ztunnelByNode[node] = p
        }
        let gwSvc = addService("istio-ingressgateway", "istio-system", port: 80, target: 8080, proto: "http", app: "istio-ingressgateway")
        let gw = addWorkload("istio-ingressgateway", "istio-system", app: "istio-ingressgateway", version: "", sa: "istio-ingressgateway-service-account",
                             mode: .gateway, service: gwSvc, port: 8080, image: "docker.io/istio/proxyv2:\(istioVersion)")
        _ = addPods(gw, count: options.replicas, &rng)

        // bookinfo, twice.
        var bookinfo: [String: [String: Int]] = [:]
        for (ns, mode) in [(sc, Mode.sidecar), (am, Mode.ambient)] {
            var w: [String: Int] = [:]
            let svcs = ["productpage", "details", "reviews", "ratings"].reduce(into: [String: Int]()) { out, app in
                out[app] = addService(app, ns, port: 9080, proto: "http", app: app)
            }
            for (app, versions) in [("productpage", ["v1"]), ("details", ["v1"]), ("reviews", ["v1", "v2", "v3"]), ("ratings", ["v1"])] {
                for v in versions {
                    let id = addWorkload("\(app)-\(v)", ns, app: app, version: v, sa: "bookinfo-\(app)", mode: mode, service: svcs[app], port: 9080,
                                         image: "docker.io/istio/examples-bookinfo-\(app)-\(v):1.20.2")
                    _ = addPods(id, count: options.replicas, &rng)
                    w["\(app)-\(v)"] = id
                }
            }
            if mode == .sidecar {
                let mongo = addService("mongodb", ns, port: 27017, proto: "tcp", app: "mongodb")
                let id = addWorkload("mongodb-v1", ns, app: "mongodb", version: "v1", sa: "bookinfo-mongodb", mode: .sidecar, service: mongo, port: 27017,
                                     image: "docker.io/istio/examples-bookinfo-mongodb:1.20.2")
                _ = addPods(id, count: 1, &rng)
                w["mongodb-v1"] = id
            } else {
                let wpSvc = addService("waypoint", ns, port: 15008, proto: "tcp", app: "waypoint")
                let id = addWorkload("waypoint", ns, app: "waypoint", version: "", sa: "waypoint", mode: .waypoint, service: wpSvc, port: 15008,
                                     image: "docker.io/istio/proxyv2:\(istioVersion)")
                _ = addPods(id, count: 1, &rng)
                w["waypoint"] = id
            }
            bookinfo[ns] = w
        }
        let legacy = addWorkload("curl-legacy", "legacy", app: "curl-legacy", version: "", sa: "default", mode: .none, service: nil, port: 8080,
                                 image: "docker.io/curlimages/curl:8.11.0")
        _ = addPods(legacy, count: 1, &rng)

        // Edges.
        for ns in [sc, am] {
            let w = bookinfo[ns]!
            addEdge(w["productpage-v1"]!, to: w["details-v1"]!, rate: 30, errors: 0, &rng)
            for v in ["v1", "v2", "v3"] {
                addEdge(w["productpage-v1"]!, to: w["reviews-\(v)"]!, rate: 10, errors: v == "v3" ? 40 : 0, &rng)
            }
            addEdge(w["reviews-v2"]!, to: w["ratings-v1"]!, rate: 10, errors: 0, &rng)
            addEdge(w["reviews-v3"]!, to: w["ratings-v1"]!, rate: 10, errors: 0, &rng)
            // ratings reads from the one MongoDB (in bookinfo): 150 connections per 1,000 requests.
            addEdge(w["ratings-v1"]!, to: bookinfo[sc]!["mongodb-v1"]!, rate: 0, errors: 0, perThousandInbound: 150, &rng)
        }
        addEdge(gw, to: bookinfo[sc]!["productpage-v1"]!, rate: 30, errors: 5, &rng)
        // The gateway also routes to the ambient bookinfo; without `istio.io/ingress-use-waypoint`
        // on the service it goes straight to the pods (ztunnel), not through the waypoint.
        addEdge(gw, to: bookinfo[am]!["productpage-v1"]!, rate: 30, errors: 5, viaWaypoint: false, &rng)
        addEdge(legacy, to: bookinfo[sc]!["details-v1"]!, rate: 2, errors: 0, mtls: false, &rng)

        // Before the generated services, so that `--demo-services` changes neither the faults'
        // pods nor the first generated ones (two demos of different sizes differ only in the extra).
        plantFaults(&rng)

        // Generated services: svc-i calls svc-(i+1); every fourth one speaks TCP.
        if options.services > 0 {
            let width = max(4, String(options.services - 1).count)
            var generated: [Int] = []
            for s in 0..<options.services {
                let ns = "demo-" + SyntheticMesh.pad(s % extraNamespaces, 2)
                let name = "svc-" + SyntheticMesh.pad(s, width)
                let proto = s % 4 == 3 ? "tcp" : "http"
                let svc = addService(name, ns, port: 8080, proto: proto, app: name)
                let id = addWorkload("\(name)-v1", ns, app: name, version: "v1", sa: name, mode: .sidecar, service: svc, port: 8080,
                                     image: "docker.io/meshscope/demo-app:1.0")
                _ = addPods(id, count: options.replicas, &rng)
                generated.append(id)
            }
            for (k, id) in generated.enumerated() where generated.count > 1 {
                addEdge(id, to: generated[(k + 1) % generated.count], rate: 1 + rng.next(below: 20), errors: k % 10 == 0 ? 20 : 0, &rng)
            }
        }

        stalePod = workloads[bookinfo[sc]!["reviews-v2"]!].pods[0]
        unhealthyPod = workloads[bookinfo[sc]!["ratings-v1"]!].pods[0]
        // A client Envoy with no healthy host for the service fails every request itself.
        for i in edges.indices where workloads[edges[i].source].mode.hasEnvoy && healthyEndpoints(service: edges[i].service).isEmpty
            && services[edges[i].service].protocolName != "tcp" {
            edges[i].noHealthyUpstream = true
            edges[i].errorPermille = 1000
        }
        deriveCalledTraffic()
        plaintextEdge = edges.firstIndex { !$0.mtls } ?? 0
        // A DestinationRule with version subsets for every service with more than one version.
        for (s, svc) in services.enumerated() {
            let versions = svc.workloads.map { workloads[$0].version }.filter { !$0.isEmpty }
            if versions.count > 1 { destinationRules.append(DestinationRule(name: svc.name, namespace: svc.namespace, service: s, subsets: versions)) }
        }
        for (i, e) in edges.enumerated() {
            inboundEdges[e.destination, default: []].append(i)
            outboundEdges[e.source, default: []].append(i)
        }
    }

    /// Sets the rate of every derived edge from its source's successful inbound traffic, and
    /// removes the calls of workloads nothing successfully reaches, until nothing changes
    /// (a removed edge can leave its destination without inbound traffic in turn).
    private mutating func deriveCalledTraffic() {
        // Each pass settles at least one more step of the call graph; a cycle of derived
        // edges would never settle, so the passes are bounded.
        for _ in 0...edges.count {
            var kept: [Edge] = []
            for var e in edges {
                if isTrafficOrigin(e.source) { kept.append(e); continue }
                let inbound = successfulInboundRate(e.source)
                if let k = e.perThousandInbound {
                    // Spread over the destination's pods, as ``Edge/rate`` counts.
                    e.rate = inbound * k / 1000 / max(1, workloads[e.destination].pods.count)
                }
                if inbound > 0, e.rate > 0 { kept.append(e) }
            }
            let changed = kept.count != edges.count || zip(kept, edges).contains { $0.rate != $1.rate }
            edges = kept
            if !changed { return }
        }
    }

    private mutating func addService(_ name: String, _ ns: String, port: Int, target: Int? = nil, proto: String, app: String) -> Int {
        let s = services.count
        // Offset by one: 10.96.0.0 is the network address, not a service IP.
        services.append(Service(name: name, namespace: ns, clusterIP: "10.96.\((s + 1) >> 8 & 0xFF).\((s + 1) & 0xFF)", port: port,
                                targetPort: target ?? port, protocolName: proto, app: app))
        return s
    }

    private mutating func addWorkload(_ name: String, _ ns: String, app: String, version: String, sa: String, mode: Mode, service: Int?, port: Int,
                                      image: String) -> Int {
        let w = workloads.count
        workloads.append(Workload(name: name, namespace: ns, app: app, version: version, serviceAccount: sa, mode: mode, service: service,
                                  containerPort: port, image: image))
        if let service { services[service].workloads.append(w) }
        return w
    }

    private mutating func addPods(_ w: Int, count: Int, _ rng: inout SeededRandom) -> [Int] {
        (0..<count).map { _ in addPod(w, node: nodes[pods.count % nodes.count], &rng, daemonSet: false) }
    }

    private mutating func addPod(_ w: Int, node: String, _ rng: inout SeededRandom, daemonSet: Bool) -> Int {
        let p = pods.count
        let wl = workloads[w]
        let name = daemonSet ? "\(wl.name)-\(rng.podHash(5))" : "\(wl.name)-\(rng.podHash(9).prefix(8 + rng.next(below: 2)))-\(rng.podHash(5))"
        let ip = "10.244.\((p + 1) >> 8 & 0xFF).\((p + 1) & 0xFF)"
        let zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
        let nodeIndex = nodes.firstIndex(of: node) ?? 0
        let uid = DemoMesh.uid(&rng)
        pods.append(Pod(name: name, namespace: wl.namespace, ip: ip, node: node, zone: zones[nodeIndex % zones.count], workload: w, mode: wl.mode,
                        uid: uid, replica: wl.pods.count))
        workloads[w].pods.append(p)
        podIndex[wl.namespace + "/" + name] = p
        return p
    }

    private mutating func addEdge(_ from: Int, to: Int, rate: Int, errors: Int, mtls: Bool = true, viaWaypoint: Bool = true,
                                  perThousandInbound: Int? = nil, _ rng: inout SeededRandom) {
        guard let service = workloads[to].service else { return }
        edges.append(Edge(source: from, service: service, destination: to, rate: rate, errorPermille: errors, mtls: mtls,
                          viaWaypoint: viaWaypoint && waypoint(forService: service) != nil, seed: rng.next(), perThousandInbound: perThousandInbound))
    }

    static func uid(_ rng: inout SeededRandom) -> String {
        let hex = Array("0123456789abcdef")
        var s = ""
        for k in 0..<32 {
            if k == 8 || k == 12 || k == 16 || k == 20 { s.append("-") }
            s.append(hex[rng.next(below: 16)])
        }
        return s
    }
}

// MARK: Planted faults

extension DemoMesh {
    /// Adds the `faults` and `faults-ambient` namespaces: one small workload per planted fault
    /// (``Faults``), apart from bookinfo so the healthy part stays healthy. Single pods, so
    /// `--demo-replicas` does not multiply the findings.
    private mutating func plantFaults(_ rng: inout SeededRandom) {
        let ns = DemoMesh.faultsNamespace, am = DemoMesh.faultsAmbientNamespace
        namespaces.append(Namespace(name: ns, labels: [("istio-injection", "enabled"), ("kubernetes.io/metadata.name", ns)]))
        namespaces.append(Namespace(name: am, labels: [("istio.io/dataplane-mode", "ambient"), (DemoMesh.useWaypointLabel, DemoMesh.missingWaypoint),
                                                       ("kubernetes.io/metadata.name", am)]))
        func workload(_ app: String, _ namespace: String, mode: Mode = .sidecar, service port: Int? = nil) -> Int {
            let svc = port.map { addService(app, namespace, port: $0, proto: "http", app: app) }
            let w = addWorkload("\(app)-v1", namespace, app: app, version: "v1", sa: app, mode: mode, service: svc, port: port ?? 8080,
                                image: "docker.io/meshscope/demo-app:1.0")
            _ = addPods(w, count: 1, &rng)
            return w
        }
        func pod(_ w: Int) -> Int { workloads[w].pods[0] }
        faults.listenersNotSent = pod(workload("no-listeners", ns))
        faults.rejectedListener = pod(workload("nack", ns))
        faults.notConnected = pod(workload("unlisted", ns))
        faults.oldProxy = pod(workload("old-proxy", ns))
        faults.warming = pod(workload("warming", ns))
        faults.expiredCertificate = workload("cert-expired", ns)
        faults.expiringCertificate = workload("cert-expiring", ns)
        faults.futureCertificate = workload("cert-future", ns)
        faults.uncaptured = pod(workload("uncaptured", am, mode: .ambient))
        faults.noZtunnelCertificate = workload("no-cert", am, mode: .ambient)

        // One client calling four services, each call broken its own way.
        let shop = workload("shop", ns)
        faults.client = pod(shop)
        let inventory = workload("inventory", ns, service: 9080)
        let backend = workload("backend", ns, service: 8080)
        let payments = workload("payments", ns, service: 8080)
        let ledger = workload("ledger", ns, service: 8080)
        faults.strictWorkload = payments
        faults.otherRootCA = ledger
        addEdge(shop, to: inventory, rate: 5, errors: 1000, &rng)
        edges[edges.count - 1].noCluster = true
        addEdge(shop, to: backend, rate: 10, errors: 250, &rng)
        edges[edges.count - 1].connectFailures = true
        // Plaintext (the DestinationRule below) into a STRICT server: it resets each connection.
        addEdge(shop, to: payments, rate: 4, errors: 1000, mtls: false, &rng)
        edges[edges.count - 1].failureFlags = "UC"
        addEdge(shop, to: ledger, rate: 3, errors: 0, &rng)
        if let s = workloads[inventory].service {
            destinationRules.append(DestinationRule(name: "inventory", namespace: ns, service: s, subsets: ["v1"]))
        }
        if let s = workloads[payments].service {
            destinationRules.append(DestinationRule(name: "payments", namespace: ns, service: s, subsets: [], tlsMode: "DISABLE"))
        }
        // Last, so the pods above keep their names: `orders` denies shop's DELETEs (403) by
        // the AuthorizationPolicy ``denyPolicyName``; its GETs pass.
        let orders = workload("orders", ns, service: 8080)
        faults.denyingWorkload = orders
        addEdge(shop, to: orders, rate: 8, errors: DemoMesh.deniedPermille, &rng)
        edges[edges.count - 1].deniedBy = DemoMesh.denyPolicyName
    }
}
