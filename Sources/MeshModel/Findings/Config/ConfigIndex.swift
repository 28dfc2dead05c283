import Foundation

/// A pod, or the pod template of a workload controller (Deployment, StatefulSet, DaemonSet),
/// as selectors see it. Templates count so that manifests checked before they are applied
/// (no pods yet) still have workloads for Gateways, Sidecars and subsets to select.
struct ConfigWorkload: Sendable {
    var kind: String
    var namespace: String
    var name: String
    var labels: [String: String]
    var annotations: [String: String]
    /// The `istio-proxy` container's image, when the pod (or template) has one.
    var proxyImage: String?
    var isTemplate: Bool

    var object: FindingObject { FindingObject(kind: kind, namespace: namespace, name: name) }
    /// Ambient pods are redirected by the CNI (annotation) or enrolled by label.
    var isAmbient: Bool {
        annotations["ambient.istio.io/redirection"] == "enabled" || labels["istio.io/dataplane-mode"] == "ambient"
    }
}

/// A host the mesh can route to: a Kubernetes Service (`name.ns.svc.cluster.local`) or one
/// host of a ServiceEntry, with the namespaces it is visible in.
struct RegistryEntry: Sendable {
    struct Port: Sendable, Hashable {
        var number: Int
        var name: String
        var proto: String
    }
    var kind: String
    var namespace: String
    var name: String
    var host: String
    var ports: [Port]
    /// The Service's selector, or the ServiceEntry's `workloadSelector.labels`.
    var selector: [String: String]
    /// `*`, or the namespaces named by `exportTo` (`.` resolved).
    var exportTo: Set<String>

    func visible(to namespace: String) -> Bool { exportTo.contains("*") || exportTo.contains(namespace) }
    /// Visible in any of `namespaces`; `*` among them counts only entries exported to all.
    func visible(toAny namespaces: Set<String>) -> Bool { exportTo.contains("*") || !exportTo.isDisjoint(with: namespaces) }
    var object: FindingObject { FindingObject(kind: kind, namespace: namespace, name: name) }
}

/// Everything the config rules look up, built once per set of objects: workloads by label,
/// hosts by name (with wildcards and `exportTo`), gateways by name, subsets by host. Every
/// rule is then linear in the objects it checks, never a comparison of all pairs.
///
/// ```swift
/// let index = ConfigIndex.of(kube)             // built on first use, shared by all rules
/// index.lookup("reviews", from: "bookinfo")    // the reviews Service, if visible there
/// ```
final class ConfigIndex: Sendable {
    /// Where each object came from (``KubeFacts/locations``).
    let locations: [String: String]
    private let objectsByKind: [String: [KubeObject]]
    let namespaces: [String: KubeNamespace]
    let workloads: [ConfigWorkload]
    private let workloadsByLabel: [String: [Int]]
    private let workloadsByNamespace: [String: [Int]]
    let registry: [RegistryEntry]
    let registryHosts: HostIndex<Int>
    let services: [String: KubeService]
    /// Services by one `key=value` pair of their selector (`ns\0key=value`), so the
    /// Services selecting a set of labels are found from the labels.
    private let servicesBySelector: [String: [KubeService]]
    /// Gateways by `namespace/name`.
    let gateways: [String: KubeObject]
    /// `fqdn\0subset` of every DestinationRule subset.
    let subsets: Set<String>
    /// Every VirtualService read once: six rules look at them.
    let virtualServices: [ParsedVirtualService]

    /// The index for `kube`: built once and kept with the facts until they change.
    static func of(_ kube: KubeFacts) -> ConfigIndex { kube.derived.configIndex { ConfigIndex(kube) } }

