import Testing
@testable import MeshModel

/// Every JSON capture in the corpus parses with the tape parser.
@Suite struct FixtureCorpusParseTests {
    @Test(arguments: [
        "envoy/waypoint/config_dump.json", "envoy/sidecar/config_dump.json", "envoy/sidecar/config_dump_changed.json",
        "envoy/bootstrap/config_dump.json", "envoy/ecds/config_dump.json", "envoy/endpoints/config_dump.json",
        "envoy-admin/is160/config_dump.json", "envoy-admin/pp11/config_dump.json", "envoy-admin/egress/config_dump.json",
        "envoy-admin/is160/certs.json", "ztunnel/config_dump.json", "istiod/expected/proxy-status.json",
    ])
    func parses(path: String) throws {
        let doc = try JSONDocument(bytes: try Fixtures.bytes(path))
        #expect(doc.root.isObject || doc.root.isArray)
    }
}
