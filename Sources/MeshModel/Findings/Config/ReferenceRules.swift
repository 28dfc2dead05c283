import Foundation

/// IST0101 ReferencedResourceNotFound: a name in one object that resolves to nothing.
///
/// Checked references, as istioctl's analyzers check them:
/// - VirtualService `gateways` (not `mesh`): `ns/name`, a name in the VirtualService's
///   namespace, or `name.ns.svc.cluster.local`.
/// - VirtualService destinations and mirrors: the host (short names in the VirtualService's
///   namespace, wildcard ServiceEntries, `exportTo`), the port on that host, and the subset
///   in a DestinationRule for the same host.
/// - Gateway and Sidecar selectors that select no pod or pod template.
/// - AuthorizationPolicy `from.source.namespaces` naming a namespace that does not exist.
enum ReferenceRules {
    static let referencedResourceNotFound = FindingRule.config("IST0101", .error, "Referenced resource not found") { index, rule in
        var out: [Finding] = []
        for vs in index.virtualServices { out += virtualService(vs, index, rule) }
        for gw in index.objects("Gateway") {
            let o = index.object(gw)
            let selector = ObjectMeta.stringMap(gw.raw["spec"]?.member(exactly: "selector"))
            if index.workloads(matching: selector, in: nil).isEmpty {
                let text = ConfigIndex.selectorText(selector)
                out.append(index.report(rule, o, "Referenced selector not found: \"\(text)\"",
                                        [index.evidence(o, "spec.selector", text + " selects no pod or pod template in any namespace")]))
            }
        }
        for sc in index.objects("Sidecar") {
            let o = index.object(sc)
            let selector = ObjectMeta.stringMap(sc.raw["spec"]?["workloadSelector"]?.member(exactly: "labels"))
            guard !selector.isEmpty, index.workloads(matching: selector, in: o.namespace).isEmpty else { continue }
            let text = ConfigIndex.selectorText(selector)
            out.append(index.report(rule, o, "Referenced selector not found: \"\(text)\"",
                                    [index.evidence(o, "spec.workloadSelector.labels", text + " selects no pod or pod template in namespace \(o.namespace ?? "")")]))
        }
        out += policyNamespaces(index, rule)
        return out
    }

    static func virtualService(_ vs: ParsedVirtualService, _ index: ConfigIndex, _ rule: FindingRule) -> [Finding] {
        let o = index.object(vs.object)
        let ns = vs.namespace
        var out: [Finding] = []
        for (i, g) in vs.gateways.enumerated() where g != "mesh" {
            let key = ConfigIndex.gatewayKey(g, from: ns)
            if index.gateways[key] == nil {
                out.append(index.report(rule, o, "Referenced gateway not found: \"\(g)\"",
                                        [index.evidence(o, "spec.gateways[\(i)]", "\(g) (no Gateway \(key))")]))
            }
        }
        for d in vs.destinations {
            let what = d.isMirror ? "mirror host" : "host"
            guard let entry = index.lookup(d.host, from: ns) else {
                out.append(index.report(rule, o, "Referenced \(what) not found: \"\(d.host)\"",
                                        [index.evidence(o, d.path + ".host", "\(d.host) (\(ConfigHosts.fqdn(d.host, namespace: ns)) is no Service or ServiceEntry host visible in \(ns))")]))
                continue
            }
            if let port = d.port, !entry.ports.contains(where: { $0.number == port }) {
                let ports = entry.ports.map { String($0.number) }.joined(separator: ", ")
                out.append(index.report(rule, o, "Referenced host:port not found: \"\(d.host):\(port)\"",
                                        [index.evidence(o, d.path + ".port.number", String(port)),
                                         index.evidence(entry.object, "spec.ports", ports.isEmpty ? "no ports" : ports)],
                                        also: [entry.object]).joining(Finding.destinationKey(host: ConfigHosts.fqdn(d.host, namespace: ns))))
            }
            if let subset = d.subset, !index.subsets.contains(ConfigHosts.fqdn(d.host, namespace: ns) + "\u{0}" + subset) {
                out.append(index.report(rule, o, "Referenced host+subset in destinationrule not found: \"\(d.host)+\(subset)\"",
                                        [index.evidence(o, d.path + ".subset", "\(subset) (no DestinationRule for \(ConfigHosts.fqdn(d.host, namespace: ns)) defines it)")])
                    .joining(Finding.destinationKey(host: ConfigHosts.fqdn(d.host, namespace: ns))))
            }
        }
        return out
    }

    /// AuthorizationPolicy sources naming namespaces that do not exist. Only when the source
    /// delivered Namespace objects (a directory of manifests usually has none); a namespace
    /// any object lives in counts as existing; `*` patterns are not checked.
    static func policyNamespaces(_ index: ConfigIndex, _ rule: FindingRule) -> [Finding] {
        guard !index.namespaces.isEmpty else { return [] }
        var out: [Finding] = []
        for ap in index.objects("AuthorizationPolicy") {
            let o = index.object(ap)
            for (i, r) in (ap.raw["spec"]?["rules"]?.array ?? []).enumerated() {
                for (j, from) in (r["from"]?.array ?? []).enumerated() {
                    for (k, n) in ConfigIndex.strings(from["source"]?["namespaces"]).enumerated()
                    where !n.contains("*") && index.namespaces[n] == nil && index.workloads(matching: [:], in: n).isEmpty {
                        out.append(index.report(rule, o, "Referenced namespace not found: \"\(n)\"",
                                                [index.evidence(o, "spec.rules[\(i)].from[\(j)].source.namespaces[\(k)]", n)]))
                    }
                }
            }
        }
        return out
    }
}
