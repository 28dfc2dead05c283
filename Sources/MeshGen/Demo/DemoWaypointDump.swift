import MeshModel

/// The `/config_dump` of the demo's waypoint, shaped like Istio's waypoint proxy (see
/// `../shared/fixtures/envoy/waypoint`): HBONE arrives on `connect_terminate` (15008, mTLS,
/// CONNECT), is handed to the internal listener `main_internal`, whose
/// `filter_chain_matcher` picks a chain by service VIP and port; each chain terminates HTTP
/// and routes to `inbound-vip|PORT|http|HOST`, a cluster that reaches the destination pod
/// through the internal listener `connect_originate`, which tunnels it again (HBONE) to the
/// pod's 15008. Services are those of the waypoint's namespace.
extension DemoMesh {
    public func waypointConfigDump(pod p: Int, certificates: (chain: String, root: String)?, pushVersion: Int = 1) -> [UInt8] {
        let pod = pods[p]
        let version = "2026-11-20T10:00:00Z/\(pushVersion)"
        let updated = "2026-11-20T10:00:00.000Z"
        let served = services.indices.filter { s in
            services[s].namespace == pod.namespace && services[s].workloads.contains { workloads[$0].mode == .ambient }
        }
        func typed(_ type: String, _ fields: [(String, JSONTree)]) -> JSONTree {
            .object([("@type", .string("type.googleapis.com/" + type))] + fields)
        }
        func sds(_ name: String) -> JSONTree {
            .object([("name", .string(name)), ("sds_config", .object([("ads", .object([])), ("resource_api_version", .string("V3"))]))])
        }
        func socket(_ ip: String, _ port: Int) -> JSONTree {
            .object([("socket_address", .object([("address", .string(ip)), ("port_value", .int(port))]))])
        }
        func internalAddress(_ listener: String, _ id: String) -> JSONTree {
            .object([("envoy_internal_address", .object([("server_listener_name", .string(listener)), ("endpoint_id", .string(id))]))])
        }
        let router: JSONTree = .object([("name", .string("envoy.filters.http.router")),
                                          ("typed_config", typed("envoy.extensions.filters.http.router.v3.Router", []))])
        func hcm(_ statPrefix: String, _ routeConfig: JSONTree, connect: Bool) -> JSONTree {
            var fields: [(String, JSONTree)] = [("stat_prefix", .string(statPrefix)), ("route_config", routeConfig), ("http_filters", .array([router]))]
            if connect {
                fields.append(("http2_protocol_options", .object([("allow_connect", .bool(true))])))
                fields.append(("upgrade_configs", .array([.object([("upgrade_type", .string("CONNECT"))])])))
            }
            return .object([("name", .string("envoy.filters.network.http_connection_manager")),
                            ("typed_config", typed("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", fields))])
        }
        func chainName(_ s: Int) -> String { "inbound-vip|\(services[s].port)||\(services[s].fqdn)-http" }
        func clusterName(_ s: Int) -> String { "inbound-vip|\(services[s].port)|http|\(services[s].fqdn)" }
        func wrap(_ key: String, _ node: JSONTree) -> JSONTree {
            .object([("version_info", .string(version)), (key, node), ("last_updated", .string(updated))])
        }
        func listenerEntry(_ node: JSONTree, _ name: String) -> JSONTree {
            .object([("name", .string(name)), ("active_state", .object([("version_info", .string(version)), ("listener", node), ("last_updated", .string(updated))]))])
        }

        let connectTerminate = typed("envoy.config.listener.v3.Listener", [
            ("name", .string("connect_terminate")),
            ("address", socket("0.0.0.0", 15008)),
            ("filter_chains", .array([.object([
                ("name", .string("default")),
                ("filters", .array([hcm("connect_terminate", .object([
                    ("name", .string("default")),
                    ("virtual_hosts", .array([.object([
                        ("name", .string("default")), ("domains", .array([.string("*")])),
                        ("routes", .array([.object([
                            ("match", .object([("connect_matcher", .object([]))])),
                            ("route", .object([("cluster", .string("main_internal")),
                                               ("upgrade_configs", .array([.object([("upgrade_type", .string("CONNECT")), ("connect_config", .object([]))])]))])),
                        ])])),
                    ])])),
                ]), connect: true)])),
                ("transport_socket", .object([("name", .string("tls")), ("typed_config", typed("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext", [
                    ("common_tls_context", .object([
                        ("tls_certificate_sds_secret_configs", .array([sds("default")])),
                        ("validation_context_sds_secret_config", sds("ROOTCA")),
                        ("alpn_protocols", .array([.string("h2")])),
                    ])),
                    ("require_client_certificate", .bool(true)),
                ]))])),
            ])])),
        ])
        let chains: [JSONTree] = served.map { s in
            .object([
                ("name", .string(chainName(s))),
                ("filters", .array([hcm("inbound_\(services[s].clusterIP)_\(services[s].port)", .object([
                    ("name", .string(clusterName(s))),
                    ("virtual_hosts", .array([.object([
                        ("name", .string("inbound|http|\(services[s].port)")), ("domains", .array([.string("*")])),
                        ("routes", .array([.object([
                            ("name", .string("default")), ("match", .object([("prefix", .string("/"))])),
                            ("route", .object([("cluster", .string(clusterName(s))), ("timeout", .string("0s"))])),
                        ])])),
                    ])])),
                    ("validate_clusters", .bool(false)),
                ]), connect: false)])),
            ])
        }
        let stringValue = { (v: String) -> JSONTree in
            .object([("action", .object([("name", .string(v)), ("typed_config", typed("google.protobuf.StringValue", [("value", .string(v))]))]))])
        }
        let matcher: JSONTree = .object([("matcher_tree", .object([
            ("input", .object([("name", .string("ip")), ("typed_config", typed("envoy.extensions.matching.common_inputs.network.v3.DestinationIPInput", []))])),
            ("custom_match", .object([("name", .string("ip")), ("typed_config", typed("xds.type.matcher.v3.IPMatcher", [
                ("range_matchers", .array(served.map { s in
                    .object([
                        ("ranges", .array([.object([("address_prefix", .string(services[s].clusterIP)), ("prefix_len", .int(32))])])),
                        ("on_match", .object([("matcher", .object([("matcher_tree", .object([
                            ("input", .object([("name", .string("port")), ("typed_config", typed("envoy.extensions.matching.common_inputs.network.v3.DestinationPortInput", []))])),
                            ("exact_match_map", .object([("map", .object([(String(services[s].port), stringValue(chainName(s)))]))])),
                        ]))]))])),
                    ])
                })),
            ]))])),
        ]))])
        let mainInternal = typed("envoy.config.listener.v3.Listener", [
            ("name", .string("main_internal")),
            ("filter_chains", .array(chains)),
            ("listener_filters", .array([.object([("name", .string("envoy.filters.listener.original_dst")),
                                                   ("typed_config", typed("envoy.extensions.filters.listener.original_dst.v3.OriginalDst", []))])])),
            ("traffic_direction", .string("INBOUND")),
            ("internal_listener", .object([])),
            ("filter_chain_matcher", matcher),
        ])
        let connectOriginate = typed("envoy.config.listener.v3.Listener", [
            ("name", .string("connect_originate")),
            ("filter_chains", .array([.object([("filters", .array([.object([
                ("name", .string("envoy.filters.network.tcp_proxy")),
                ("typed_config", typed("envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", [
                    ("stat_prefix", .string("connect_originate")), ("cluster", .string("connect_originate")),
                    ("tunneling_config", .object([("hostname", .string("%DOWNSTREAM_LOCAL_ADDRESS%"))])),
                ])),
            ])]))])])),
            ("internal_listener", .object([])),
        ])

        let internalUpstream: JSONTree = .object([("name", .string("internal_upstream")), ("typed_config", typed(
            "envoy.extensions.transport_sockets.internal_upstream.v3.InternalUpstreamTransport", [
                ("passthrough_metadata", .array([.object([("kind", .object([("host", .object([]))])), ("name", .string("envoy.filters.listener.original_dst"))])])),
                ("transport_socket", .object([("name", .string("raw_buffer")), ("typed_config", typed("envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer", []))])),
            ]))])
        var clusters: [JSONTree] = served.map { s in
            wrap("cluster", typed("envoy.config.cluster.v3.Cluster", [
                ("name", .string(clusterName(s))), ("type", .string("EDS")),
                ("eds_cluster_config", .object([("eds_config", .object([("ads", .object([])), ("resource_api_version", .string("V3"))])),
                                                ("service_name", .string(clusterName(s)))])),
                ("transport_socket", internalUpstream),
                ("common_lb_config", .object([("healthy_panic_threshold", .object([]))])),
                ("metadata", .object([("filter_metadata", .object([("istio", .object([("services", .array([.object([
                    ("host", .string(services[s].fqdn)), ("name", .string(services[s].name)), ("namespace", .string(services[s].namespace)),
                ])]))]))]))])),
            ]))
        }
        clusters.append(wrap("cluster", typed("envoy.config.cluster.v3.Cluster", [
            ("name", .string("connect_originate")), ("type", .string("ORIGINAL_DST")), ("connect_timeout", .string("10s")),
            ("lb_policy", .string("CLUSTER_PROVIDED")),
            ("transport_socket", .object([("name", .string("tls")), ("typed_config", typed("envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", [
                ("common_tls_context", .object([
                    ("tls_certificate_sds_secret_configs", .array([sds("default")])),
                    ("validation_context_sds_secret_config", sds("ROOTCA")),
                    ("alpn_protocols", .array([.string("h2")])),
                ])),
            ]))])),
        ])))
        clusters.append(wrap("cluster", typed("envoy.config.cluster.v3.Cluster", [
            ("name", .string("main_internal")), ("type", .string("STATIC")),
            ("load_assignment", .object([("cluster_name", .string("main_internal")), ("endpoints", .array([.object([("lb_endpoints", .array([
                .object([("endpoint", .object([("address", internalAddress("main_internal", ""))]))]),
            ]))])]))])),
        ])))
        let endpoints: [JSONTree] = served.map { s in
            let members = services[s].workloads.flatMap { workloads[$0].pods }
            return .object([("endpoint_config", typed("envoy.config.endpoint.v3.ClusterLoadAssignment", [
                ("cluster_name", .string(clusterName(s))),
                ("endpoints", .array([.object([("lb_endpoints", .array(members.map { m in
                    .object([
                        ("endpoint", .object([("address", internalAddress("connect_originate", "\(pods[m].ip):\(services[s].targetPort)"))])),
                        ("health_status", .string(m == unhealthyPod ? "UNHEALTHY" : "HEALTHY")),
                        ("load_balancing_weight", .int(1)),
                    ])
                }))])])),
            ])), ("version_info", .string(version))])
        }

        var mesh = SyntheticMesh(services: 0)
        mesh.services = [SyntheticMesh.Service(name: "waypoint", namespace: pod.namespace, clusterIP: "None", ports: [],
                                               pods: [SyntheticMesh.Pod(name: pod.name, namespace: pod.namespace, ip: pod.ip, node: pod.node, version: "v1", zone: pod.zone)])]
        var gen = EnvoyDumpGenerator(mesh: mesh)
        gen.istioVersion = istioVersion
        var configs: [JSONTree] = [
            gen.bootstrapSection(),
            typed("envoy.admin.v3.ClustersConfigDump", [("version_info", .string(version)), ("dynamic_active_clusters", .array(clusters))]),
            typed("envoy.admin.v3.ListenersConfigDump", [("version_info", .string(version)), ("dynamic_listeners", .array([
                listenerEntry(connectTerminate, "connect_terminate"), listenerEntry(mainInternal, "main_internal"),
                listenerEntry(connectOriginate, "connect_originate"),
            ]))]),
            typed("envoy.admin.v3.ScopedRoutesConfigDump", []),
            typed("envoy.admin.v3.RoutesConfigDump", []),
        ]
        if let certificates { configs.append(gen.secretsSection(certificates)) }
        configs.append(typed("envoy.admin.v3.EndpointsConfigDump", [("dynamic_endpoint_configs", .array(endpoints))]))
        return JSONWriter.bytes(.object([("configs", .array(configs))]), indent: 2)
    }
}
