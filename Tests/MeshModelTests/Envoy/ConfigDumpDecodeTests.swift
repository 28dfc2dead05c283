import Foundation
import Testing
@testable import MeshModel

/// Every config_dump capture decodes without loss; the counts and values asserted here
/// were read from the files with jq.
@Suite struct ConfigDumpDecodeTests {
    private func count(_ dump: EnvoyConfigDump, _ state: EnvoyResourceState) -> (clusters: Int, listeners: Int, routes: Int) {
        (dump.clusters.filter { $0.state == state }.count, dump.listeners.filter { $0.state == state }.count, dump.routeConfigs.filter { $0.state == state }.count)
    }

    @Test func sidecarV3() throws {
        let dump = try EnvoyFixtures.dump("envoy/sidecar/config_dump.json")
        #expect(dump.warnings.isEmpty)
        #expect(dump.sectionsPresent == [.clusters, .listeners, .routes])
        #expect(dump.clusters.map(\.name) == ["inbound-vip|9080|http|ratings.default.svc.cluster.local"])
        #expect(dump.clusters[0].discoveryType == "EDS")
        #expect(dump.clusters[0].edsServiceName == "inbound-vip|9080|http|ratings.default.svc.cluster.local")
        #expect(dump.listeners.map(\.name) == ["connect_terminate", "main_internal", "connect_originate"])
        #expect(dump.listeners.allSatisfy { $0.state == .active })
        #expect(dump.listeners[0].address == .socket(address: "0.0.0.0", port: 15008, protocol: nil))
        #expect(dump.listeners[1].address == nil && dump.listeners[1].isInternal)
        let rc = try #require(dump.routeConfigs.first)
        #expect(rc.name == "inbound-vip|9080|http|reviews-v3.default.svc.cluster.local")
        #expect(rc.configuration.virtualHosts.map(\.name) == ["inbound|http|9080"])
        #expect(rc.configuration.virtualHosts[0].domains == ["*"])
    }

    @Test func sidecarChangedDiffersWhereTheFixtureSaysSo() throws {
        let a = try EnvoyFixtures.dump("envoy/sidecar/config_dump.json")
        let b = try EnvoyFixtures.dump("envoy/sidecar/config_dump_changed.json")
        #expect(b.warnings.isEmpty)
        #expect(b.clusters.map(\.name) == ["inbound-vip|9999|http|ratings.default.svc.cluster.local"])
        #expect(a.clusters[0].edsServiceName != nil && b.clusters[0].edsServiceName == nil)
        #expect(b.routeConfigs.map(\.name) == ["inbound-vip|9999|http|reviews-v3.default.svc.cluster.local"])
    }

