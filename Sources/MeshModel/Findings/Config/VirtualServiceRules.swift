import Foundation

/// VirtualService checks: IST0109 conflicting mesh hosts, IST0112 port selector required,
/// IST0130/IST0131 unreachable rules and ineffective matches, IST0132 host not in gateway.
enum VirtualServiceRules {
    /// istioctl's grouping: mesh-bound VirtualServices by scope (each namespace `exportTo`
    /// names, or `*`) and FQDN host. A group of two or more conflicts, and so does a
    /// namespace-scoped host with the VirtualServices exported to all whose host overlaps it
    /// (they are visible in that namespace too). Each VirtualService is reported once, in its
    /// first conflict, as istioctl reports it.
    static let conflictingMeshHosts = FindingRule.config("IST0109", .error, "VirtualServices on the mesh gateway share a host") { index, rule in
        typealias Member = (object: FindingObject, host: String)
        var groups: [(scope: String, host: String, members: [FindingObject])] = []
        var groupOf: [String: Int] = [:]
        var exportedToAll = HostIndex<Int>()
        for vs in index.virtualServices where vs.isBoundToMesh {
            let o = index.object(vs.object)
            var seen: Set<String> = []
            let hosts = vs.hosts.map { ConfigHosts.fqdn($0, namespace: vs.namespace) }.filter { seen.insert($0).inserted }
            for scope in ConfigIndex.scopes(vs.exportTo, namespace: vs.namespace).sorted() {
                for host in hosts {
                    if let g = groupOf[scope + "/" + host] { groups[g].members.append(o); continue }
                    groupOf[scope + "/" + host] = groups.count
                    if scope == "*" { exportedToAll.insert(host, groups.count) }
                    groups.append((scope, host, [o]))
                }
            }
        }
        // The exported-to-all VirtualServices of one stored host list, read once however many
        // scoped hosts overlap it; `reported` once their findings are out.
        var lists: [String: (members: [Member], reported: Bool)] = [:]
        var reported: Set<FindingObject> = []
        var out: [Finding] = []
        for group in groups {
            var visible: [[Member]] = [group.members.map { ($0, group.host) }]
            var listKeys: [String] = []
            if group.scope != "*" {
                for (key, ids) in exportedToAll.overlappingLists(group.host) {
                    if lists[key] == nil {
                        var unique: Set<FindingObject> = []
                        lists[key] = (ids.flatMap { id in groups[id].members.map { ($0, groups[id].host) } }.filter { unique.insert($0.object).inserted }, false)
                    }
                    visible.append(lists[key]!.members)
                    listKeys.append(key)
                }
            }
            let count = visible.reduce(0) { $0 + $1.count }
            guard count > 1 else { continue }
            var shown: [Member] = []
            var shownSet: Set<FindingObject> = []
            for m in visible.lazy.flatMap({ $0.prefix(10) }) where shown.count < 10 && shownSet.insert(m.object).inserted { shown.append(m) }
            let names = ConfigIndex.names(shown.map { "\($0.object.namespace ?? "")/\($0.object.name)" }, count: count)
            let host = group.scope == "*" ? group.host : "\(group.host) (exported to \(group.scope))"
            let evidence = shown.map { index.evidence($0.object, "spec.hosts", $0.host) }
            var subjects = group.members
            for key in listKeys where !lists[key]!.reported {
                lists[key]!.reported = true
                subjects += lists[key]!.members.map(\.object)
            }
            for o in subjects where reported.insert(o).inserted {
                out.append(index.report(rule, o,
                    "The VirtualServices \(names) associated with mesh gateway define the same host \(host) which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.",
                    evidence, also: shown.map(\.object)))
            }
        }
        return out
    }

    static let portSelectorRequired = FindingRule.config("IST0112", .error, "Destination port required") { index, rule in
        var out: [Finding] = []
        for vs in index.virtualServices {
            let o = index.object(vs.object)
            for d in vs.destinations where d.port == nil {
                guard let entry = index.lookup(d.host, from: vs.namespace, exportTo: vs.exportTo), entry.ports.count > 1 else { continue }
                let ports = entry.ports.map { String($0.number) }
                out.append(index.report(rule, o,
                    "This VirtualService routes to a service \"\(d.host)\" that exposes multiple ports [\(ports.joined(separator: " "))]. Specifying a port in the destination is required to disambiguate.",
                    [index.evidence(o, d.path, "host \(d.host), no port.number"),
                     index.evidence(entry.object, "spec.ports", ports.joined(separator: ", "))], also: [entry.object]))
            }
        }
        return out
    }

    /// Istio's validation of rule order, the same for `http`, `tcp` and `tls` routes: a rule
    /// without matches catches everything, so a later one is never reached (a second catch-all
    /// is `only the last rule can have no matches`, a rule with matches is `route without
    /// matches defined before`); a match equal to an earlier rule's (names aside) is
    /// ineffective, and a rule whose matches all are is unreachable. HTTP rules are named
    /// `"name"` or `#index` as istioctl names them; TCP and TLS rules have no names and are
    /// named `tcp[1]`, `tls[0]` so the kind shows. Linear in the VirtualService's matches.
    typealias Unreachable = (rules: [(path: String, rule: String, reason: String)], matches: [(path: String, rule: String, match: String, earlier: String)])

    static func unreachable(_ vs: KubeObject) -> Unreachable {
        var out: Unreachable = ([], [])
        for kind in ["http", "tcp", "tls"] {
            scanRuleOrder(kind, vs.raw["spec"]?[kind]?.array ?? [], into: &out)
        }
        return out
    }

