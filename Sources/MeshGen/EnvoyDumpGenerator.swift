import Foundation
import MeshModel

/// Writes a sidecar's `/config_dump?include_eds` for a ``SyntheticMesh``, shaped and
/// pretty-printed as Envoy prints it (v3 types, snake_case, 2-space indent): bootstrap,
/// clusters, listeners, routes, secrets and endpoints for every service port it sees.
///
/// A proxy with no Sidecar scoping sees every service, so the dump grows with the mesh;
/// that is the large-input case the benchmarks need (`--services 8000` ≈ 100 MB).
public struct EnvoyDumpGenerator: Sendable {
    public var mesh: SyntheticMesh
    public var istioVersion = "1.24.2"
    public var envoyVersion = (1, 32, 3)
    public var lastUpdated = "2026-11-20T10:00:00.000Z"
    public var versionInfo = "2026-11-20T10:00:00Z/42"
    public var includeEDS = true
    /// PEM material for the SDS section; without it the dump has no secrets section.
    public var certificates: (chain: String, root: String)?
    /// PeerAuthentication PERMISSIVE (Istio's default): inbound also takes plaintext, on a
    /// second chain per port matching `transport_protocol: raw_buffer`.
    public var permissive = false

    public init(mesh: SyntheticMesh) { self.mesh = mesh }

    /// The proxy whose view is written: the first pod of the first service.
    var proxyPod: SyntheticMesh.Pod { mesh.services[0].pods[0] }
    var proxyService: SyntheticMesh.Service { mesh.services[0] }

    public func generate() -> [UInt8] {
        var w = JSONWriter(indent: 2)
        var out: [UInt8] = []
        func flush(_ w: inout JSONWriter) { out.append(contentsOf: w.take()) }
        w.raw("{\n  \"configs\": [\n    ")
        w.write(bootstrapSection(), depth: 2)
        w.raw(",\n    ")
        clustersSection(&w, flush)
        w.raw(",\n    ")
        listenersSection(&w, flush)
        w.raw(",\n    ")
        w.write(.object(["@type": .string(adminType("ScopedRoutesConfigDump"))]), depth: 2)
        w.raw(",\n    ")
        routesSection(&w, flush)
        if let certs = certificates {
            w.raw(",\n    ")
            w.write(secretsSection(certs), depth: 2)
        }
        if includeEDS {
            w.raw(",\n    ")
            endpointsSection(&w, flush)
        }
        w.raw("\n  ]\n}\n")
        flush(&w)
        return out
    }

    // MARK: Sections

    private func adminType(_ name: String) -> String { "type.googleapis.com/envoy.admin.v3.\(name)" }

    /// Streams `items` as a JSON array member named `key` of an object at depth 2.
    private func streamArray<T>(_ key: String, _ items: [T], _ w: inout JSONWriter, _ flush: (inout JSONWriter) -> Void, _ node: (T) -> JSONTree) {
        w.raw(",\n      \"\(key)\": [")
        for (n, item) in items.enumerated() {
            w.raw(n == 0 ? "\n        " : ",\n        ")
            w.write(node(item), depth: 4)
            if n % 256 == 255 { flush(&w) }
        }
        w.raw(items.isEmpty ? "]" : "\n      ]")
    }

