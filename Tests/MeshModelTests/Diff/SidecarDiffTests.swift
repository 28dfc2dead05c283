import Foundation
import MeshModel
import Testing

/// The sidecar fixture pair: `config_dump_changed.json` moved 9080 to 9999 in one cluster
/// and one route config name, changed a listener's stat prefix and dropped three fields
/// (found with `jq tostream` over both files). Exactly these, nothing else.
@Suite struct SidecarDiffTests {
    @Test func reportsExactlyTheChangedResources() throws {
        let result = ConfigDiff.compare(try DiffFixtures.envoy(DiffFixtures.sidecar()), try DiffFixtures.envoy(DiffFixtures.sidecarChanged()))
        #expect(result.summaries == [
            summary("cluster", changed: 1),
            summary("listener", changed: 2, unchanged: 1),
            summary("route", changed: 1),
            summary("virtualhost", changed: 1),
        ])
        let got = result.resources.map { "\($0.type) \($0.previousName.map { $0 + " -> " } ?? "")\($0.name) \($0.change.rawValue): \($0.paths.joined(separator: ", "))" }
        #expect(got == [
            "cluster inbound-vip|9080|http|ratings.default.svc.cluster.local -> inbound-vip|9999|http|ratings.default.svc.cluster.local changed: eds_cluster_config, name",
            "listener connect_terminate changed: filter_chains[name=default].filters[name=envoy.filters.network.http_connection_manager].typed_config.use_remote_address",
            "listener main_internal changed: filter_chains[name=inbound-vip|9080||details.default.svc.cluster.local-http].filters[name=envoy.filters.network.http_connection_manager].typed_config.stat_prefix",
            "route inbound-vip|9080|http|reviews-v3.default.svc.cluster.local -> inbound-vip|9999|http|reviews-v3.default.svc.cluster.local changed: name, virtual_hosts[name=inbound|http|9080].routes[name=default].route.max_stream_duration.max_stream_duration",
        ])
    }

    @Test func showsThePortChangeInTheUnifiedDiff() throws {
        let result = ConfigDiff.compare(try DiffFixtures.envoy(DiffFixtures.sidecar()), try DiffFixtures.envoy(DiffFixtures.sidecarChanged()))
        let cluster = try #require(result.resources.first { $0.type == "cluster" })
        #expect(cluster.unified.contains("-name: inbound-vip|9080|http|ratings.default.svc.cluster.local\n"))
        #expect(cluster.unified.contains("+name: inbound-vip|9999|http|ratings.default.svc.cluster.local\n"))
        #expect(cluster.unified.contains("-eds_cluster_config:\n"))
        let listener = try #require(result.resources.first { $0.name == "main_internal" })
        #expect(listener.unified.contains("-      stat_prefix: inbound_0.0.0.0_9080\n"))
        #expect(listener.unified.contains("+      stat_prefix: inbound_0.0.0.0_9999\n"))
        // The printer shows the summary, headers and hunks.
        let text = DiffPrinter.render(result)
        #expect(text.hasPrefix("""
            TYPE          ADDED   REMOVED   CHANGED   UNCHANGED
            cluster       0       0         1         0
            listener      0       0         2         1
            route         0       0         1         0
            virtualhost   0       0         1         0

            ~ cluster
            """))
        #expect(text.contains("~ cluster inbound-vip|9080|http|ratings.default.svc.cluster.local → inbound-vip|9999|http|ratings.default.svc.cluster.local\n"))
        #expect(text.contains("--- a/cluster/inbound-vip|9080|http|ratings.default.svc.cluster.local\n+++ b/cluster/inbound-vip|9999|http|ratings.default.svc.cluster.local\n@@ "))
        #expect(!text.contains("\u{1B}["))
        #expect(DiffPrinter.render(result, .init(color: true)).contains("\u{1B}[31m-name: inbound-vip|9080"))
    }

    @Test func withoutRenameDetectionARenameIsRemovedPlusAdded() throws {
        var options = DiffOptions()
        options.detectRenames = false
        options.types = ["cluster"]
        let result = ConfigDiff.compare(try DiffFixtures.envoy(DiffFixtures.sidecar()), try DiffFixtures.envoy(DiffFixtures.sidecarChanged()), options: options)
        #expect(result.summaries == [summary("cluster", added: 1, removed: 1)])
        #expect(result.resources.map(\.change) == [.removed, .added])
    }

    @Test func sameDumpReorderedRetimestampedV2CamelCaseIsNoDifference() throws {
        let original = try DiffFixtures.sidecar()
        let noisy = try NoisyVariant().rewrite(original)
        #expect(noisy.contains("envoy.admin.v2alpha.ClustersConfigDump"))
        #expect(noisy.contains("\"dynamicActiveClusters\""))
        #expect(noisy.contains("envoy.api.v2.Listener"))
        #expect(!noisy.contains("2024-03-04T08:37:44.862Z"))
        let a = try DiffFixtures.envoy(original)
        let b = try DiffFixtures.envoy(noisy)
        let result = ConfigDiff.compare(a, b)
        #expect(result.resources.map(\.key).isEmpty)
        #expect(result.summaries == [summary("cluster", unchanged: 1), summary("listener", unchanged: 3), summary("route", unchanged: 1),
                                     summary("virtualhost", unchanged: 1)])
        #expect(DiffPrinter.render(result).hasSuffix("\nNo differences.\n"))

        // The same pair with --include-noise: every resource differs.
        let noisyResult = ConfigDiff.compare(a, b, options: DiffOptions(includeNoise: true))
        #expect(noisyResult.resources.count == 5)
    }

    @Test func noisyVariantOfTheChangedDumpStillShowsOnlyTheRealChanges() throws {
        let a = try DiffFixtures.envoy(DiffFixtures.sidecar())
        let b = try DiffFixtures.envoy(NoisyVariant().rewrite(DiffFixtures.sidecarChanged()))
        let result = ConfigDiff.compare(a, b)
        #expect(result.resources.map(\.name) == [
            "inbound-vip|9999|http|ratings.default.svc.cluster.local", "connect_terminate", "main_internal",
            "inbound-vip|9999|http|reviews-v3.default.svc.cluster.local",
        ])
    }

    @Test func typeFilter() throws {
        let result = ConfigDiff.compare(try DiffFixtures.envoy(DiffFixtures.sidecar()), try DiffFixtures.envoy(DiffFixtures.sidecarChanged()),
                                        options: DiffOptions(types: ["listener"]))
        #expect(result.summaries == [summary("listener", changed: 2, unchanged: 1)])
        #expect(result.resources.map(\.name) == ["connect_terminate", "main_internal"])
    }

    @Test func structuredOutput() throws {
        let result = ConfigDiff.compare(try DiffFixtures.envoy(DiffFixtures.sidecar()), try DiffFixtures.envoy(DiffFixtures.sidecarChanged()))
        let json = JSONWriter.string(DiffPrinter.structured(result))
        let doc = try JSONDocument(json)
        #expect(doc.root["resources"]?.count == 4)
        let first = try #require(doc.root["resources"]?[0])
        #expect(first["type"]?.string == "cluster")
        #expect(first["previousName"]?.string == "inbound-vip|9080|http|ratings.default.svc.cluster.local")
        #expect(first["change"]?.string == "changed")
        #expect(first["paths"]?.elements.compactMap(\.string) == ["eds_cluster_config", "name"])
        #expect(first["unified"]?.string?.hasPrefix("@@ -1,") == true)
        #expect(doc.root["summary"]?[1]?["unchanged"]?.int == 1)
    }

    @Test func istiodEnvoyComparison() throws {
        let istiod = try EnvoyConfigDump(document: JSONDocument(DiffFixtures.sidecar()))
        let sameButNoisy = try EnvoyConfigDump(document: JSONDocument(NoisyVariant(retimestamp: false).rewrite(DiffFixtures.sidecar())))
        #expect(IstiodEnvoyComparison.render(istiod: istiod, envoy: sameButNoisy) == """
            Clusters Match
            Listeners Match
            Routes Match (RDS last loaded at Mon, 04 Mar 2024 08:37:44 UTC)

            """)
        let changed = try EnvoyConfigDump(document: JSONDocument(DiffFixtures.sidecarChanged()))
        let text = IstiodEnvoyComparison.render(istiod: istiod, envoy: changed)
        #expect(text.hasPrefix("Clusters Don't Match\n- cluster inbound-vip|9080|http|ratings.default.svc.cluster.local (removed)\n--- Istiod Clusters/cluster/"))
        #expect(text.contains("\nListeners Don't Match\n~ listener connect_terminate\n  changed: filter_chains[name=default].filters[name=envoy.filters.network.http_connection_manager].typed_config.use_remote_address\n"))
        #expect(text.contains("\nRoutes Don't Match (RDS last loaded at Mon, 04 Mar 2024 08:37:44 UTC)\n"))
        #expect(text.contains("+++ Envoy Routes/route/inbound-vip|9999|http|reviews-v3.default.svc.cluster.local\n"))
    }

    func summary(_ type: String, added: Int = 0, removed: Int = 0, changed: Int = 0, unchanged: Int = 0) -> DiffTypeSummary {
        var s = DiffTypeSummary(type: type)
        s.added = added
        s.removed = removed
        s.changed = changed
        s.unchanged = unchanged
        return s
    }
}
