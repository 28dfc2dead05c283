import MeshModel

/// The rest of what a demo Envoy answers, so a snapshot of the demo holds every endpoint a
/// real one does: `/server_info` and `/stats?format=json`.
extension DemoMesh {
    /// `/server_info`: Envoy's build, state, node and uptime, with Istio's node id
    /// (`sidecar~IP~POD.NS~NS.svc.cluster.local`) and metadata.
    public func envoyServerInfo(pod p: Int, tick: Int, since: Int = 0) -> [UInt8] {
        let pod = pods[p]
        let type = pod.mode == .sidecar ? "sidecar" : "router"
        let uptime = "\(max(0, tick - since))s"
        let node: JSONTree = .object([
            ("id", .string("\(type)~\(pod.ip)~\(pod.name).\(pod.namespace)~\(pod.namespace).svc.cluster.local")),
            ("cluster", .string("\(workloads[pod.workload].name).\(pod.namespace)")),
            ("metadata", .object([
                ("ISTIO_VERSION", .string(proxyVersion(p))), ("NAMESPACE", .string(pod.namespace)),
                ("NAME", .string(pod.name)), ("CLUSTER_ID", .string("Kubernetes")),
                ("WORKLOAD_NAME", .string(workloads[pod.workload].name)),
            ])),
            ("locality", .object([("zone", .string(pod.zone))])),
            ("user_agent_name", .string("envoy")),
            ("user_agent_build_version", .object([("version", .object([
                ("major_number", .int(1)), ("minor_number", .int(32)), ("patch", .int(3)),
            ]))])),
        ])
        return JSONWriter.bytes(.object([
            ("version", .string("4a8e3b2c1d0f/1.32.3/Clean/RELEASE/BoringSSL")),
            ("state", .string("LIVE")),
            ("hot_restart_version", .string("disabled")),
            ("command_line_options", .object([
                ("concurrency", .int(2)), ("log_level", .string("warning")),
                ("config_path", .string("etc/istio/proxy/envoy-rev.json")),
                ("drain_time", .string("45s")), ("parent_shutdown_time", .string("60s")),
                ("mode", .string("Serve")), ("service_cluster", .string("istio-proxy")),
            ])),
            ("node", node),
            ("uptime_current_epoch", .string(uptime)),
            ("uptime_all_epochs", .string(uptime)),
        ]))
    }

    /// `/stats?format=json`: Envoy's own (tag-less) names for the same counters and gauges
    /// `/stats/prometheus` carries per upstream cluster, plus the server's.
    public func envoyStatsJSON(pod p: Int, tick: Int, since: Int = 0) -> [UInt8] {
        var stats: [JSONTree] = []
        func add(_ name: String, _ value: Int) {
            stats.append(.object([("name", .string(name)), ("value", .int(value))]))
        }
        for r in rbacCounts(pod: p, tick: tick, since: since) {
            add("http.\(r.statPrefix).rbac.allowed", r.allowed)
            add("http.\(r.statPrefix).rbac.denied", r.denied)
        }
        for c in upstreamHosts(pod: p, tick: tick, since: since) {
            let cluster = c.name
            add("cluster.\(cluster).membership_healthy", c.healthyHosts)
            add("cluster.\(cluster).membership_total", c.hosts.count)
            add("cluster.\(cluster).upstream_cx_active", c.healthyHosts)
            add("cluster.\(cluster).upstream_cx_none_healthy", c.noHealthy)
            add("cluster.\(cluster).upstream_cx_connect_fail", c.connectFailures)
            add("cluster.\(cluster).upstream_cx_total", c.connections)
            add("cluster.\(cluster).upstream_rq_503", c.responses503)
            add("cluster.\(cluster).upstream_rq_5xx", c.responses503)
            add("cluster.\(cluster).upstream_rq_completed", c.upstreamRequests + c.noHealthy)
            add("cluster.\(cluster).upstream_rq_total", c.upstreamRequests)
        }
        add("server.live", 1)
        add("server.uptime", max(0, tick - since))
        return JSONWriter.bytes(.object([("stats", .array(stats))]))
    }
}
