import MeshModel

/// What a demo Envoy (sidecar, gateway or waypoint) answers on its admin port:
/// `/stats/prometheus`, `/clusters?format=json` and `/config_dump`.
///
/// ```swift
/// let text = demo.envoyPrometheus(pod: p, tick: 3_600)
/// let clusters = demo.envoyClustersJSON(pod: p, tick: 3_600)
/// ```
extension DemoMesh {
    /// `/stats/prometheus`: Istio's standard metrics for the pod's inbound edges (reporter
    /// destination, or waypoint for a waypoint) and outbound edges (reporter source), plus
    /// Envoy's per-cluster upstream stats.
    public func envoyPrometheus(pod p: Int, tick: Int, since: Int = 0) -> [UInt8] {
        var w = DemoPrometheusWriter()
        let pod = pods[p]
        let wl = workloads[pod.workload]
        if pod.mode == .waypoint {
            // The waypoint sees every edge into its namespace's workloads that goes through it.
            for e in edges where e.viaWaypoint && !e.failsAtClient && workloads[e.destination].namespace == pod.namespace {
                var sum = DemoTraffic.Counters()
                for r in workloads[e.destination].pods.indices { sum.add(DemoTraffic.counters(e, pod: r, tick: tick, since: since, http: true)) }
                writeIstio(&w, e, reporter: "waypoint", security: "mutual_tls", counters: sum, http: services[e.service].protocolName != "tcp", tcpOnly: false)
            }
        } else {
            // Requests the client failed locally (no healthy host, no cluster) never arrive.
            for i in inbound(pod.workload) where !edges[i].viaWaypoint && !edges[i].failsAtClient {
                let e = edges[i]
                let http = services[e.service].protocolName != "tcp"
                let c = DemoTraffic.counters(e, pod: pod.replica, tick: tick, since: since, http: http)
                writeIstio(&w, e, reporter: "destination", security: e.mtls ? "mutual_tls" : "none", counters: c, http: http, tcpOnly: false)
            }
        }
        for i in outbound(pod.workload) where wl.mode.hasEnvoy {
            let e = edges[i]
            let http = services[e.service].protocolName != "tcp"
            let c = DemoTraffic.counters(e, pod: 1_000 + pod.replica, tick: tick, since: since, http: http)
            writeIstio(&w, e, reporter: "source", security: "unknown", counters: c, http: http, tcpOnly: false)
        }
        for r in rbacCounts(pod: p, tick: tick, since: since) {
            let labels = [("envoy_http_conn_manager_prefix", r.statPrefix)]
            w.add("envoy_http_rbac_allowed", help: "", labels: labels, value: r.allowed)
            w.add("envoy_http_rbac_denied", help: "", labels: labels, value: r.denied)
        }
        for c in upstreamHosts(pod: p, tick: tick, since: since) {
            let labels = [("cluster_name", c.name)]
            w.add("envoy_cluster_upstream_rq_total", help: "", labels: labels, value: c.upstreamRequests)
            w.add("envoy_cluster_upstream_rq_5xx", help: "", labels: labels, value: c.responses503)
            w.add("envoy_cluster_upstream_rq", help: "", labels: labels + [("response_code", "503")], value: c.responses503)
            w.add("envoy_cluster_upstream_cx_none_healthy", help: "", labels: labels, value: c.noHealthy)
            w.add("envoy_cluster_upstream_cx_total", help: "", labels: labels, value: c.connections)
            w.add("envoy_cluster_upstream_cx_connect_fail", help: "", labels: labels, value: c.connectFailures)
            w.add("envoy_cluster_upstream_cx_active", type: "gauge", help: "", labels: labels, value: c.healthyHosts)
            w.add("envoy_cluster_membership_healthy", type: "gauge", help: "", labels: labels, value: c.healthyHosts)
            w.add("envoy_cluster_membership_total", type: "gauge", help: "", labels: labels, value: c.hosts.count)
        }
        w.add("envoy_server_live", type: "gauge", help: "", labels: [], value: 1)
        w.add("envoy_server_uptime", type: "gauge", help: "", labels: [], value: max(0, tick - since))
        return w.bytes()
    }

