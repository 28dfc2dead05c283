import Foundation
import Testing
@testable import MeshScopeCLI

/// `meshscope proxy-config ...` run in-process on the fixtures: output equals istioctl's
/// expected output byte for byte.
@Suite struct ProxyConfigCLITests {
    /// Makes the expected VALID CERT values true (workload certs expired, roots valid).
    static let now = ["--now", "2025-06-01T00:00:00Z"]

    private func run(_ args: [String]) async -> (code: Int32, stdout: String, stderr: String) {
        await MeshScopeMain.invoke(["proxy-config"] + args)
    }

    private func expectOutput(_ args: [String], equals expectedPath: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let r = await run(args)
        let expected = try Fixtures.text(expectedPath)
        #expect(r.code == 0, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr == "", sourceLocation: sourceLocation)
        #expect(r.stdout == expected, "\(args.joined(separator: " ")) differs from \(expectedPath)", sourceLocation: sourceLocation)
    }

    @Test func allOnWaypoint() async throws {
        try await expectOutput(["all", "--file", Fixtures.path("envoy/waypoint/config_dump.json")] + Self.now, equals: "envoy/waypoint/expected/proxy-config-all.txt")
    }

    @Test func aliasesWork() async throws {
        try await expectOutput(["a", "-f", Fixtures.path("envoy/waypoint/config_dump.json")] + Self.now, equals: "envoy/waypoint/expected/proxy-config-all.txt")
        let r = await MeshScopeMain.invoke(["pc", "routes", "-f", Fixtures.path("envoy/routes/empty-gateway/config_dump.json")])
        #expect(r.stdout == (try Fixtures.text("envoy/routes/empty-gateway/expected/routes.txt")))
    }

    @Test func bootstrap() async throws {
        let file = Fixtures.path("envoy/bootstrap/config_dump.json")
        try await expectOutput(["bootstrap", "--file", file], equals: "envoy/bootstrap/expected/bootstrap.json")
        try await expectOutput(["bootstrap", "--file", file, "-o", "short"], equals: "envoy/bootstrap/expected/version-summary.txt")
    }

    @Test func ecds() async throws {
        let file = Fixtures.path("envoy/ecds/config_dump.json")
        try await expectOutput(["ecds", "--file", file], equals: "envoy/ecds/expected/ecds.txt")
        try await expectOutput(["ecds", "--file", file, "-o", "short"], equals: "envoy/ecds/expected/ecds.txt")
        try await expectOutput(["ecds", "--file", file, "-o", "json"], equals: "envoy/ecds/expected/ecds.json")
        try await expectOutput(["ecds", "--file", file, "-o", "yaml"], equals: "envoy/ecds/expected/ecds.yaml")
    }

    @Test func endpoints() async throws {
        let file = Fixtures.path("envoy/endpoints/config_dump.json")
        try await expectOutput(["endpoint", "--file", file], equals: "envoy/endpoints/expected/endpoints.txt")
        try await expectOutput(["endpoint", "--file", file, "-o", "json"], equals: "envoy/endpoints/expected/endpoints.json")
        try await expectOutput(["endpoint", "--file", file, "-o", "yaml"], equals: "envoy/endpoints/expected/endpoints.yaml")
    }