    @Test func waypointAllSections() throws {
        let dump = try EnvoyFixtures.dump("envoy/waypoint/config_dump.json")
        #expect(dump.warnings.isEmpty)
        #expect(dump.sectionsPresent == [.bootstrap, .clusters, .endpoints, .listeners, .scopedRoutes, .routes, .secrets])
        #expect(dump.clusters.filter { $0.state == .static }.map(\.name) == ["agent", "prometheus_stats"])
        #expect(dump.clusters.filter { $0.state == .active }.map(\.name) == ["inbound-vip|8000|http|httpbin.default.svc.cluster.local"])
        #expect(dump.endpointConfigs.map(\.clusterName).sorted() == ["inbound-vip|8100|http|httpbin.default.svc.cluster.local", "prometheus_stats"])
        let main = try #require(dump.listeners.first { $0.name == "main_internal" })
        #expect(main.filterChains.map(\.name) == [
            "inbound-vip|8000||httpbin.default.svc.cluster.local-http", "inbound-vip|8100||httpbin.default.svc.cluster.local-http", "direct-tcp", "direct-http",
        ])
        let tcp = try #require(main.filterChains[2].filters.last)
        #expect(tcp.config?.kind == .tcpProxy)
        #expect(tcp.tcpProxy?.cluster == "encap")
        // TypedStruct-wrapped filters are unwrapped to their inner type.
        let stats = try #require(main.filterChains[2].filters.first { $0.name == "istio.stats" })
        #expect(stats.config?.isTypedStruct == true)
        #expect(stats.config?.typeName == "stats.PluginConfig")
        #expect(main.filterChainMatcher != nil)
        #expect(dump.secrets.map(\.name) == ["default", "ROOTCA"])
        #expect(dump.bootstrap?.istioVersion == "1.21.0-1226")
    }

    @Test func istio16IngressGateway() throws {
        let dump = try EnvoyFixtures.dump("envoy-admin/is160/config_dump.json")
        #expect(dump.warnings.isEmpty)
        #expect(dump.sectionTypeNames[.clusters] == "envoy.admin.v3.ClustersConfigDump")
        #expect(dump.clusters.filter { $0.state == .static }.map(\.name) == ["agent", "prometheus_stats", "sds-grpc", "xds-grpc", "zipkin"])
        let active = dump.clusters.filter { $0.state == .active }
        #expect(active.count == 57)
        #expect(active[0].name == "BlackHoleCluster")
        #expect(active.filter { $0.discoveryType == "EDS" }.count == 56)
        #expect(dump.listeners.filter { $0.state == .static }.map { $0.address?.port } == [15090, 15021])
        let l = try #require(dump.listeners.first { $0.state == .active })
        #expect(l.name == "0.0.0.0_8080")
        #expect(l.filterChains[0].filters[0].name == "envoy.http_connection_manager")
        #expect(l.filterChains[0].filters[0].httpConnectionManager?.rdsRouteConfigName == "http.80")
        #expect(ListenerView.destination(l.filterChains[0].filters) == "Route: http.80")
        let rc = try #require(dump.routeConfigs.first { $0.name == "http.80" })
        #expect(rc.state == .active)
        #expect(rc.configuration.virtualHosts.map(\.name) == ["*:80"])
        #expect(rc.configuration.virtualHosts[0].routes.count == 5)
        #expect(dump.routeConfigs.filter { $0.state == .static }.count == 2)
        #expect(dump.secrets.map(\.name) == ["default", "ROOTCA"])
        #expect(dump.secrets[0].hasTLSCertificate && dump.secrets[1].hasValidationContext)
        #expect(dump.bootstrap?.nodeID == "router~172.30.75.73~istio-ingressgateway-665c77966f-qb67c.istio-system~istio-system.svc.cluster.local")
        #expect(dump.bootstrap?.envoyVersion == "1.14.1/Clean/RELEASE/BoringSSL")
        #expect(dump.sectionsPresent.contains(.scopedRoutes))
    }

    @Test func v2alphaSidecarIstio11() throws {
        let dump = try EnvoyFixtures.dump("envoy-admin/pp11/config_dump.json")
        #expect(dump.warnings.isEmpty)
        #expect(dump.sectionTypeNames[.listeners] == "envoy.admin.v2alpha.ListenersConfigDump")
        #expect(dump.clusters.filter { $0.state == .static }.map(\.name) == ["prometheus_stats", "xds-grpc", "zipkin"])
        let active = dump.clusters.filter { $0.state == .active }
        #expect(active.count == 41)
        #expect(active.first?.name == "BlackHoleCluster")
        #expect(active.last?.name == "outbound|9901||istio-galley.istio-system.svc.cluster.local")
        // v2alpha lists active listeners in dynamic_active_listeners.
        let listeners = dump.listeners.filter { $0.state == .active }
        #expect(listeners.count == 28)
        #expect(listeners.first?.name == "172.30.79.25_9080")
        #expect(listeners.first?.address == .socket(address: "172.30.79.25", port: 9080, protocol: nil))
        // v2 filters carry an untyped `config` Struct under the pre-1.14 names.
        let hcm = try #require(listeners.first?.filterChains.first?.filters.first)
        #expect(hcm.name == "envoy.http_connection_manager")
        #expect(hcm.config?.typeURL == nil && hcm.config?.kind == .httpConnectionManager)
        #expect(listeners.first?.filterChains.first?.match.applicationProtocols == ["istio"])
        #expect(dump.listeners.filter { $0.state == .static }.map { $0.address?.port } == [15090])
        #expect(dump.routeConfigs.filter { $0.state == .active }.map(\.name) == ["15010", "15031", "8060", "80", "9901", "8080", "9090", "9091", "9093", "15030", "15004", "15032", "9080", "15029"])
        #expect(dump.routeConfigs.filter { $0.state == .static }.count == 3)
        #expect(dump.bootstrap?.istioVersion == "master-20181108-09-15")
    }

    @Test func v2alphaEgressGateway() throws {
        let dump = try EnvoyFixtures.dump("envoy-admin/egress/config_dump.json")
        #expect(dump.warnings.isEmpty)
        #expect(dump.clusters.filter { $0.state == .active }.count == 78)
        #expect(dump.clusters.filter { $0.state == .static }.count == 3)
        let l = try #require(dump.listeners.first { $0.state == .active })
        #expect(l.name == "0.0.0.0_15443")
        #expect(ListenerView.port(l) == 15443)
        #expect(dump.routeConfigs.count == 1 && dump.routeConfigs[0].state == .static)
        #expect(dump.bootstrap?.nodeID == "router~172.30.79.30~istio-egressgateway-5665f98684-j6gdf.istio-system~istio-system.svc.cluster.local")
        #expect(dump.bootstrap?.istioVersion == "release-1.1-20181120-09-15")
    }

    @Test func endpointsSection() throws {
        let dump = try EnvoyFixtures.dump("envoy/endpoints/config_dump.json")
        #expect(dump.endpointConfigs.filter { $0.state == .static }.count == 5)
        #expect(dump.endpointConfigs.filter { $0.state == .active }.count == 32)
        let reviews = try #require(dump.endpointConfigs.first { $0.clusterName == "outbound|9080||reviews.default.svc.cluster.local" })
        #expect(reviews.assignment.localities.flatMap(\.endpoints).map { $0.address?.host } == ["10.244.0.192", "10.244.0.193", "10.244.0.195"])
        let sds = try #require(dump.endpointConfigs.first { $0.clusterName == "sds-grpc" })
        #expect(sds.assignment.localities[0].endpoints[0].address == .pipe(path: "./var/run/secrets/workload-spiffe-uds/socket"))
        // zipkin has no endpoints: decoded, but not listed (as istioctl).
        #expect(dump.endpointConfigs.contains { $0.clusterName == "zipkin" })
        #expect(!EndpointView.assignments(dump).contains { $0.config.clusterName == "zipkin" })
        #expect(EndpointView.rows(EndpointView.assignments(dump)).count == 36)
    }

    @Test func ecdsSectionsAreMerged() throws {
        let dump = try EnvoyFixtures.dump("envoy/ecds/config_dump.json")
        #expect(dump.extensionConfigs.count == 6)
        #expect(dump.extensionConfigs[0].name == "default.httpbin-rate-limiting")
        #expect(dump.extensionConfigs[0].typedConfig?.typeName == "envoy.extensions.filters.http.wasm.v3.Wasm")
        #expect(dump.extensionConfigs[2].typedConfigURL == "")
    }

    @Test func camelCaseDumpsDecodeAlike() throws {
        let doc = try JSONDocument(#"""
        {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
          "dynamicActiveClusters": [{"versionInfo": "v1", "cluster": {"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name": "outbound|80||a.b.svc.cluster.local", "type": "EDS"}}],
          "dynamicWarmingClusters": [{"cluster": {"name": "w"}}]},
         {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
          "dynamicListeners": [{"name": "l", "activeState": {"listener": {"name": "l", "address": {"socketAddress": {"address": "1.2.3.4", "portValue": 80}}}},
                                "warmingState": {"listener": {"name": "l"}}, "errorState": {"failedConfiguration": {"name": "l"}, "details": "bad"}},
                               {"name": "d", "drainingState": {"listener": {"name": "d"}}}]}]}
        """#)
        let dump = try EnvoyConfigDump(document: doc)
        #expect(dump.warnings.isEmpty)
        #expect(dump.clusters.map(\.state) == [.active, .warming])
        #expect(dump.clusters[0].versionInfo == "v1")
        #expect(dump.listeners.map(\.state) == [.active, .warming, .error, .draining])
        #expect(dump.listeners[0].address == .socket(address: "1.2.3.4", port: 80, protocol: nil))
        #expect(dump.listeners[2].errorDetails == "bad")
    }

    @Test func wrongShapesWarnAndKeepTheRest() throws {
        let doc = try JSONDocument(#"""
        {"configs": [
          {"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "dynamic_active_clusters": {"oops": 1}, "static_clusters": [{"cluster": {"name": "ok"}}, 7, {"nocluster": 1}]},
          {"@type": "type.googleapis.com/envoy.admin.v9.FancyConfigDump", "x": 1},
          "junk",
          {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "static_route_configs": [{"route_config": {"name": "r"}}]}
        ]}
        """#)
        let dump = try EnvoyConfigDump(document: doc)
        #expect(dump.clusters.map(\.name) == ["ok"])
        #expect(dump.routeConfigs.map(\.name) == ["r"])
        #expect(dump.unknownSections.count == 1)
        #expect(dump.warnings.map(\.description) == [
            "clusters: dynamic_active_clusters is an object, not an array at $.configs[0].dynamic_active_clusters",
            "clusters: entry is a number, not an object at $.configs[0].static_clusters[1]",
            "clusters: entry has no \"cluster\" at $.configs[0].static_clusters[2]",
            "unknown config type envoy.admin.v9.FancyConfigDump; kept as raw JSON at $.configs[1]",
            "config is a string, not an object at $.configs[2]",
        ])
        #expect(dump.damagedSections == [.clusters])
    }

    @Test(arguments: [
        (#"[1, 2]"#, "not an Envoy config dump: expected an object with a \"configs\" array, found an array at $"),
        (#"{"foo": 1}"#, "not an Envoy config dump: no \"configs\" array (keys: \"foo\") at $"),
        (#"{"configs": {}}"#, "not an Envoy config dump: \"configs\" is an object, not an array at $.configs"),
    ])
    func notADump(text: String, message: String) throws {
        let doc = try JSONDocument(text)
        #expect(throws: EnvoyConfigDumpError.self) { try EnvoyConfigDump(document: doc) }
        do {
            _ = try EnvoyConfigDump(document: doc)
        } catch {
            #expect(error.description == message)
        }
    }
}

@Suite struct ConfigDumpSectionTests {
    @Test func scopedRoutesSecretsAndECDSStates() throws {
        let doc = try JSONDocument(#"""
        {"configs": [
          {"@type": "type.googleapis.com/envoy.admin.v3.ScopedRoutesConfigDump",
           "inline_scoped_route_configs": [{"name": "inline", "scoped_route_configs": [{"@type": "type.googleapis.com/envoy.config.route.v3.ScopedRouteConfiguration", "name": "s1", "route_configuration_name": "rc1"}]}],
           "dynamic_scoped_route_configs": [{"name": "dyn", "version_info": "7", "scoped_route_configs": [{"name": "s2", "route_configuration_name": "rc2"}]}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
           "static_secrets": [{"name": "static-cert", "secret": {"name": "static-cert", "tls_certificate": {"certificate_chain": {"filename": "/etc/certs/cert.pem"}}}}],
           "dynamic_warming_secrets": [{"name": "w", "version_info": "uninitialized"}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump",
           "static_endpoint_configs": [{"endpoint_config": {"cluster_name": "c", "endpoints": [{"locality": {"region": "us", "zone": "a", "sub_zone": "1"}, "lb_endpoints": [{"endpoint": {"address": {"envoy_internal_address": {"server_listener_name": "connect_originate", "endpoint_id": "10.0.0.1:80"}}}, "health_status": "DRAINING"}]}]}}]}
        ]}
        """#)
        let dump = try EnvoyConfigDump(document: doc)
        #expect(dump.warnings.isEmpty)
        #expect(dump.scopedRouteConfigs.map(\.name) == ["inline", "dyn"])
        #expect(dump.scopedRouteConfigs.map(\.state) == [.static, .active])
        #expect(dump.scopedRouteConfigs[1].versionInfo == "7")
        #expect(dump.scopedRouteConfigs.flatMap(\.routeConfigurationNames) == ["rc1", "rc2"])
        #expect(dump.secrets.map(\.state) == [.static, .warming])
        #expect(dump.secrets[1].json == nil)
        #expect(SecretView.hasDynamicSecrets(dump))
        // Static secrets are not listed, as in istioctl.
        #expect(SecretView.items(dump).map(\.name) == ["w"])
        let rows = EndpointView.rows(EndpointView.assignments(dump))
        #expect(rows == [EndpointRow(address: "envoy://connect_originate/10.0.0.1:80", status: "DRAINING", locality: "us/a/1", clusterName: "c")])
    }
}
