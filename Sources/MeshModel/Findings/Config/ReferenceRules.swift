import Foundation

/// IST0101 ReferencedResourceNotFound: a name in one object that resolves to nothing.
///
/// Checked references, as istioctl's analyzers check them:
/// - VirtualService `gateways` (not `mesh`): `ns/name`, a name in the VirtualService's
///   namespace, or `name.ns.svc.cluster.local`.
/// - VirtualService destinations and mirrors: the host (short names in the VirtualService's
///   namespace, wildcard ServiceEntries, the host's `exportTo` against the VirtualService's:
///   ``ConfigIndex/lookup(_:from:exportTo:)``), the port on that host, and the subset in a
///   DestinationRule for the same host.
/// - Gateway and Sidecar selectors that select no pod or pod template.
/// - AuthorizationPolicy `from.source.namespaces` and `notNamespaces` entries (names or
///   `prefix*`/`*suffix` patterns) that match no namespace.
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
            guard let entry = index.lookup(d.host, from: ns, exportTo: vs.exportTo) else {
                let seen = ConfigIndex.destinationScopes(vs.exportTo, namespace: ns).sorted().joined(separator: ", ")
                out.append(index.report(rule, o, "Referenced \(what) not found: \"\(d.host)\"",
                                        [index.evidence(o, d.path + ".host", "\(d.host) (\(ConfigHosts.fqdn(d.host, namespace: ns)) is no Service or ServiceEntry host visible in \(seen))")]))
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

    /// AuthorizationPolicy sources whose `namespaces` or `notNamespaces` entries match no
    /// namespace, as Istio's authz analyzer checks both: a name, or a pattern `prefix*`,
    /// `*suffix` (`*` alone matches any). Only when the source delivered Namespace objects (a
    /// directory of manifests usually has none); a namespace workloads live in counts as
    /// existing.
    static func policyNamespaces(_ index: ConfigIndex, _ rule: FindingRule) -> [Finding] {
        guard !index.namespaces.isEmpty else { return [] }
        let known = NamespaceNames(index)
        var out: [Finding] = []
        for ap in index.objects("AuthorizationPolicy") {
            let o = index.object(ap)
            for (i, r) in (ap.raw["spec"]?["rules"]?.array ?? []).enumerated() {
                for (j, from) in (r["from"]?.array ?? []).enumerated() {
                    for field in ["namespaces", "notNamespaces"] {
                        for (k, n) in ConfigIndex.strings(from["source"]?.member(exactly: field)).enumerated() where !known.matches(n) {
                            out.append(index.report(rule, o, "Referenced namespace not found: \"\(n)\"",
                                                    [index.evidence(o, "spec.rules[\(i)].from[\(j)].source.\(field)[\(k)]", n)]))
                        }
                    }
                }
            }
        }
        return out
    }

    /// The names of existing namespaces, sorted forwards and by their reversed spelling, so a
    /// `prefix*` or `*suffix` pattern is one binary search, not a scan of every namespace.
    struct NamespaceNames {
        private let names: [[UInt8]]
        private let reversed: [[UInt8]]
        private let exact: Set<String>

        init(_ index: ConfigIndex) {
            exact = Set(index.namespaces.keys).union(index.workloads.map(\.namespace))
            names = exact.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            reversed = exact.map { Array($0.utf8.reversed()) }.sorted { $0.lexicographicallyPrecedes($1) }
        }

        func matches(_ pattern: String) -> Bool {
            if pattern == "*" { return true }
            if pattern.hasPrefix("*") { return Self.anyStarts(with: Array(pattern.utf8.dropFirst().reversed()), in: reversed) }
            if pattern.hasSuffix("*") { return Self.anyStarts(with: Array(pattern.utf8.dropLast()), in: names) }
            return exact.contains(pattern)
        }

        /// Whether a sorted list holds a name starting with `prefix`: the first name not
        /// before `prefix` does, if any does.
        private static func anyStarts(with prefix: [UInt8], in sorted: [[UInt8]]) -> Bool {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid].lexicographicallyPrecedes(prefix) { lo = mid + 1 } else { hi = mid }
            }
            return lo < sorted.count && sorted[lo].starts(with: prefix)
        }
    }
}
