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
        // Many servers read the same host lists (4,000 Gateways on `*` all read the one list
        // of every Gateway), so each list is sorted once and a finding takes at most ten
        // names from the heads of its lists: linear in servers, not in pairs of them.
        var sortedLists: [String: [String]] = [:]
        var unionCounts: [String: Int] = [:]
        var out: [Finding] = []
        for s in servers {
            let name = "\(s.gw.metadata.namespace ?? "default")/\(s.gw.metadata.name)"
            guard let group = groups[s.key] else { continue }
            var lists: [[String]] = []
            var ids: [String] = []
            for h in s.hosts {
                for l in group.overlappingLists(h) {
                    let id = s.key + "\u{0}" + l.key
                    guard !ids.contains(id) else { continue }
                    ids.append(id)
                    if sortedLists[id] == nil { sortedLists[id] = Array(Set(l.values)).sorted() }
                    lists.append(sortedLists[id] ?? [])
                }
            }
            let (count, exactly) = otherCount(lists, excluding: name, cacheKey: ids.sorted().joined(separator: "\u{1}"), &unionCounts)
            guard count > 0 else { continue }
            // The ten first names of the union are among the eleven first of each list.
            let others = Array(Set(lists.flatMap { $0.lazy.filter { $0 != name }.prefix(10) })).sorted().prefix(10)
            let o = index.object(s.gw)
            let sel = ConfigIndex.selectorText(selector(s.gw))
            let shown = ConfigIndex.names(others, count: count, exactly: exactly)
            let otherObjects = others.map { n -> FindingObject in
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

    /// How many gateways other than `name` the sorted `lists` hold together. One list is
    /// counted by its size; the union of several is counted once per set of lists (cached by
    /// `cacheKey`) when they hold at most `unionBudget` names, else the largest list's count
    /// is a lower bound (`exactly` false), so hostile input costs bounded work per server.
    static func otherCount(_ lists: [[String]], excluding name: String, cacheKey: String,
                           _ cache: inout [String: Int]) -> (count: Int, exactly: Bool) {
        func holds(_ l: [String]) -> Bool {
            var lo = 0, hi = l.count
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                if l[mid] < name { lo = mid + 1 } else { hi = mid }
            }
            return lo < l.count && l[lo] == name
        }
        let selfIn = lists.contains(where: holds) ? 1 : 0
        if lists.count == 1 { return (lists[0].count - selfIn, true) }
        if let union = cache[cacheKey] { return (union - selfIn, true) }
        let total = lists.reduce(0) { $0 + $1.count }
        guard total <= unionBudget else { return ((lists.map(\.count).max() ?? 0) - selfIn, false) }
        var union = Set<String>()
        for l in lists { union.formUnion(l) }
        cache[cacheKey] = union.count
        return (union.count - selfIn, true)
    }

    /// Names a server's several host lists may hold before their union is no longer counted exactly.
    static let unionBudget = 4_096

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
