import Foundation
import Testing
@testable import MeshModel

/// Our tables against istioctl's expected renderings of the same dumps: byte for byte, and
/// cell by cell (so a failure names the row and column).
@Suite struct ProxyConfigParityTests {
    private func expectText(_ actual: String, _ expectedPath: String, columns: [String]?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try Fixtures.text(expectedPath)
        if let columns { EnvoyTableCells.expectSameCells(actual, expected, columns: columns, expectedPath, sourceLocation: sourceLocation) }
        #expect(actual == expected, "\(expectedPath): \(EnvoySemantic.firstDifference(actual, expected))", sourceLocation: sourceLocation)
    }

    @Test func waypointAll() throws {
        let dump = try EnvoyFixtures.dump("envoy/waypoint/config_dump.json")
        let rendered = ProxyConfigAllView.render(dump, now: EnvoyFixtures.referenceNow)
        #expect(rendered.missing.isEmpty)
        let expected = try Fixtures.text("envoy/waypoint/expected/proxy-config-all.txt")
        #expect(rendered.text == expected, "\(EnvoySemantic.firstDifference(rendered.text, expected))")

        // Cell by cell, block by block.
        let ours = EnvoyTableCells.blocks(rendered.text)
        let theirs = EnvoyTableCells.blocks(expected)
        try #require(ours.count == 6 && theirs.count == 6)
        #expect(ours[0] == theirs[0])
        let prefixed = ProxyConfigTableOptions(typePrefix: true)
        let columns = [
            ClusterView.table([], options: prefixed).columns,
            ListenerView.table([], options: prefixed).columns,
            RouteView.table([], options: prefixed).columns,
            SecretView.table([], now: EnvoyFixtures.referenceNow, options: prefixed).columns,
            EndpointView.table(rows: [], options: prefixed).columns,
        ].map { $0.map(\.name) }
        for (i, cols) in columns.enumerated() {
            EnvoyTableCells.expectSameCells(ours[i + 1], theirs[i + 1], columns: cols, "waypoint all block \(i + 1)")
        }
    }

    @Test func waypointAllWithHeadersMatchesIstioctlLayout() throws {
        let dump = try EnvoyFixtures.dump("envoy/waypoint/config_dump.json")
        let text = ProxyConfigAllView.render(dump, now: EnvoyFixtures.referenceNow, withHeaders: true).text
        #expect(text.hasPrefix("------ BOOTSTRAP INFO ------\n\nIstio Version:       1.21.0-1226\n"))
        #expect(text.contains("Envoy Version:       0.0.0\n\n------ CLUSTER INFO ------\n\nNAME "))
        for h in ["LISTENER INFO", "ROUTE INFO", "SECRET INFO", "ENDPOINTS INFO"] {
            #expect(text.contains("\n\n------ \(h) ------\n\n"))
        }
        // Each block of the plain rendering, preceded by its header (istioctl's layout).
        let plain = ProxyConfigAllView.render(dump, now: EnvoyFixtures.referenceNow).text
        let headers = ["BOOTSTRAP INFO", "CLUSTER INFO", "LISTENER INFO", "ROUTE INFO", "SECRET INFO", "ENDPOINTS INFO"]
        let expected = zip(headers, EnvoyTableCells.blocks(plain)).map { "------ \($0) ------\n\n" + $1 }.joined(separator: "\n")
        #expect(text == expected, "\(EnvoySemantic.firstDifference(text, expected))")
    }

    @Test func bootstrapVersionSummary() throws {
        let dump = try EnvoyFixtures.dump("envoy/bootstrap/config_dump.json")
        let text = VersionSummaryView.table(try #require(dump.bootstrap)).render()
        try expectText(text, "envoy/bootstrap/expected/version-summary.txt", columns: nil)
        #expect(dump.bootstrap?.istioVersion == "1.10.0")
        #expect(dump.bootstrap?.envoyVersion == "1.18.3/Clean/RELEASE/BoringSSL")
    }

    @Test func ecdsTable() throws {
        let dump = try EnvoyFixtures.dump("envoy/ecds/config_dump.json")
        let table = EcdsView.table(EcdsView.extensionConfigs(dump))
        try expectText(table.render(), "envoy/ecds/expected/ecds.txt", columns: table.columns.map(\.name))
    }

    @Test func endpointsTable() throws {
        let dump = try EnvoyFixtures.dump("envoy/endpoints/config_dump.json")
        let table = EndpointView.table(EndpointView.assignments(dump))
        try expectText(table.render(), "envoy/endpoints/expected/endpoints.txt", columns: table.columns.map(\.name))
    }

    @Test(arguments: ["empty-gateway", "istio-gateway-http-route-prefix", "k8s-gateway-http-route-path-prefix"])
    func routesTable(name: String) throws {
        let dump = try EnvoyFixtures.dump("envoy/routes/\(name)/config_dump.json")
        let table = RouteView.table(RouteView.routeConfigs(dump))
        try expectText(table.render(), "envoy/routes/\(name)/expected/routes.txt", columns: table.columns.map(\.name))
    }

    @Test(arguments: ["istio", "spire"])
    func secretsTable(name: String) throws {
        let dump = try EnvoyFixtures.dump("envoy/secrets/\(name)/config_dump.json")
        let table = SecretView.table(SecretView.items(dump), now: EnvoyFixtures.referenceNow)
        try expectText(table.render(), "envoy/secrets/\(name)/expected/secrets.txt", columns: table.columns.map(\.name))
    }
}