    @Test func endpointFilters() async throws {
        let file = Fixtures.path("envoy/endpoints/config_dump.json")
        let r = await run(["endpoint", "--file", file, "--cluster", "outbound|53||kube-dns.kube-system.svc.cluster.local"])
        #expect(r.stdout == """
        NAME              STATUS      LOCALITY     CLUSTER
        10.244.0.8:53     HEALTHY                  outbound|53||kube-dns.kube-system.svc.cluster.local
        10.244.0.3:53     HEALTHY                  outbound|53||kube-dns.kube-system.svc.cluster.local

        """)
        let byPort = await run(["endpoint", "--file", file, "--port", "9153", "--status", "healthy"])
        #expect(byPort.stdout.split(separator: "\n").count == 3)
        let none = await run(["endpoint", "--file", file, "--status", "UNHEALTHY"])
        #expect(none.stdout == "NAME     STATUS     LOCALITY     CLUSTER\n")
    }

    @Test(arguments: ["empty-gateway", "istio-gateway-http-route-prefix", "k8s-gateway-http-route-path-prefix"])
    func routes(name: String) async throws {
        try await expectOutput(["route", "--file", Fixtures.path("envoy/routes/\(name)/config_dump.json")], equals: "envoy/routes/\(name)/expected/routes.txt")
    }

    @Test(arguments: ["istio", "spire"])
    func secrets(name: String) async throws {
        try await expectOutput(["secret", "--file", Fixtures.path("envoy/secrets/\(name)/config_dump.json")] + Self.now, equals: "envoy/secrets/\(name)/expected/secrets.txt")
    }

    @Test func secretsWithTheRealClock() async throws {
        // The roots are valid until 2033/2034 and the workload certs expired in 2023/2024,
        // so today's clock gives the same VALID CERT column as the expected outputs.
        try await expectOutput(["secret", "--file", Fixtures.path("envoy/secrets/istio/config_dump.json")], equals: "envoy/secrets/istio/expected/secrets.txt")
        let early = await run(["secret", "--file", Fixtures.path("envoy/secrets/istio/config_dump.json"), "--now", "2023-05-15T12:00:00Z"])
        #expect(early.stdout.contains("default                    Cert Chain     ACTIVE      true "))
    }

    @Test func clusterTableAndFilters() async throws {
        let file = Fixtures.path("envoy-admin/is160/config_dump.json")
        let r = await run(["cluster", "--file", file])
        #expect(r.code == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 63)  // header + 57 dynamic + 5 static
        #expect(lines[0].hasPrefix("SERVICE FQDN"))
        // `--port` matches `|15010|`, so the SRV-style `outbound_.15010_._.istiod…` twin is not listed.
        let filtered = await run(["cluster", "--file", file, "--fqdn", "istiod", "--port", "15010"])
        #expect(filtered.stdout == """
        SERVICE FQDN                              PORT      SUBSET     DIRECTION     TYPE     DESTINATION RULE
        istiod.istio-system.svc.cluster.local     15010     -          outbound      EDS      \n
        """)
    }

    @Test func listenerTable() async throws {
        let r = await run(["listener", "--file", Fixtures.path("envoy-admin/is160/config_dump.json")])
        #expect(r.stdout == """
        ADDRESSES PORT  MATCH DESTINATION
        0.0.0.0   8080  ALL   Route: http.80
        0.0.0.0   15021 ALL   Inline Route: /healthz/ready*
        0.0.0.0   15090 ALL   Inline Route: /stats/prometheus*

        """)
        let summary = await run(["listener", "--file", Fixtures.path("envoy-admin/is160/config_dump.json"), "--no-verbose", "--port", "8080"])
        #expect(summary.stdout == "ADDRESSES PORT TYPE\n0.0.0.0   8080 HTTP\n")
    }

    @Test func jsonOutputOfClusters() async throws {
        let r = await run(["cluster", "--file", Fixtures.path("envoy/waypoint/config_dump.json"), "-o", "json", "--fqdn", "httpbin"])
        #expect(r.code == 0)
        #expect(r.stdout.hasPrefix("[\n    {\n        \"name\": \"inbound-vip|8000|http|httpbin.default.svc.cluster.local\",\n"))
        let yaml = await run(["cluster", "--file", Fixtures.path("envoy/waypoint/config_dump.json"), "-o", "yaml", "--fqdn", "httpbin"])
        #expect(yaml.stdout.hasPrefix("- commonLbConfig: {}\n  edsClusterConfig:\n"))
    }

    @Test func stdinInput() async throws {
        let bytes = try Fixtures.bytes("envoy/routes/empty-gateway/config_dump.json")
        let r = await MeshScopeMain.invoke(["proxy-config", "route", "--file", "-"], stdin: bytes)
        #expect(r.stdout == (try Fixtures.text("envoy/routes/empty-gateway/expected/routes.txt")))
    }

    @Test func v2alphaDumpsPrint() async throws {
        let r = await run(["listener", "--file", Fixtures.path("envoy-admin/pp11/config_dump.json"), "--port", "9080", "--address", "172.30.79.25"])
        #expect(r.code == 0)
        #expect(r.stdout.hasPrefix("ADDRESSES    PORT MATCH"))
        #expect(r.stdout.contains("172.30.79.25 9080 App: istio"))
        let routes = await run(["route", "--file", Fixtures.path("envoy-admin/pp11/config_dump.json"), "--no-verbose"])
        #expect(routes.stdout.hasPrefix("NAME"))
        #expect(routes.stdout.contains("\n9080 "))
    }
}
