import Foundation
import MeshModel

/// A path from a pod to `HOST:PORT` chained from a whole mesh read through a ``MeshSource``
/// (a cluster, the demo, a snapshot): `meshscope layers --from/--to` and the TUI's Layers
/// view on live sources both call ``path(_:from:to:ingress:defaultNamespace:)``.
///
/// Only the dumps the path crosses are fetched — the client's sidecar (or its node's
/// ztunnel), the waypoint when the destination has one, the server's sidecar or its node's
/// ztunnel. ``MeshPath/needs(_:from:to:)`` says what is missing; this asks the source for
/// it and asks again, since the waypoint is only known from a ztunnel dump.
///
/// ```swift
/// let path = try await MeshPathSources.path(source, from: "productpage-v1-7d4b9.bookinfo",
///                                           to: "reviews:9080", defaultNamespace: "default")
/// print(LayersDiagram(hops: path.hops).text)
/// ```
public enum MeshPathSources {
    public struct Result: Sendable {
        /// `POD.NS` the path starts at (the ingress gateway's with `ingress` and no `from`).
        public var from: String
        /// The destination as chained: short service names resolved to their FQDN.
        public var to: String
        public var hops: [HopLayers]
        /// What could not be read or decoded; the hops that needed it say "unknown".
        public var problems: [String]
        /// Dumps that were fetched but could not be decoded at all (also in `problems`).
        public var unreadable: [Unreadable]
    }

    /// A dump that arrived but is not JSON or not a dump; `name` is `POD.NS` or `ztunnel POD.NS`.
    public struct Unreadable: Sendable, Equatable {
        public var name: String
        public var message: String
    }