    func bootstrapSection() -> JSONTree {
        let pod = proxyPod
        let (major, minor, patch) = envoyVersion
        return .object([
            "@type": .string(adminType("BootstrapConfigDump")),
            "bootstrap": .object([
                "node": .object([
                    "id": .string("sidecar~\(pod.ip)~\(pod.name).\(pod.namespace)~\(pod.namespace).svc.cluster.local"),
                    "cluster": .string("\(proxyService.name).\(pod.namespace)"),
                    "metadata": .object([
                        "CLUSTER_ID": .string("Kubernetes"),
                        "ISTIO_PROXY_SHA": .string("0c6b3f4b0d1f7e3c2a9e8d5b7f6a1c4e2d3b5a69"),
                        "ISTIO_VERSION": .string(istioVersion),
                        "LABELS": .object(["app": .string(proxyService.name), "version": .string(pod.version)]),
                        "MESH_ID": .string(mesh.trustDomain),
                        "NAME": .string(pod.name),
                        "NAMESPACE": .string(pod.namespace),
                        "NODE_NAME": .string(pod.node),
                        "SERVICE_ACCOUNT": .string(proxyService.name),
                    ]),
                    "locality": .object(["region": .string("us-east-1"), "zone": .string(pod.zone)]),
                    "user_agent_name": .string("envoy"),
                    "user_agent_build_version": .object([
                        "version": .object(["major_number": .int(major), "minor_number": .int(minor), "patch": .int(patch)]),
                        "metadata": .object([
                            "build.type": .string("RELEASE"),
                            "revision.sha": .string("0c6b3f4b0d1f7e3c2a9e8d5b7f6a1c4e2d3b5a69"),
                            "revision.status": .string("Clean"),
                            "ssl.version": .string("BoringSSL"),
                        ]),
                    ]),
                ]),
                "static_resources": .object([
                    "clusters": .array([
                        staticCluster("prometheus_stats", "127.0.0.1", 15000),
                        staticCluster("agent", "127.0.0.1", 15020),
                    ]),
                ]),
                "dynamic_resources": .object([
                    "lds_config": .object(["ads": .object([]), "initial_fetch_timeout": .string("0s"), "resource_api_version": .string("V3")]),
                    "cds_config": .object(["ads": .object([]), "initial_fetch_timeout": .string("0s"), "resource_api_version": .string("V3")]),
                    "ads_config": .object([
                        "api_type": .string("GRPC"), "transport_api_version": .string("V3"),
                        "grpc_services": .array([.object(["envoy_grpc": .object(["cluster_name": .string("xds-grpc")])])]),
                    ]),
                ]),
            ]),
            "last_updated": .string(lastUpdated),
        ])
    }

    private func staticCluster(_ name: String, _ ip: String, _ port: Int) -> JSONTree {
        .object([
            "name": .string(name),
            "type": .string("STATIC"),
            "connect_timeout": .string("0.250s"),
            "load_assignment": .object([
                "cluster_name": .string(name),
                "endpoints": .array([.object(["lb_endpoints": .array([.object(["endpoint": .object(["address": socket(ip, port)])])])])]),
            ]),
        ])
    }

    private func socket(_ ip: String, _ port: Int) -> JSONTree {
        .object(["socket_address": .object(["address": .string(ip), "port_value": .int(port)])])
    }

    private func typed(_ type: String, _ fields: [(String, JSONTree)]) -> JSONTree {
        .object([("@type", .string("type.googleapis.com/" + type))] + fields)
    }

