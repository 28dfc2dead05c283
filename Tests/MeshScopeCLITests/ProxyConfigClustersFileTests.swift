import Testing
@testable import MeshScopeCLI

/// `proxy-config endpoint --clusters-file`: the live-hosts form of the endpoint view.
@Suite struct ProxyConfigClustersFileTests {
    @Test func readsClustersTextThroughProxyConfig() async throws {
        let path = Fixtures.path("envoy-admin/is160/clusters.txt")
        let r = await MeshScopeMain.invoke(["proxy-config", "endpoint", "--clusters-file", path, "--cluster", "agent"])
        #expect(r.code == 0)
        #expect(r.stdout == """
        ENDPOINT            STATUS      OUTLIER CHECK     CLUSTER
        127.0.0.1:15020     HEALTHY     OK                agent

        """)
    }

    @Test func fileAndClustersFileAreExclusive() async {
        let r = await MeshScopeMain.invoke(["proxy-config", "endpoint"])
        #expect(r.code == 2)
        #expect(r.stderr.contains("either --file"))
        let both = await MeshScopeMain.invoke(["pc", "ep", "-f", "a.json", "--clusters-file", "b.txt"])
        #expect(both.code == 2)
    }
}
