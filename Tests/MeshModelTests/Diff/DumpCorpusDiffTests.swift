import MeshModel
import Testing

/// Every section kind of real dumps against noisy copies of themselves: no differences.
@Suite struct DumpCorpusDiffTests {
    @Test(arguments: [
        "envoy/waypoint/config_dump.json",       // all v3 sections, secrets and EDS included
        "envoy-admin/pp11/config_dump.json",     // Istio 1.1, v2alpha
        "envoy/ecds/config_dump.json",
        "envoy/endpoints/config_dump.json",
        "envoy/secrets/spire/config_dump.json",
    ])
    func noisyCopyIsNoDifference(_ path: String) throws {
        let original = try Fixtures.text(path)
        let a = try DiffFixtures.envoy(original)
        #expect(!a.isEmpty)
        let result = ConfigDiff.compare(a, try DiffFixtures.envoy(NoisyVariant().rewrite(original)))
        #expect(result.resources.map(\.key) == [String]())
        #expect(result.summaries.reduce(0) { $0 + $1.unchanged } >= a.count)
    }

    @Test func waypointSectionsAreAllKeyed() throws {
        let rs = try DiffFixtures.envoy(Fixtures.text("envoy/waypoint/config_dump.json"))
        let types = Set(rs.map(\.type))
        #expect(types.isSuperset(of: ["bootstrap", "cluster", "listener", "route", "secret", "endpoint"]))
        // Keys are unique, so every resource is compared with its counterpart.
        #expect(Set(rs.map(\.key)).count == rs.count)
    }
}
