import Foundation
import MeshClient
import MeshModel

/// `meshscope layers --from POD[.NS] --to HOST:PORT` on a source: the path is chained from
/// the whole mesh, and only the dumps it crosses are fetched — the client's sidecar (or its
/// node's ztunnel), the waypoint when the destination has one, the server's sidecar or its
/// node's ztunnel. ``MeshPath/needs(_:from:to:)`` says what is missing; this asks the
/// source for it and asks again, since the waypoint is only known from a ztunnel dump.
enum LayersLive {
    struct Result {
        var hops: [HopLayers]
        var problems: [String]
    }

    static func run(source: SourceOptions, from: String?, to: String, ingress: Bool) async throws -> Result {
        try await source.withSource { s in
            let cluster = try await s.cluster()
            var inputs = Self.inputs(cluster)
            let proxies = MeshStore.proxies(from: cluster.pods)
            let fromKey: String
            if let from {
                let ref = PodReference(from, defaultNamespace: source.defaultNamespace(s))
                guard inputs.pods.contains(where: { $0.name == ref.name && $0.namespace == ref.namespace }) else {
                    throw CLIError(.badInput, "--from \(from): no running pod \(ref.name) in namespace \(ref.namespace)")
                }
                fromKey = ref.description
            } else {
                // --via-ingress without --from: the ingress gateway (istio=ingressgateway first).
                let gateways = proxies.filter { $0.kind == .gateway }
                let labelled = cluster.pods.first { p in p.metadata.labels["istio"] == "ingressgateway" && gateways.contains { $0.name == p.metadata.name } }
                guard let gw = labelled.map({ PodReference(name: $0.metadata.name, namespace: $0.metadata.namespace ?? "") })
                    ?? gateways.first.map({ PodReference(name: $0.name, namespace: $0.namespace) }) else {
                    throw CLIError(.badInput, "--via-ingress: no ingress gateway pod found; name one with --from")
                }
                fromKey = gw.description
            }
            let sourceNamespace = String(fromKey[fromKey.index(after: fromKey.lastIndex(of: ".")!)...])
            let target = resolve(to, services: cluster.services, namespace: sourceNamespace)
            var problems: [String] = []
            var tried = Set<String>()
            for _ in 0..<4 {
                let needs: MeshPathNeeds
                do { needs = try MeshPath.needs(inputs, from: fromKey, to: target) } catch let e as MeshPath.Failure { throw CLIError(.usage, e.message) }
                let proxyKeys = needs.proxies.filter { !tried.contains("proxy " + $0) }
                let nodes = needs.ztunnelNodes.filter { !tried.contains("node " + $0) }
                if proxyKeys.isEmpty && nodes.isEmpty { break }
                for k in proxyKeys { tried.insert("proxy " + k) }
                for n in nodes { tried.insert("node " + n) }
                try await fetch(s, proxyKeys: proxyKeys, nodes: nodes, ztunnels: proxies.filter { $0.kind == .ztunnel }, into: &inputs, problems: &problems)
            }
            do {
                return Result(hops: try MeshPath.build(inputs, from: fromKey, to: target, ingress: ingress), problems: problems)
            } catch let e as MeshPath.Failure {
                throw CLIError(.usage, e.message)
            }
        }
    }

    /// Pods and services as the path model takes them (endpoints from EndpointSlices).
    static func inputs(_ cluster: ClusterSnapshot) -> MeshPathInputs {
        var inputs = MeshPathInputs()
        for pod in cluster.pods where pod.phase == "Running" {
            guard let ip = pod.podIP else { continue }
            inputs.pods.append(MeshPathInputs.Pod(name: pod.metadata.name, namespace: pod.metadata.namespace ?? "", ip: ip,
                                                  node: pod.nodeName ?? "", mode: pod.meshMode))
        }
        var endpoints: [String: [String]] = [:]
        for slice in cluster.endpointSlices {
            guard let name = slice.serviceName else { continue }
            let key = "\(slice.metadata.namespace ?? "")/\(name)"
            for e in slice.endpoints where e.ready { endpoints[key, default: []].append(contentsOf: e.addresses) }
        }
        for svc in cluster.services {
            let ns = svc.metadata.namespace ?? ""
            var ports: [Int: Int] = [:]
            for p in svc.ports { ports[p.port] = p.targetPort.flatMap { Int($0) } ?? p.port }
            inputs.services.append(MeshPathInputs.Service(
                hostname: "\(svc.metadata.name).\(ns).svc.cluster.local", vip: svc.clusterIP ?? "", ports: ports,
                endpointIPs: (endpoints["\(ns)/\(svc.metadata.name)"] ?? []).sorted()))
        }
        return inputs
    }

    /// `reviews:9080`, `reviews.bookinfo:9080`, `reviews.bookinfo.svc:9080` → the service's
    /// FQDN, resolved the way cluster DNS does from the client's namespace. IPs and unknown
    /// names are kept.
    static func resolve(_ to: String, services: [KubeService], namespace: String) -> String {
        guard let colon = to.lastIndex(of: ":") else { return to }
        let host = String(to[..<colon]), port = to[colon...]
        let parts = host.split(separator: ".").map(String.init)
        guard !IPAddress.isLiteral(host), !parts.isEmpty else { return to }
        let name = parts[0]
        let ns = parts.count > 1 ? parts[1] : namespace
        let rest = parts.dropFirst(2).joined(separator: ".")
        guard rest.isEmpty || rest == "svc" || rest == "svc.cluster.local",
              services.contains(where: { $0.metadata.name == name && $0.metadata.namespace == ns }) else { return to }
        return "\(name).\(ns).svc.cluster.local\(port)"
    }

    /// Fetches the proxies' config dumps and the nodes' ztunnel dumps at once.
    static func fetch(_ s: any MeshSource, proxyKeys: [String], nodes: [String], ztunnels: [MeshState.Proxy],
                      into inputs: inout MeshPathInputs, problems: inout [String]) async throws {
        enum Fetched: Sendable { case proxy(String, [UInt8]), ztunnel(String, String, [UInt8]), failed(String) }
        var requests: [(String, PodReference, AdminRequest)] = proxyKeys.map { k in
            let dot = k.lastIndex(of: ".")!
            return (k, PodReference(name: String(k[..<dot]), namespace: String(k[k.index(after: dot)...])), .configDump)
        }
        for node in nodes {
            guard let z = ztunnels.first(where: { $0.node == node }) else {
                problems.append("no ztunnel pod runs on node \(node)")
                continue
            }
            requests.append((node, PodReference(name: z.name, namespace: z.namespace), .ztunnelConfigDump))
        }
        let results = await withTaskGroup(of: Fetched.self) { group in
            for (key, ref, request) in requests {
                group.addTask {
                    do {
                        let bytes = try await s.admin(ref, request)
                        return request == .configDump ? .proxy(key, bytes) : .ztunnel(key, ref.description, bytes)
                    } catch {
                        return .failed("\(ref): \((error as? MeshSourceError)?.message ?? String(describing: error))")
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
                let loaded = try ProxyConfigDump.decode(bytes, source: key)
                problems += loaded.dump.warnings.map { "\(key): \($0.description)" }
                inputs.proxies[key] = loaded.dump
            case .ztunnel(let node, let name, let bytes):
                let loaded = try ZtunnelInput.load(bytes: bytes, name: "ztunnel \(name)")
                problems += loaded.problems
                inputs.ztunnels[node] = loaded.value
            case .failed(let message):
                problems.append(message)
            }
        }
    }
}
