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
        return (r.code, listed(doc), doc, r.stderr)
    }

    /// Each finding as its code and first object (`Proxy NAME.NS`, `Pod NS/NAME`, `Edge A → B`).
    static func listed(_ doc: JSONValue) -> Set<Listed> {
        var listed = Set<Listed>()
        for f in doc["findings"].map({ Array($0.elements) }) ?? [] {
            let o: JSONValue? = f["objects"].flatMap { Array($0.elements).first }
            let name = o.map { o in (o["namespace"]?.string.map { $0 + "/" } ?? "") + (o["name"]?.string ?? "") } ?? ""
            listed.insert(Listed(code: f["code"]?.string ?? "", object: (o?["kind"]?.string ?? "") + " " + name))
        }
        return listed
    }

    /// What the demo plants, from the model (``DemoMesh/Faults`` and the edges' failure
    /// facts), each with what the rule reads: the stale proxy; the service whose only endpoint
    /// is unhealthy (its clients' cluster has no healthy host, the host is ejected, their
    /// requests get 503: in /clusters, in cluster stats, and on each client's edge); and one
    /// planted fault per other runtime rule, MS0405 on the sidecars of the workload whose
    /// AuthorizationPolicy denies an edge's requests (403s also count on that edge).
    static func planted(_ mesh: DemoMesh) -> Set<Listed> {
        let f = mesh.faults
        func proxy(_ p: Int) -> String { "Proxy " + mesh.proxyID(p) }
        func pod(_ p: Int) -> String { "Pod \(mesh.pods[p].namespace)/\(mesh.pods[p].name)" }
        func cluster(_ e: DemoMesh.Edge) -> String { "Cluster outbound|\(mesh.services[e.service].port)||\(mesh.services[e.service].fqdn)" }
        func edge(_ e: DemoMesh.Edge) -> String {
            let src = mesh.workloads[e.source], dst = mesh.workloads[e.destination]
            return "Edge \(src.name).\(src.namespace) → \(dst.name).\(dst.namespace)"
        }
        var out: Set<Listed> = [
            Listed(code: "MS0101", object: proxy(mesh.stalePod)),
            Listed(code: "MS0102", object: proxy(f.listenersNotSent)),
            Listed(code: "MS0103", object: proxy(f.rejectedListener)),
            Listed(code: "MS0203", object: proxy(f.rejectedListener)),
            Listed(code: "MS0104", object: pod(f.notConnected)),
            Listed(code: "MS0105", object: proxy(f.oldProxy)),
            Listed(code: "MS0201", object: proxy(f.warming)),
            Listed(code: "MS0202", object: proxy(f.warming)),
            Listed(code: "MS0501", object: pod(f.uncaptured)),
        ]
        for (code, w) in [("MS0301", f.expiredCertificate), ("MS0302", f.expiringCertificate), ("MS0303", f.futureCertificate)] {
            out.insert(Listed(code: code, object: "Certificate \(mesh.proxyID(mesh.workloads[w].pods[0])) default"))
        }
        for e in mesh.edges {
            let src = mesh.workloads[e.source], dst = mesh.workloads[e.destination]
            if e.noCluster { for p in src.pods { out.insert(Listed(code: "MS0204", object: proxy(p))) } }
            if e.noHealthyUpstream {
                out.insert(Listed(code: "MS0205", object: cluster(e)))
                out.insert(Listed(code: "MS0206", object: cluster(e)))
            }
            if e.connectFailures { out.insert(Listed(code: "MS0207", object: cluster(e))) }
            // Envoy counts a 5xx on the cluster unless the route had none (NC); a 403 is no 5xx.
            if src.mode.hasEnvoy && !e.noCluster && e.deniedBy == nil && e.errorPermille > 100 { out.insert(Listed(code: "MS0208", object: cluster(e))) }
            if e.deniedBy != nil && dst.mode == .sidecar { for p in dst.pods { out.insert(Listed(code: "MS0405", object: proxy(p))) } }
            if e.errorPermille > 100 { out.insert(Listed(code: "MS0404", object: edge(e))) }
            if !e.mtls && src.mode != .none && dst.mode != .none { out.insert(Listed(code: "MS0401", object: edge(e))) }
            if !e.mtls && e.destination == f.strictWorkload { out.insert(Listed(code: "MS0402", object: edge(e))) }
            if e.mtls && [src, dst].contains(where: { mesh.certificateFault(namespace: $0.namespace, serviceAccount: $0.serviceAccount) == .otherRoot }) {
                out.insert(Listed(code: "MS0304", object: edge(e)))
            }
        }
        for dr in mesh.destinationRules where dr.tlsMode == "DISABLE" && mesh.services[dr.service].workloads.contains(f.strictWorkload) {
            out.insert(Listed(code: "MS0403", object: "DestinationRule \(dr.namespace)/\(dr.name)"))
        }
        // A namespace naming a waypoint no service of that name backs.
        for ns in mesh.namespaces {
            guard let name = ns.labels.first(where: { $0.0 == DemoMesh.useWaypointLabel })?.1,
                  !mesh.services.contains(where: { $0.namespace == ns.name && $0.name == name }) else { continue }
            out.insert(Listed(code: "MS0502", object: "Namespace \(ns.name)"))
        }
        // Config findings the same facts raise: the VirtualService naming the missing subset
        // (IST0101), and namespaces neither injected nor ambient (IST0102, info): the demo's
        // `legacy` and the API server's `default`.
        for e in mesh.edges where e.noCluster {
            out.insert(Listed(code: "MS1101", object: "VirtualService \(mesh.services[e.service].namespace)/\(mesh.services[e.service].name)"))
        }
        for ns in mesh.namespaces.map(\.name) + ["default"] where ns != "istio-system" {
            let labels = mesh.namespaces.first { $0.name == ns }?.labels ?? []
            guard !labels.contains(where: { $0.0 == "istio-injection" || ($0.0 == "istio.io/dataplane-mode" && $0.1 == "ambient") }) else { continue }
            out.insert(Listed(code: "MS1102", object: "Namespace \(ns)"))
        }
        let noCert = mesh.workloads[f.noZtunnelCertificate]
        if let node = noCert.pods.first.map({ mesh.pods[$0].node }), let z = mesh.ztunnel(onNode: node) {
            out.insert(Listed(code: "MS0503", object: "Certificate istio-system/\(mesh.pods[z].name) spiffe://\(mesh.trustDomain)/ns/\(noCert.namespace)/sa/\(noCert.serviceAccount)"))
        }
        return out
    }

    /// Every runtime rule has a planted fault.
    @Test func everyRuntimeRuleIsPlanted() {
        let codes = Set(Self.planted(DemoMesh(DemoMesh.Options(services: 0, replicas: 1))).map(\.code).filter { !$0.hasPrefix("MS1") })
        let rules = Set(FindingRules.runtime.map(\.code))
        #expect(codes == rules, "missing \(rules.subtracting(codes).sorted()), extra \(codes.subtracting(rules).sorted())")
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

    /// MS0405 names the AuthorizationPolicy that selects the denying proxy (from the model:
    /// the denied edge's policy, in its destination's namespace), with the RBAC denials
    /// counted in its stats, and its flows are the 403s at that proxy.
    @Test func rbacDenialNamesThePolicy() async throws {
        let mesh = DemoMesh(DemoMesh.Options(services: 0, replicas: 1))
        let e = try #require(mesh.edges.first { $0.deniedBy != nil })
        let dst = mesh.workloads[e.destination]
        let r = try await Self.run(["--code", "MS0405", "--fail-on", "none"])
        let f = try #require(r.doc["findings"].flatMap { Array($0.elements).first })
        let objects = (f["objects"].map { Array($0.elements) } ?? []).map { "\($0["kind"]?.string ?? "") \($0["namespace"]?.string ?? "")/\($0["name"]?.string ?? "")" }
        #expect(objects.contains("AuthorizationPolicy \(dst.namespace)/\(try #require(e.deniedBy))"), "\(objects)")
        let evidence = (f["evidence"].map { Array($0.elements) } ?? []).map { "\($0["source"]?.string ?? ""): \($0["text"]?.string ?? "")" }
        #expect(evidence.contains { $0.contains("rbac_denied") && $0.contains("inbound_0.0.0.0_\(mesh.services[e.service].targetPort)") }, "\(evidence)")
        #expect(evidence.contains("AuthorizationPolicy \(dst.namespace)/\(e.deniedBy ?? "") spec.action: DENY"), "\(evidence)")
        #expect((f["message"]?.string ?? "").contains(e.deniedBy ?? "?"))
        let pod = mesh.pods[dst.pods[0]]
        #expect(f["link"]?["flows"]?.string == "--pod \(pod.name).\(pod.namespace) --status 403")
    }

    @Test func aSnapshotOfTheDemoFindsTheSameFaults() async throws {
        let mesh = DemoMesh(DemoMesh.Options(services: 0, replicas: 1))
        let path = NSTemporaryDirectory() + "meshscope-check-\(UUID().uuidString.prefix(8)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let taken = await MeshScopeMain.invoke(["--demo", "--demo-services", "0", "snapshot", "-o", path])
        #expect(taken.code == 0, "\(taken.stderr)")
        let r = await MeshScopeMain.invoke(["check", "--snapshot", path, "-o", "json", "--fail-on", "none"])
        #expect(r.code == 0, "\(r.stderr)")
        let listed = Self.listed(try JSONDocument(bytes: Array(r.stdout.utf8)).root)
        let expected = Self.planted(mesh)
        #expect(listed == expected, "unexpected: \(listed.subtracting(expected)), missing: \(expected.subtracting(listed))")
    }

    @Test func exitStatusFollowsFailOnAndFilters() async throws {
        let mesh = DemoMesh(DemoMesh.Options(services: 0, replicas: 1))
        #expect(try await Self.run([]).code == 3)  // the stale proxy is an error
        let onlyStale = try await Self.run(["--code", "MS0101", "-n", mesh.pods[mesh.stalePod].namespace])
        #expect(onlyStale.code == 3)
        #expect(onlyStale.listed == [Listed(code: "MS0101", object: "Proxy " + mesh.proxyID(mesh.stalePod))])
        let warningsOnly = try await Self.run(["--code", "MS0206,MS0208", "--fail-on", "error"])
        #expect(warningsOnly.code == 0)
        // legacy holds only the non-mesh client: it is not injected (info), nothing else.
        #expect(try await Self.run(["-n", "legacy"]).listed == [Listed(code: "MS1102", object: "Namespace legacy")])
    }

    @Test func savedDumpsAreCheckedAndTheRestIsNotEvaluated() async throws {
        let dump = Fixtures.path("envoy/sidecar/config_dump.json")
        let r = await MeshScopeMain.invoke(["check", "--file", "web-0.shop=" + dump, "-o", "json", "--fail-on", "none"])
        #expect(r.code == 0, "\(r.stderr)")
        let doc = try JSONDocument(bytes: Array(r.stdout.utf8)).root
        let evaluated = Set((doc["evaluated"].map { Array($0.elements) } ?? []).compactMap(\.string))
        let notEvaluated = Set((doc["notEvaluated"].map { Array($0.elements) } ?? []).compactMap { $0["code"]?.string })
        // A dump alone: the Envoy state and certificate rules run; sync, traffic and ambient rules cannot.
        #expect(evaluated.isSuperset(of: ["MS0201", "MS0202", "MS0203", "MS0204", "MS0301"]))
        #expect(notEvaluated.isSuperset(of: ["MS0101", "MS0104", "MS0205", "MS0401", "MS0501"]))
        let junk = NSTemporaryDirectory() + "meshscope-check-junk-\(UUID().uuidString.prefix(8)).json"
        try Data("{\"hello\":1}".utf8).write(to: URL(fileURLWithPath: junk))
        defer { try? FileManager.default.removeItem(atPath: junk) }
        #expect(await MeshScopeMain.invoke(["check", "--file", junk]).code == 1)
    }

    @Test func badFlagValuesAreUsageErrors() async {
        for args in [["--fail-on", "fatal"], ["--dumps", "some"], ["--error-ratio", "2"], ["--stale-grace", "-1"], ["--severity", "bad"]] {
            let r = await MeshScopeMain.invoke(["check"] + args)
            #expect(r.code == 2, "\(args): \(r.stderr)")
        }
    }
}
