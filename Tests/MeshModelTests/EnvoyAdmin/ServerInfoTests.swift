import Testing
@testable import MeshModel

@Suite struct ServerInfoTests {
    /// An Istio 1.20 sidecar's `/server_info`, in the shape Envoy documents (`envoy.admin.v3.ServerInfo`).
    static let sample = """
    {
     "version": "6f7ca6b8ba1fd1e8ef6c0f9a0a7a1c16d09a3c5e/1.28.1-dev/Clean/RELEASE/BoringSSL",
     "state": "LIVE",
     "hot_restart_version": "disabled",
     "command_line_options": {
      "base_id": "0",
      "use_dynamic_base_id": false,
      "base_id_path": "",
      "concurrency": 2,
      "config_path": "etc/istio/proxy/envoy-rev.json",
      "config_yaml": "",
      "allow_unknown_static_fields": true,
      "reject_unknown_dynamic_fields": false,
      "ignore_unknown_dynamic_fields": false,
      "admin_address_path": "",
      "local_address_ip_version": "v4",
      "log_level": "warning",
      "component_log_level": "misc:error",
      "log_format": "%Y-%m-%dT%T.%fZ\\t%l\\tenvoy %n %g:%#\\t%v\\tthread=%t",
      "log_format_escaped": false,
      "log_path": "",
      "service_cluster": "",
      "service_node": "",
      "service_zone": "",
      "drain_strategy": "Immediate",
      "mode": "Serve",
      "disable_hot_restart": true,
      "enable_mutex_tracing": false,
      "restart_epoch": 0,
      "cpuset_threads": false,
      "disabled_extensions": [],
      "enable_fine_grain_logging": false,
      "socket_path": "@envoy_domain_socket",
      "socket_mode": 0,
      "enable_core_dump": false,
      "stats_tag": [],
      "file_flush_interval": "10s",
      "drain_time": "45s",
      "parent_shutdown_time": "60s"
     },
     "node": {
      "id": "sidecar~10.244.0.12~productpage-v1-5b6d8f7d8c-8xk2p.default~default.svc.cluster.local",
      "cluster": "productpage.default",
      "metadata": {
       "ISTIO_VERSION": "1.20.2",
       "NAMESPACE": "default",
       "NAME": "productpage-v1-5b6d8f7d8c-8xk2p",
       "CLUSTER_ID": "Kubernetes",
       "LABELS": {"app": "productpage", "version": "v1"},
       "PROXY_CONFIG": {"concurrency": 2}
      },
      "locality": {"region": "us-east1", "zone": "us-east1-b"},
      "user_agent_name": "envoy",
      "user_agent_build_version": {
       "version": {"major_number": 1, "minor_number": 28, "patch": 1},
       "metadata": {"revision.sha": "6f7ca6b8ba1fd1e8ef6c0f9a0a7a1c16d09a3c5e", "revision.status": "Clean", "build.type": "RELEASE", "ssl.version": "BoringSSL"}
      },
      "extensions": []
     },
     "uptime_current_epoch": "3605s",
     "uptime_all_epochs": "7205.5s"
    }
    """

    @Test func decodesDocumentedShape() throws {
        let info = try EnvoyServerInfo.decode(Array(Self.sample.utf8))
        #expect(info.versionNumber == "1.28.1-dev")
        #expect(info.state == "LIVE")
        #expect(info.hotRestartVersion == "disabled")
        #expect(info.uptimeCurrentEpoch == 3605)
        #expect(info.uptimeAllEpochs == 7205.5)
        #expect(info.commandLine.concurrency == 2)
        #expect(info.commandLine.configPath == "etc/istio/proxy/envoy-rev.json")
        #expect(info.commandLine.logLevel == "warning")
        #expect(info.commandLine.componentLogLevel == "misc:error")
        #expect(info.commandLine.drainTime == 45)
        #expect(info.commandLine.parentShutdownTime == 60)
        #expect(info.commandLine.mode == "Serve")
        #expect(info.commandLine.all.count == 32)  // every scalar option; the two lists are left out
        #expect(info.commandLine.all.contains(KeyValue("socket_path", "@envoy_domain_socket")))
        #expect(info.node.id == "sidecar~10.244.0.12~productpage-v1-5b6d8f7d8c-8xk2p.default~default.svc.cluster.local")
        #expect(info.node.cluster == "productpage.default")
        #expect(info.node.userAgentVersion == "1.28.1")
        #expect(info.node.metadata["ISTIO_VERSION"] == "1.20.2")
        #expect(info.node.metadata["LABELS"] == nil)
        #expect(info.node.locality == Locality(region: "us-east1", zone: "us-east1-b"))
    }

    @Test func numericStateAndCamelCase() throws {
        let info = try EnvoyServerInfo.decode(Array(#"{"version":"x/1.9.0/Clean/RELEASE/BoringSSL","state":1,"uptimeCurrentEpoch":"12s"}"#.utf8))
        #expect(info.state == "DRAINING")
        #expect(info.uptimeCurrentEpoch == 12)
    }

    @Test func badInput() {
        do {
            _ = try EnvoyServerInfo.decode(Array(#"{"stats": []}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "$: not Envoy /server_info output (no version)")
        }
        do {
            _ = try EnvoyServerInfo.decode(Array(#"{"version":"v","uptime_current_epoch":"soon"}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "$.uptime_current_epoch: expected a duration like \"12s\"")
        }
    }
}
