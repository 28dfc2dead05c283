import Foundation

/// Workload-selecting policies: IST0127 a selector that matches no workload (or a
/// namespace-wide AuthorizationPolicy in a namespace without any), IST0166 a selector on a
/// Kubernetes Gateway's pods (those take `targetRefs`).
enum PolicyRules {
    /// The kinds whose `selector.matchLabels` pick workloads.
    static let selectingKinds = ["AuthorizationPolicy", "RequestAuthentication", "Telemetry", "WasmPlugin"]
    /// Policies in this namespace apply mesh-wide, so their selectors match in any namespace.
    static let rootNamespace = "istio-system"

    static func matchLabels(_ p: KubeObject) -> [String: String] {
        ObjectMeta.stringMap(p.raw["spec"]?["selector"]?.member(exactly: "matchLabels"))
    }

    static func hasTargetRef(_ p: KubeObject) -> Bool {
        p.raw["spec"]?.member(exactly: "targetRef") != nil || !(p.raw["spec"]?.member(exactly: "targetRefs")?.array ?? []).isEmpty
    }

    static let noMatchingWorkloads = FindingRule.config("IST0127", .warning, "Policy selects no workload") { index, rule in
        var out: [Finding] = []
        for kind in ["AuthorizationPolicy", "RequestAuthentication"] {
            for p in index.objects(kind) where !hasTargetRef(p) {
                let labels = matchLabels(p)
                let ns = p.metadata.namespace ?? "default"
                if labels.isEmpty {
                    // Istio reports a namespace-wide AuthorizationPolicy in a namespace without
                    // workloads too (a mesh-wide one in the root namespace is always in use).
                    guard kind == "AuthorizationPolicy", ns != rootNamespace, index.workloads(matching: [:], in: ns).isEmpty else { continue }
                    let o = index.object(p)
                    out.append(index.report(rule, o, "No matching workloads for this resource with the following labels: (no selector: every workload in namespace \(ns))",
                                            [index.evidence(o, "spec.selector", "none, and namespace \(ns) has no pod or pod template")]))
                    continue
                }
                guard index.workloads(matching: labels, in: ns == rootNamespace ? nil : ns).isEmpty else { continue }
                let o = index.object(p)
                let text = ConfigIndex.selectorText(labels)
                out.append(index.report(rule, o, "No matching workloads for this resource with the following labels: \(text)",
                                        [index.evidence(o, "spec.selector.matchLabels", text + " selects no pod or pod template in " + (ns == rootNamespace ? "any namespace" : "namespace \(ns)"))]))
            }
        }
        return out
    }

    static let ineffectiveSelector = FindingRule.config("IST0166", .warning, "Selector on a Kubernetes Gateway") { index, rule in
        var out: [Finding] = []
        for kind in selectingKinds {
            for p in index.objects(kind) where !hasTargetRef(p) {
                let labels = matchLabels(p)
                guard !labels.isEmpty else { continue }
                let o = index.object(p)
                var seen: Set<String> = []
                for w in index.workloads(matching: labels, in: o.namespace ?? "default") {
                    guard let gateway = w.labels["gateway.networking.k8s.io/gateway-name"], seen.insert(gateway).inserted else { continue }
                    out.append(index.report(rule, o, "Ineffective selector on Kubernetes Gateway \(gateway). Use the TargetRef field instead.",
                                            [index.evidence(o, "spec.selector.matchLabels", ConfigIndex.selectorText(labels)),
                                             index.evidence(index.object(w), "metadata.labels", "gateway.networking.k8s.io/gateway-name=\(gateway)")],
                                            also: [index.object(w)]))
                }
            }
        }
        return out
    }
}
