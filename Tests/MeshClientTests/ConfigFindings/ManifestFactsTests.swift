import Foundation
import MeshClient
import MeshModel
import Testing

/// The manifest loader behind `check -f`: files, directories, stdin, multi-document YAML,
/// JSON `List`s, broken documents next to good ones, unknown kinds, and the merge over a
/// cluster's objects.
@Suite struct ManifestFactsTests {
    @Test func brokenDocumentKeepsTheOthers() throws {
        let text = """
        apiVersion: v1
        kind: Service
        metadata: {name: a, namespace: shop}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: b
          namespace: shop
        ---
        # only a comment
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: c}
        spec: {hosts: [a]}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: d}
        ---
        kind: Service
        metadata: {name: e}
        """
        let m = ManifestFacts.load(Array(text.utf8), source: "app.yaml")
        #expect(m.facts.services.map(\.metadata.name) == ["a"])
        #expect(m.facts.objects["VirtualService"]?.map(\.key) == ["default/c"])
        #expect(m.unknownKinds == ["Certificate": 1])
        #expect(m.problems.count == 2)
        let broken = try #require(m.problems.first)
        #expect(broken.source == "app.yaml" && broken.document == 2)
        // The flow mapping opened on line 8 is cut off by the document's end (line 10 or before).
        #expect((8...10).contains(broken.line ?? 0) && broken.column != nil)
        #expect(m.problems.last == ManifestError(source: "app.yaml", document: 6, line: 22, column: nil, message: "apiVersion is missing"))
        #expect(m.facts.locations == ["Service shop/a": "app.yaml:1", "VirtualService default/c": "app.yaml:13"])
    }

    @Test func directoriesJSONListsAndStdin() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("nested"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
          {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "cart", "namespace": "shop"}}
        ]}
        """.write(to: dir.appendingPathComponent("list.json"), atomically: true, encoding: .utf8)
        try "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: shop}\n"
            .write(to: dir.appendingPathComponent("nested/gw.yml"), atomically: true, encoding: .utf8)
        try "not a manifest".write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let stdin = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
        let m = ManifestFacts.load(paths: [dir.path, "-", dir.appendingPathComponent("missing.yaml").path], stdin: { Array(stdin.utf8) })
        #expect(m.facts.namespaces.map(\.metadata.name) == ["shop"])
        #expect(m.facts.services.map(\.metadata.name) == ["cart"])
        #expect(m.facts.objects["Gateway"]?.count == 1)
        #expect(m.facts.pods.map(\.metadata.name) == ["p"])
        #expect(m.facts.locations["Pod shop/p"] == "<stdin>:1")
        #expect(m.facts.locations["Gateway shop/gw"] == dir.appendingPathComponent("nested/gw.yml").path + ":1")
        // Each List item reports the line it starts on, not the List's.
        #expect(m.facts.locations["Namespace shop"] == dir.appendingPathComponent("list.json").path + ":2")
        #expect(m.facts.locations["Service shop/cart"] == dir.appendingPathComponent("list.json").path + ":3")
        #expect(m.problems.map(\.message) == ["no such file or directory"])
        #expect(m.objectCount == 4)
    }

    /// `kubectl get -o yaml` prints a `kind: List`; a JSON array may hold one. Every item is
    /// located at its own first line, in YAML after other documents and in JSON inside arrays.
    @Test func listItemsReportTheirOwnLines() {
        let yaml = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: cart, namespace: shop}
        - apiVersion: v1
          kind: Service
          metadata:
            name: pay
            namespace: shop
        """
        let y = ManifestFacts.load(Array(yaml.utf8), source: "list.yaml")
        #expect(y.problems.isEmpty)
        #expect(y.facts.locations == ["Namespace shop": "list.yaml:1", "Service shop/cart": "list.yaml:8", "Service shop/pay": "list.yaml:11"])

        let json = """
        [
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
          {"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "cart", "namespace": "shop"}},

            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "pay", "namespace": "shop"}}
          ]}
        ]
        """
        let j = ManifestFacts.load(Array(json.utf8), source: "list.json")
        #expect(j.problems.isEmpty)
        #expect(j.facts.locations == ["Namespace shop": "list.json:2", "Service shop/cart": "list.json:4", "Service shop/pay": "list.json:6"])
    }

    @Test func filesReplaceClusterObjects() {
        var cluster = ManifestFacts.load(Array("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings, namespace: bookinfo}
        spec: {host: ratings}
        """.utf8), source: "live").facts
        cluster.locations = [:]
        let files = ManifestFacts.load(Array("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec: {host: reviews, subsets: [{name: v2, labels: {version: v2}}]}
        """.utf8), source: "new.yaml").facts
        let merged = ManifestFacts.merge(files, over: cluster)
        let drs = merged.objects["DestinationRule"] ?? []
        #expect(drs.map(\.key).sorted() == ["bookinfo/ratings", "bookinfo/reviews"])
        #expect(drs.first { $0.metadata.name == "reviews" }?.raw["spec"]?["subsets"]?[0]?["name"]?.string == "v2")
        #expect(merged.locations == ["DestinationRule bookinfo/reviews": "new.yaml:1"])
    }
}

/// A directory of manifests with several mistakes at once, loaded from disk and checked by
/// every config rule: each mistake is found once, with its file and line.
@Suite struct ConfigFixtureTests {
    @Test func severalMistakesEndToEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mistakes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("routing"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try ConfigManifests.bookinfo.write(to: dir.appendingPathComponent("bookinfo.yaml"), atomically: true, encoding: .utf8)
        let routing = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http: [{route: [{destination: {host: reviews, subset: v3}}]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings, namespace: bookinfo}
        spec: {host: ratings}
        """
        try routing.write(to: dir.appendingPathComponent("routing/reviews.yaml"), atomically: true, encoding: .utf8)
        try """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: one, namespace: bookinfo}
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: two, namespace: bookinfo}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ratings-admin, namespace: bookinfo}
        spec: {selector: {app: ratings}, ports: [{name: admin, port: 9000}]}
        ---
        this: [is, not
        """.write(to: dir.appendingPathComponent("sidecars.yaml"), atomically: true, encoding: .utf8)

        let m = ManifestFacts.load(paths: [dir.path])
        #expect(m.problems.count == 1)
        #expect(m.problems.first?.document == 4)
        #expect(m.problems.first?.source.hasSuffix("sidecars.yaml") == true)
        let report = FindingsEngine.evaluate(MeshFacts(now: Date(), kube: m.facts), rules: FindingRules.config)
        let byCode = Dictionary(grouping: report.findings, by: { $0.istioCode ?? "" }).mapValues(\.count)
        #expect(byCode == ["IST0101": 1, "IST0111": 2, "IST0118": 1, "IST0174": 1])
        let subset = try #require(report.findings.first { $0.istioCode == "IST0101" })
        #expect(subset.message == "Referenced host+subset in destinationrule not found: \"reviews+v3\"")
        #expect(subset.objects.first?.location == dir.appendingPathComponent("routing/reviews.yaml").path + ":1")
        let unknown = try #require(report.findings.first { $0.istioCode == "IST0174" })
        #expect(unknown.objects.first?.location == dir.appendingPathComponent("routing/reviews.yaml").path + ":\(ConfigManifests.line(of: "apiVersion: networking.istio.io/v1\nkind: DestinationRule", in: routing) ?? 0)")
    }
}