    /// No path at all: the source pod does not exist, `to` is not `HOST:PORT`, no gateway.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// The arguments cannot be used (`--to` not HOST:PORT, an ambiguous workload).
            case usage
            /// What the arguments name is not in the mesh.
            case notFound
        }

        public var kind: Kind
        public var message: String
        public var description: String { message }
    }

    /// `from`: `POD[.NS]` (nil with `ingress`: the `istio=ingressgateway` pod, else the first
    /// gateway); `to`: `HOST:PORT` (service name, FQDN or VIP) or `POD_IP:PORT`.
    /// Throws ``Failure`` or the source's ``MeshSourceError`` (objects unreadable).
    public static func path(_ source: any MeshSource, from: String?, to: String, ingress: Bool = false,
                            defaultNamespace: String) async throws -> Result {
        let cluster = try await source.cluster()
        var inputs = inputs(cluster)
        let proxies = MeshStore.proxies(from: cluster.pods)
        let fromKey: String
        if let from {
            let (name, ns) = podReference(from, defaultNamespace: defaultNamespace)
            guard inputs.pods.contains(where: { $0.name == name && $0.namespace == ns }) else {
                throw Failure(kind: .notFound, message: "--from \(from): no running pod \(name) in namespace \(ns)")
            }
            fromKey = "\(name).\(ns)"
        } else {
            // --via-ingress without --from: the ingress gateway (istio=ingressgateway first).
            let gateways = proxies.filter { $0.kind == .gateway }
            let labelled = cluster.pods.first { p in p.metadata.labels["istio"] == "ingressgateway" && gateways.contains { $0.name == p.metadata.name } }
            guard let gw = labelled.map({ "\($0.metadata.name).\($0.metadata.namespace ?? "")" }) ?? gateways.first.map({ "\($0.name).\($0.namespace)" }) else {
                throw Failure(kind: .notFound, message: "--via-ingress: no ingress gateway pod found; name one with --from")
            }
            fromKey = gw
        }
        let sourceNamespace = String(fromKey[fromKey.index(after: fromKey.lastIndex(of: ".")!)...])
        let target = resolve(to, services: cluster.services, namespace: sourceNamespace)
        var problems: [String] = []
        var unreadable: [Unreadable] = []
        var tried = Set<String>()
        for _ in 0..<4 {
            let needs: MeshPathNeeds
            do { needs = try MeshPath.needs(inputs, from: fromKey, to: target) } catch { throw Failure(kind: .usage, message: error.message) }
            let proxyKeys = needs.proxies.filter { !tried.contains("proxy " + $0) }
            let nodes = needs.ztunnelNodes.filter { !tried.contains("node " + $0) }
            if proxyKeys.isEmpty && nodes.isEmpty { break }
            for k in proxyKeys { tried.insert("proxy " + k) }
            for n in nodes { tried.insert("node " + n) }
            await fetch(source, proxyKeys: proxyKeys, nodes: nodes, ztunnels: proxies.filter { $0.kind == .ztunnel },
                        into: &inputs, problems: &problems, unreadable: &unreadable)
        }
        do {
            let hops = try MeshPath.build(inputs, from: fromKey, to: target, ingress: ingress)
            return Result(from: fromKey, to: target, hops: hops, problems: problems, unreadable: unreadable)
        } catch {
            throw Failure(kind: .usage, message: error.message)
        }
    }

    /// `web-0.shop` → (web-0, shop); `web-0` → (web-0, `defaultNamespace`): istioctl's rule.
    static func podReference(_ text: String, defaultNamespace: String) -> (String, String) {
        guard let dot = text.lastIndex(of: ".") else { return (text, defaultNamespace) }
        return (String(text[..<dot]), String(text[text.index(after: dot)...]))
    }

    /// Pods and services as the path model takes them (endpoints from EndpointSlices, ready
    /// and not ready apart).
    public static func inputs(_ cluster: ClusterSnapshot) -> MeshPathInputs {
        var inputs = MeshPathInputs()
        for pod in cluster.pods where pod.phase == "Running" {
            guard let ip = pod.podIP else { continue }
            inputs.pods.append(MeshPathInputs.Pod(name: pod.metadata.name, namespace: pod.metadata.namespace ?? "", ip: ip,
                                                  node: pod.nodeName ?? "", mode: pod.meshMode))
        }
        var endpoints: [String: [String]] = [:]
        var notReady: [String: [String]] = [:]
        for slice in cluster.endpointSlices {
            guard let name = slice.serviceName else { continue }
            let key = "\(slice.metadata.namespace ?? "")/\(name)"
            for e in slice.endpoints {
                if e.ready { endpoints[key, default: []].append(contentsOf: e.addresses) } else { notReady[key, default: []].append(contentsOf: e.addresses) }
            }
        }
        for svc in cluster.services {
            let ns = svc.metadata.namespace ?? ""
            var ports: [Int: Int] = [:]
            for p in svc.ports { ports[p.port] = p.targetPort.flatMap { Int($0) } ?? p.port }
            inputs.services.append(MeshPathInputs.Service(
                hostname: "\(svc.metadata.name).\(ns).svc.cluster.local", vip: svc.clusterIP ?? "", ports: ports,
                endpointIPs: (endpoints["\(ns)/\(svc.metadata.name)"] ?? []).sorted(),
                notReadyEndpointIPs: (notReady["\(ns)/\(svc.metadata.name)"] ?? []).sorted()))
        }
        return inputs
    }

    /// The service `host` names the way cluster DNS resolves it from `namespace`
    /// (`reviews`, `reviews.bookinfo`, `reviews.bookinfo.svc[.cluster.local]`); nil for IPs
    /// and names that are no service.
    public static func service(_ host: String, services: [KubeService], namespace: String) -> KubeService? {
        let parts = host.split(separator: ".").map(String.init)
        guard !IPAddress.isLiteral(host), !parts.isEmpty else { return nil }
        let name = parts[0]
        let ns = parts.count > 1 ? parts[1] : namespace
        let rest = parts.dropFirst(2).joined(separator: ".")
        guard rest.isEmpty || rest == "svc" || rest == "svc.cluster.local" else { return nil }
        return services.first { $0.metadata.name == name && $0.metadata.namespace == ns }
    }

    /// `reviews:9080`, `reviews.bookinfo:9080`, `reviews.bookinfo.svc:9080` → the service's
    /// FQDN with the port. IPs and unknown names are kept.
    public static func resolve(_ to: String, services: [KubeService], namespace: String) -> String {
        guard let colon = to.lastIndex(of: ":") else { return to }
        let host = String(to[..<colon]), port = to[colon...]
        guard let svc = service(host, services: services, namespace: namespace) else { return to }
        return "\(svc.metadata.name).\(svc.metadata.namespace ?? namespace).svc.cluster.local\(port)"
    }

    /// Fetches the proxies' config dumps and the nodes' ztunnel dumps at once.
    static func fetch(_ s: any MeshSource, proxyKeys: [String], nodes: [String], ztunnels: [MeshState.Proxy],
                      into inputs: inout MeshPathInputs, problems: inout [String], unreadable: inout [Unreadable]) async {
        enum Fetched: Sendable { case proxy(String, [UInt8]), ztunnel(String, String, [UInt8]), failed(String) }
        var requests: [(key: String, pod: String, namespace: String, request: AdminRequest)] = proxyKeys.map { k in
            let (name, ns) = podReference(k, defaultNamespace: "")
            return (key: k, pod: name, namespace: ns, request: AdminRequest.configDump)
        }
        for node in nodes {
            guard let z = ztunnels.first(where: { $0.node == node }) else {
                problems.append("no ztunnel pod runs on node \(node)")
                continue
            }
            requests.append((key: node, pod: z.name, namespace: z.namespace, request: AdminRequest.ztunnelConfigDump))
        }
        let results = await withTaskGroup(of: Fetched.self) { group in
            for r in requests {
                group.addTask {
                    let ref = "\(r.pod).\(r.namespace)"
                    do {
                        let bytes = try await s.admin(pod: r.pod, namespace: r.namespace, request: r.request)
                        return r.request == .configDump ? .proxy(r.key, bytes) : .ztunnel(r.key, ref, bytes)
                    } catch {
                        // Messages name the pod and the endpoint (as the CLI's live reads do).
                        let text = (error as? MeshSourceError)?.message ?? String(describing: error)
                        let message = text.contains(r.pod) ? text : "\(ref) \(r.request): \(text)"
                        return .failed("\(ref): \(message)")
                    }
                }
            }
            var out: [Fetched] = []
            for await r in group { out.append(r) }
            return out
        }
        for r in results {
            switch r {
            case .proxy(let key, let bytes):
                switch envoy(bytes) {
                case .success(let dump):
                    problems += dump.warnings.map { "\(key): \($0.description)" }
                    inputs.proxies[key] = dump
                case .failure(let why):
                    unreadable.append(Unreadable(name: key, message: why.message))
                    problems.append("\(key): \(why.message)")
                }
            case .ztunnel(let node, let pod, let bytes):
                let name = "ztunnel \(pod)"
                switch ztunnel(bytes, name: name) {
                case .success(let (dump, found)):
                    problems += found
                    inputs.ztunnels[node] = dump
                case .failure(let why):
                    unreadable.append(Unreadable(name: name, message: why.message))
                    problems.append("\(name): \(why.message)")
                }
            case .failed(let message):
                problems.append(message)
            }
        }
    }

    struct DecodeFailure: Error { var message: String }

    /// An Envoy `/config_dump`, with the CLI's `--file` messages.
    static func envoy(_ bytes: [UInt8]) -> Swift.Result<EnvoyConfigDump, DecodeFailure> {
        let document: JSONDocument
        do { document = try JSONDocument(bytes: bytes) } catch { return .failure(DecodeFailure(message: "not valid JSON: \(error.description)")) }
        do { return .success(try EnvoyConfigDump(document: document)) } catch { return .failure(DecodeFailure(message: error.description)) }
    }

    /// A ztunnel `/config_dump`; a broken one keeps the sections before the damage.
    static func ztunnel(_ bytes: [UInt8], name: String) -> Swift.Result<(ZtunnelDump, [String]), DecodeFailure> {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .failure(DecodeFailure(message: "empty input")) }
        do {
            let (doc, error) = try JSONSalvage.parse(bytes)
            var problems: [String] = []
            if let error {
                problems.append("\(name): \(error) (showing only the sections before it: \(doc.root.members.map(\.key).joined(separator: ", ")))")
            }
            let dump = ZtunnelDump.decode(doc)
            return .success((dump, problems + dump.issues.map { "\(name): \($0)" }))
        } catch {
            return .failure(DecodeFailure(message: error.description))
        }
    }
}
