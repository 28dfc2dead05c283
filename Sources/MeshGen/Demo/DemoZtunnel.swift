import MeshModel

/// What a demo ztunnel answers: `/config_dump` in the current list layout (every ambient
/// workload and service of the mesh, the certificates and connections of its own node) and
/// `:15020/metrics` with Istio's TCP metrics for the ambient pods on its node.
extension DemoMesh {
    /// Pods ztunnel captures: ambient workloads and the waypoints (not ``Faults/uncaptured``).
    func ztunnelWorkloads() -> [Int] { pods.indices.filter { (pods[$0].mode == .ambient || pods[$0].mode == .waypoint) && isCapturedByZtunnel($0) } }

    public func ztunnelConfigDump(node: String, tick: Int, certificates: [String: String] = [:], root: String? = nil) -> [UInt8] {
        let captured = ztunnelWorkloads()
        /// ztunnel's waypoint reference: the waypoint service's VIP on the HBONE port.
        func waypointRef(_ w: Int?) -> JSONTree? {
            w.map { .object(["destination": .string("/" + services[$0].clusterIP), "hboneMtlsPort": .int(15008)]) }
        }
        let workloadNodes: [JSONTree] = captured.map { p in
            let pod = pods[p], wl = workloads[pod.workload]
            return .compact([
                ("uid", .string(podUID(p))),
                ("workloadIps", .array([.string(pod.ip)])),
                ("waypoint", waypointRef(waypoint(forWorkload: pod.workload))),
                ("protocol", .string("HBONE")),
                ("name", .string(pod.name)), ("namespace", .string(pod.namespace)),
                ("trustDomain", .string(trustDomain)), ("serviceAccount", .string(wl.serviceAccount)),
                ("workloadName", .string(wl.name)), ("workloadType", .string("deployment")),
                ("canonicalName", .string(wl.app)), ("canonicalRevision", .string(wl.version.isEmpty ? "latest" : wl.version)),
                ("clusterId", .string("Kubernetes")), ("node", .string(pod.node)),
                ("status", .string("Healthy")), ("capacity", .int(1)),
                ("applicationTunnel", .object(["protocol": .string("NONE")])),
            ])
        }
        let ambientServices = services.indices.filter { s in services[s].workloads.contains { workloads[$0].mode == .ambient || workloads[$0].mode == .waypoint } }
        let serviceNodes: [JSONTree] = ambientServices.map { s in
            let svc = services[s]
            let members = svc.workloads.flatMap { workloads[$0].pods }
            return .compact([
                ("name", .string(svc.name)), ("namespace", .string(svc.namespace)), ("hostname", .string(svc.fqdn)),
                ("vips", .array([.string("/" + svc.clusterIP)])),
                ("ports", .object([(String(svc.port), .int(svc.targetPort))])),
                ("waypoint", waypointRef(waypoint(forService: s))),
                ("endpoints", .object(members.map { m in
                    (podUID(m) + ":/" + pods[m].ip, .object([
                        "workloadUid": .string(podUID(m)), "service": .string(svc.namespace + "/" + svc.fqdn),
                        "address": .string("/" + pods[m].ip), "port": .object([(String(svc.port), .int(svc.targetPort))]),
                    ]))
                })),
                ("subjectAltNames", .array([])), ("ipFamilies", .string("IPv4")),
            ])
        }
        let local = captured.filter { pods[$0].node == node }
        var identities: [(id: String, state: String)] = []
        for p in local {
            let wl = workloads[pods[p].workload]
            let id = "spiffe://\(trustDomain)/ns/\(wl.namespace)/sa/\(wl.serviceAccount)"
            if !identities.contains(where: { $0.id == id }) { identities.append((id, ztunnelCertificateState(namespace: wl.namespace, serviceAccount: wl.serviceAccount))) }
        }
        let certNodes: [JSONTree] = identities.map { id, state in
            // An identity ztunnel could not get a certificate for has none to show.
            let available = state == "Available"
            return .object([
                "identity": .string(id), "state": .string(state),
                "certChain": .array(available ? certificates[id].map { [.object(["pem": .string($0)])] } ?? [] : []),
                "rootCerts": .array(available ? root.map { [.object(["pem": .string($0)])] } ?? [] : []),
            ])
        }
        var states: [(String, JSONTree)] = []
        for p in local where pods[p].mode == .ambient {
            let pod = pods[p], wl = workloads[pod.workload]
            var rng = SeededRandom(seed: UInt64(p) &* 0x9E37_79B9 &+ UInt64(tick))
            let inbound: [JSONTree] = inbound(pod.workload).filter { workloads[edges[$0].source].mode == .ambient }.map { i in
                let src = workloads[edges[i].source].pods.first.map { pods[$0].ip } ?? "0.0.0.0"
                return .object([
                    "src": .string("\(src):\(32_768 + rng.next(below: 28_000))"),
                    "originalDst": .string(services[edges[i].service].fqdn),
                    "actualDst": .string("\(pod.ip):\(services[edges[i].service].targetPort)"), "protocol": .string("HBONE"),
                ])
            }
            let outbound: [JSONTree] = outbound(pod.workload).map { i in
                let svc = services[edges[i].service]
                let target = waypoint(forService: edges[i].service).flatMap { workloads[services[$0].workloads[0]].pods.first }
                    ?? workloads[edges[i].destination].pods.first
                return .object([
                    "src": .string("\(pod.ip):\(32_768 + rng.next(below: 28_000))"),
                    "originalDst": .string("\(svc.clusterIP):\(svc.port)"),
                    "actualDst": .string("\(target.map { pods[$0].ip } ?? "0.0.0.0"):15008"), "protocol": .string("HBONE"),
                ])
            }
            states.append((pod.uid, .object([
                "state": .string("Up"),
                "info": .object(["name": .string(pod.name), "namespace": .string(pod.namespace), "serviceAccount": .string(wl.serviceAccount),
                                 "trustDomain": .string(trustDomain)]),
                "connections": .object(["inbound": .array(inbound), "outbound": .array(outbound)]),
            ])))
        }
        let doc: JSONTree = .object([
            "workloads": .array(workloadNodes),
            "services": .array(serviceNodes),
            "policies": .array([]),
            "certificates": .array(certNodes),
            "workloadState": .object(states),
            "version": .object(["version": .string(istioVersion), "gitRevision": .string("meshscope-demo"), "istioVersion": .string(istioVersion)]),
        ])
        return JSONWriter.bytes(doc, indent: 2)
    }

