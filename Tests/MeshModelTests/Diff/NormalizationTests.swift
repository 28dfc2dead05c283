import Foundation
import MeshModel
import Testing

/// Which lists are order-free, which keys are noise, and how paths name things.
@Suite struct NormalizationTests {
    func diff(_ a: String, _ b: String, type: String = "cluster", rules: DiffNormalizer.Rules = .envoy) throws -> ConfigDiffResult {
        let da = try JSONDocument(a), db = try JSONDocument(b)
        return ConfigDiff.compare([DiffResource(type: type, name: "x", value: da.root, rules: rules)],
                                  [DiffResource(type: type, name: "x", value: db.root, rules: rules)])
    }

    func paths(_ a: String, _ b: String, rules: DiffNormalizer.Rules = .envoy) throws -> [String] {
        try diff(a, b, rules: rules).resources.first?.paths ?? []
    }

    @Test func domainsAndFilterChainsAreOrderFree() throws {
        #expect(try paths(#"{"virtual_hosts":[{"name":"a","domains":["x","y"]},{"name":"b"}]}"#,
                          #"{"virtual_hosts":[{"name":"b"},{"name":"a","domains":["y","x"]}]}"#) == [])
        #expect(try paths(#"{"filter_chains":[{"name":"a"},{"name":"b"}]}"#, #"{"filter_chains":[{"name":"b"},{"name":"a"}]}"#) == [])
        #expect(try paths(#"{"virtual_hosts":[{"name":"a","domains":["x"]}]}"#, #"{"virtual_hosts":[{"name":"a","domains":["x","z"]}]}"#)
            == ["virtual_hosts[name=a].domains[z]"])
    }

    @Test func orderedListsKeepTheirOrder() throws {
        // http_filters run in order; transport_socket_matches and routes are first-match:
        // a swap is a change (one element moved), matched by name rather than position.
        let swapped = try diff(#"{"http_filters":[{"name":"a"},{"name":"b"}]}"#, #"{"http_filters":[{"name":"b"},{"name":"a"}]}"#)
        #expect(swapped.resources.first?.changes.map(\.kind) == [.moved])
        #expect(try paths(#"{"transport_socket_matches":[{"name":"a"},{"name":"b"}]}"#, #"{"transport_socket_matches":[{"name":"b"},{"name":"a"}]}"#).count == 1)
        // An inserted element names only itself, not every element after it.
        #expect(try paths(#"{"http_filters":[{"name":"a"},{"name":"b"}]}"#, #"{"http_filters":[{"name":"x"},{"name":"a"},{"name":"b"}]}"#)
            == ["http_filters[name=x]"])
        // Unnamed elements are aligned by content, then named by position.
        #expect(try paths(#"{"http_filters":[{"k":1},{"k":2}]}"#, #"{"http_filters":[{"k":0},{"k":1},{"k":2}]}"#)
            == ["http_filters[0]"])
    }

    @Test func noiseAndSpelling() throws {
        #expect(try paths(#"{"version_info":"1","connect_timeout":"1s","@type":"type.googleapis.com/envoy.api.v2.Cluster"}"#,
                          #"{"connectTimeout":"1s","versionInfo":"2","@type":"type.googleapis.com/envoy.config.cluster.v3.Cluster"}"#) == [])
        // Map keys are data: never respelled.
        #expect(try paths(#"{"metadata":{"filter_metadata":{"istio":{"some_key":"v"}}}}"#,
                          #"{"metadata":{"filterMetadata":{"istio":{"someKey":"v"}}}}"#)
            == ["metadata.filter_metadata.istio.someKey", "metadata.filter_metadata.istio.some_key"])
    }

    @Test func transportSocketMatchKeysAreData() throws {
        // `match` is a Struct of endpoint metadata: `tlsMode` is a metadata key, not a proto field.
        let a = #"{"name":"c","transport_socket_matches":[{"name":"tlsMode-istio","match":{"tlsMode":"istio"}}]}"#
        let b = #"{"name":"c","transport_socket_matches":[{"name":"tlsMode-istio","match":{"tlsMode":"disabled"}}]}"#
        let d = try diff(a, b)
        #expect(d.resources.first?.paths == ["transport_socket_matches[name=tlsMode-istio].match.tlsMode"])
        #expect(d.resources.first?.unified.split(separator: "\n").contains { $0.hasPrefix("+") && $0.hasSuffix("tlsMode: disabled") } == true)
        #expect(d.resources.first?.unified.contains("tls_mode") == false)
    }

    @Test func typeURLMapping() {
        #expect(DiffTypeURL.normalize("type.googleapis.com/envoy.api.v2.Cluster") == "type.googleapis.com/envoy.config.cluster.v3.Cluster")
        #expect(DiffTypeURL.normalize("type.googleapis.com/envoy.admin.v2alpha.ListenersConfigDump") == "type.googleapis.com/envoy.admin.v3.ListenersConfigDump")
        #expect(DiffTypeURL.normalize("type.googleapis.com/envoy.config.filter.http.fault.v2.HTTPFault")
            == "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault")
        #expect(DiffTypeURL.normalize("type.googleapis.com/istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig")
            == "type.googleapis.com/istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig")
    }

    @Test func endpointsAreKeyedByAddress() throws {
        let a = #"{"cluster_name":"c","endpoints":[{"lb_endpoints":[{"endpoint":{"address":{"socket_address":{"address":"10.0.0.1","port_value":80}}}},{"endpoint":{"address":{"socket_address":{"address":"10.0.0.2","port_value":80}}},"health_status":"HEALTHY"}]}]}"#
        let b = #"{"cluster_name":"c","endpoints":[{"lb_endpoints":[{"endpoint":{"address":{"socket_address":{"address":"10.0.0.2","port_value":80}}},"health_status":"UNHEALTHY"},{"endpoint":{"address":{"socket_address":{"address":"10.0.0.1","port_value":80}}}}]}]}"#
        #expect(try paths(a, b) == ["endpoints[locality=///p0].lb_endpoints[address=10.0.0.2:80].health_status"])
    }

    @Test func kubernetesObjectsIgnoreServerFields() throws {
        let a = try JSONDocument(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","resourceVersion":"1","uid":"u1","managedFields":[{"manager":"kubectl"}],"creationTimestamp":"2024-01-01T00:00:00Z","generation":1},"data":{"k":"v"},"status":{"x":1}}"#)
        let b = try JSONDocument(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","resourceVersion":"9","uid":"u2","generation":4},"data":{"k":"v2"},"status":{"x":2}}"#)
        let result = ConfigDiff.compare(KubernetesDiffSource.resources([a.root]), KubernetesDiffSource.resources([b.root]))
        #expect(result.resources.map(\.key) == ["v1/ConfigMap/ns/c"])
        #expect(result.resources.first?.paths == ["data.k"])
        let withStatus = ConfigDiff.compare(KubernetesDiffSource.resources([a.root], ignoreStatus: false),
                                            KubernetesDiffSource.resources([b.root], ignoreStatus: false))
        #expect(withStatus.resources.first?.paths == ["data.k", "status.x"])
    }

    @Test func kubernetesSecretDataIsNeverPrinted() throws {
        let a = try JSONDocument(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"tls.key":"UFJJVkFURS1PTEQ="}}"#)
        let b = try JSONDocument(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"tls.key":"UFJJVkFURS1ORVc="}}"#)
        let result = ConfigDiff.compare(KubernetesDiffSource.resources([a.root]), KubernetesDiffSource.resources([b.root]))
        #expect(result.resources.first?.paths == [#"data["tls.key"]"#])
        let text = DiffPrinter.render(result) + JSONWriter.string(DiffPrinter.structured(result))
        #expect(!text.contains("UFJJVkFURS"))
        #expect(text.contains("[redacted, changed]"))
    }
}
