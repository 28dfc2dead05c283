import Foundation
import Testing
@testable import MeshModel

/// `-o json` / `-o yaml` against istioctl's: semantically (both parsed) and byte for byte.
@Suite struct ProxyConfigJSONParityTests {
    private func expectJSON(_ actual: String, _ expectedPath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try Fixtures.text(expectedPath)
        #expect(try EnvoySemantic.json(actual) == EnvoySemantic.json(expected), "\(expectedPath) differs semantically", sourceLocation: sourceLocation)
        #expect(actual == expected, "\(expectedPath): \(EnvoySemantic.firstDifference(actual, expected))", sourceLocation: sourceLocation)
    }

    private func expectYAML(_ actual: String, _ expectedPath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try Fixtures.text(expectedPath)
        #expect(try EnvoySemantic.yaml(actual) == EnvoySemantic.yaml(expected), "\(expectedPath) differs semantically", sourceLocation: sourceLocation)
        #expect(actual == expected, "\(expectedPath): \(EnvoySemantic.firstDifference(actual, expected))", sourceLocation: sourceLocation)
    }

    @Test func bootstrapJSONKeepsJsonpbStructIndentation() throws {
        let dump = try EnvoyFixtures.dump("envoy/bootstrap/config_dump.json")
        let out = ProxyConfigJSON.bootstrap(try #require(dump.sectionValues[.bootstrap]))
        try expectJSON(out.json(), "envoy/bootstrap/expected/bootstrap.json")
    }

    @Test func ecdsJSONAndYAML() throws {
        let dump = try EnvoyFixtures.dump("envoy/ecds/config_dump.json")
        let out = ProxyConfigJSON.ecds(dump)
        try expectJSON(out.json(), "envoy/ecds/expected/ecds.json")
        try expectYAML(out.yaml(), "envoy/ecds/expected/ecds.yaml")
    }

    @Test func endpointsJSONAndYAML() throws {
        let dump = try EnvoyFixtures.dump("envoy/endpoints/config_dump.json")
        let out = ProxyConfigJSON.endpoints(EndpointView.assignments(dump))
        try expectJSON(out.json(), "envoy/endpoints/expected/endpoints.json")
        try expectYAML(out.yaml(), "envoy/endpoints/expected/endpoints.yaml")
    }

    @Test func filteredEndpointsKeepOnlyMatchingHosts() throws {
        let dump = try EnvoyFixtures.dump("envoy/endpoints/config_dump.json")
        let a = EndpointView.assignments(dump, filter: EndpointFilter(port: 9080, cluster: "outbound|9080||reviews.default.svc.cluster.local"))
        #expect(a.count == 1)
        #expect(a.first?.endpointCount == 3)
        let doc = try JSONDocument(ProxyConfigJSON.endpoints(a).json())
        let hosts = doc.root[0]?["endpoints"]?.elements.flatMap { $0["lbEndpoints"]!.elements.map { $0["endpoint"]!["address"]!["socketAddress"]!["address"]!.string! } }
        #expect(hosts == ["10.244.0.192", "10.244.0.193", "10.244.0.195"])
        #expect(doc.root[0]?["clusterName"]?.string == "outbound|9080||reviews.default.svc.cluster.local")
    }

    @Test func clusterJSONDropsTypeAndCamelCasesButKeepsMapKeys() throws {
        let dump = try EnvoyFixtures.dump("envoy/waypoint/config_dump.json")
        let json = ProxyConfigJSON.clusters(ClusterView.clusters(dump)).json()
        let doc = try JSONDocument(json)
        #expect(doc.root.count == 3)
        let vip = try #require(doc.root[1])
        #expect(vip["name"]?.string == "inbound-vip|8000|http|httpbin.default.svc.cluster.local")
        #expect(vip.member(exactly: "@type") == nil)
        #expect(vip.member(exactly: "edsClusterConfig") != nil)
        #expect(vip.member(exactly: "eds_cluster_config") == nil)
        #expect(json.hasPrefix("[\n    {\n        \""))
    }

    @Test func structKeysStayDataAndSorted() throws {
        let doc = try JSONDocument(#"""
        {"@type": "x", "name": "f", "typed_config": {"@type": "type.googleapis.com/udpa.type.v1.TypedStruct", "type_url": "t", "value": {"stat_prefix": "s", "a_b": {"c_d": 1}}}, "metadata": {"filter_metadata": {"z_z": {"k_k": "<&>"}, "a_a": {}}}}
        """#)
        let out = JSONWriter.string(.json(doc.root), style: .istioctlList)
        #expect(out == """
        {
            "name": "f",
            "typedConfig": {
                "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
                "typeUrl": "t",
                "value": {
                    "a_b": {
                        "c_d": 1
                    },
                    "stat_prefix": "s"
                }
            },
            "metadata": {
                "filterMetadata": {
                    "a_a": {},
                    "z_z": {
                        "k_k": "\\u003c\\u0026\\u003e"
                    }
                }
            }
        }

        """)
    }

    @Test func jsonpbLayoutOfEmptyMessagesAndNestedStructs() throws {
        let doc = try JSONDocument(#"{"bootstrap": {"node": {"metadata": {"A": {"b": [1, {"c": 2}]}}, "locality": {}}}}"#)
        let out = JSONWriter.string(.json(doc.root), style: .jsonpb)
        // jsonpb: a Struct field's members one level deeper than usual, a nested Struct's two,
        // and an empty message on two lines.
        #expect(out == """
        {
            "bootstrap": {
                "node": {
                    "metadata": {
                            "A": {
                                        "b": [
                                                    1,
                                                    {
                                                                "c": 2
                                                            }
                                                ]
                                    }
                        },
                    "locality": {

                    }
                }
            }
        }

        """)
    }

    @Test func privateKeysAreRedactedOnOutput() throws {
        let doc = try JSONDocument(#"{"dynamic_active_secrets": [{"name": "default", "secret": {"name": "default", "tls_certificate": {"certificate_chain": {"inline_bytes": "Q0VSVA=="}, "private_key": {"inline_bytes": "U0VDUkVU", "inline_string": "SECRET"}}}}]}"#)
        #expect(EnvoyRedaction.hasUnredactedKeyMaterial(doc.root))
        let out = ProxyConfigJSON.secrets(doc.root).json()
        #expect(!out.contains("U0VDUkVU"))
        #expect(!out.contains("SECRET\""))
        #expect(out.contains("\"inlineBytes\": \"W3JlZGFjdGVkXQ==\""))
        #expect(out.contains("\"inlineString\": \"[redacted]\""))
        #expect(out.contains("Q0VSVA=="))  // the certificate is public
        // Envoy's own dumps are already redacted: echoing them shows nothing secret.
        let real = try EnvoyFixtures.dump("envoy/secrets/istio/config_dump.json")
        #expect(!EnvoyRedaction.hasUnredactedKeyMaterial(real.document.root))
    }

    @Test func wholeDumpIsEchoedLikeIstioctl() throws {
        let bytes = try Fixtures.bytes("envoy/bootstrap/config_dump.json")
        let dump = try EnvoyConfigDump(bytes: bytes)
        #expect(ProxyConfigJSON.wholeDump(dump) == bytes + [0x0A])
        let yaml = ProxyConfigJSON.wholeDumpYAML(dump)
        #expect(yaml.hasPrefix("configs:\n- '@type': type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\n"))
        #expect(yaml.contains("majorNumber: 1\n"))
    }
}

@Suite struct ProxyConfigYAMLStreamingTests {
    @Test func streamedYAMLEqualsWholeYAML() throws {
        let dump = try EnvoyFixtures.dump("envoy/endpoints/config_dump.json")
        let out = ProxyConfigJSON.endpoints(EndpointView.assignments(dump))
        var streamed = ""
        out.writeYAML { streamed += $0 }
        #expect(streamed == out.yaml())
        #expect(streamed == (try Fixtures.text("envoy/endpoints/expected/endpoints.yaml")))
        var empty = ""
        ProxyConfigJSON.clusters([]).writeYAML { empty += $0 }
        #expect(empty == "[]\n\n")
    }
}