    /// One inbound HTTP connection manager's RBAC filter counters (`http.<stat_prefix>.rbac.allowed`
    /// and `.denied`, Envoy's RBAC filter statistics).
    struct RBACCounts {
        var statPrefix: String
        var allowed: Int
        var denied: Int
    }

    /// The RBAC filter counters of a sidecar an AuthorizationPolicy selects
    /// (``Faults/denyingWorkload``): every inbound request passes its filter; the denied
    /// edge's failing requests are the denials. The same counters the pod reports as
    /// destination in `istio_requests_total{response_code="403"}`.
    func rbacCounts(pod p: Int, tick: Int, since: Int) -> [RBACCounts] {
        let pod = pods[p]
        guard pod.mode == .sidecar, pod.workload == faults.denyingWorkload, let s = workloads[pod.workload].service else { return [] }
        var out = RBACCounts(statPrefix: "inbound_0.0.0.0_\(services[s].targetPort)", allowed: 0, denied: 0)
        for i in inbound(pod.workload) where !edges[i].viaWaypoint && !edges[i].failsAtClient && services[edges[i].service].protocolName != "tcp" {
            let c = DemoTraffic.counters(edges[i], pod: pod.replica, tick: tick, since: since, http: true)
            let denied = edges[i].deniedBy != nil ? c.errors : 0
            out.denied += denied
            out.allowed += c.requests - denied
        }
        return [out]
    }

    struct UpstreamHost {
        var pod: Int
        var port: Int
        var total: Int
        var errors: Int
        var healthy: Bool
        /// Failed connection attempts (``Edge/connectFailures``: each of its errors is one).
        var connectFailures = 0
    }

    /// One outbound cluster of a client Envoy as its stats count it.
    struct UpstreamCluster {
        var name: String
        var hosts: [UpstreamHost]
        /// Requests failed locally for want of a healthy host (Envoy's `upstream_cx_none_healthy`;
        /// each is also a 503 but never an upstream request). The same count the client's
        /// `istio_requests_total{response_code="503",response_flags="UH"}` carries.
        var noHealthy: Int

        /// `upstream_rq_total`: requests that reached a host.
        var upstreamRequests: Int { hosts.reduce(0) { $0 + $1.total } }
        /// `upstream_rq_503`: the hosts' 503s plus the local ones.
        var responses503: Int { hosts.reduce(0) { $0 + $1.errors } + noHealthy }
        var healthyHosts: Int { hosts.filter(\.healthy).count }
        var connectFailures: Int { hosts.reduce(0) { $0 + $1.connectFailures } }
        /// `upstream_cx_total`: about one connection per 50 requests, plus every failed attempt.
        var connections: Int { upstreamRequests / 50 + connectFailures }
    }

    /// Outbound clusters of a pod (one per called service) and their hosts with request counts.
    func upstreamHosts(pod p: Int, tick: Int, since: Int) -> [UpstreamCluster] {
        let pod = pods[p]
        guard pod.mode.hasEnvoy else { return [] }
        var byService: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in outbound(pod.workload) {
            if byService[edges[i].service] == nil { order.append(edges[i].service) }
            byService[edges[i].service, default: []].append(i)
        }
        return order.map { s in
            let svc = services[s]
            var hosts: [UpstreamHost] = []
            // The same counters the pod reports as source for these edges.
            let noHealthy = byService[s]!.filter { edges[$0].noHealthyUpstream }.reduce(0) { sum, i in
                sum + DemoTraffic.counters(edges[i], pod: 1_000 + pod.replica, tick: tick, since: since, http: true).requests
            }
            for w in svc.workloads {
                let edge = byService[s]!.first { edges[$0].destination == w }.map { edges[$0] }
                for h in workloads[w].pods {
                    let healthy = isHealthy(pod: h)
                    // Requests failed at the client (UH, NC) reach no host.
                    let counts = edge.map { healthy && !$0.failsAtClient ? DemoTraffic.hostRequests($0, sourcePod: pod.replica, host: pods[h].replica, tick: tick, since: since) : (0, 0) } ?? (0, 0)
                    // A 403 the destination's RBAC filter answers is no host error (not a 5xx).
                    let errors = edge?.deniedBy != nil ? 0 : counts.1
                    hosts.append(UpstreamHost(pod: h, port: svc.targetPort, total: counts.0, errors: errors, healthy: healthy,
                                              connectFailures: edge?.connectFailures == true ? counts.1 : 0))
                }
            }
            return UpstreamCluster(name: "outbound|\(svc.port)||\(svc.fqdn)", hosts: hosts, noHealthy: noHealthy)
        }
    }

