import Foundation
import MeshClient
import MeshModel

/// Hand-written manifests for the config rule tests: a small bookinfo that no rule
/// complains about, and a helper that adds one mistake and runs one rule through the
/// manifest loader and the engine.
enum ConfigManifests {
    /// Nothing wrong here: an injected namespace, reviews v1 behind a named port, a subset
    /// that selects it, an ingress gateway whose Service exposes the Gateway's port.
    static let bookinfo = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: bookinfo, labels: {istio-injection: enabled}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: reviews, namespace: bookinfo}
    spec:
      selector: {app: reviews}
      ports: [{name: http, port: 9080}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: reviews-v1, namespace: bookinfo}
    spec:
      selector: {matchLabels: {app: reviews, version: v1}}
      template:
        metadata: {labels: {app: reviews, version: v1}}
        spec: {containers: [{name: reviews, image: "reviews:1"}]}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: istio-ingressgateway, namespace: istio-system}
    spec:
      selector: {istio: ingressgateway}
      ports: [{name: http2, port: 80}, {name: https, port: 443}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: istio-ingressgateway, namespace: istio-system}
    spec:
      template:
        metadata: {labels: {istio: ingressgateway}}
        spec: {containers: [{name: istio-proxy, image: "docker.io/istio/proxyv2:1.24.0"}]}
    ---
    apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata: {name: bookinfo-gateway, namespace: bookinfo}
    spec:
      selector: {istio: ingressgateway}
      servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["bookinfo.example.com"]}]
    ---
    apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata: {name: reviews, namespace: bookinfo}
    spec:
      host: reviews
      subsets: [{name: v1, labels: {version: v1}}]
    """

    /// Runs the config rule with `istioCode` over bookinfo plus `extra` (YAML documents).
    static func findings(_ istioCode: String, _ extra: String, base: String = bookinfo) -> [Finding] {
        let text = base + "\n---\n" + extra
        let m = ManifestFacts.load(Array(text.utf8), source: "t.yaml")
        precondition(m.problems.isEmpty, "test manifest does not parse: \(m.problems)")
        let rules = FindingRules.config.filter { $0.istioCode == istioCode }
        precondition(rules.count == 1, "no rule for \(istioCode)")
        return FindingsEngine.evaluate(MeshFacts(now: Date(), kube: m.facts), rules: rules).findings
    }

    /// 1-based line at which `marker` starts in `text` (counted independently of the loader).
    static func line(of marker: String, in text: String) -> Int? {
        guard let r = text.range(of: marker) else { return nil }
        return text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }
}
