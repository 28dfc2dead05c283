import MeshModel

/// Kubernetes and Istio configuration at scale for the config findings benchmark: apps
/// spread over namespaces, each a Service, a Deployment, a VirtualService, a
/// DestinationRule with two subsets and an AuthorizationPolicy, plus a Gateway and a Sidecar
/// for every fifth app. Every 50th VirtualService routes to a subset nobody defines and
/// every 40th Service has an unnamed port, so the rules have something to report.
///
/// ```swift
/// let kube = ConfigObjectsGenerator.kubeFacts(objects: 10_000)
/// FindingsEngine.evaluate(MeshFacts(now: .now, kube: kube), rules: FindingRules.config)
/// ```
public enum ConfigObjectsGenerator {
    /// About `objects` objects as one JSON `List` (what `kubectl get -o json` prints).
    public static func json(objects: Int, namespaces: Int = 50) -> [UInt8] {
        var items: [String] = []
        items.reserveCapacity(objects + namespaces)
        let nsCount = max(1, namespaces)
        for n in 0..<nsCount {
            items.append(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns-\#(n)","labels":{"istio-injection":"enabled"}}}"#)
        }
        var app = 0
        while items.count < objects + nsCount {
            let ns = "ns-\(app % nsCount)", name = "app-\(app)"
            let port = app % 40 == 0 ? #"{"port":8080}"# : #"{"name":"http","port":8080}"#
            items.append(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)","namespace":"\#(ns)"},"spec":{"selector":{"app":"\#(name)"},"ports":[\#(port)]}}"#)
            items.append(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)-v1","namespace":"\#(ns)"},"spec":{"template":{"metadata":{"labels":{"app":"\#(name)","version":"v1"}},"spec":{"containers":[{"name":"app","image":"app:1"}]}}}}"#)
            let subset = app % 50 == 0 ? "v3" : "v1"
            let gateway = app % 5 == 0 ? #","gateways":["gw-\#(app)","mesh"]"# : ""
            items.append(#"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"\#(name)","namespace":"\#(ns)"},"spec":{"hosts":["\#(name)","\#(name).example.com"]\#(gateway),"http":[{"match":[{"uri":{"prefix":"/v2"}}],"route":[{"destination":{"host":"\#(name)","subset":"v2","port":{"number":8080}}}]},{"route":[{"destination":{"host":"\#(name)","subset":"\#(subset)","port":{"number":8080}}}]}]}}"#)
            items.append(#"{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"\#(name)","namespace":"\#(ns)"},"spec":{"host":"\#(name)","subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}]}}"#)
            items.append(#"{"apiVersion":"security.istio.io/v1","kind":"AuthorizationPolicy","metadata":{"name":"\#(name)","namespace":"\#(ns)"},"spec":{"selector":{"matchLabels":{"app":"\#(name)"}},"rules":[{"from":[{"source":{"namespaces":["\#(ns)"]}}]}]}}"#)
            if app % 5 == 0 {
                items.append(#"{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"gw-\#(app)","namespace":"\#(ns)"},"spec":{"selector":{"istio":"ingressgateway"},"servers":[{"port":{"number":443,"name":"https","protocol":"HTTPS"},"hosts":["\#(name).example.com"],"tls":{"mode":"SIMPLE","credentialName":"\#(name)-cert"}}]}}"#)
                items.append(#"{"apiVersion":"networking.istio.io/v1","kind":"Sidecar","metadata":{"name":"\#(name)","namespace":"\#(ns)"},"spec":{"workloadSelector":{"labels":{"app":"\#(name)"}},"egress":[{"hosts":["./*","istio-system/*"]}]}}"#)
            }
            app += 1
        }
        items.append(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"istio-ingressgateway","namespace":"istio-system"},"spec":{"selector":{"istio":"ingressgateway"},"ports":[{"name":"https","port":443}]}}"#)
        items.append(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"istio-ingressgateway","namespace":"istio-system"},"spec":{"template":{"metadata":{"labels":{"istio":"ingressgateway"}},"spec":{"containers":[{"name":"istio-proxy","image":"proxyv2:1.24.0"}]}}}}"#)
        return Array(#"{"apiVersion":"v1","kind":"List","items":["#.utf8) + Array(items.joined(separator: ",").utf8) + Array("]}".utf8)
    }

    /// The same objects as a directory of manifests would hold them: multi-document YAML
    /// files of `perFile` objects each (`objects-000.yaml`, …), for `meshscope check -f DIR`.
    ///
    /// ```swift
    /// for f in ConfigObjectsGenerator.yamlFiles(objects: 10_000) { try Data(f.bytes).write(to: dir.appending(path: f.name)) }
    /// ```
    public static func yamlFiles(objects: Int, namespaces: Int = 50, perFile: Int = 500) -> [(name: String, bytes: [UInt8])] {
        guard let doc = try? JSONDocument(bytes: json(objects: objects, namespaces: namespaces)) else { return [] }
        let items = Array(doc.root["items"]?.elements ?? doc.root.elements)
        let size = max(1, perFile)
        return stride(from: 0, to: items.count, by: size).map { start in
            let docs = items[start..<min(items.count, start + size)].map { YAMLWriter.string(JSONTree($0)) }
            let number = String(start / size)
            return ("objects-" + String(repeating: "0", count: max(0, 3 - number.count)) + number + ".yaml",
                    Array(docs.joined(separator: "---\n").utf8))
        }
    }

    /// The same objects sorted into ``KubeFacts`` as a cluster source would deliver them.
    public static func kubeFacts(objects: Int, namespaces: Int = 50) -> KubeFacts {
        var kube = KubeFacts()
        guard let doc = try? JSONDocument(bytes: json(objects: objects, namespaces: namespaces)) else { return kube }
        var namespaceList: [KubeNamespace] = [], services: [KubeService] = []
        var others: [String: [KubeObject]] = [:]
        for v in doc.root["items"]?.elements ?? doc.root.elements {
            switch v["kind"]?.string ?? "" {
            case "Namespace": namespaceList.append(KubeNamespace(v))
            case "Service": services.append(KubeService(v))
            case let kind: others[kind, default: []].append(KubeObject(v))
            }
        }
        kube.namespaces = namespaceList
        kube.services = services
        kube.objects = others
        return kube
    }
}
