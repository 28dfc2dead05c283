import Foundation
import MeshModel
import Testing

/// Lists of named items are matched by identity (a node's extensions by category and name,
/// filters and routes by name), and `changed:` lines stay readable on real bootstraps.
@Suite struct IdentityListDiffTests {
    static let is160 = "envoy-admin/is160/config_dump.json"

    static func bootstrap(_ rs: [DiffResource]) -> [DiffResource] { rs.filter { $0.type == "bootstrap" } }

    /// The Istio 1.6 gateway's dump with `objects` spliced in at the start of `node.extensions`
    /// (the text edited as text, so nothing else about the dump moves).
    static func withExtensions(_ objects: [String], replacing: Bool = false) throws -> String {
        let text = try Fixtures.text(is160)
        let marker = try #require(text.range(of: "\"extensions\": ["))
        if replacing {
            // Everything up to the list's closing bracket goes (the list holds flat objects only).
            let close = try #require(text[marker.upperBound...].firstIndex(of: "]"))
            return String(text[..<marker.upperBound]) + objects.joined(separator: ",") + String(text[close...])
        }
        return String(text[..<marker.upperBound]) + objects.map { $0 + "," }.joined() + String(text[marker.upperBound...])
    }

    static func extensionNames() throws -> [(category: String, name: String)] {
        let doc = try JSONDocument(Fixtures.text(is160))
        let boot = try #require(doc.root["configs"]?.elements.first { $0["@type"]?.string?.hasSuffix("BootstrapConfigDump") == true })
        let list = try #require(boot["bootstrap"]?["node"]?["extensions"])
        return list.elements.map { ($0["category"]?.string ?? "", $0["name"]?.string ?? "") }
    }