    init(_ kube: KubeFacts) {
        locations = kube.locations
        objectsByKind = kube.objects
        var namespaces: [String: KubeNamespace] = [:]
        for n in kube.namespaces { namespaces[n.metadata.name] = n }
        self.namespaces = namespaces

        var workloads: [ConfigWorkload] = []
        for p in kube.pods {
            let proxy = (p.containers + p.initContainers).first { $0.name == "istio-proxy" }
            workloads.append(ConfigWorkload(kind: "Pod", namespace: p.metadata.namespace ?? "default", name: p.metadata.name,
                                            labels: p.metadata.labels, annotations: p.metadata.annotations,
                                            proxyImage: proxy?.image, isTemplate: false))
        }
        for kind in ["Deployment", "StatefulSet", "DaemonSet"] {
            for o in kube.objects[kind] ?? [] {
                let template = o.raw["spec"]?["template"]
                let meta = template?["metadata"]
                let proxy = template?["spec"]?["containers"]?.elements.first { $0["name"]?.string == "istio-proxy" }
                workloads.append(ConfigWorkload(kind: kind, namespace: o.metadata.namespace ?? "default", name: o.metadata.name,
                                                labels: ObjectMeta.stringMap(meta?.member(exactly: "labels")),
                                                annotations: ObjectMeta.stringMap(meta?.member(exactly: "annotations")),
                                                proxyImage: proxy?["image"]?.string, isTemplate: true))
            }
        }
        var byLabel: [String: [Int]] = [:]
        var byNamespace: [String: [Int]] = [:]
        for (i, w) in workloads.enumerated() {
            byNamespace[w.namespace, default: []].append(i)
            for (k, v) in w.labels {
                byLabel[ConfigIndex.labelKey(w.namespace, k, v), default: []].append(i)
                byLabel[ConfigIndex.labelKey(nil, k, v), default: []].append(i)
            }
        }
        self.workloads = workloads
        workloadsByLabel = byLabel
        workloadsByNamespace = byNamespace

        var registry: [RegistryEntry] = []
        var services: [String: KubeService] = [:]
        for s in kube.services {
            let ns = s.metadata.namespace ?? "default"
            services[ns + "/" + s.metadata.name] = s
            let exportTo = s.metadata.annotations["networking.istio.io/exportTo"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            registry.append(RegistryEntry(
                kind: "Service", namespace: ns, name: s.metadata.name, host: "\(s.metadata.name).\(ns).\(ConfigHosts.serviceDomain)",
                ports: s.ports.map { .init(number: $0.port, name: $0.name ?? "", proto: $0.proto) },
                selector: s.selector, exportTo: ConfigIndex.scopes(exportTo, namespace: ns)))
        }
        for se in kube.objects["ServiceEntry"] ?? [] {
            let ns = se.metadata.namespace ?? "default"
            let spec = se.raw["spec"]
            let ports = spec?["ports"]?.elements.map { p in
                RegistryEntry.Port(number: p["number"]?.int ?? 0, name: p["name"]?.string ?? "", proto: p["protocol"]?.string ?? "")
            } ?? []
            let selector = ObjectMeta.stringMap(spec?["workloadSelector"]?.member(exactly: "labels"))
            let scopes = ConfigIndex.scopes(ConfigIndex.strings(spec?["exportTo"]), namespace: ns)
            for h in ConfigIndex.strings(spec?["hosts"]) {
                registry.append(RegistryEntry(kind: "ServiceEntry", namespace: ns, name: se.metadata.name,
                                              host: ConfigHosts.fqdn(h, namespace: ns), ports: ports, selector: selector, exportTo: scopes))
            }
        }
        var hosts = HostIndex<Int>()
        for (i, e) in registry.enumerated() { hosts.insert(e.host, i) }
        self.registry = registry
        registryHosts = hosts
        self.services = services
        var bySelector: [String: [KubeService]] = [:]
        for s in kube.services {
            guard let first = s.selector.min(by: { $0.key < $1.key }) else { continue }
            bySelector[ConfigIndex.labelKey(s.metadata.namespace ?? "default", first.key, first.value), default: []].append(s)
        }
        servicesBySelector = bySelector

        var gateways: [String: KubeObject] = [:]
        for g in kube.objects["Gateway"] ?? [] where g.apiVersion.hasPrefix("networking.istio.io") || g.apiVersion.isEmpty {
            gateways[(g.metadata.namespace ?? "default") + "/" + g.metadata.name] = g
        }
        self.gateways = gateways

        var subsets: Set<String> = []
        for dr in kube.objects["DestinationRule"] ?? [] {
            let host = ConfigHosts.fqdn(dr.raw["spec"]?["host"]?.string ?? "", namespace: dr.metadata.namespace ?? "default")
            for s in dr.raw["spec"]?["subsets"]?.array ?? [] {
                if let name = s["name"]?.string { subsets.insert(host + "\u{0}" + name) }
            }
        }
        self.subsets = subsets
        virtualServices = (kube.objects["VirtualService"] ?? []).map(ParsedVirtualService.init)
    }

    // MARK: Look-ups

    /// Istio objects of one kind (Istio's own `Gateway`, not Gateway API's, for "Gateway").
    func objects(_ kind: String) -> [KubeObject] {
        guard kind == "Gateway" else { return objectsByKind[kind] ?? [] }
        return (objectsByKind["Gateway"] ?? []).filter { $0.apiVersion.hasPrefix("networking.istio.io") || $0.apiVersion.isEmpty }
    }

    /// Workloads whose labels contain every pair of `selector`, in `namespace` (nil: any).
    /// Reads the smallest label bucket, so a selector costs its matches, not every pod.
    func workloads(matching selector: [String: String], in namespace: String?) -> [ConfigWorkload] {
        guard !selector.isEmpty else {
            guard let namespace else { return workloads }
            return (workloadsByNamespace[namespace] ?? []).map { workloads[$0] }
        }
        var best: [Int]?
        for (k, v) in selector {
            let bucket = workloadsByLabel[ConfigIndex.labelKey(namespace, k, v)] ?? []
            if best == nil || bucket.count < best!.count { best = bucket }
        }
        return (best ?? []).lazy.map { self.workloads[$0] }.filter { w in selector.allSatisfy { w.labels[$0.key] == $0.value } }
    }

    /// Services in `namespace` whose (non-empty) selector selects `labels`.
    func services(selecting labels: [String: String], in namespace: String) -> [KubeService] {
        var out: [KubeService] = []
        for (k, v) in labels {
            for s in servicesBySelector[ConfigIndex.labelKey(namespace, k, v)] ?? [] where s.selector.allSatisfy({ labels[$0.key] == $0.value }) {
                out.append(s)
            }
        }
        return out
    }

    /// The registry entry `host` names, as written in an object in `namespace`: exact names
    /// first, then wildcard ServiceEntries covering it.
    ///
    /// An entry named exactly must be visible in one of ``destinationScopes(_:namespace:)``
    /// of the referring object's `exportTo` (its own namespace when it has none); a wildcard
    /// entry must be visible in the object's own namespace. That is Istio's destination
    /// look-up: a VirtualService exported only to `bogus` cannot reach a Service exported to
    /// its own namespace, and one exported to `*` reaches only hosts exported to all.
    func lookup(_ host: String, from namespace: String, exportTo: [String] = []) -> RegistryEntry? {
        let fqdn = ConfigHosts.fqdn(host, namespace: namespace)
        let scopes = ConfigIndex.destinationScopes(exportTo, namespace: namespace)
        return registryHosts.covering(fqdn).lazy.map { self.registry[$0] }.first {
            $0.host == fqdn ? $0.visible(toAny: scopes) : $0.visible(to: namespace)
        }
    }

    /// The Gateway a VirtualService's `gateways` entry names: `ns/name`, a name in the
    /// VirtualService's namespace, or `name.ns.svc.cluster.local`. Its key is returned even
    /// when it does not exist.
    static func gatewayKey(_ ref: String, from namespace: String) -> String {
        if let slash = ref.firstIndex(of: "/") { return String(ref[..<slash]) + "/" + String(ref[ref.index(after: slash)...]) }
        let parts = ref.split(separator: ".")
        if parts.count >= 2 { return "\(parts[1])/\(parts[0])" }
        return namespace + "/" + ref
    }

    func isInjected(_ namespace: String) -> Bool {
        guard let l = namespaces[namespace]?.metadata.labels else { return false }
        if l["istio.io/rev"] != nil { return l["istio-injection"] == nil || l["istio-injection"] == "enabled" }
        return l["istio-injection"] == "enabled"
    }

    func isAmbient(_ namespace: String) -> Bool {
        namespaces[namespace]?.metadata.labels["istio.io/dataplane-mode"] == "ambient"
    }

    // MARK: Helpers

    static func labelKey(_ namespace: String?, _ key: String, _ value: String) -> String {
        (namespace ?? "*") + "\u{0}" + key + "=" + value
    }

    static func strings(_ v: JSONValue?) -> [String] { v?.elements.compactMap(\.string) ?? [] }

    /// `exportTo` as the set of namespaces that see the object: empty or `*` is everyone,
    /// `.` is the object's own namespace, `~` is no one.
    static func scopes(_ exportTo: [String], namespace: String) -> Set<String> {
        if exportTo.isEmpty || exportTo.contains("*") { return ["*"] }
        return Set(exportTo.compactMap { $0 == "." ? namespace : ($0 == "~" ? nil : $0) })
    }

    /// The namespaces from which a VirtualService's destinations are looked up: those its
    /// `exportTo` names (`.` is its own, `*` stays `*`), its own namespace when it names
    /// none. Unlike ``scopes(_:namespace:)``, no `exportTo` is not "everyone" here.
    static func destinationScopes(_ exportTo: [String], namespace: String) -> Set<String> {
        exportTo.isEmpty ? [namespace] : Set(exportTo.map { $0 == "." ? namespace : $0 })
    }

    /// `app=web,version=v1`, sorted: how istioctl prints a selector.
    static func selectorText(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

/// Values computed from a ``KubeFacts`` and kept with it; replaced whenever one of its lists
/// changes, so a cached index never describes other objects.
final class KubeFactsDerived: @unchecked Sendable {
    private let lock = NSLock()
    private var index: ConfigIndex?

    func configIndex(_ build: () -> ConfigIndex) -> ConfigIndex {
        lock.lock()
        defer { lock.unlock() }
        if let index { return index }
        let built = build()
        index = built
        return built
    }
}

extension ConfigIndex {
    /// Whether any registry host visible in `namespace` overlaps `host` (a wildcard).
    func anyHost(overlapping host: String, visibleTo namespace: String) -> Bool {
        registryHosts.overlapping(host).contains { registry[$0].visible(to: namespace) }
    }
}

/// A VirtualService's fields the rules read, taken from its JSON once.
struct ParsedVirtualService: Sendable {
    let object: KubeObject
    let namespace: String
    let hosts: [String]
    /// `spec.gateways`; empty means the `mesh` gateway.
    let gateways: [String]
    let exportTo: [String]
    let destinations: [RouteDestination]
    /// Unreachable HTTP, TCP and TLS rules and ineffective matches (IST0130, IST0131).
    let unreachable: VirtualServiceRules.Unreachable

    init(_ vs: KubeObject) {
        object = vs
        namespace = vs.metadata.namespace ?? "default"
        let spec = vs.raw["spec"]
        hosts = ConfigIndex.strings(spec?["hosts"])
        gateways = ConfigIndex.strings(spec?["gateways"])
        exportTo = ConfigIndex.strings(spec?["exportTo"])
        destinations = RouteDestination.all(vs)
        unreachable = VirtualServiceRules.unreachable(vs)
    }

    var isBoundToMesh: Bool { gateways.isEmpty || gateways.contains("mesh") }
}
