/// Hand-written Envoy config dumps in the shapes Istio gives sidecars, for what the captured
/// fixtures lack: a sidecar that accepts HBONE (`connect_terminate` on 15008 whose CONNECT
/// route enables the upgrade on the route, with `connect_config`, and no CONNECT upgrade on
/// the HCM; `main_internal` with per-port `filter_chain_match` chains, no matcher tree), its
/// `virtualInbound` with the catch-all chains for ports no Service names, and an outbound
/// cluster whose only endpoint is unhealthy.
public enum SidecarDumps {
    /// `routeUpgrade`: the `upgrade_configs` of the CONNECT route.
    public static func hboneSidecar(routeUpgrade: String = #"[{"upgrade_type": "CONNECT", "connect_config": {}}]"#,
                                    panicThreshold: String? = "{}", health: [String] = ["UNHEALTHY"]) -> String {
        let hcm = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
        let tcp = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"
        func httpFilter(_ route: String) -> String {
            #"{"name": "envoy.filters.network.http_connection_manager", "typed_config": {"@type": "\#(hcm)", "stat_prefix": "x", "codec_type": "AUTO", "route_config": \#(route), "http_filters": [{"name": "envoy.filters.http.router"}]}}"#
        }
        func tcpFilter(_ cluster: String) -> String {
            #"{"name": "envoy.filters.network.tcp_proxy", "typed_config": {"@type": "\#(tcp)", "stat_prefix": "\#(cluster)", "cluster": "\#(cluster)"}}"#
        }
        func inlineRoute(_ name: String, _ cluster: String) -> String {
            #"{"name": "\#(name)", "virtual_hosts": [{"name": "inbound|http|0", "domains": ["*"], "routes": [{"name": "default", "match": {"prefix": "/"}, "route": {"cluster": "\#(cluster)"}}]}]}"#
        }
        let downstreamTLS = #"{"name": "envoy.transport_sockets.tls", "typed_config": {"@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext", "require_client_certificate": true, "common_tls_context": {"alpn_protocols": ["h2"], "tls_certificate_sds_secret_configs": [{"name": "default"}], "validation_context_sds_secret_config": {"name": "ROOTCA"}}}}"#
        let connectTerminate = #"""
        {"name": "connect_terminate", "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15008}},
         "filter_chains": [{"transport_socket": \#(downstreamTLS),
           "filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {"@type": "\#(hcm)", "stat_prefix": "connect_terminate",
             "route_config": {"name": "default", "virtual_hosts": [{"name": "default", "domains": ["*"],
               "routes": [{"match": {"connect_matcher": {}}, "route": {"cluster": "main_internal", "upgrade_configs": \#(routeUpgrade)}}]}]},
             "http_filters": [{"name": "envoy.filters.http.router"}], "http2_protocol_options": {"allow_connect": true}}}]}]}
        """#
        let mainInternal = #"""
        {"name": "main_internal", "internal_listener": {},
         "listener_filters": [{"name": "envoy.filters.listener.original_dst"}, {"name": "envoy.filters.listener.tls_inspector"}, {"name": "envoy.filters.listener.http_inspector"}],
         "filter_chains": [
           {"name": "inbound|9080||", "filter_chain_match": {"destination_port": 9080}, "filters": [\#(httpFilter(inlineRoute("inbound|9080||", "inbound|9080||")))]},
           {"name": "inbound|9091||", "filter_chain_match": {"destination_port": 9091}, "filters": [\#(tcpFilter("inbound|9091||"))]}]}
        """#
        let virtualInbound = #"""
        {"name": "virtualInbound", "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15006}}, "use_original_dst": true,
         "listener_filters": [{"name": "envoy.filters.listener.original_dst"}, {"name": "envoy.filters.listener.tls_inspector"}, {"name": "envoy.filters.listener.http_inspector"}],
         "filter_chains": [
           {"name": "inbound|9080||", "filter_chain_match": {"destination_port": 9080, "transport_protocol": "tls"}, "transport_socket": \#(downstreamTLS),
            "filters": [\#(httpFilter(inlineRoute("inbound|9080||", "inbound|9080||")))]},
           {"name": "virtualInbound-catchall-http", "filter_chain_match": {"prefix_ranges": [{"address_prefix": "0.0.0.0", "prefix_len": 0}], "transport_protocol": "raw_buffer", "application_protocols": ["http/1.1", "h2c"]},
            "filters": [\#(httpFilter(inlineRoute("InboundPassthroughCluster", "InboundPassthroughCluster")))]},
           {"name": "virtualInbound", "filter_chain_match": {"prefix_ranges": [{"address_prefix": "0.0.0.0", "prefix_len": 0}], "transport_protocol": "raw_buffer"},
            "filters": [\#(tcpFilter("InboundPassthroughCluster"))]}]}
        """#
        let outbound = #"""
        {"name": "0.0.0.0_9080", "address": {"socket_address": {"address": "0.0.0.0", "port_value": 9080}}, "bind_to_port": false,
         "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {"@type": "\#(hcm)", "stat_prefix": "outbound_0.0.0.0_9080",
           "route_config": {"name": "9080", "virtual_hosts": [{"name": "ratings.bookinfo.svc.cluster.local:9080", "domains": ["ratings.bookinfo.svc.cluster.local", "ratings.bookinfo.svc.cluster.local:9080", "ratings"],
             "routes": [{"name": "default", "match": {"prefix": "/"}, "route": {"cluster": "outbound|9080||ratings.bookinfo.svc.cluster.local"}}]}]},
           "http_filters": [{"name": "envoy.filters.http.router"}]}}]}]}
        """#
        func listener(_ l: (String, String)) -> String { #"{"name": "\#(l.0)", "active_state": {"listener": \#(l.1)}}"# }
        func originalDst(_ name: String) -> String { #"{"cluster": {"name": "\#(name)", "type": "ORIGINAL_DST", "lb_policy": "CLUSTER_PROVIDED"}}"# }
        let ratingsCluster = #"{"cluster": {"name": "outbound|9080||ratings.bookinfo.svc.cluster.local", "type": "EDS", "eds_cluster_config": {"service_name": "outbound|9080||ratings.bookinfo.svc.cluster.local"}\#(panicThreshold.map { #", "common_lb_config": {"healthy_panic_threshold": \#($0)}"# } ?? "")}}"#
        let endpoints = health.enumerated().map { i, h in
            #"{"endpoint": {"address": {"socket_address": {"address": "10.244.0.\#(i + 20)", "port_value": 9080}}}, "health_status": "\#(h)"}"#
        }.joined(separator: ", ")
        return #"""
        {"configs": [
          {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", "dynamic_listeners": [\#([("connect_terminate", connectTerminate), ("main_internal", mainInternal), ("virtualInbound", virtualInbound), ("0.0.0.0_9080", outbound)].map(listener).joined(separator: ", "))]},
          {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "dynamic_active_clusters": [
            {"cluster": {"name": "main_internal", "type": "STATIC", "load_assignment": {"cluster_name": "main_internal", "endpoints": [{"lb_endpoints": [{"endpoint": {"address": {"envoy_internal_address": {"server_listener_name": "main_internal"}}}}]}]}}},
            \#(originalDst("inbound|9080||")), \#(originalDst("inbound|9091||")), \#(originalDst("InboundPassthroughCluster")), \#(ratingsCluster)]},
          {"@type": "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump", "dynamic_endpoint_configs": [
            {"endpoint_config": {"cluster_name": "outbound|9080||ratings.bookinfo.svc.cluster.local", "endpoints": [{"lb_endpoints": [\#(endpoints)]}]}}]}
        ]}
        """#
    }
}