    private func clustersSection(_ w: inout JSONWriter, _ flush: (inout JSONWriter) -> Void) {
        w.raw("{\n      \"@type\": \"\(adminType("ClustersConfigDump"))\",\n      \"version_info\": \"\(versionInfo)\"")
        let statics: [(String, String, Int)] = [("agent", "127.0.0.1", 15020), ("prometheus_stats", "127.0.0.1", 15000)]
        streamArray("static_clusters", statics, &w, flush) { c in
            .object(["cluster": typed("envoy.config.cluster.v3.Cluster", [("name", .string(c.0)), ("type", .string("STATIC")),
                ("connect_timeout", .string("0.250s")), ("load_assignment", .object(["cluster_name": .string(c.0),
                "endpoints": .array([.object(["lb_endpoints": .array([.object(["endpoint": .object(["address": socket(c.1, c.2)])])])])])]))]),
                "last_updated": .string(lastUpdated)])
        }
        var dynamic: [JSONTree] = [
            wrapCluster(typed("envoy.config.cluster.v3.Cluster", [("name", .string("BlackHoleCluster")), ("type", .string("STATIC")), ("connect_timeout", .string("10s"))])),
            wrapCluster(typed("envoy.config.cluster.v3.Cluster", [("name", .string("InboundPassthroughCluster")), ("type", .string("ORIGINAL_DST")),
                ("connect_timeout", .string("10s")), ("lb_policy", .string("CLUSTER_PROVIDED")), ("upstream_bind_config", .object(["source_address": socket("127.0.0.6", 0)]))])),
            wrapCluster(typed("envoy.config.cluster.v3.Cluster", [("name", .string("PassthroughCluster")), ("type", .string("ORIGINAL_DST")),
                ("connect_timeout", .string("10s")), ("lb_policy", .string("CLUSTER_PROVIDED"))])),
        ]
        for port in proxyService.ports {
            dynamic.append(wrapCluster(inboundCluster(port)))
        }
        let outbound = outboundClusterKeys()
        w.raw(",\n      \"dynamic_active_clusters\": [")
        for (n, node) in dynamic.enumerated() {
            w.raw(n == 0 ? "\n        " : ",\n        ")
            w.write(node, depth: 4)
        }
        for (n, key) in outbound.enumerated() {
            w.raw(",\n        ")
            w.write(wrapCluster(outboundCluster(key)), depth: 4)
            if n % 256 == 255 { flush(&w) }
        }
        w.raw("\n      ]\n    }")
    }

    private func wrapCluster(_ cluster: JSONTree) -> JSONTree {
        .object(["version_info": .string(versionInfo), "cluster": cluster, "last_updated": .string(lastUpdated)])
    }

    struct ClusterKey {
        let service: SyntheticMesh.Service
        let port: SyntheticMesh.Port
        let subset: String
        var name: String { "outbound|\(port.number)|\(subset)|\(service.fqdn)" }
    }

    /// A service's DestinationRule subsets, as the service says; unsaid, every fifth service
    /// has v1/v2 subsets, as real meshes do.
    func outboundClusterKeys() -> [ClusterKey] {
        var keys: [ClusterKey] = []
        for (i, svc) in mesh.services.enumerated() {
            let subsets = svc.subsets ?? (i % 5 == 0 ? ["v1", "v2"] : [])
            for port in svc.ports {
                keys.append(ClusterKey(service: svc, port: port, subset: ""))
                for subset in subsets { keys.append(ClusterKey(service: svc, port: port, subset: subset)) }
            }
        }
        return keys
    }

    private func inboundCluster(_ port: SyntheticMesh.Port) -> JSONTree {
        let name = "inbound|\(port.targetPort)||"
        return typed("envoy.config.cluster.v3.Cluster", [
            ("name", .string(name)), ("type", .string("ORIGINAL_DST")), ("connect_timeout", .string("10s")),
            ("lb_policy", .string("CLUSTER_PROVIDED")),
            ("circuit_breakers", circuitBreakers()),
            ("cleanup_interval", .string("60s")),
            ("upstream_bind_config", .object(["source_address": socket("127.0.0.6", 0)])),
            ("metadata", .object(["filter_metadata": .object(["istio": .object(["services": .array([.object([
                "host": .string(proxyService.fqdn), "name": .string(proxyService.name), "namespace": .string(proxyService.namespace)])])])])])),
        ])
    }

    private func circuitBreakers() -> JSONTree {
        .object(["thresholds": .array([
            .object(["max_connections": .int(4_294_967_295), "max_pending_requests": .int(4_294_967_295),
                     "max_requests": .int(4_294_967_295), "max_retries": .int(4_294_967_295), "track_remaining": .bool(true)]),
        ])])
    }

