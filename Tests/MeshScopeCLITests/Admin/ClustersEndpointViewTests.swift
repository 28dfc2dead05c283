import Foundation
import MeshModel
import Testing
@testable import MeshScopeCLI

/// `ClustersEndpointView` is what `proxy-config endpoint --clusters-file` calls; it is tested
/// in-process here, through the same Console the commands write to.
@Suite struct ClustersEndpointViewTests {
    static func run(_ path: String, previous: String? = nil, interval: Double? = nil,
                    filters: EndpointHostFilter = EndpointHostFilter(), output: OutputFormat = .table) -> (error: CLIError?, stdout: String, stderr: String) {
        let console = Console(capture: true)
        var options = OutputOptions()
        options.output = output
        let error: CLIError? = Console.$current.withValue(console) { () -> CLIError? in
            do {
                try ClustersEndpointView.run(path: path, previous: previous, interval: interval, filters: filters, output: options)
                return nil
            } catch {
                return error as? CLIError
            }
        }
        return (error, console.capturedOut, console.capturedErr)
    }

    @Test func pp11FilteredByPort() {
        let r = Self.run(Fixtures.path("envoy-admin/pp11/clusters.txt"), filters: EndpointHostFilter(port: 15011))
        #expect(r.error == nil)
        #expect(r.stdout == """
        ENDPOINT                 STATUS      OUTLIER CHECK     CLUSTER
        172.21.222.30:15011      HEALTHY     OK                xds-grpc
        172.30.113.236:15011     HEALTHY     OK                outbound|15011||istio-pilot.istio-system.svc.cluster.local

        """)
    }

    @Test func egressClusterFilterWide() throws {
        let r = Self.run(Fixtures.path("envoy-admin/egress/clusters.txt"),
                         filters: EndpointHostFilter(cluster: "outbound|9901||istio-galley.istio-system.svc.cluster.local"), output: .wide)
        #expect(r.error == nil)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            == "ENDPOINT STATUS OUTLIER CHECK CLUSTER CX ACTIVE RQ ACTIVE RQ TOTAL RQ ERRORS SUCCESS RATE LOCALITY WEIGHT HEALTH FLAGS")
        #expect(lines[1].split(separator: " ", omittingEmptySubsequences: true)
            == ["172.30.79.18:9901", "HEALTHY", "OK", "outbound|9901||istio-galley.istio-system.svc.cluster.local", "0", "0", "0", "0", "-", "/us-south/dal13", "1", "healthy"])
    }

    /// `-o json` is istioctl's: the matching cluster statuses, camelCase, 4-space indent.
    @Test func jsonLikeIstioctl() throws {
        let r = Self.run(Fixtures.path("envoy-admin/is160/clusters.txt"), filters: EndpointHostFilter(cluster: "xds-grpc"), output: .json)
        #expect(r.error == nil)
        #expect(r.stdout.hasPrefix("[\n    {\n        \"name\": \"xds-grpc\",\n        \"hostStatuses\": [\n"))
        let doc = try JSONDocument(r.stdout)
        let host = try #require(doc.root[0]?["hostStatuses"]?[0])
        #expect(host["address"]?["socketAddress"]?["address"]?.string == "172.21.187.110")
        #expect(host["address"]?["socketAddress"]?["portValue"]?.int == 15012)
        #expect(host["hostname"]?.string == "istiod.istio-system.svc")
        #expect(host["healthStatus"]?["edsHealthStatus"]?.string == "HEALTHY")
        let stats = try #require(host["stats"]?.array)
        #expect(stats.first { $0["name"]?.string == "rq_error" }?["value"]?.string == "855")
        #expect(stats.first { $0["name"]?.string == "cx_active" }?["type"]?.string == "GAUGE")
        #expect(doc.root[0]?["circuitBreakers"]?["thresholds"]?[0]?["maxConnections"]?.int == 100_000)
    }

    @Test func yamlLikeIstioctl() {
        let r = Self.run(Fixtures.path("envoy-admin/is160/clusters.txt"), filters: EndpointHostFilter(cluster: "sds-grpc"), output: .yaml)
        #expect(r.error == nil)
        #expect(r.stdout.hasPrefix("- circuitBreakers:\n"))
        #expect(r.stdout.contains("  - address:\n      pipe:\n        path: ./etc/istio/proxy/SDS\n"))
        #expect(r.stdout.contains("      value: \"37\"\n"))
    }

    @Test func ratesBetweenTwoCaptures() throws {
        let before = Fixtures.path("envoy-admin/pp11/clusters.txt")
        let text = try Fixtures.text("envoy-admin/pp11/clusters.txt")
            .replacingOccurrences(of: "xds-grpc::172.21.222.30:15011::rq_total::1713", with: "xds-grpc::172.21.222.30:15011::rq_total::1733")
        let after = try tempFile(text)
        let r = Self.run(after, previous: before, interval: 4, filters: EndpointHostFilter(cluster: "xds-grpc"), output: .wide)
        #expect(r.error == nil)
        let cells = r.stdout.split(separator: "\n")[1].split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells[6] == "1733")
        #expect(cells[7] == "5")
    }

    @Test func garbageNamesFileAndLine() throws {
        let path = try tempFile("xds-grpc::added_via_api::false\nxds-grpc::10.0.0.1:15012::cx_active::1\nxds-grpc::10.0.0.1:150")
        let r = Self.run(path)
        let error = try #require(r.error)
        #expect(error.exitCode == 1)
        #expect(error.message == "\(path): line 3: truncated input: expected CLUSTER::HOST::STAT::VALUE, got \"xds-grpc::10.0.0.1:150\"")
        #expect(r.stdout == "")
    }

    @Test func malformedLinesWarnAndPrint() throws {
        let path = try tempFile("a::added_via_api::true\nbroken line\na::10.0.0.1:80::cx_active::2\na::10.0.0.1:80::health_flags::healthy\n")
        let r = Self.run(path)
        #expect(r.error == nil)
        #expect(r.stdout.contains("10.0.0.1:80"))
        #expect(r.stderr == "meshscope: \(path): warning: 1 malformed line skipped (line 2: expected CLUSTER::…, got \"broken line\")\n")
    }

    @Test func optionsParseAndValidate() throws {
        let o = try ClustersEndpointOptions.parse(["--clusters-file", "c.txt", "--previous-clusters-file", "p.txt", "--interval", "2"])
        #expect(o.clustersFile == "c.txt" && o.previousClustersFile == "p.txt" && o.interval == 2)
        #expect(throws: (any Error).self) { try ClustersEndpointOptions.parse(["--clusters-file", "c.txt", "--interval", "2"]) }
        #expect(throws: (any Error).self) { try ClustersEndpointOptions.parse(["--previous-clusters-file", "p.txt", "--interval", "2"]) }
    }
}
