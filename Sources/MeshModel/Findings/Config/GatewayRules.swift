import Foundation

/// Istio Gateways: IST0145 two Gateways on one selector and port with overlapping hosts,
/// IST0162 a Gateway port no Service of its pods exposes.
enum GatewayRules {
    static func selector(_ gw: KubeObject) -> [String: String] {
        ObjectMeta.stringMap(gw.raw["spec"]?.member(exactly: "selector"))
    }

    static let conflictingGateways = FindingRule.config("IST0145", .error, "Gateways conflict") { index, rule in
        // selector~port → hosts of every Gateway server there, indexed by host.
        var groups: [String: HostIndex<String>] = [:]
        var servers: [(gw: KubeObject, key: String, port: String, hosts: [String], path: String)] = []
        for gw in index.objects("Gateway") {
            let name = "\(gw.metadata.namespace ?? "default")/\(gw.metadata.name)"
            let sel = ConfigIndex.selectorText(selector(gw))
            for (i, s) in (gw.raw["spec"]?["servers"]?.array ?? []).enumerated() {
                let port = s["port"]?["number"].map { $0.rawText } ?? ""
                let key = sel + "~" + port
                let hosts = ConfigIndex.strings(s["hosts"])
                for h in hosts { groups[key, default: HostIndex()].insert(h, name) }
                servers.append((gw, key, port, hosts, "spec.servers[\(i)]"))
            }
        }
        var out: [Finding] = []
        for s in servers {
            let name = "\(s.gw.metadata.namespace ?? "default")/\(s.gw.metadata.name)"
            guard let group = groups[s.key] else { continue }
            var others: [String] = []
            var seen: Set<String> = [name]
            for h in s.hosts {
                for g in group.overlapping(h) where seen.insert(g).inserted { others.append(g) }
            }
            guard !others.isEmpty else { continue }
            others.sort()
            let o = index.object(s.gw)
            let sel = ConfigIndex.selectorText(selector(s.gw))
            let shown = ConfigIndex.names(others)
            let otherObjects = others.prefix(10).map { n -> FindingObject in
                let parts = n.split(separator: "/", maxSplits: 1).map(String.init)
                return index.object("Gateway", parts.first, parts.last ?? n)
            }
            out.append(index.report(rule, o,
                "Conflict with gateways \(shown) (workload selector \(sel), port \(s.port), hosts \(s.hosts.joined(separator: ","))).",
                [index.evidence(o, s.path, "port \(s.port), hosts \(s.hosts.joined(separator: ", "))")]
                    + otherObjects.map { index.evidence($0, "spec.servers[].hosts", "same selector and port, overlapping host") },
                also: otherObjects))
        }
        return out
    }

    static let portNotOnService = FindingRule.config("IST0162", .warning, "Gateway port not exposed by its Service") { index, rule in
        var portsBySelector: [String: (matched: Bool, ports: Set<Int>, services: [String])] = [:]
        var out: [Finding] = []
        for gw in index.objects("Gateway") {
            let labels = selector(gw)
            let sel = ConfigIndex.selectorText(labels)
            if portsBySelector[sel] == nil {
                // Ports of the Services that select the Gateway's pods (TCP only, as Istio reads them).
                var ports: Set<Int> = []
                var services: Set<String> = []
                let workloads = index.workloads(matching: labels, in: nil)
                var done: Set<String> = []
                for w in workloads where done.insert(w.namespace + "\u{0}" + ConfigIndex.selectorText(w.labels)).inserted {
                    for s in index.services(selecting: w.labels, in: w.namespace) {
                        services.insert("\(w.namespace)/\(s.metadata.name)")
                        for p in s.ports where p.proto == "TCP" { ports.insert(p.port) }
                    }
                }
                portsBySelector[sel] = (!workloads.isEmpty, ports, services.sorted())
            }
            let known = portsBySelector[sel]!
            guard known.matched else { continue }  // IST0101 reports a selector with no pods
            let o = index.object(gw)
            for (i, s) in (gw.raw["spec"]?["servers"]?.array ?? []).enumerated() {
                guard let port = s["port"]?["number"]?.int, !known.ports.contains(port) else { continue }
                out.append(index.report(rule, o,
                    "The gateway is listening on a target port (port \(port)) that is not defined in the Service associated with its workload instances (Pod selector \(sel)). If you need to access the gateway port through the gateway Service, it will not be available.",
                    [index.evidence(o, "spec.servers[\(i)].port.number", String(port)),
                     FindingEvidence("Services selecting \(sel)", known.services.isEmpty ? "none" : known.services.joined(separator: ", ") + ": ports " + known.ports.sorted().map(String.init).joined(separator: ", "))]))
            }
        }
        return out
    }
}
