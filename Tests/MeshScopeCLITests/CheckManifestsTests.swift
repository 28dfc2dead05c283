import Foundation
import MeshModel
@testable import MeshScopeCLI
import Testing

/// `meshscope check -f DIR` end to end on Tests/Manifests/check-mistakes, a directory of
/// hand-written manifests with several mistakes at once. The expected findings are written
/// from Istio's documented analyzer semantics (each file's comments say which), and their
/// `file:line` from the files themselves.
@Suite struct CheckManifestsTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Manifests/check-mistakes").path

    /// The files `kubectl apply` would take (everything but `extras/`, which holds an Ingress
    /// and a broken document).
    static let applicable = ["namespace.yaml", "reviews.yaml", "ratings.yaml", "gateway.yaml", "sidecars.yaml", "unknown-host.json"]
        .map { directory + "/" + $0 }

    /// Code, object, and the file the object comes from.
    struct Listed: Hashable, CustomStringConvertible {
        var code: String
        var object: String
        var file: String
        var description: String { "\(code) \(object) (\(file))" }
    }

    /// The mistakes, as istioctl analyze's documentation describes them:
    /// - IST0101 ReferencedResourceNotFound: VirtualService shop/reviews routes to subset v3,
    ///   which the only DestinationRule for reviews (v1, v2) does not define; VirtualService
    ///   shop/ratings routes to host `ratings`, which is no Service or ServiceEntry; Gateway
    ///   shop/shop-gateway selects `istio=shop-ingressgateway`, which no pod or template has.
    /// - IST0111 MultipleSidecarsWithoutWorkloadSelectors: Sidecars default and restricted in
    ///   shop both lack a workloadSelector (each is reported).
    /// - IST0118 PortNameIsNotUnderNamingConvention: Service shop/reviews names its port `web`.
    /// - IST0173 DestinationRuleSubsetNotSelectPods: subset v2 (app=reviews, version=v2) selects
    ///   nothing; only reviews-v1's template (version=v1) exists.
    /// - IST0174 UnknownDestinationRuleHost: DestinationRule shop/catalog names
    ///   catalog.shop.svc.cluster.local, which no Service defines.
    static let expected: Set<Listed> = [
        Listed(code: "MS1101", object: "VirtualService shop/reviews", file: "reviews.yaml"),
        Listed(code: "MS1101", object: "VirtualService shop/ratings", file: "ratings.yaml"),
        Listed(code: "MS1101", object: "Gateway shop/shop-gateway", file: "gateway.yaml"),
        Listed(code: "MS1111", object: "Sidecar shop/default", file: "sidecars.yaml"),
        Listed(code: "MS1111", object: "Sidecar shop/restricted", file: "sidecars.yaml"),
        Listed(code: "MS1118", object: "Service shop/reviews", file: "reviews.yaml"),
        Listed(code: "MS1173", object: "DestinationRule shop/reviews", file: "reviews.yaml"),
        Listed(code: "MS1174", object: "DestinationRule shop/catalog", file: "unknown-host.json"),
    ]

    /// The line an object's document starts at in its file: its `apiVersion` line (the
    /// first line of the JSON file).
    static func line(of object: String, in file: String) throws -> Int {
        let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
        if file.hasSuffix(".json") { return 1 }
        let parts = object.split(separator: " ")
        let kind = parts[0], name = parts[1].split(separator: "/")[1]
        let lines = text.components(separatedBy: "\n")
        guard let k = lines.indices.first(where: { i in
            lines[i] == "kind: \(kind)" && lines[(i + 1)...].prefix(3).contains("  name: \(name)")
        }) else { throw CocoaError(.fileReadCorruptFile) }
        return (lines[..<k].lastIndex { $0.hasPrefix("apiVersion:") } ?? 0) + 1
    }

    static func listed(_ doc: JSONValue) -> (Set<Listed>, locations: [String: String]) {
        var out = Set<Listed>()
        var locations: [String: String] = [:]
        for f in doc["findings"].map({ Array($0.elements) }) ?? [] {
            guard let o = f["objects"].flatMap({ Array($0.elements).first }) else { continue }
            let object = (o["kind"]?.string ?? "") + " " + (o["namespace"]?.string ?? "") + "/" + (o["name"]?.string ?? "")
            let location = o["location"]?.string ?? ""
            let file = location.split(separator: ":").first.map { String($0.dropFirst(directory.count + 1)) } ?? ""
            out.insert(Listed(code: f["code"]?.string ?? "", object: object, file: location.isEmpty ? "" : file))
            locations[object] = location
        }
        return (out, locations)
    }

    @Test func aDirectoryAloneIsAnalyzedAsIstioctlAnalyzeWouldWithBrokenDocumentsReported() async throws {
        let r = await MeshScopeMain.invoke(["check", "-f", Self.directory, "-o", "json"])
        // A broken document makes the status 1; the other documents are still analyzed.
        #expect(r.code == 1, "\(r.stderr)")
        let broken = Self.directory + "/extras/not-applied.yaml"
        let stderr = r.stderr.split(separator: "\n").map(String.init)
        #expect(stderr.count == 1 && stderr[0].hasPrefix(broken + ":") && stderr[0].contains(": document 2: "), "\(r.stderr)")
        // The flow sequence opened on line 18 is cut off by the next key (line 18 or 19).
        let place = stderr.first.map { $0.dropFirst(broken.count + 1).split(separator: ":").prefix(2).compactMap { Int($0) } } ?? []
        #expect(place.count == 2 && (18...19).contains(place[0]), "\(r.stderr)")

        let doc = try JSONDocument(bytes: Array(r.stdout.utf8)).root
        let (listed, locations) = Self.listed(doc)
        #expect(listed == Self.expected, "unexpected: \(listed.subtracting(Self.expected).sorted { $0.description < $1.description }), missing: \(Self.expected.subtracting(listed).sorted { $0.description < $1.description })")
        for l in Self.expected {
            let line = try Self.line(of: l.object, in: l.file)
            #expect(locations[l.object] == Self.directory + "/" + l.file + ":\(line)", "\(l)")
        }
        // Ten objects in the six applicable files; the Ingress is counted, not analyzed.
        let manifests = try #require(doc["manifests"])
        #expect(manifests["objects"]?.int == 10)
        #expect(manifests["unknownKinds"]?["Ingress"]?.int == 1)
        #expect(manifests["problems"].map { Array($0.elements).count } == 1)
        // Files alone: the config rules ran; the runtime rules are listed as not run, not as passed.
        #expect(doc["notEvaluated"].map { Array($0.elements).count } == 0)
        let notRun = Set((manifests["notRun"].map { Array($0.elements) } ?? []).compactMap(\.string))
        #expect(notRun.contains("MS0101") && notRun.contains("MS0205") && !notRun.contains { $0.hasPrefix("MS1") })
    }

    @Test func wideTableSaysWhereEachObjectWasReadAndFailOnCounts() async throws {
        let args = ["check"] + Self.applicable.flatMap { ["-f", $0] }
        let r = await MeshScopeMain.invoke(args + ["-o", "wide"])
        // Errors (IST0101, IST0111, IST0173) and no unreadable document: status 3.
        #expect(r.code == 3, "\(r.stderr)")
        let row = r.stdout.split(separator: "\n").first { $0.contains("MS1173") }.map(String.init) ?? ""
        let line = try Self.line(of: "DestinationRule shop/reviews", in: "reviews.yaml")
        #expect(row.contains("IST0173") && row.contains("DestinationRule shop/reviews")
            && row.contains(Self.directory + "/reviews.yaml:\(line)"), "\(r.stdout)")
        #expect(r.stdout.contains("Manifests: 10 objects checked"), "\(r.stdout)")
        #expect(await MeshScopeMain.invoke(args + ["--fail-on", "none"]).code == 0)
    }

    @Test func stdinIsAManifest() async throws {
        let yaml = try String(contentsOfFile: Self.directory + "/ratings.yaml", encoding: .utf8)
        let r = await MeshScopeMain.invoke(["check", "-f", "-", "-o", "json", "--fail-on", "none"], stdin: Array(yaml.utf8))
        #expect(r.code == 0, "\(r.stderr)")
        let (listed, locations) = Self.listed(try JSONDocument(bytes: Array(r.stdout.utf8)).root)
        #expect(listed.map(\.code) == ["MS1101"])
        #expect(locations["VirtualService shop/ratings"] == "<stdin>:2")
    }

    /// With `--demo` the files are laid over the demo's objects: the same mistakes are found
    /// in shop, with the files' locations, and nothing the demo has hides or adds one there.
    @Test func filesLaidOverTheDemoFindTheSameMistakes() async throws {
        let args = ["--demo", "--demo-services", "0", "check"] + Self.applicable.flatMap { ["-f", $0] }
        let r = await MeshScopeMain.invoke(args + ["-n", "shop", "-o", "json", "--stats-interval", "0", "--fail-on", "none"])
        #expect(r.code == 0, "\(r.stderr)")
        let doc = try JSONDocument(bytes: Array(r.stdout.utf8)).root
        let (listed, _) = Self.listed(doc)
        #expect(listed == Self.expected, "unexpected: \(listed.subtracting(Self.expected).sorted { $0.description < $1.description }), missing: \(Self.expected.subtracting(listed).sorted { $0.description < $1.description })")
        // The runtime rules ran too (on the demo's state), not skipped.
        #expect(doc["manifests"]?["notRun"].map { Array($0.elements).count } == 0)
        #expect((doc["evaluated"].map { Array($0.elements) } ?? []).contains { $0.string == "MS0101" })
    }
}
