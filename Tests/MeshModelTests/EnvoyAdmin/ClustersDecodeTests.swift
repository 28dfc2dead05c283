import Testing
@testable import MeshModel

@Suite struct ClustersDecodeTests {
    static let web = "outbound|80||web.default.svc.cluster.local"

    @Test func textSampleDecodesEveryField() throws {
        let c = try EnvoyClusters.decode(Array(ClustersSamples.text.utf8))
        #expect(c.malformed.isEmpty)
        #expect(c.clusters.map(\.name) == [Self.web, "inbound-vip|80|http|web.default.svc.cluster.local", "sds-grpc"])
        #expect(c.hostCount == 4)
        let web = try #require(c.cluster(named: Self.web))
        #expect(web.addedViaAPI)
        #expect(web.edsServiceName == Self.web)
        #expect(web.observabilityName == Self.web)
        #expect(web.circuitBreakers.defaultPriority?.maxConnections == 4_294_967_295)
        #expect(web.circuitBreakers.highPriority == CircuitBreakers.Thresholds(maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3))
        let v4 = web.hosts[0]
        #expect(v4.address == .socket(address: "10.244.0.12", port: 8080))
        #expect(v4.counters == HostCounters(cxActive: 2, cxConnectFail: 0, cxTotal: 17, rqActive: 1, rqError: 3, rqSuccess: 120, rqTimeout: 1, rqTotal: 124))
        #expect(v4.successRate == 97.5)
        #expect(v4.localOriginSuccessRate == nil)
        #expect(v4.locality == Locality(region: "us-east1", zone: "us-east1-b"))
        #expect(v4.locality.description == "us-east1/us-east1-b")
        let v6 = web.hosts[1]
        #expect(v6.address == .socket(address: "fd00::7", port: 8080))
        #expect(v6.address.description == "[fd00::7]:8080")
        #expect(v6.health.failedOutlierCheck)
        #expect(v6.health.edsHealthStatus == .unhealthy)
        #expect(v6.health.flags == "/failed_outlier_check/failed_eds_health")
        #expect(v6.weight == 2 && v6.priority == 1)
        let vip = c.clusters[1].hosts[0]
        #expect(vip.address == .envoyInternal(serverListenerName: "connect_originate", endpointID: "10.244.0.12:8080"))
        #expect(vip.hostname == "web.default.svc.cluster.local")
        #expect(c.clusters[2].hosts[0].address == .pipe(path: "./var/run/secrets/workload-spiffe-uds/socket"))
        #expect(c.clusters[2].addedViaAPI == false)
    }

    @Test func jsonSampleSaysTheSameAsText() throws {
        let text = try EnvoyClusters.decode(Array(ClustersSamples.text.utf8))
        let json = try EnvoyClusters.decode(Array(ClustersSamples.json.utf8))
        #expect(json == text)
    }

    /// Envoy's newer streaming JSON writer: numbers instead of strings, zero stats left out,
    /// `type` always printed, `priority: DEFAULT` spelled out, keys in another order.
    @Test func streamingWriterJSONSaysTheSame() throws {
        let json = """
        {"cluster_statuses": [{
          "name": "outbound|80||web.default.svc.cluster.local",
          "observability_name": "outbound|80||web.default.svc.cluster.local",
          "eds_service_name": "outbound|80||web.default.svc.cluster.local",
          "circuit_breakers": {"thresholds": [
            {"priority": "DEFAULT", "max_connections": 4294967295, "max_pending_requests": 4294967295, "max_requests": 4294967295, "max_retries": 4294967295},
            {"priority": "HIGH", "max_connections": 1024, "max_pending_requests": 1024, "max_requests": 1024, "max_retries": 3}]},
          "added_via_api": true,
          "host_statuses": [
            {"address": {"socket_address": {"address": "10.244.0.12", "port_value": 8080}},
             "locality": {"region": "us-east1", "zone": "us-east1-b"},
             "stats": [{"type": "COUNTER", "name": "cx_total", "value": 17}, {"type": "COUNTER", "name": "rq_error", "value": 3},
                       {"type": "COUNTER", "name": "rq_success", "value": 120}, {"type": "COUNTER", "name": "rq_timeout", "value": 1},
                       {"type": "COUNTER", "name": "rq_total", "value": 124}, {"type": "GAUGE", "name": "cx_active", "value": 2},
                       {"type": "GAUGE", "name": "rq_active", "value": 1}],
             "health_status": {"eds_health_status": "HEALTHY"},
             "success_rate": {"value": 97.5},
             "weight": 1},
            {"address": {"socket_address": {"address": "fd00::7", "port_value": 8080}},
             "stats": [{"type": "COUNTER", "name": "cx_connect_fail", "value": 5}, {"type": "COUNTER", "name": "cx_total", "value": 5},
                       {"type": "COUNTER", "name": "rq_error", "value": 40}, {"type": "COUNTER", "name": "rq_total", "value": 40}],
             "health_status": {"eds_health_status": "UNHEALTHY", "failed_outlier_check": true},
             "weight": 2, "priority": 1}]}]}
        """
        let streaming = try EnvoyClusters.decode(Array(json.utf8))
        let webLines = ClustersSamples.text.split(separator: "\n").filter { $0.hasPrefix(Self.web + "::") }.joined(separator: "\n") + "\n"
        let text = try EnvoyClusters.decode(Array(webLines.utf8))
        #expect(streaming == text)
    }