    /// `/clusters?format=json` as Envoy writes it (proto JSON, uint64 stats as strings).
    public func envoyClustersJSON(pod p: Int, tick: Int, since: Int = 0) -> [UInt8] {
        var statuses: [JSONTree] = []
        let thresholds: JSONTree = .object(["thresholds": .array([
            .object(["max_connections": .int(4_294_967_295), "max_pending_requests": .int(4_294_967_295),
                     "max_requests": .int(4_294_967_295), "max_retries": .int(4_294_967_295)]),
            .object(["priority": .string("HIGH"), "max_connections": .int(1024), "max_pending_requests": .int(1024),
                     "max_requests": .int(1024), "max_retries": .int(3)]),
        ])])
        func socket(_ ip: String, _ port: Int) -> JSONTree {
            .object(["socket_address": .object(["address": .string(ip), "port_value": .int(port)])])
        }
        func host(_ ip: String, _ port: Int, zone: String, total: Int, errors: Int, active: Int, healthy: Bool, connectFailures: Int = 0) -> JSONTree {
            let connectFail: JSONTree = connectFailures > 0 ? .object(["value": .string(String(connectFailures)), "name": .string("cx_connect_fail")])
                : .object(["name": .string("cx_connect_fail")])
            return .object([
                "address": socket(ip, port),
                "stats": .array([
                    .object(["value": .string(String(total / 50 + active + connectFailures)), "name": .string("cx_total")]),
                    connectFail,
                    .object(["type": .string("GAUGE"), "value": .string(String(active)), "name": .string("cx_active")]),
                    .object(["type": .string("GAUGE"), "name": .string("rq_active")]),
                    .object(["value": .string(String(errors)), "name": .string("rq_error")]),
                    .object(["value": .string(String(total - errors)), "name": .string("rq_success")]),
                    .object(["name": .string("rq_timeout")]),
                    .object(["value": .string(String(total)), "name": .string("rq_total")]),
                ]),
                "health_status": .object(healthy ? ["eds_health_status": .string("HEALTHY")]
                                                 : ["eds_health_status": .string("UNHEALTHY"), "failed_outlier_check": .bool(true)]),
                "weight": .int(1),
                "locality": .object(["region": .string("us-east-1"), "zone": .string(zone)]),
            ])
        }
        for name in ["BlackHoleCluster", "InboundPassthroughCluster", "PassthroughCluster"] {
            statuses.append(.object(["name": .string(name), "added_via_api": .bool(true), "circuit_breakers": thresholds, "observability_name": .string(name)]))
        }
        statuses.append(.object(["name": .string("agent"), "circuit_breakers": thresholds, "observability_name": .string("agent"),
                                 "host_statuses": .array([host("127.0.0.1", 15020, zone: "", total: 0, errors: 0, active: 0, healthy: true)])]))
        let istiodPod = pods[istiod]
        statuses.append(.object(["name": .string("xds-grpc"), "circuit_breakers": thresholds, "observability_name": .string("xds-grpc"),
                                 "host_statuses": .array([host(istiodPod.ip, 15012, zone: istiodPod.zone, total: 1, errors: 0, active: 1, healthy: true)])]))
        for c in upstreamHosts(pod: p, tick: tick, since: since) {
            statuses.append(.object([
                "name": .string(c.name), "added_via_api": .bool(true), "circuit_breakers": thresholds, "observability_name": .string(c.name),
                "eds_service_name": .string(c.name),
                "host_statuses": .array(c.hosts.map { h in
                    host(pods[h.pod].ip, h.port, zone: pods[h.pod].zone, total: h.total, errors: h.errors, active: h.healthy ? 1 : 0, healthy: h.healthy,
                         connectFailures: h.connectFailures)
                }),
            ]))
        }
        return JSONWriter.bytes(.object(["cluster_statuses": .array(statuses)]), indent: 1)
    }

