/// Generates ztunnel `/config_dump` documents of any size, for benchmarks and scale tests.
/// Pure and deterministic: the same options give the same bytes.
///
/// ```swift
/// let bytes = ZtunnelDumpGenerator.generate(.init(workloads: 50_000, services: 10_000))
/// ```
public enum ZtunnelDumpGenerator {
    public enum Layout: String, Sendable, CaseIterable {
        /// Current ztunnel: arrays.
        case list
        /// Older ztunnel: objects keyed by `network/address`, waypoints with `port`.
        case map
    }

    public struct Options: Sendable {
        public var workloads: Int
        public var services: Int
        public var layout: Layout
        public var seed: UInt64

        public init(workloads: Int, services: Int, layout: Layout = .list, seed: UInt64 = 1) {
            self.workloads = max(0, workloads)
            self.services = max(1, services)
            self.layout = layout
            self.seed = seed
        }

        var namespaces: Int { max(1, min(200, services / 50)) }
        var nodes: Int { max(1, workloads / 110) }
    }

    public static func generate(_ o: Options) -> [UInt8] {
        var rng = SeededRandom(seed: o.seed)
        var names: [String] = []
        names.reserveCapacity(o.workloads)
        for i in 0..<o.workloads {
            let s = i % o.services
            names.append("svc-\(s)-v\(i % 3 + 1)-\(rng.podHash(9))-\(rng.podHash(5))")
        }
        var w = ByteWriter(capacity: o.workloads * 760 + o.services * 900 + 4096)
        let map = o.layout == .map
        w.write("{\n  \"workloads\": ")
        w.write(map ? "{" : "[")
        for i in 0..<o.workloads {
            w.write(i == 0 ? "\n" : ",\n")
            if map {
                w.write("    ")
                w.quoted("/" + workloadIP(i))
                w.write(": ")
            } else {
                w.write("    ")
            }
            writeWorkload(&w, i, names[i], o, &rng)
        }
        w.write(map ? "\n  },\n  \"services\": {" : "\n  ],\n  \"services\": [")
        for s in 0..<o.services {
            w.write(s == 0 ? "\n    " : ",\n    ")
            if map {
                w.quoted("/" + serviceIP(s))
                w.write(": ")
            }
            writeService(&w, s, names, o)
        }
        w.write(map ? "\n  },\n" : "\n  ],\n")
        writePolicies(&w, o)
        writeCertificates(&w)
        writeWorkloadState(&w, names, o, &rng)
        w.write("  \"version\": {\"version\": \"1.24.0\", \"gitRevision\": \"meshgen\", \"istioVersion\": \"1.24.0\"}\n}\n")
        return w.bytes
    }

    static func namespace(service s: Int, _ o: Options) -> String { "ns-\(s % o.namespaces)" }

    static func workloadIP(_ i: Int) -> String { "10.\(16 + (i >> 16) & 0x3F).\((i >> 8) & 0xFF).\(i & 0xFF)" }

    static func serviceIP(_ s: Int) -> String { "10.96.\((s >> 8) & 0xFF).\(s & 0xFF)" }

    static func hostname(_ s: Int, _ o: Options) -> String { "svc-\(s).\(namespace(service: s, o)).svc.cluster.local" }

    static func writeWorkload(_ w: inout ByteWriter, _ i: Int, _ name: String, _ o: Options, _ rng: inout SeededRandom) {
        let s = i % o.services
        let ns = namespace(service: s, o)
        let hbone = i % 4 != 3
        w.write("{\n      \"uid\": ")
        w.quoted("Kubernetes//Pod/\(ns)/\(name)")
        w.write(",\n      \"workloadIps\": [")
        w.quoted(workloadIP(i))
        w.write("],\n")
        if i % 4 == 0 {
            // Every fourth workload sits behind its namespace's waypoint (service 0 of the namespace).
            let waypoint = s % o.namespaces
            w.write("      \"waypoint\": {\"destination\": ")
            w.quoted("/" + serviceIP(waypoint))
            w.write(o.layout == .map ? ", \"port\": 15008},\n" : ", \"hboneMtlsPort\": 15008},\n")
        }
        w.write("      \"protocol\": ")
        w.quoted(hbone ? "HBONE" : "TCP")
        w.write(",\n      \"name\": ")
        w.quoted(name)
        w.write(",\n      \"namespace\": ")
        w.quoted(ns)
        w.write(",\n      \"trustDomain\": \"cluster.local\",\n      \"serviceAccount\": ")
        w.quoted("svc-\(s)")
        w.write(",\n      \"workloadName\": ")
        w.quoted("svc-\(s)-v\(i % 3 + 1)")
        w.write(",\n      \"workloadType\": \"deployment\",\n      \"canonicalName\": ")
        w.quoted("svc-\(s)")
        w.write(",\n      \"canonicalRevision\": ")
        w.quoted("v\(i % 3 + 1)")
        w.write(",\n      \"clusterId\": \"Kubernetes\",\n      \"node\": ")
        w.quoted("node-\(i % o.nodes)")
        w.write(",\n      \"status\": ")
        w.quoted(rng.next(below: 50) == 0 ? "Unhealthy" : "Healthy")
        w.write(",\n      \"capacity\": 1,\n      \"applicationTunnel\": {\"protocol\": \"NONE\"}\n    }")
    }

