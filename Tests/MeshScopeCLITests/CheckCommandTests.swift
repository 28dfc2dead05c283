import Foundation
import MeshGen
import MeshModel
@testable import MeshScopeCLI
import Testing

/// `meshscope check` end to end on the demo: the findings are exactly the faults the demo
/// plants (read from ``DemoMesh``, not from the output), and the exit status follows `--fail-on`.
@Suite(.serialized) struct CheckCommandTests {
    struct Listed: Hashable, CustomStringConvertible {
        var code: String
        var object: String
        var description: String { "\(code) \(object)" }
    }

    static func run(_ args: [String]) async throws -> (code: Int32, listed: Set<Listed>, doc: JSONValue, stderr: String) {
        let r = await MeshScopeMain.invoke(["--demo", "--demo-services", "0", "check", "-o", "json", "--stats-interval", "1"] + args)
        let doc = try JSONDocument(bytes: Array(r.stdout.utf8)).root
        var listed = Set<Listed>()
        for f in doc["findings"].map({ Array($0.elements) }) ?? [] {
            let o: JSONValue? = f["objects"].flatMap { Array($0.elements).first }
            let name = o.map { o in (o["namespace"]?.string.map { $0 + "/" } ?? "") + (o["name"]?.string ?? "") } ?? ""
            listed.insert(Listed(code: f["code"]?.string ?? "", object: (o?["kind"]?.string ?? "") + " " + name))
        }
        return (r.code, listed, doc, r.stderr)
    }

    /// What the demo plants, from the model: the stale proxy; the service whose only endpoint
    /// is unhealthy (its clients' cluster has no healthy host, the host is ejected, their
    /// requests get 503: in /clusters, in cluster stats, and on each client's edge).
    static func planted(_ mesh: DemoMesh) -> Set<Listed> {
        var out: Set<Listed> = [Listed(code: "MS0101", object: "Proxy " + mesh.proxyID(mesh.stalePod))]
        for e in mesh.edges where e.noHealthyUpstream {
            let svc = mesh.services[e.service]
            let cluster = "Cluster outbound|\(svc.port)||\(svc.fqdn)"
            out.insert(Listed(code: "MS0205", object: cluster))
            out.insert(Listed(code: "MS0206", object: cluster))
            out.insert(Listed(code: "MS0208", object: cluster))
            let src = mesh.workloads[e.source], dst = mesh.workloads[e.destination]
            out.insert(Listed(code: "MS0404", object: "Edge \(src.name).\(src.namespace) → \(dst.name).\(dst.namespace)"))
        }
        return out
    }

    @Test func demoCheckListsExactlyThePlantedFaults() async throws {
        let mesh = DemoMesh(DemoMesh.Options(services: 0, replicas: 1))
        let r = try await Self.run(["--fail-on", "none"])
        #expect(r.code == 0, "\(r.stderr)")
        let expected = Self.planted(mesh)
        #expect(r.listed == expected, "unexpected: \(r.listed.subtracting(expected).sorted { $0.description < $1.description }), missing: \(expected.subtracting(r.listed).sorted { $0.description < $1.description })")
        // The demo has every input: nothing is left unevaluated.
        #expect(r.doc["notEvaluated"].map { Array($0.elements).count } == 0)
        // Every finding says where to look.
        let findings = r.doc["findings"].map { Array($0.elements) } ?? []
        #expect(!findings.isEmpty && findings.allSatisfy { $0["link"]?["view"]?.string != nil && ($0["evidence"].map { Array($0.elements).count } ?? 0) > 0 })
    }

    @Test func exitStatusFollowsFailOnAndFilters() async throws {
        let mesh = DemoMesh(DemoMesh.Options(services: 0, replicas: 1))
        #expect(try await Self.run([]).code == 3)  // the stale proxy is an error
        let onlyStale = try await Self.run(["--code", "MS0101", "-n", mesh.pods[mesh.stalePod].namespace])
        #expect(onlyStale.code == 3)
        #expect(onlyStale.listed == [Listed(code: "MS0101", object: "Proxy " + mesh.proxyID(mesh.stalePod))])
        let warningsOnly = try await Self.run(["--code", "MS0206,MS0208", "--fail-on", "error"])
        #expect(warningsOnly.code == 0)
        #expect(try await Self.run(["-n", "legacy"]).listed == [])
    }

    @Test func badFlagValuesAreUsageErrors() async {
        for args in [["--fail-on", "fatal"], ["--dumps", "some"], ["--error-ratio", "2"], ["--stale-grace", "-1"], ["--severity", "bad"]] {
            let r = await MeshScopeMain.invoke(["check"] + args)
            #expect(r.code == 2, "\(args): \(r.stderr)")
        }
    }
}