    private static func scanRuleOrder(_ kind: String, _ routes: [JSONValue], into out: inout Unreachable) {
        var seen: [String: Int] = [:]
        var catchAll = -1
        func ruleName(_ i: Int) -> String {
            guard kind == "http" else { return "\(kind)[\(i)]" }
            return routes[i]["name"]?.string.map { "\"\($0)\"" } ?? "#\(i)"
        }
        for (i, route) in routes.enumerated() where route.kind == .object {  // Istio skips null rules
            let path = "spec.\(kind)[\(i)]"
            let list = route["match"]?.array ?? []
            if list.isEmpty {
                if catchAll >= 0 { out.rules.append((path, ruleName(i), "only the last rule can have no matches")) }
                catchAll = i
                continue
            }
            if catchAll >= 0 {  // istioctl repeats this once per match; one finding says it
                out.rules.append((path, ruleName(i), "route without matches defined before"))
                continue
            }
            var duplicates = 0
            for (j, m) in list.enumerated() {
                let key = canonical(m, dropping: "name")
                if let earlier = seen[key] {
                    let name = kind == "http" ? m["name"]?.string.map { "\"\($0)\"" } : nil
                    out.matches.append(("\(path).match[\(j)]", ruleName(i), name ?? "#\(j)", ruleName(earlier)))
                    duplicates += 1
                } else {
                    seen[key] = i
                }
            }
            if duplicates == list.count { out.rules.append((path, ruleName(i), "all matches used by prior rules")) }
        }
    }

    static let unreachableRule = FindingRule.config("IST0130", .warning, "VirtualService rule never used") { index, rule in
        index.virtualServices.flatMap { vs in
            let o = index.object(vs.object)
            return vs.unreachable.rules.map { r in
                index.report(rule, o, "VirtualService rule \(r.rule) not used (\(r.reason)).", [index.evidence(o, r.path, r.reason)])
            }
        }
    }

    static let ineffectiveMatch = FindingRule.config("IST0131", .info, "VirtualService match never used") { index, rule in
        index.virtualServices.flatMap { vs in
            let o = index.object(vs.object)
            return vs.unreachable.matches.map { m in
                index.report(rule, o, "VirtualService rule \(m.rule) match \(m.match) is not used (duplicate/overlapping match in rule \(m.earlier)).",
                             [index.evidence(o, m.path, "same as a match of rule \(m.earlier)")])
            }
        }
    }

    static let hostNotInGateway = FindingRule.config("IST0132", .warning, "VirtualService host not on its Gateway") { index, rule in
        var out: [Finding] = []
        for vs in index.virtualServices {
            let o = index.object(vs.object)
            let ns = vs.namespace
            let hosts = vs.hosts
            for (i, g) in vs.gateways.enumerated() where g != "mesh" {
                let key = ConfigIndex.gatewayKey(g, from: ns)
                guard let gw = index.gateways[key] else { continue }  // IST0101 reports it
                let gwHosts = gatewayHosts(gw, for: ns)
                if !hosts.contains(where: { h in gwHosts.contains { ConfigHosts.overlaps($0, h) } }) {
                    let go = index.object(gw)
                    out.append(index.report(rule, o,
                        "one or more host [\(hosts.joined(separator: " "))] defined in VirtualService \(ns)/\(o.name) not found in Gateway \(key).",
                        [index.evidence(o, "spec.gateways[\(i)]", g), index.evidence(o, "spec.hosts", hosts.joined(separator: ", ")),
                         index.evidence(go, "spec.servers[].hosts", gwHosts.isEmpty ? "none for namespace \(ns)" : gwHosts.joined(separator: ", "))],
                        also: [go]))
                }
            }
        }
        return out
    }

    /// The hosts a Gateway offers to VirtualServices in `namespace`: `ns/host` entries only
    /// when `ns` is that namespace (`.` is the Gateway's own, `*` any), without the prefix.
    static func gatewayHosts(_ gw: KubeObject, for namespace: String) -> [String] {
        let gwNamespace = gw.metadata.namespace ?? "default"
        var out: [String] = []
        for server in gw.raw["spec"]?["servers"]?.array ?? [] {
            for h in ConfigIndex.strings(server["hosts"]) {
                guard let slash = h.firstIndex(of: "/") else { out.append(h); continue }
                let ns = String(h[..<slash]), host = String(h[h.index(after: slash)...])
                if ns == "*" || ns == namespace || (ns == "." && gwNamespace == namespace) { out.append(host) }
            }
        }
        return out
    }

    /// A JSON value with object keys sorted (and, at the top, `dropping` and unset fields
    /// removed), so equal matches written in another key order compare equal. Unset means
    /// null, `""`, `0`, `false`, `[]` or `{}`: istioctl compares matches as Go structs, where
    /// `port: 0` and no `port` are the same match. Strings keep their quotes so `"80"` and a
    /// string holding `,` cannot pass for other values.
    static func canonical(_ v: JSONValue, dropping: String? = nil) -> String {
        switch v.kind {
        case .object:
            let top = dropping != nil
            let members = v.members.filter { $0.key != dropping && !(top && isUnset($0.value)) }.sorted { $0.key < $1.key }
            return "{" + members.map { String(reflecting: $0.key) + ":" + canonical($0.value) }.joined(separator: ",") + "}"
        case .array:
            return "[" + v.elements.map { canonical($0) }.joined(separator: ",") + "]"
        case .string:
            return String(decoding: v.rawBytes, as: UTF8.self)
        default:
            return v.rawText
        }
    }

    private static func isUnset(_ v: JSONValue) -> Bool {
        switch v.kind {
        case .null: true
        case .bool: v.bool == false
        case .number: v.double == 0
        case .string: v.rawText.isEmpty
        case .object, .array: v.isEmpty
        }
    }
}