    /// `:15020/metrics`: TCP metrics of the ambient pods on the node, as the destination's
    /// ztunnel (inbound) and the source's ztunnel (outbound) report them.
    public func ztunnelMetrics(node: String, tick: Int, since: Int = 0) -> [UInt8] {
        var w = DemoPrometheusWriter()
        for p in pods.indices where pods[p].node == node && pods[p].mode == .ambient {
            let pod = pods[p]
            for i in inbound(pod.workload) {
                let c = DemoTraffic.counters(edges[i], pod: pod.replica, tick: tick, since: since, http: services[edges[i].service].protocolName != "tcp")
                writeIstio(&w, edges[i], reporter: "destination", security: "mutual_tls", counters: c, http: false, tcpOnly: true)
            }
            for i in outbound(pod.workload) {
                let c = DemoTraffic.counters(edges[i], pod: 1_000 + pod.replica, tick: tick, since: since, http: services[edges[i].service].protocolName != "tcp")
                writeIstio(&w, edges[i], reporter: "source", security: "mutual_tls", counters: c, http: false, tcpOnly: true)
            }
        }
        w.add("istio_build", type: "gauge", help: "Istio component build info", labels: [("component", "ztunnel"), ("tag", istioVersion)], value: 1)
        return w.bytes()
    }

    func podUID(_ p: Int) -> String { "Kubernetes//Pod/\(pods[p].namespace)/\(pods[p].name)" }
}