    /// `/config_dump?include_eds`: the Envoy-shaped dump of ``EnvoyDumpGenerator`` for this
    /// proxy, scoped to the services it calls (as a Sidecar resource would), with SDS secrets
    /// holding `certificates` (real PEM; the private key is redacted as Envoy does).
    public func envoyConfigDump(pod p: Int, certificates: (chain: String, root: String)?, pushVersion: Int = 1) -> [UInt8] {
        let pod = pods[p]
        if pod.mode == .waypoint { return waypointConfigDump(pod: p, certificates: certificates, pushVersion: pushVersion) }
        let wl = workloads[pod.workload]
        func synthetic(_ s: Int, first: Int?) -> SyntheticMesh.Service {
            let svc = services[s]
            var members = svc.workloads.flatMap { workloads[$0].pods }
            if let first, let k = members.firstIndex(of: first) { members.swapAt(0, k) }
            let port = SyntheticMesh.Port(name: svc.portName, number: svc.port, targetPort: svc.targetPort, protocolName: svc.protocolName)
            var out = SyntheticMesh.Service(name: svc.name, namespace: svc.namespace, clusterIP: svc.clusterIP, ports: [port], pods: members.map { m in
                let mp = pods[m]
                return SyntheticMesh.Pod(name: mp.name, namespace: mp.namespace, ip: mp.ip, node: mp.node,
                                         version: workloads[mp.workload].version.isEmpty ? "v1" : workloads[mp.workload].version, zone: mp.zone,
                                         healthy: m != unhealthyPod)
            })
            // Subset clusters exactly for the DestinationRules the API server holds.
            out.subsets = destinationRules.first { $0.service == s }?.subsets ?? []
            return out
        }
        var mesh = SyntheticMesh(services: 0)
        // The generator writes the view of the first pod of the first service.
        var own = wl.service.map { synthetic($0, first: p) } ?? SyntheticMesh.Service(name: wl.app, namespace: wl.namespace, clusterIP: "None", ports: [], pods: [])
        if own.pods.isEmpty {
            own.pods = [SyntheticMesh.Pod(name: pod.name, namespace: pod.namespace, ip: pod.ip, node: pod.node, version: "v1", zone: pod.zone)]
        }
        var called: [Int] = []
        for i in outbound(pod.workload) where !called.contains(edges[i].service) && edges[i].service != wl.service { called.append(edges[i].service) }
        mesh.services = [own] + called.map { synthetic($0, first: nil) }
        var gen = EnvoyDumpGenerator(mesh: mesh)
        gen.istioVersion = proxyVersion(p)
        gen.versionInfo = "2026-11-20T10:00:00Z/\(pushVersion)"
        gen.certificates = certificates
        gen.permissive = true  // the mesh default, so the plaintext edge (curl-legacy) is accepted
        return applyingFaults(pod: p, to: gen.generate())
    }
}

extension DemoTraffic.Counters {
    mutating func add(_ o: DemoTraffic.Counters) {
        requests += o.requests
        errors += o.errors
        requestBytes += o.requestBytes
        responseBytes += o.responseBytes
        opened += o.opened
        closed += o.closed
        received += o.received
        sent += o.sent
    }
}