    static func writeService(_ w: inout ByteWriter, _ s: Int, _ names: [String], _ o: Options) {
        let ns = namespace(service: s, o)
        let host = hostname(s, o)
        w.write("{\n      \"name\": ")
        w.quoted("svc-\(s)")
        w.write(",\n      \"namespace\": ")
        w.quoted(ns)
        w.write(",\n      \"hostname\": ")
        w.quoted(host)
        w.write(",\n      \"vips\": [")
        w.quoted("/" + serviceIP(s))
        w.write("],\n      \"ports\": {\"80\": 8080},\n      \"endpoints\": {")
        var first = true
        var i = s
        while i < o.workloads {
            let uid = "Kubernetes//Pod/\(ns)/\(names[i])"
            w.write(first ? "\n        " : ",\n        ")
            first = false
            w.quoted(uid + ":/" + workloadIP(i))
            w.write(": {\"workloadUid\": ")
            w.quoted(uid)
            w.write(", \"service\": ")
            w.quoted(ns + "/" + host)
            w.write(", \"address\": ")
            w.quoted("/" + workloadIP(i))
            w.write(", \"port\": {\"80\": 8080}}")
            i += o.services
        }
        w.write(first ? "},\n" : "\n      },\n")
        w.write("      \"subjectAltNames\": [],\n      \"ipFamilies\": \"IPv4\"\n    }")
    }

    static func writePolicies(_ w: inout ByteWriter, _ o: Options) {
        w.write("  \"policies\": [")
        for n in 0..<o.namespaces {
            w.write(n == 0 ? "\n    " : ",\n    ")
            w.write("{\"name\": \"allow-same-namespace\", \"namespace\": \"ns-\(n)\", \"scope\": \"Namespace\", \"action\": \"Allow\", \"rules\": [[[{\"namespaces\": [{\"Exact\": \"ns-\(n)\"}]}]]]}")
        }
        w.write("\n  ],\n")
    }

    static func writeCertificates(_ w: inout ByteWriter) {
        w.write("""
          "certificates": [
            {"identity": "spiffe://cluster.local/ns/istio-system/sa/ztunnel", "state": "Initializing", "certChain": [], "rootCerts": []},
            {"identity": "spiffe://cluster.local/ns/ns-0/sa/svc-0", "state": "Unavailable: the identity is no longer needed", "certChain": [], "rootCerts": []}
          ],

        """)
    }

    static func writeWorkloadState(_ w: inout ByteWriter, _ names: [String], _ o: Options, _ rng: inout SeededRandom) {
        // ztunnel only tracks the pods on its own node: node-0.
        w.write("  \"workloadState\": {")
        var first = true
        var i = 0
        while i < o.workloads {
            let s = i % o.services
            let ns = namespace(service: s, o)
            w.write(first ? "\n    " : ",\n    ")
            first = false
            w.quoted("\(s)-\(i)-\(rng.podHash(8))")
            w.write(": {\"state\": \"Up\", \"info\": {\"name\": ")
            w.quoted(names[i])
            w.write(", \"namespace\": ")
            w.quoted(ns)
            w.write(", \"serviceAccount\": ")
            w.quoted("svc-\(s)")
            w.write(", \"trustDomain\": \"cluster.local\"}, \"connections\": {\"inbound\": [")
            w.write("{\"src\": ")
            w.quoted(workloadIP((i + 1) % max(o.workloads, 1)) + ":\(40000 + rng.next(below: 20000))")
            w.write(", \"originalDst\": ")
            w.quoted(hostname(s, o))
            w.write(", \"actualDst\": ")
            w.quoted(workloadIP(i) + ":8080")
            w.write(", \"protocol\": \"HBONE\"}], \"outbound\": [{\"src\": ")
            w.quoted(workloadIP(i) + ":\(40000 + rng.next(below: 20000))")
            let target = (s + 1) % o.services
            w.write(", \"originalDst\": ")
            w.quoted(serviceIP(target) + ":80")
            w.write(", \"actualDst\": ")
            w.quoted(workloadIP(target) + ":15008")
            w.write(", \"protocol\": \"HBONE\"}]}}")
            i += o.nodes
        }
        w.write(first ? "},\n" : "\n  },\n")
    }
}