    @Test func oneInsertedExtensionIsOneAddedItem() throws {
        let original = try Self.extensionNames()
        #expect(original.count == 178)
        let a = try DiffFixtures.envoy(Fixtures.text(Self.is160))
        let b = try DiffFixtures.envoy(Self.withExtensions([#"{"name": "envoy.filters.http.inserted", "category": "envoy.filters.http"}"#]))
        let result = ConfigDiff.compare(Self.bootstrap(a), Self.bootstrap(b))
        let boot = try #require(result.resources.first)
        #expect(result.resources.count == 1)
        #expect(boot.changes == [FieldChange("node.extensions[category=envoy.filters.http,name=envoy.filters.http.inserted]", .added)])
        #expect(DiffPrinter.render(result).contains(
            "  changed: node.extensions[category=envoy.filters.http,name=envoy.filters.http.inserted]\n"))
    }

    @Test func extensionOrderIsNoDifference() throws {
        let names = try Self.extensionNames()
        let reversed = names.reversed().map { #"{"category": "\#($0.category)", "name": "\#($0.name)"}"# }
        let a = try DiffFixtures.envoy(Fixtures.text(Self.is160))
        let b = try DiffFixtures.envoy(Self.withExtensions(reversed, replacing: true))
        #expect(ConfigDiff.compare(Self.bootstrap(a), Self.bootstrap(b)).resources.isEmpty)
    }

    /// Another Envoy build: half the extensions gone, 120 new ones, a few with type URLs.
    @Test func anotherBuildsExtensionsAreGroupedAndCounted() throws {
        let names = try Self.extensionNames()
        let kept = names.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let removed = names.count - kept.count
        // The first three kept ones now list a type URL; 120 are new.
        var objects = kept.enumerated().map { n, e in
            n < 3 ? #"{"category": "\#(e.category)", "name": "\#(e.name)", "type_urls": ["x.v3.T"]}"#
                : #"{"category": "\#(e.category)", "name": "\#(e.name)"}"#
        }
        objects += (0..<120).map { #"{"category": "envoy.filters.http", "name": "gateway.extension.\#($0)"}"# }
        let a = try DiffFixtures.envoy(Fixtures.text(Self.is160))
        let b = try DiffFixtures.envoy(Self.withExtensions(objects, replacing: true))
        let result = ConfigDiff.compare(Self.bootstrap(a), Self.bootstrap(b))
        let boot = try #require(result.resources.first)
        #expect(boot.changes.allSatisfy { $0.path.hasPrefix("node.extensions[") })
        #expect(boot.changes.filter { $0.kind == .added && !$0.path.hasSuffix(".type_urls") }.count == 120)
        #expect(boot.changes.filter { $0.kind == .added && $0.path.hasSuffix(".type_urls") }.count == 3)
        #expect(boot.changes.filter { $0.kind == .removed }.count == removed)
        #expect(boot.changes.count == 123 + removed)
        let line = try #require(DiffPrinter.render(result).split(separator: "\n").first { $0.hasPrefix("  changed: ") })
        #expect(line.count <= ChangedPathSummary.maxWidth + 11)
        #expect(line.contains("node.extensions[…] (\(120 + removed) paths: 120 added, \(removed) removed)"))
        #expect(line.contains("node.extensions[…].type_urls (3 added)"))
    }

    @Test(arguments: [
        ("envoy-admin/is160/config_dump.json", "envoy/bootstrap/config_dump.json"),  // Istio 1.6 gateway vs a current sidecar
        ("envoy-admin/is160/config_dump.json", "envoy-admin/pp11/config_dump.json"),  // vs an Istio 1.1 sidecar (v2alpha)
        ("envoy-admin/is160/config_dump.json", "envoy/waypoint/config_dump.json"),
        ("envoy-admin/pp11/config_dump.json", "envoy-admin/egress/config_dump.json"),
    ])
    func realDumpsKeepChangedLinesShort(_ pair: (String, String)) throws {
        let result = ConfigDiff.compare(try DiffFixtures.envoy(Fixtures.text(pair.0)), try DiffFixtures.envoy(Fixtures.text(pair.1)))
        #expect(result.hasDifferences)
        for line in DiffPrinter.render(result).split(separator: "\n") where line.hasPrefix("  changed: ") {
            #expect(line.count <= ChangedPathSummary.maxWidth + 11, "\(line.prefix(120))…")
        }
        // The structured output keeps every path.
        for r in result.resources { #expect(r.paths == r.changes.map(\.path)) }
    }

    // MARK: Ordered lists with names

    func paths(_ a: String, _ b: String) throws -> [FieldChange] {
        let da = try JSONDocument(a), db = try JSONDocument(b)
        return ConfigDiff.compare([DiffResource(type: "listener", name: "x", value: da.root, rules: .envoy)],
                                  [DiffResource(type: "listener", name: "x", value: db.root, rules: .envoy)]).resources.first?.changes ?? []
    }

    @Test func namedFiltersAreMatchedByName() throws {
        let a = #"{"filter_chains":[{"name":"c","filters":[{"name":"rbac"},{"name":"hcm","typed_config":{"stat_prefix":"p"}}]}]}"#
        // One filter inserted before the others, and the HCM's stat prefix changed.
        let b = #"{"filter_chains":[{"name":"c","filters":[{"name":"metadata_exchange"},{"name":"rbac"},{"name":"hcm","typed_config":{"stat_prefix":"q"}}]}]}"#
        #expect(try paths(a, b) == [
            FieldChange("filter_chains[name=c].filters[name=metadata_exchange]", .added),
            FieldChange("filter_chains[name=c].filters[name=hcm].typed_config.stat_prefix", .changed),
        ])
    }

    @Test func reorderedHTTPFiltersAreAMove() throws {
        let a = #"{"http_filters":[{"name":"authn"},{"name":"rbac"},{"name":"router"}]}"#
        let b = #"{"http_filters":[{"name":"rbac"},{"name":"authn"},{"name":"router"}]}"#
        let got = try paths(a, b)
        #expect(got.count == 1)
        #expect(got.first?.kind == .moved)
        #expect(["http_filters[name=authn]", "http_filters[name=rbac]"].contains(got.first?.path ?? ""))
    }

    @Test func repeatedNamesFallBackToPositions() throws {
        let a = #"{"access_log":[{"name":"file","path":"/a"},{"name":"file","path":"/b"}]}"#
        let b = #"{"access_log":[{"name":"file","path":"/a"},{"name":"file","path":"/c"}]}"#
        #expect(try paths(a, b) == [FieldChange("access_log[1].path", .changed)])
    }

    // MARK: The summary line

    @Test func shortListsAreUnchanged() {
        let changes = [FieldChange("name", .changed), FieldChange("eds_cluster_config", .removed)]
        #expect(ChangedPathSummary.line(changes) == "name, eds_cluster_config")
    }

    @Test func longListsAreGroupedWithinTheWidth() {
        var changes = (0..<300).map { FieldChange("node.metadata.KEY_\($0)", .changed) }
        changes.append(FieldChange("admin.address", .changed))
        changes += (0..<50).map { FieldChange("static_resources.clusters[name=c\($0)].connect_timeout", .changed) }
        let line = ChangedPathSummary.line(changes)
        #expect(line == "node.metadata (300 changed), admin.address, static_resources.clusters[…].connect_timeout (50 changed)")
    }

    @Test func tooManyGroupsAreCut() {
        let changes = (0..<1_000).map { FieldChange("field_number_\($0)", $0 % 2 == 0 ? .added : .removed) }
        let line = ChangedPathSummary.line(changes)
        #expect(line.count <= ChangedPathSummary.maxWidth)
        #expect(line.hasPrefix("field_number_0, field_number_1, "))
        #expect(line.hasSuffix(" paths)"))
        // One path longer than the line is cut, not wrapped.
        let long = ChangedPathSummary.line([FieldChange(String(repeating: "x", count: 5_000), .changed)])
        #expect(long.count == ChangedPathSummary.maxWidth && long.hasSuffix("…"))
    }
}
