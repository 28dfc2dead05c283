import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import MeshTestSupport
import Testing

/// The manifests of Tests/Manifests/check-mistakes applied to the demo's API server, then
/// `meshscope check` on the cluster: the config rules read the live Istio objects and the
/// Deployments' pod templates (the demo creates no pods for them), and find the same
/// mistakes as `check -f` on the files (expected findings written from Istio's semantics in
/// MeshScopeCLITests/CheckManifestsTests).
@Suite struct CheckAppliedManifestsTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Manifests/check-mistakes").path

    static let expected: Set<String> = [
        "MS1101 VirtualService shop/reviews", "MS1101 VirtualService shop/ratings", "MS1101 Gateway shop/shop-gateway",
        "MS1111 Sidecar shop/default", "MS1111 Sidecar shop/restricted", "MS1118 Service shop/reviews",
        "MS1173 DestinationRule shop/reviews", "MS1174 DestinationRule shop/catalog",
    ]

    @Test func appliedToTheDemoThenCheckedLive() async throws {
        let setup = try await DemoSetup.start("meshscope-check-applied")
        let kubeconfig = setup.kubeconfig
        let files = ["namespace.yaml", "reviews.yaml", "ratings.yaml", "gateway.yaml", "sidecars.yaml", "unknown-host.json"]
        var applied: [(Int32, String)] = []
        for f in files {
            let r = await MeshScopeMain.invoke(["apply", "-f", Self.directory + "/" + f, "--yes", "--kubeconfig", kubeconfig])
            applied.append((r.code, r.stderr + r.stdout))
        }
        let r = await MeshScopeMain.invoke(["check", "--kubeconfig", kubeconfig, "-n", "shop", "-o", "json", "--stats-interval", "0", "--fail-on", "none"])
        await setup.stop()
        #expect(applied.allSatisfy { $0.0 == 0 }, "\(applied)")
        #expect(r.code == 0, "\(r.stderr)")
        let doc = try JSONDocument(bytes: Array(r.stdout.utf8)).root
        var listed = Set<String>()
        var subsets: [String] = []
        for f in doc["findings"].map({ Array($0.elements) }) ?? [] {
            guard let o = f["objects"].flatMap({ Array($0.elements).first }) else { continue }
            let code = f["code"]?.string ?? ""
            listed.insert(code + " " + (o["kind"]?.string ?? "") + " " + (o["namespace"]?.string ?? "") + "/" + (o["name"]?.string ?? ""))
            if code == "MS1173" { subsets.append(f["message"]?.string ?? "") }
            // Live objects come from no file.
            #expect(o["location"] == nil)
        }
        #expect(listed == Self.expected, "unexpected: \(listed.subtracting(Self.expected).sorted()), missing: \(Self.expected.subtracting(listed).sorted())")
        // Only v2 selects nothing: v1 matches the Deployment's pod template, read from the cluster.
        #expect(subsets.count == 1 && subsets.first?.contains("Subset v2") == true, "\(subsets)")
        #expect(!(doc["notEvaluated"].map { Array($0.elements) } ?? []).contains { $0["code"]?.string?.hasPrefix("MS1") == true })
    }
}
