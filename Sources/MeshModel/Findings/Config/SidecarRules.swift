import Foundation

/// Sidecar resources: IST0110 two select one workload, IST0111 two without selectors in a
/// namespace, IST0167 a Sidecar in ambient mode (it has no effect there).
enum SidecarRules {
    static func selector(_ sc: KubeObject) -> [String: String] {
        ObjectMeta.stringMap(sc.raw["spec"]?["workloadSelector"]?.member(exactly: "labels"))
    }

    static let multipleWithoutSelectors = FindingRule.config("IST0111", .error, "Several Sidecars without selectors") { index, rule in
        var byNamespace: [String: [KubeObject]] = [:]
        for sc in index.objects("Sidecar") where selector(sc).isEmpty { byNamespace[sc.metadata.namespace ?? "default", default: []].append(sc) }
        return byNamespace.keys.sorted().flatMap { ns -> [Finding] in
            let list = byNamespace[ns]!
            guard list.count > 1 else { return [] }
            let objects = list.map { index.object($0) }
            let names = ConfigIndex.names(objects.map { "\(ns)/\($0.name)" }).replacingOccurrences(of: ",", with: " ")
            return objects.map { o in
                index.report(rule, o, "The Sidecars [\(names)] in namespace \"\(ns)\" have no workload selector, which can lead to undefined behavior.",
                             objects.prefix(10).map { index.evidence($0, "spec.workloadSelector", "absent") }, also: objects)
            }
        }
    }

    static let conflictingSelectors = FindingRule.config("IST0110", .error, "Sidecars select the same workload") { index, rule in
        // workload → the Sidecars selecting it; reported once per set of Sidecars.
        var selecting: [String: (ConfigWorkload, [KubeObject])] = [:]
        for sc in index.objects("Sidecar") {
            let labels = selector(sc)
            guard !labels.isEmpty else { continue }
            for w in index.workloads(matching: labels, in: sc.metadata.namespace ?? "default") {
                let key = "\(w.kind) \(w.namespace)/\(w.name)"
                selecting[key, default: (w, [])].1.append(sc)
            }
        }
        var reported: Set<String> = []
        var out: [Finding] = []
        for key in selecting.keys.sorted() {
            let (w, list) = selecting[key]!
            guard list.count > 1 else { continue }
            let objects = list.map { index.object($0) }
            let names = objects.map { "\(w.namespace)/\($0.name)" }.sorted()
            guard reported.insert(names.joined(separator: " ")).inserted else { continue }
            for o in objects {
                out.append(index.report(rule, o,
                    "The Sidecars [\(ConfigIndex.names(names).replacingOccurrences(of: ",", with: " "))] in namespace \"\(w.namespace)\" select the same workload pod \"\(w.name)\", which can lead to undefined behavior.",
                    zip(objects, list).prefix(10).map { index.evidence($0, "spec.workloadSelector.labels", ConfigIndex.selectorText(selector($1))) }
                        + [index.evidence(index.object(w), "metadata.labels", ConfigIndex.selectorText(w.labels))],
                    also: objects + [index.object(w)]))
            }
        }
        return out
    }

    static let ineffectivePolicy = FindingRule.config("IST0167", .warning, "Policy has no effect") { index, rule in
        index.objects("Sidecar").compactMap { sc in
            let o = index.object(sc)
            let ns = o.namespace ?? "default"
            let labels = selector(sc)
            if labels.isEmpty {
                guard index.isAmbient(ns) else { return nil }
                return index.report(rule, o, "The policy has no impact: namespace is in ambient mode, the policy has no impact.",
                                    [index.evidence(index.object("Namespace", nil, ns), "metadata.labels", "istio.io/dataplane-mode=ambient")])
            }
            let ambient = index.workloads(matching: labels, in: ns).filter { $0.isAmbient || (index.isAmbient(ns) && $0.proxyImage == nil) }
            guard let first = ambient.first else { return nil }
            return index.report(rule, o, "The policy has no impact: selected workload is in ambient mode, the policy has no impact.",
                                [index.evidence(o, "spec.workloadSelector.labels", ConfigIndex.selectorText(labels)),
                                 index.evidence(index.object(first), "", "ambient (\(index.isAmbient(ns) ? "namespace istio.io/dataplane-mode=ambient" : "ambient.istio.io/redirection=enabled"))")],
                                also: [index.object(first)])
        }
    }
}