    /// Early istioctl captures print host stats as a map keyed by name.
    @Test func statsAsAMap() throws {
        let json = #"{"cluster_statuses":[{"name":"r","host_statuses":[{"address":{"socketAddress":{"address":"172.17.0.24","portValue":9080}},"stats":{"cx_active":{"type":"GAUGE","value":"2"},"cx_total":{"value":"7"},"rq_total":{}},"healthStatus":{"edsHealthStatus":"HEALTHY"}}]}]}"#
        let h = try EnvoyClusters.decode(Array(json.utf8)).clusters[0].hosts[0]
        #expect(h.counters == HostCounters(cxActive: 2, cxTotal: 7))
        #expect(h.health.edsHealthStatus == .healthy)
        // No health_status at all reads as UNKNOWN, which is what istioctl prints then.
        let bare = #"{"cluster_statuses":[{"name":"r","host_statuses":[{"address":{"pipe":{"path":"/sock"}}}]}]}"#
        #expect(try EnvoyClusters.decode(Array(bare.utf8)).clusters[0].hosts[0].health.edsHealthStatus == .unknown)
    }

    /// istioctl's `-o json` (camelCase array of cluster statuses) reads back to the same model.
    @Test func istioctlJSONRoundTrips() throws {
        let model = try EnvoyClusters.decode(Array(ClustersSamples.text.utf8))
        let printed = JSONWriter.bytes(model.outputNode(), indent: 4, keyStyle: .protoJSON)
        let text = String(decoding: printed, as: UTF8.self)
        #expect(text.contains("\"hostStatuses\""))
        #expect(text.contains("\"portValue\": 8080"))
        #expect(text.contains("\"value\": \"124\""))
        #expect(text.contains("\"edsHealthStatus\": \"UNHEALTHY\""))
        #expect(try EnvoyClusters.decode(printed) == model)
    }

    @Test func outlierAndUnknownLinesAreKept() throws {
        let text = """
        a::observability_name::a
        a::outlier::success_rate_average::98.5
        a::outlier::success_rate_ejection_threshold::91.2
        a::outlier::local_origin_success_rate_average::-1
        a::outlier::local_origin_success_rate_ejection_threshold::-1
        a::default_balancer_context::none
        a::added_via_api::true
        a::10.0.0.1:80::cx_active::0
        a::10.0.0.1:80::rq_retry_budget::4
        a::10.0.0.1:80::health_flags::/failed_active_hc/pending_active_hc/some_new_flag
        a::10.0.0.1:80::eds_status_draining_note::x

        """
        let c = try EnvoyClusters.decodeText(Array(text.utf8))
        let a = try #require(c.cluster(named: "a"))
        #expect(a.outlier?.successRateAverage == 98.5)
        #expect(a.outlier?.successRateEjectionThreshold == 91.2)
        #expect(a.extra == [KeyValue("default_balancer_context", "none")])
        #expect(a.hosts[0].otherStats == [HostStat(name: "rq_retry_budget", value: 4, isGauge: false)])
        #expect(a.hosts[0].health.failedActiveHealthCheck && a.hosts[0].health.pendingActiveHC)
        #expect(a.hosts[0].health.otherFlags == ["some_new_flag"])
        #expect(a.hosts[0].health.edsHealthStatus == .healthy)
        // A host field with a non-numeric value this version does not know is reported, not guessed.
        #expect(c.malformed.count == 1)
        #expect(c.malformed.entries[0].line == 11)
    }

