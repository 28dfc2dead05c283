import Foundation

/// Sidecar injection: IST0102 NamespaceNotInjected, IST0103 PodMissingProxy, IST0158
/// PodsIstioProxyImageMismatchInNamespace.
enum InjectionRules {
    /// Namespaces istioctl never expects to be injected.
    static let systemNamespaces: Set<String> = ["kube-system", "kube-public", "kube-node-lease", "local-path-storage", "istio-system"]

    static let namespaceNotInjected = FindingRule.config("IST0102", .info, "Namespace not enabled for injection") { index, rule in
        index.namespaces.values.sorted { $0.metadata.name < $1.metadata.name }.compactMap { n in
            let name = n.metadata.name
            let l = n.metadata.labels
            guard !systemNamespaces.contains(name), l["istio-injection"] == nil, l["istio.io/rev"] == nil,
                  l["istio.io/dataplane-mode"] != "ambient" else { return nil }
            let o = index.object("Namespace", nil, name)
            return index.report(rule, o,
                "The namespace is not enabled for Istio injection. Run 'kubectl label namespace \(name) istio-injection=enabled' to enable it, or 'kubectl label namespace \(name) istio-injection=disabled' to explicitly mark it as not needing injection.",
                [index.evidence(o, "metadata.labels", "no istio-injection, istio.io/rev or istio.io/dataplane-mode=ambient label")])
        }
    }

    static let podMissingProxy = FindingRule.config("IST0103", .warning, "Pod is missing the Istio proxy") { index, rule in
        index.workloads.compactMap { w in
            guard !w.isTemplate, w.proxyImage == nil, index.isInjected(w.namespace), !injectionDisabled(w) else { return nil }
            let o = index.object(w)
            return index.report(rule, o,
                "The pod \(w.namespace)/\(w.name) is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.",
                [index.evidence(o, "spec.containers", "no istio-proxy container"),
                 index.evidence(index.object("Namespace", nil, w.namespace), "metadata.labels", "injection enabled")])
        }
    }

    static func injectionDisabled(_ w: ConfigWorkload) -> Bool {
        (w.labels["sidecar.istio.io/inject"] ?? w.annotations["sidecar.istio.io/inject"])?.lowercased() == "false"
    }

    static let proxyImageMismatch = FindingRule.config("IST0158", .warning, "Proxy images differ from the injector's") { index, rule in
        var expected: [String: String] = [:]  // revision ("" for default) → image
        for cm in index.objects("ConfigMap") where cm.metadata.name.hasPrefix("istio-sidecar-injector") {
            guard let image = injectorImage(cm) else { continue }
            let rev = cm.metadata.name.dropFirst("istio-sidecar-injector".count).drop { $0 == "-" }
            expected[String(rev)] = image
        }
        guard !expected.isEmpty else { return [] }
        /// The namespace's revision picks the injector (`istio.io/rev=canary` →
        /// istio-sidecar-injector-canary); no revision or `default` is the default injector.
        func want(_ ns: String) -> String? {
            let rev = index.namespaces[ns]?.metadata.labels["istio.io/rev"] ?? ""
            return expected[rev == "default" ? "" : rev]
        }
        var mismatched: [String: [ConfigWorkload]] = [:]
        for w in index.workloads where !w.isTemplate && index.isInjected(w.namespace) {
            guard let image = w.proxyImage, let expected = want(w.namespace), image != expected else { continue }
            mismatched[w.namespace, default: []].append(w)
        }
        return mismatched.keys.sorted().map { ns in
            let pods = mismatched[ns]!.sorted { $0.name < $1.name }
            let o = index.object("Namespace", nil, ns)
            let image = want(ns) ?? ""
            return index.report(rule, o,
                "The Istio proxy images of the pods running in the namespace do not match the image defined in the injection configuration (pod names: [\(pods.map(\.name).joined(separator: " "))]). This often happens after upgrading the Istio control-plane and can be fixed by redeploying the pods.",
                pods.prefix(10).map { index.evidence(index.object($0), "spec.containers[istio-proxy].image", "\($0.proxyImage ?? "") (injector: \(image))") },
                also: pods.prefix(10).map { index.object($0) })
        }
    }

    /// The proxy image the injector's `values` name: `global.proxy.image` when it is a full
    /// reference (has a `/`), else `global.hub/global.proxy.image:global.tag`.
    static func injectorImage(_ cm: KubeObject) -> String? {
        guard let text = cm.raw["data"]?.member(exactly: "values")?.string,
              let doc = try? JSONDocument(bytes: Array(text.utf8)) else { return nil }
        let global = doc.root["global"]
        guard let image = global?["proxy"]?["image"]?.string, !image.isEmpty else { return nil }
        if image.contains("/") { return image }
        guard let hub = global?["hub"]?.string, let tag = global?["tag"].map({ $0.string ?? $0.rawText }) else { return nil }
        return "\(hub)/\(image):\(tag)"
    }
}
