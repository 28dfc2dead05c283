/// A generated, internally consistent mesh: namespaces, services with ports, and the pods
/// behind them with stable IPs. Every generator (Envoy dumps, ztunnel dumps, metrics, the
/// demo's fake servers) derives its data from one of these, so they agree with each other.
///
/// ```swift
/// let mesh = SyntheticMesh(services: 100, portsPerService: 2, replicas: 3)
/// mesh.services[0].fqdn   // "svc-0000.ns-00.svc.cluster.local"
/// ```
public struct SyntheticMesh: Sendable {
    public struct Port: Sendable, Hashable {
        public var name: String
        public var number: Int
        public var targetPort: Int
        /// Istio protocol selection: http, grpc, tcp, https.
        public var protocolName: String
    }

    public struct Pod: Sendable, Hashable {
        public var name: String
        public var namespace: String
        public var ip: String
        public var node: String
        public var version: String
        public var zone: String
        /// false: not ready, written to EDS as UNHEALTHY (Istio sends unready endpoints so).
        public var healthy = true
    }

    public struct Service: Sendable {
        public var name: String
        public var namespace: String
        public var clusterIP: String
        public var ports: [Port]
        public var pods: [Pod]
        /// Subsets of the service's DestinationRule (one cluster each); nil leaves the choice
        /// to the generator (every fifth service, v1 and v2), empty means no DestinationRule.
        public var subsets: [String]?
        public var fqdn: String { "\(name).\(namespace).svc.cluster.local" }

        public init(name: String, namespace: String, clusterIP: String, ports: [Port], pods: [Pod], subsets: [String]? = nil) {
            self.name = name
            self.namespace = namespace
            self.clusterIP = clusterIP
            self.ports = ports
            self.pods = pods
            self.subsets = subsets
        }
    }

    public var trustDomain = "cluster.local"
    public var services: [Service]

    public init(services count: Int, portsPerService: Int = 2, replicas: Int = 2, namespaces: Int = 10, seed: UInt64 = 42) {
        var rng = SeededRandom(seed: seed)
        let protocols = ["http", "grpc", "tcp", "http"]
        let zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
        var services: [Service] = []
        services.reserveCapacity(count)
        let nsWidth = String(max(namespaces - 1, 1)).count
        let svcWidth = max(String(max(count - 1, 1)).count, 4)
        for s in 0..<count {
            let ns = "ns-" + SyntheticMesh.pad(s % max(namespaces, 1), nsWidth)
            let name = "svc-" + SyntheticMesh.pad(s, svcWidth)
            var ports: [Port] = []
            for p in 0..<portsPerService {
                let proto = protocols[Int(rng.next() % UInt64(protocols.count))]
                let number = p == 0 ? 8080 : 9000 + p
                ports.append(Port(name: "\(proto)-\(p)", number: number, targetPort: number, protocolName: proto))
            }
            var pods: [Pod] = []
            for r in 0..<replicas {
                let podIndex = s * replicas + r
                let ip = "10.\(16 + (podIndex >> 16) % 200).\((podIndex >> 8) & 0xFF).\(podIndex & 0xFF)"
                let hash = String(rng.next() % 0xFFFFF, radix: 16)
                pods.append(Pod(
                    name: "\(name)-v\(r % 3 + 1)-\(hash)", namespace: ns, ip: ip,
                    node: "node-\(podIndex % 16)", version: "v\(r % 3 + 1)", zone: zones[podIndex % zones.count]))
            }
            let vip = "172.20.\((s >> 8) & 0xFF).\(s & 0xFF)"
            services.append(Service(name: name, namespace: ns, clusterIP: vip, ports: ports, pods: pods))
        }
        self.services = services
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