    /// The same address in two priorities prints as two blocks; it stays two hosts.
    @Test func sameAddressInTwoPriorities() throws {
        let text = """
        a::added_via_api::true
        a::10.0.0.1:80::cx_total::4
        a::10.0.0.1:80::priority::0
        a::10.0.0.2:80::cx_total::5
        a::10.0.0.1:80::cx_total::6
        a::10.0.0.1:80::priority::1

        """
        let hosts = try EnvoyClusters.decode(Array(text.utf8)).clusters[0].hosts
        #expect(hosts.map(\.counters.cxTotal) == [4, 5, 6])
        #expect(hosts.map(\.priority) == [0, 0, 1])
    }

    @Test func healthFlagsRoundTrip() {
        for flags in ["healthy", "/failed_active_hc", "/failed_outlier_check/failed_eds_health", "/degraded_eds_health",
                      "/eds_status_draining", "/failed_active_hc/degraded_active_hc/pending_dynamic_removal/active_hc_timeout"] {
            #expect(HostHealth(flags: flags).flags == flags)
        }
        #expect(HostHealth(flags: "/degraded_eds_health").edsHealthStatus == .degraded)
        #expect(HostHealth(flags: "/eds_status_draining").edsHealthStatus == .draining)
    }

    @Test func addressTextForms() {
        #expect(UpstreamHostAddress(text: "10.1.2.3:15012") == .socket(address: "10.1.2.3", port: 15012))
        #expect(UpstreamHostAddress(text: "[::1]:80") == .socket(address: "::1", port: 80))
        #expect(UpstreamHostAddress(text: "@envoy-admin") == .pipe(path: "@envoy-admin"))
        #expect(UpstreamHostAddress(text: "/var/run/a:b") == .pipe(path: "/var/run/a:b"))
        #expect(UpstreamHostAddress(text: "envoy://listener/ep").istioctlAddress == "unix://")
        #expect(UpstreamHostAddress(text: "./etc/istio/proxy/SDS").istioctlAddress == "unix://./etc/istio/proxy/SDS")
    }

    // MARK: Bad input

    @Test func garbageIsFatalWithLineNumber() {
        #expect(throws: AdminDecodeError.self) { try EnvoyClusters.decode(Array("hello\nworld\n".utf8)) }
        do {
            _ = try EnvoyClusters.decode(Array("\nhello world\n".utf8))
        } catch {
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("line 2: not Envoy /clusters output: expected CLUSTER::"))
        }
    }

    @Test func truncatedLastLineIsFatal() {
        let cut = "a::added_via_api::true\na::10.0.0.1:80::cx_active::1\na::10.0.0.1:80::rq_to"
        do {
            _ = try EnvoyClusters.decode(Array(cut.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("line 3: truncated input"))
        }
    }

    @Test func malformedLinesAreSkippedAndCounted() throws {
        let text = "a::added_via_api::true\nnonsense\na::10.0.0.1:80::cx_active::many\na::10.0.0.1:80::cx_total::7\n"
        let c = try EnvoyClusters.decode(Array(text.utf8))
        #expect(c.hostCount == 1)
        #expect(c.clusters[0].hosts[0].counters.cxTotal == 7)
        #expect(c.malformed.count == 2)
        #expect(c.malformed.entries.map(\.line) == [2, 3])
        #expect(c.malformed.summary == #"2 malformed lines skipped (line 2: expected CLUSTER::…, got "nonsense"; line 3: cx_active: expected a number, got "many")"#)
    }

    @Test func truncatedJSONNamesTheByteOffset() {
        let cut = Array(ClustersSamples.json.utf8.prefix(400))
        do {
            _ = try EnvoyClusters.decode(cut)
            Issue.record("expected an error")
        } catch {
            #expect(error.byteOffset == 400)
            #expect(error.description.contains("at byte 400"))
            #expect(error.description.contains("$.cluster_statuses[0].host_statuses[0]"))
        }
    }

    @Test func wrongJSONShapeNamesThePath() {
        do {
            _ = try EnvoyClusters.decode(Array(#"{"cluster_statuses":[{"name":"a","host_statuses":[{"stats":[]}]}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "$.cluster_statuses[0].host_statuses[0]: host status without an address")
        }
        do {
            _ = try EnvoyClusters.decode(Array(#"{"configs": []}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "$: not Envoy /clusters?format=json output (no cluster_statuses)")
        }
    }
}