    private func outboundCluster(_ key: ClusterKey) -> JSONTree {
        let svc = key.service
        let sa = "spiffe://\(mesh.trustDomain)/ns/\(svc.namespace)/sa/\(svc.name)"
        var fields: [(String, JSONTree)] = [
            ("name", .string(key.name)),
            ("type", .string("EDS")),
            ("eds_cluster_config", .object([
                "eds_config": .object(["ads": .object([]), "initial_fetch_timeout": .string("0s"), "resource_api_version": .string("V3")]),
                "service_name": .string(key.name),
            ])),
            ("connect_timeout", .string("10s")),
            ("lb_policy", .string("LEAST_REQUEST")),
            ("circuit_breakers", circuitBreakers()),
            // healthy_panic_threshold 0%: Istio's setting when it sends unready endpoints (no panic routing).
            ("common_lb_config", .object(["healthy_panic_threshold": .object([]), "locality_weighted_lb_config": .object([])])),
            ("metadata", .object(["filter_metadata": .object(["istio": .compact([
                ("config", key.subset.isEmpty ? nil : .string("/apis/networking.istio.io/v1/namespaces/\(svc.namespace)/destination-rule/\(svc.name)")),
                ("default_original_port", .int(key.port.number)),
                ("services", .array([.object(["host": .string(svc.fqdn), "name": .string(svc.name), "namespace": .string(svc.namespace)])])),
                ("subset", key.subset.isEmpty ? nil : .string(key.subset)),
            ])])])),
            ("filters", .array([.object(["name": .string("istio.metadata_exchange"), "typed_config": typed("udpa.type.v1.TypedStruct", [
                ("type_url", .string("type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange")),
                ("value", .object(["protocol": .string("istio-peer-exchange")])),
            ])])])),
            ("transport_socket_matches", .array([
                .object([
                    "name": .string("tlsMode-istio"),
                    "match": .object(["tlsMode": .string("istio")]),
                    "transport_socket": .object([
                        "name": .string("envoy.transport_sockets.tls"),
                        "typed_config": typed("envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", [
                            ("common_tls_context", .object([
                                "tls_params": .object(["tls_minimum_protocol_version": .string("TLSv1_2"), "tls_maximum_protocol_version": .string("TLSv1_3")]),
                                "alpn_protocols": .array([.string("istio-peer-exchange"), .string("istio")]),
                                "tls_certificate_sds_secret_configs": .array([sdsConfig("default")]),
                                "combined_validation_context": .object([
                                    "default_validation_context": .object(["match_subject_alt_names": .array([.object(["exact": .string(sa)])])]),
                                    "validation_context_sds_secret_config": sdsConfig("ROOTCA"),
                                ]),
                            ])),
                            ("sni", .string("outbound_.\(key.port.number)_.\(key.subset)_.\(svc.fqdn)")),
                        ]),
                    ]),
                ]),
                .object([
                    "name": .string("tlsMode-disabled"),
                    "match": .object([]),
                    "transport_socket": .object([
                        "name": .string("envoy.transport_sockets.raw_buffer"),
                        "typed_config": typed("envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer", []),
                    ]),
                ]),
            ])),
        ]
        if key.port.protocolName == "grpc" {
            fields.append(("typed_extension_protocol_options", .object([
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": typed("envoy.extensions.upstreams.http.v3.HttpProtocolOptions", [
                    ("explicit_http_config", .object(["http2_protocol_options": .object([:])])),
                ]),
            ])))
        }
        return typed("envoy.config.cluster.v3.Cluster", fields)
    }

    private func sdsConfig(_ name: String) -> JSONTree {
        .object([
            "name": .string(name),
            "sds_config": .object([
                "api_config_source": .object([
                    "api_type": .string("GRPC"),
                    "grpc_services": .array([.object(["envoy_grpc": .object(["cluster_name": .string("sds-grpc")])])]),
                    "set_node_on_first_message_only": .bool(true),
                    "transport_api_version": .string("V3"),
                ]),
                "resource_api_version": .string("V3"),
            ]),
        ])
    }

    private func listenersSection(_ w: inout JSONWriter, _ flush: (inout JSONWriter) -> Void) {
        w.raw("{\n      \"@type\": \"\(adminType("ListenersConfigDump"))\",\n      \"version_info\": \"\(versionInfo)\"")
        var listeners: [JSONTree] = [virtualOutbound(), virtualInbound()]
        // One HTTP listener per distinct HTTP port (routes pick the service), one TCP
        // listener per service VIP and TCP port (tcp_proxy names the cluster).
        var httpPorts: [Int] = []
        var seen = Set<Int>()
        for svc in mesh.services {
            for port in svc.ports where port.protocolName != "tcp" && seen.insert(port.number).inserted {
                httpPorts.append(port.number)
            }
        }
        for port in httpPorts.sorted() { listeners.append(httpListener(port)) }
        w.raw(",\n      \"dynamic_listeners\": [")
        for (n, l) in listeners.enumerated() {
            w.raw(n == 0 ? "\n        " : ",\n        ")
            w.write(l, depth: 4)
        }
        var n = 0
        for svc in mesh.services {
            for port in svc.ports where port.protocolName == "tcp" {
                w.raw(",\n        ")
                w.write(tcpListener(svc, port), depth: 4)
                n += 1
                if n % 256 == 0 { flush(&w) }
            }
        }
        w.raw("\n      ]\n    }")
    }

    private func wrapListener(_ name: String, _ listener: JSONTree) -> JSONTree {
        .object([
            "name": .string(name),
            "active_state": .object(["version_info": .string(versionInfo), "listener": listener, "last_updated": .string(lastUpdated)]),
        ])
    }

    private func tcpProxy(_ statPrefix: String, _ cluster: String) -> JSONTree {
        .object([
            "name": .string("envoy.filters.network.tcp_proxy"),
            "typed_config": typed("envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", [
                ("stat_prefix", .string(statPrefix)), ("cluster", .string(cluster)),
            ]),
        ])
    }

    private func virtualOutbound() -> JSONTree {
        wrapListener("virtualOutbound", typed("envoy.config.listener.v3.Listener", [
            ("name", .string("virtualOutbound")),
            ("address", socket("0.0.0.0", 15001)),
            ("filter_chains", .array([.object(["filters": .array([tcpProxy("PassthroughCluster", "PassthroughCluster")]), "name": .string("virtualOutbound-catchall-tcp")])])),
            ("use_original_dst", .bool(true)),
            ("traffic_direction", .string("OUTBOUND")),
        ]))
    }

    private func virtualInbound() -> JSONTree {
        var chains: [JSONTree] = []
        for port in proxyService.ports {
            let cluster = "inbound|\(port.targetPort)||"
            let terminal: JSONTree = port.protocolName == "tcp"
                ? tcpProxy(cluster, cluster)
                : hcm(statPrefix: "inbound_0.0.0.0_\(port.targetPort)", routeConfig: .inline(cluster))
            chains.append(.object([
                "filter_chain_match": .object(["destination_port": .int(port.targetPort), "transport_protocol": .string("tls")]),
                "filters": .array([terminal]),
                "transport_socket": .object([
                    "name": .string("envoy.transport_sockets.tls"),
                    "typed_config": typed("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext", [
                        ("common_tls_context", .object([
                            "alpn_protocols": .array([.string("h2"), .string("http/1.1")]),
                            "tls_certificate_sds_secret_configs": .array([sdsConfig("default")]),
                            "combined_validation_context": .object([
                                "default_validation_context": .object([:]),
                                "validation_context_sds_secret_config": sdsConfig("ROOTCA"),
                            ]),
                        ])),
                        ("require_client_certificate", .bool(true)),
                    ]),
                ]),
                "name": .string("\(cluster)"),
            ]))
            if permissive {
                chains.append(.object([
                    "filter_chain_match": .object(["destination_port": .int(port.targetPort), "transport_protocol": .string("raw_buffer")]),
                    "filters": .array([terminal]),
                    "name": .string("\(cluster)-plaintext"),
                ]))
            }
        }
        chains.append(.object([
            "filter_chain_match": .object(["destination_port": .int(15006)]),
            "filters": .array([.object(["name": .string("istio.metadata_exchange")])]),
            "name": .string("virtualInbound-blackhole"),
        ]))
        return wrapListener("virtualInbound", typed("envoy.config.listener.v3.Listener", [
            ("name", .string("virtualInbound")),
            ("address", socket("0.0.0.0", 15006)),
            ("filter_chains", .array(chains)),
            ("listener_filters", .array([
                .object(["name": .string("envoy.filters.listener.original_dst"), "typed_config": typed("envoy.extensions.filters.listener.original_dst.v3.OriginalDst", [])]),
                .object(["name": .string("envoy.filters.listener.tls_inspector"), "typed_config": typed("envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector", [])]),
            ])),
            ("traffic_direction", .string("INBOUND")),
        ]))
    }

    enum RouteSource {
        case rds(String)
        case inline(String)
    }

    private func hcm(statPrefix: String, routeConfig: RouteSource) -> JSONTree {
        let routeField: (String, JSONTree)
        switch routeConfig {
        case .rds(let name):
            routeField = ("rds", .object([
                "config_source": .object(["ads": .object([:]), "initial_fetch_timeout": .string("0s"), "resource_api_version": .string("V3")]),
                "route_config_name": .string(name),
            ]))
        case .inline(let cluster):
            routeField = ("route_config", .object([
                "name": .string(cluster),
                "virtual_hosts": .array([.object([
                    "name": .string("inbound|http|0"), "domains": .array([.string("*")]),
                    "routes": .array([.object(["match": .object(["prefix": .string("/")]),
                        "route": .object(["cluster": .string(cluster), "timeout": .string("0s")]), "name": .string("default")])]),
                ])]),
                "validate_clusters": .bool(false),
            ]))
        }
        return .object([
            "name": .string("envoy.filters.network.http_connection_manager"),
            "typed_config": typed("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", [
                ("stat_prefix", .string(statPrefix)),
                routeField,
                ("http_filters", .array([
                    .object(["name": .string("istio.metadata_exchange")]),
                    .object(["name": .string("envoy.filters.http.grpc_stats"), "typed_config": typed("envoy.extensions.filters.http.grpc_stats.v3.FilterConfig", [("emit_filter_state", .bool(true))])]),
                    .object(["name": .string("envoy.filters.http.fault"), "typed_config": typed("envoy.extensions.filters.http.fault.v3.HTTPFault", [])]),
                    .object(["name": .string("envoy.filters.http.cors"), "typed_config": typed("envoy.extensions.filters.http.cors.v3.Cors", [])]),
                    .object(["name": .string("istio.stats"), "typed_config": typed("udpa.type.v1.TypedStruct", [("type_url", .string("type.googleapis.com/stats.PluginConfig")), ("value", .object([:]))])]),
                    .object(["name": .string("envoy.filters.http.router"), "typed_config": typed("envoy.extensions.filters.http.router.v3.Router", [])]),
                ])),
                ("tracing", .object(["client_sampling": .object(["value": .int(100)]), "random_sampling": .object(["value": .int(1)])])),
                ("use_remote_address", .bool(false)),
                ("upgrade_configs", .array([.object(["upgrade_type": .string("websocket")])])),
                ("stream_idle_timeout", .string("0s")),
                ("normalize_path", .bool(true)),
                ("request_id_extension", .object(["typed_config": typed("envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig", [("use_request_id_for_trace_sampling", .bool(true))])])),
                ("path_with_escaped_slashes_action", .string("KEEP_UNCHANGED")),
            ]),
        ])
    }

    private func httpListener(_ port: Int) -> JSONTree {
        let name = "0.0.0.0_\(port)"
        return wrapListener(name, typed("envoy.config.listener.v3.Listener", [
            ("name", .string(name)),
            ("address", socket("0.0.0.0", port)),
            ("filter_chains", .array([
                .object([
                    "filter_chain_match": .object(["transport_protocol": .string("raw_buffer"), "application_protocols": .array([.string("http/1.1"), .string("h2c")])]),
                    "filters": .array([hcm(statPrefix: "outbound_0.0.0.0_\(port)", routeConfig: .rds(String(port)))]),
                ]),
            ])),
            ("default_filter_chain", .object(["filters": .array([tcpProxy("PassthroughCluster", "PassthroughCluster")]), "name": .string("PassthroughFilterChain")])),
            ("listener_filters", .array([
                .object(["name": .string("envoy.filters.listener.tls_inspector"), "typed_config": typed("envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector", [])]),
                .object(["name": .string("envoy.filters.listener.http_inspector"), "typed_config": typed("envoy.extensions.filters.listener.http_inspector.v3.HttpInspector", [])]),
            ])),
            ("traffic_direction", .string("OUTBOUND")),
            ("bind_to_port", .bool(false)),
        ]))
    }

    private func tcpListener(_ svc: SyntheticMesh.Service, _ port: SyntheticMesh.Port) -> JSONTree {
        let name = "\(svc.clusterIP)_\(port.number)"
        let cluster = "outbound|\(port.number)||\(svc.fqdn)"
        return wrapListener(name, typed("envoy.config.listener.v3.Listener", [
            ("name", .string(name)),
            ("address", socket(svc.clusterIP, port.number)),
            ("filter_chains", .array([.object(["filters": .array([tcpProxy(cluster, cluster)])])])),
            ("traffic_direction", .string("OUTBOUND")),
            ("bind_to_port", .bool(false)),
        ]))
    }

    private func routesSection(_ w: inout JSONWriter, _ flush: (inout JSONWriter) -> Void) {
        w.raw("{\n      \"@type\": \"\(adminType("RoutesConfigDump"))\"")
        var byPort: [Int: [(SyntheticMesh.Service, SyntheticMesh.Port)]] = [:]
        for svc in mesh.services {
            for port in svc.ports where port.protocolName != "tcp" { byPort[port.number, default: []].append((svc, port)) }
        }
        let ports = byPort.keys.sorted()
        w.raw(",\n      \"dynamic_route_configs\": [")
        for (n, port) in ports.enumerated() {
            w.raw(n == 0 ? "\n        " : ",\n        ")
            var vhosts: [JSONTree] = []
            for (svc, p) in byPort[port]! {
                let cluster = "outbound|\(p.number)||\(svc.fqdn)"
                vhosts.append(.object([
                    "name": .string("\(svc.fqdn):\(p.number)"),
                    "domains": .array([
                        .string(svc.fqdn), .string("\(svc.name).\(svc.namespace).svc"), .string("\(svc.name).\(svc.namespace)"),
                        .string(svc.clusterIP),
                    ]),
                    "routes": .array([.object([
                        "match": .object(["prefix": .string("/")]),
                        "route": .object([
                            "cluster": .string(cluster), "timeout": .string("0s"),
                            "retry_policy": .object(["retry_on": .string("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"),
                                "num_retries": .int(2), "retry_host_predicate": .array([.object(["name": .string("envoy.retry_host_predicates.previous_hosts")])]),
                                "host_selection_retry_max_attempts": .string("5"), "retriable_status_codes": .array([.int(503)])]),
                            "max_grpc_timeout": .string("0s"),
                        ]),
                        "decorator": .object(["operation": .string("\(svc.fqdn):\(p.number)/*")]),
                        "name": .string("default"),
                    ])]),
                    "include_request_attempt_count": .bool(true),
                ]))
                if vhosts.count % 256 == 0 { flush(&w) }
            }
            vhosts.append(.object([
                "name": .string("allow_any"), "domains": .array([.string("*")]),
                "routes": .array([.object(["match": .object(["prefix": .string("/")]),
                    "route": .object(["cluster": .string("PassthroughCluster"), "timeout": .string("0s")]), "name": .string("allow_any")])]),
                "include_request_attempt_count": .bool(true),
            ]))
            w.write(.object([
                "version_info": .string(versionInfo),
                "route_config": typed("envoy.config.route.v3.RouteConfiguration", [
                    ("name", .string(String(port))), ("virtual_hosts", .array(vhosts)), ("validate_clusters", .bool(false)),
                    ("ignore_port_in_host_matching", .bool(true)),
                ]),
                "last_updated": .string(lastUpdated),
            ]), depth: 4)
            flush(&w)
        }
        w.raw("\n      ]\n    }")
    }

    func secretsSection(_ certs: (chain: String, root: String)) -> JSONTree {
        func b64(_ s: String) -> JSONTree { .string(Data(s.utf8).base64EncodedString()) }
        return .object([
            "@type": .string(adminType("SecretsConfigDump")),
            "dynamic_active_secrets": .array([
                .object([
                    "name": .string("default"), "version_info": .string("2026-11-20 10:00:00.000000000 +0000 UTC"),
                    "last_updated": .string(lastUpdated),
                    "secret": typed("envoy.extensions.transport_sockets.tls.v3.Secret", [
                        ("name", .string("default")),
                        ("tls_certificate", .object([
                            "certificate_chain": .object(["inline_bytes": b64(certs.chain)]),
                            // Envoy itself redacts private keys in config dumps.
                            "private_key": .object(["inline_bytes": .string("W3JlZGFjdGVkXQ==")]),
                        ])),
                    ]),
                ]),
                .object([
                    "name": .string("ROOTCA"), "version_info": .string("2026-11-20 10:00:00.000000000 +0000 UTC"),
                    "last_updated": .string(lastUpdated),
                    "secret": typed("envoy.extensions.transport_sockets.tls.v3.Secret", [
                        ("name", .string("ROOTCA")),
                        ("validation_context", .object(["trusted_ca": .object(["inline_bytes": b64(certs.root)])])),
                    ]),
                ]),
            ]),
        ])
    }

    private func endpointsSection(_ w: inout JSONWriter, _ flush: (inout JSONWriter) -> Void) {
        w.raw("{\n      \"@type\": \"\(adminType("EndpointsConfigDump"))\"")
        let keys = outboundClusterKeys()
        w.raw(",\n      \"dynamic_endpoint_configs\": [")
        for (n, key) in keys.enumerated() {
            w.raw(n == 0 ? "\n        " : ",\n        ")
            let pods = key.subset.isEmpty ? key.service.pods : key.service.pods.filter { $0.version == key.subset }
            var byZone: [String: [SyntheticMesh.Pod]] = [:]
            for p in pods { byZone[p.zone, default: []].append(p) }
            let localities: [JSONTree] = byZone.keys.sorted().map { zone in
                .object([
                    "locality": .object(["region": .string("us-east-1"), "zone": .string(zone)]),
                    "lb_endpoints": .array(byZone[zone]!.map { pod in
                        .object([
                            "endpoint": .object([
                                "address": socket(pod.ip, key.port.targetPort),
                                "health_check_config": .object([:]),
                            ]),
                            "health_status": .string(pod.healthy ? "HEALTHY" : "UNHEALTHY"),
                            "metadata": .object(["filter_metadata": .object([
                                "envoy.transport_socket_match": .object(["tlsMode": .string("istio")]),
                                "istio": .object(["workload": .string("\(key.service.name)-\(pod.version);\(pod.namespace);\(key.service.name);\(pod.version);Kubernetes")]),
                            ])]),
                            "load_balancing_weight": .int(1),
                        ])
                    }),
                    "load_balancing_weight": .int(byZone[zone]!.count),
                ])
            }
            w.write(.object([
                "endpoint_config": typed("envoy.config.endpoint.v3.ClusterLoadAssignment", [
                    ("cluster_name", .string(key.name)),
                    ("endpoints", .array(localities)),
                    ("policy", .object(["overprovisioning_factor": .int(140)])),
                ]),
            ]), depth: 4)
            if n % 256 == 255 { flush(&w) }
        }
        w.raw("\n      ]\n    }")
    }
}
