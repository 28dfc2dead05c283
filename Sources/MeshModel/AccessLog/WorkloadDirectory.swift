/// Who is behind an address or a SPIFFE identity: the join from access-log addresses to
/// workloads. Built once from the cluster's pods (and services, for cluster IPs).
///
/// ```swift
/// var dir = WorkloadDirectory()
/// dir.add(pod: "ratings-v1-5f9d-x2", namespace: "bookinfo", workload: "ratings-v1", serviceAccount: "bookinfo-ratings", ip: "10.244.0.9")
/// dir.endpoint(address: "10.244.0.9:9080")?.workload            // "ratings-v1"
/// dir.endpoint(identity: "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings")?.workload  // "ratings-v1"
/// ```
public struct WorkloadDirectory: Sendable {
    public struct Endpoint: Sendable, Equatable {
        public var pod: String?
        public var namespace: String { didSet { name = workload + "." + namespace } }
        public var workload: String { didSet { name = workload + "." + namespace } }
        public var serviceAccount: String?
        /// `workload.namespace`, as a flow names this end: joined once per pod, not once per line.
        public private(set) var name: String

        public init(pod: String?, namespace: String, workload: String, serviceAccount: String?) {
            self.pod = pod
            self.namespace = namespace
            self.workload = workload
            self.serviceAccount = serviceAccount
            name = workload + "." + namespace
        }
    }

    private var byIP: [String: Endpoint] = [:]
    private var byIdentity: [String: Endpoint] = [:]
    private var ambiguousIdentities: Set<String> = []

    public init() {}

    public var isEmpty: Bool { byIP.isEmpty }

    public mutating func add(pod: String, namespace: String, workload: String, serviceAccount: String?, ip: String?) {
        let e = Endpoint(pod: pod, namespace: namespace, workload: workload, serviceAccount: serviceAccount)
        if let ip, !ip.isEmpty { byIP[ip] = e }
        if let sa = serviceAccount {
            let key = namespace + "/" + sa
            // Several workloads share one service account: the identity then names the
            // account, not a workload.
            if let old = byIdentity[key], old.workload != workload {
                ambiguousIdentities.insert(key)
            } else {
                byIdentity[key] = Endpoint(pod: nil, namespace: namespace, workload: workload, serviceAccount: sa)
            }
        }
    }

    /// A service's cluster IP: flows to it name the service.
    public mutating func add(service: String, namespace: String, clusterIP: String) {
        guard !clusterIP.isEmpty, clusterIP != "None", byIP[clusterIP] == nil else { return }
        byIP[clusterIP] = Endpoint(pod: nil, namespace: namespace, workload: service, serviceAccount: nil)
    }

    /// The pod at `10.0.0.1`, `10.0.0.1:8080`, `[fd00::1]:80` or `envoy://connect_originate/10.0.0.1:9080`.
    public func endpoint(address: String) -> Endpoint? {
        // A file read without a cluster has no addresses: no need to take the address apart.
        guard !byIP.isEmpty, let ip = WorkloadDirectory.host(of: address) else { return nil }
        return byIP[ip]
    }

    /// The pod or service at an IP already taken out of its address (``host(of:)``).
    func endpoint(host: String) -> Endpoint? { byIP.isEmpty ? nil : byIP[host] }

    /// The workload of `spiffe://TD/ns/NS/sa/SA`, when one workload runs as that account.
    public func endpoint(identity: String) -> Endpoint? {
        guard let (ns, sa) = WorkloadDirectory.spiffe(identity) else { return nil }
        let key = ns + "/" + sa
        if ambiguousIdentities.contains(key) { return Endpoint(pod: nil, namespace: ns, workload: "sa/" + sa, serviceAccount: sa) }
        return byIdentity[key]
    }

    /// The IP of an address as access logs print it, without port or scheme.
    public static func host(of address: String) -> String? {
        var address = address
        return address.withUTF8 { host(of: $0) }
    }

    /// ``host(of:)`` on the address's UTF-8 bytes (every separator is ASCII): it runs for
    /// two addresses of every access-log line.
    static func host(of u: UnsafeBufferPointer<UInt8>) -> String? {
        let colon: UInt8 = 0x3A, slash: UInt8 = 0x2F
        var s = 0
        let e = u.count
        // `scheme://authority/…`: the address follows the first slash after the authority.
        var i = 0
        while i < e {
            if u[i] == colon, i + 2 < e, u[i + 1] == slash, u[i + 2] == slash {
                s = i + 3
                var j = s
                while j < e, u[j] != slash { j += 1 }
                if j < e { s = j + 1 }
                break
            }
            i += 1
        }
        func text(_ a: Int, _ b: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: u[a..<b]), as: UTF8.self) }
        if s < e, u[s] == 0x5B {
            var close = s
            while close < e, u[close] != 0x5D { close += 1 }
            return close < e ? text(s + 1, close) : nil
        }
        // One colon: a port to drop. More: an IPv6 address without brackets.
        var colons = 0, last = e
        for k in s..<e where u[k] == colon {
            colons += 1
            last = k
        }
        let end = colons == 1 ? last : e
        return end > s ? text(s, end) : nil
    }

    /// `spiffe://cluster.local/ns/bookinfo/sa/reviews` → ("bookinfo", "reviews").
    public static func spiffe(_ id: String) -> (String, String)? {
        guard id.hasPrefix("spiffe://") else { return nil }
        let parts = id.dropFirst(9).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[1] == "ns", parts[3] == "sa" else { return nil }
        return (String(parts[2]), String(parts[4]))
    }

    /// The workload a pod belongs to, from what the pod object says: its ReplicaSet's
    /// deployment (owner `ReplicaSet/reviews-v2-6f9b55c5db` → `reviews-v2`), its DaemonSet's,
    /// StatefulSet's or Job's name, else the pod's own name.
    public static func workloadName(pod: String, owners: [String]) -> String {
        for owner in owners {
            guard let slash = owner.firstIndex(of: "/") else { continue }
            let kind = owner[..<slash], name = owner[owner.index(after: slash)...]
            if kind == "ReplicaSet" {
                if let dash = name.lastIndex(of: "-") { return String(name[..<dash]) }
                return String(name)
            }
            if kind == "DaemonSet" || kind == "StatefulSet" || kind == "Job" || kind == "Deployment" { return String(name) }
        }
        return pod
    }

    /// The directory of a cluster's pods (by pod IP and service account) and services (by
    /// cluster IP).
    public init(pods: [KubePod], services: [KubeService] = []) {
        for p in pods {
            let ns = p.metadata.namespace ?? ""
            let w = WorkloadDirectory.workloadName(pod: p.metadata.name, owners: p.metadata.owners)
            // Host-network pods share the node's IP: they would shadow each other.
            add(pod: p.metadata.name, namespace: ns, workload: w, serviceAccount: p.serviceAccount,
                ip: p.podIP == p.hostIP ? nil : p.podIP)
        }
        for s in services { add(service: s.metadata.name, namespace: s.metadata.namespace ?? "", clusterIP: s.clusterIP ?? "") }
    }
}
