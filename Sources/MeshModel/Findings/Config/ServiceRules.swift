import Foundation

/// Services: IST0118 port names without a protocol, IST0116 one Deployment behind Services
/// that give one port different protocols.
enum ServiceRules {
    /// Protocols a port name may start with (`http`, `http-web`, `grpc-api`), as Istio parses them.
    static let protocols: Set<String> = ["grpc", "grpc-web", "http", "http_proxy", "http2", "https", "mongo", "mysql", "redis", "tcp", "tls", "udp"]

    static func namedProtocol(_ name: String) -> Bool {
        let lower = name.lowercased()
        if protocols.contains(lower) { return true }
        if lower.hasPrefix("grpc-web-") { return true }
        guard let dash = lower.firstIndex(of: "-") else { return false }
        return protocols.contains(String(lower[..<dash]))
    }

    static let portNaming = FindingRule.config("IST0118", .info, "Port name has no protocol prefix") { index, rule in
        var out: [Finding] = []
        for s in index.services.keys.sorted().map({ index.services[$0]! }) {
            let ns = s.metadata.namespace ?? "default"
            guard !InjectionRules.systemNamespaces.contains(ns) else { continue }
            let o = index.object("Service", ns, s.metadata.name)
            for (i, p) in s.ports.enumerated() where p.appProtocol == nil && p.proto != "UDP" {
                let name = p.name ?? ""
                if namedProtocol(name) || (name == "tcp" && s.type == "ExternalName") { continue }
                let target = p.targetPort ?? String(p.port)
                out.append(index.report(rule, o,
                    "Port name \(name) (port: \(p.port), targetPort: \(target)) doesn't follow the naming convention of Istio port.",
                    [index.evidence(o, "spec.ports[\(i)].name", name.isEmpty ? "(unnamed)" : name)]))
            }
        }
        return out
    }

    static let deploymentMultipleServices = FindingRule.config("IST0116", .warning, "Deployment behind Services with different protocols on one port") { index, rule in
        var out: [Finding] = []
        for d in index.objects("Deployment") {
            let ns = d.metadata.namespace ?? "default"
            let meta = d.raw["spec"]?["template"]?["metadata"]
            let labels = ObjectMeta.stringMap(meta?.member(exactly: "labels"))
            let annotations = ObjectMeta.stringMap(meta?.member(exactly: "annotations"))
            let inject = labels["sidecar.istio.io/inject"] ?? annotations["sidecar.istio.io/inject"]
            let inMesh = inject == "true" || (index.isInjected(ns) && inject != "false")
            guard inMesh, d.metadata.labels["gateway.istio.io/managed"] != "istio.io-mesh-controller" else { continue }
            // port → protocol → Services
            var ports: [Int: [String: Set<String>]] = [:]
            for s in index.services(selecting: labels, in: ns) {
                for p in s.ports { ports[p.port, default: [:]][p.proto, default: []].insert("\(ns)/\(s.metadata.name)") }
            }
            let o = index.object(d)
            for port in ports.keys.sorted() where ports[port]!.count > 1 {
                let names = ports[port]!.values.flatMap { $0 }.sorted()
                let protos = ports[port]!.keys.sorted()
                out.append(index.report(rule, o,
                    "This deployment \(d.metadata.name) is associated with multiple services using port \(port) but different protocols: [\(names.joined(separator: " "))]",
                    [index.evidence(o, "spec.template.metadata.labels", ConfigIndex.selectorText(labels))]
                        + protos.map { proto in FindingEvidence("port \(port)/\(proto)", ports[port]![proto]!.sorted().joined(separator: ", ")) },
                    also: names.map { n in index.object("Service", ns, String(n.split(separator: "/").last ?? "")) }))
            }
        }
        return out
    }
}
