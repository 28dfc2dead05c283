import MeshModel

/// The demo's Kubernetes objects as JSON documents the API server would return: namespaces,
/// pods (with the labels, annotations and containers that tell the mesh mode), services,
/// endpointslices, and the Istio objects the proxies' config names (DestinationRules).
///
/// ```swift
/// let objects = demo.kubernetesObjects()   // [[UInt8]], one JSON object each
/// ```
extension DemoMesh {
    public static let creationTimestamp = "2026-11-20T09:00:00Z"

    public func kubernetesObjects() -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(namespaces.count + pods.count + services.count * 2)
        for ns in namespaces where !["default", "kube-system", "istio-system"].contains(ns.name) {
            out.append(encode(namespaceObject(ns)))
        }
        for p in pods.indices { out.append(encode(podObject(p))) }
        for s in services.indices {
            out.append(encode(serviceObject(s)))
            out.append(encode(endpointSliceObject(s)))
        }
        for rule in destinationRules { out.append(encode(destinationRuleObject(rule))) }
        for object in faultObjects() { out.append(encode(object)) }
        return out
    }

    private func encode(_ node: JSONTree) -> [UInt8] { JSONWriter.bytes(node, indent: 0) }

    private func labels(_ pairs: [(String, String)]) -> JSONTree { .object(pairs.map { ($0.0, .string($0.1)) }) }

    func namespaceObject(_ ns: Namespace) -> JSONTree {
        .object([
            "apiVersion": .string("v1"), "kind": .string("Namespace"),
            "metadata": .object(["name": .string(ns.name), "labels": labels(ns.labels), "creationTimestamp": .string(DemoMesh.creationTimestamp)]),
            "spec": .object(["finalizers": .array([.string("kubernetes")])]),
            "status": .object(["phase": .string("Active")]),
        ])
    }

    func podObject(_ p: Int) -> JSONTree {
        let pod = pods[p], wl = workloads[pod.workload]
        var podLabels: [(String, String)] = [("app", wl.app)]
        if !wl.version.isEmpty { podLabels.append(("version", wl.version)) }
        var annotations: [(String, String)] = []
        var containers: [JSONTree] = []
        func container(_ name: String, _ image: String, args: [String] = [], ports: [(String, Int)]) -> JSONTree {
            .compact([
                ("name", .string(name)), ("image", .string(image)),
                ("args", args.isEmpty ? nil : .array(args.map { .string($0) })),
                ("ports", .array(ports.map { .object(["name": .string($0.0), "containerPort": .int($0.1), "protocol": .string("TCP")]) })),
            ])
        }
        let proxyImage = "docker.io/istio/proxyv2:\(proxyVersion(p))"
        let proxyPorts = [("http-envoy-prom", 15090)]
        switch pod.mode {
        case .sidecar:
            podLabels += [("security.istio.io/tlsMode", "istio"), ("service.istio.io/canonical-name", wl.app),
                          ("service.istio.io/canonical-revision", wl.version.isEmpty ? "latest" : wl.version)]
            annotations.append(("sidecar.istio.io/status",
                                #"{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}"#))
            annotations.append(("prometheus.io/port", "15020"))
            containers.append(container(wl.app, wl.image, ports: [("http", wl.containerPort)]))
            containers.append(container("istio-proxy", proxyImage, args: ["proxy", "sidecar", "--domain", "\(pod.namespace).svc.cluster.local"], ports: proxyPorts))
        case .ambient:
            // The CNI agent annotates the pods it redirected; it never got to the uncaptured one.
            if isCapturedByZtunnel(p) { annotations.append(("ambient.istio.io/redirection", "enabled")) }
            containers.append(container(wl.app, wl.image, ports: [("http", wl.containerPort)]))
        case .waypoint:
            podLabels = [("gateway.istio.io/managed", "istio.io-mesh-controller"), ("gateway.networking.k8s.io/gateway-name", wl.name),
                         ("gateway.networking.k8s.io/gateway-class-name", "istio-waypoint"), ("istio.io/dataplane-mode", "none"),
                         ("service.istio.io/canonical-name", wl.name)]
            containers.append(container("istio-proxy", proxyImage, args: ["proxy", "waypoint", "--domain", "\(pod.namespace).svc.cluster.local"],
                                        ports: [("mesh", 15008), ("http-envoy-prom", 15090)]))
        case .gateway:
            podLabels += [("istio", "ingressgateway"), ("service.istio.io/canonical-name", wl.app)]
            containers.append(container("istio-proxy", proxyImage, args: ["proxy", "router", "--domain", "\(pod.namespace).svc.cluster.local"],
                                        ports: [("http2", 8080), ("https", 8443), ("http-envoy-prom", 15090)]))
        case .ztunnel:
            podLabels.append(("sidecar.istio.io/inject", "false"))
            containers.append(container("istio-proxy", wl.image, ports: [("ztunnel-stats", 15020)]))
        case .istiod:
            podLabels += [("istio", "pilot"), ("sidecar.istio.io/inject", "false")]
            containers.append(container("discovery", wl.image, args: ["discovery", "--monitoringAddr=:15014"],
                                        ports: [("http-debug", 8080), ("grpc-xds", 15010), ("https-dns", 15012), ("http-monitoring", 15014)]))
        case .none:
            containers.append(container(wl.app, wl.image, ports: []))
        }
        let ready = JSONTree.array([
            .object(["type": .string("Initialized"), "status": .string("True")]),
            .object(["type": .string("Ready"), "status": .string("True")]),
            .object(["type": .string("ContainersReady"), "status": .string("True")]),
            .object(["type": .string("PodScheduled"), "status": .string("True")]),
        ])
        let statuses: [JSONTree] = containers.compactMap { c -> JSONTree? in
            guard case .object(let fields) = c, case .string(let name)? = fields.first(where: { $0.0 == "name" })?.1,
                  case .string(let image)? = fields.first(where: { $0.0 == "image" })?.1 else { return nil }
            return .object([
                "name": .string(name), "image": .string(image), "ready": .bool(true), "started": .bool(true), "restartCount": .int(0),
                "state": .object(["running": .object(["startedAt": .string(DemoMesh.creationTimestamp)])]),
            ])
        }
        let kind = pod.mode == .ztunnel ? "DaemonSet" : "ReplicaSet"
        let owner = pod.mode == .ztunnel ? wl.name : String(pod.name[..<pod.name.lastIndex(of: "-")!])
        return .object([
            "apiVersion": .string("v1"), "kind": .string("Pod"),
            "metadata": .object([
                "name": .string(pod.name), "namespace": .string(pod.namespace), "uid": .string(pod.uid),
                "labels": labels(podLabels), "annotations": labels(annotations),
                "creationTimestamp": .string(DemoMesh.creationTimestamp),
                "ownerReferences": .array([.object(["apiVersion": .string("apps/v1"), "kind": .string(kind), "name": .string(owner),
                                                    "controller": .bool(true), "uid": .string(pod.uid)])]),
            ]),
            "spec": .object([
                "nodeName": .string(pod.node), "serviceAccountName": .string(wl.serviceAccount),
                "containers": .array(containers),
            ]),
            "status": .object([
                "phase": .string("Running"), "podIP": .string(pod.ip), "podIPs": .array([.object(["ip": .string(pod.ip)])]),
                "hostIP": .string("172.18.0.\(2 + (nodes.firstIndex(of: pod.node) ?? 0))"),
                "startTime": .string(DemoMesh.creationTimestamp), "conditions": ready, "containerStatuses": .array(statuses),
            ]),
        ])
    }

    func serviceObject(_ s: Int) -> JSONTree {
        let svc = services[s]
        var svcLabels: [(String, String)] = [("app", svc.app)]
        if svc.workloads.contains(where: { workloads[$0].mode == .waypoint }) {
            svcLabels = [("gateway.istio.io/managed", "istio.io-mesh-controller"), ("istio.io/waypoint-for", DemoMesh.waypointFor)]
        }
        return .object([
            "apiVersion": .string("v1"), "kind": .string("Service"),
            "metadata": .object(["name": .string(svc.name), "namespace": .string(svc.namespace), "labels": labels(svcLabels),
                                 "creationTimestamp": .string(DemoMesh.creationTimestamp)]),
            "spec": .object([
                "type": .string("ClusterIP"), "clusterIP": .string(svc.clusterIP), "clusterIPs": .array([.string(svc.clusterIP)]),
                "selector": .object(["app": .string(svc.app)]),
                "ports": .array([.object(["name": .string(svc.portName), "port": .int(svc.port), "targetPort": .int(svc.targetPort),
                                          "protocol": .string("TCP")])]),
            ]),
            "status": .object(["loadBalancer": .object([:])]),
        ])
    }

    func endpointSliceObject(_ s: Int) -> JSONTree {
        let svc = services[s]
        let members = svc.workloads.flatMap { workloads[$0].pods }
        return .object([
            "apiVersion": .string("discovery.k8s.io/v1"), "kind": .string("EndpointSlice"),
            "metadata": .object(["name": .string("\(svc.name)-\(String(services[s].clusterIP.split(separator: ".").last ?? "x"))x7k"),
                                 "namespace": .string(svc.namespace),
                                 "labels": labels([("kubernetes.io/service-name", svc.name), ("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")]),
                                 "creationTimestamp": .string(DemoMesh.creationTimestamp)]),
            "addressType": .string("IPv4"),
            "endpoints": .array(members.map { m in
                .object([
                    "addresses": .array([.string(pods[m].ip)]),
                    "conditions": .object(["ready": .bool(isHealthy(pod: m)), "serving": .bool(true), "terminating": .bool(false)]),
                    "nodeName": .string(pods[m].node), "zone": .string(pods[m].zone),
                    "targetRef": .object(["kind": .string("Pod"), "name": .string(pods[m].name), "namespace": .string(pods[m].namespace), "uid": .string(pods[m].uid)]),
                ])
            }),
            "ports": .array([.object(["name": .string(svc.portName), "port": .int(svc.targetPort), "protocol": .string("TCP")])]),
        ])
    }

    /// A DestinationRule as `kubectl apply` leaves it: host, TLS mode if set, and one subset per version label.
    func destinationRuleObject(_ rule: DestinationRule) -> JSONTree {
        var spec: [(String, JSONTree)] = [("host", .string(services[rule.service].fqdn))]
        if let mode = rule.tlsMode { spec.append(("trafficPolicy", .object([("tls", .object([("mode", .string(mode))]))]))) }
        if !rule.subsets.isEmpty {
            spec.append(("subsets", .array(rule.subsets.map { .object(["name": .string($0), "labels": .object(["version": .string($0)])]) })))
        }
        return .object([
            "apiVersion": .string("networking.istio.io/v1"), "kind": .string("DestinationRule"),
            "metadata": .object(["name": .string(rule.name), "namespace": .string(rule.namespace),
                                 "creationTimestamp": .string(DemoMesh.creationTimestamp)]),
            "spec": .object(spec),
        ])
    }

    /// The Istio objects behind the planted faults: the STRICT PeerAuthentication of
    /// ``Faults/strictWorkload``, the DENY AuthorizationPolicy of ``Faults/denyingWorkload``, and the VirtualService routing the client's ``Edge/noCluster``
    /// calls to a subset no DestinationRule defines.
    func faultObjects() -> [JSONTree] {
        func meta(_ name: String, _ ns: String) -> JSONTree {
            .object(["name": .string(name), "namespace": .string(ns), "creationTimestamp": .string(DemoMesh.creationTimestamp)])
        }
        let strict = workloads[faults.strictWorkload]
        var out: [JSONTree] = [.object([
            "apiVersion": .string("security.istio.io/v1"), "kind": .string("PeerAuthentication"), "metadata": meta(strict.app + "-strict", strict.namespace),
            "spec": .object(["selector": .object(["matchLabels": .object(["app": .string(strict.app)])]), "mtls": .object(["mode": .string("STRICT")])]),
        ])]
        // DENY the client's DELETEs on the denying workload (403 from its sidecar's RBAC filter).
        let denying = workloads[faults.denyingWorkload]
        let principals = deniedPrincipals(faults.denyingWorkload)
        if !principals.isEmpty {
            out.append(.object([
                "apiVersion": .string("security.istio.io/v1"), "kind": .string("AuthorizationPolicy"),
                "metadata": meta(DemoMesh.denyPolicyName, denying.namespace),
                "spec": .object([
                    "selector": .object(["matchLabels": .object(["app": .string(denying.app)])]),
                    "action": .string("DENY"),
                    "rules": .array([.object([
                        "from": .array([.object(["source": .object(["principals": .array(principals.map { .string($0) })])])]),
                        "to": .array([.object(["operation": .object(["methods": .array([.string(DemoMesh.deniedMethod)])])])]),
                    ])]),
                ]),
            ]))
        }
        for e in edges where e.noCluster && workloads[e.source].mode.hasEnvoy {
            let svc = services[e.service]
            guard !out.contains(where: { $0["kind"]?.string == "VirtualService" && $0["metadata"]?["name"]?.string == svc.name }) else { continue }
            out.append(.object([
                "apiVersion": .string("networking.istio.io/v1"), "kind": .string("VirtualService"), "metadata": meta(svc.name, svc.namespace),
                "spec": .object([
                    "hosts": .array([.string(svc.fqdn)]),
                    "http": .array([.object(["route": .array([.object(["destination": .object(["host": .string(svc.fqdn), "subset": "v2"])])])])]),
                ]),
            ]))
        }
        return out
    }
}
