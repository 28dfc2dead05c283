import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import Testing

/// `meshscope apply` end to end against the fake API server: preview, confirm, results.
@Suite struct ApplyTests {
    static func configMap(_ name: String, namespace: String? = "shop", data: [String: String]) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
        \(namespace.map { "  namespace: \($0)" } ?? "")
        data:
        \(data.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n"))
        """
    }

    static let service = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: shop
      labels: {app: web}
    spec:
      selector: {app: web}
      ports:
      - name: http
        port: 80
    """

    static let virtualService = """
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata:
      name: web
      namespace: shop
    spec:
      hosts: [web]
      http:
      - route:
        - destination: {host: web}
    """

    static func prepare(_ cluster: TestCluster) throws {
        try cluster.server.write(FakeObjects.namespace("shop"), manager: "test")
    }

    static func apply(_ cluster: TestCluster, _ manifest: String, _ extra: [String] = ["--yes"]) async throws -> (code: Int32, stdout: String, stderr: String) {
        let file = try cluster.write("manifest-\(UUID().uuidString.prefix(6)).yaml", manifest)
        return await MeshScopeMain.invoke(["apply", "-f", file, "--kubeconfig", try cluster.kubeconfig()] + extra)
    }

    @Test func createThenUnchangedThenChanged() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            let manifest = [Self.service, Self.virtualService, Self.configMap("settings", data: ["color": "blue"])].joined(separator: "\n---\n")

            let first = try await Self.apply(cluster, manifest)
            #expect(first.code == 0, "\(first.stderr)")
            let preview = TableText.parse(first.stdout, header: "#")
            #expect(preview.map { $0["ACTION"] } == ["create", "create", "create"])
            #expect(preview.map { $0["KIND"] } == ["Service", "VirtualService", "ConfigMap"])
            #expect(first.stdout.contains("Apply") == false)  // --yes: no question
            let resultRows = TableText.parse(String(first.stdout.components(separatedBy: "\n\n").last!), header: "#")
            #expect(resultRows.map { $0["RESULT"] } == ["created", "created", "created"])
            let svc = try #require(cluster.server.object(apiVersion: "v1", kind: "Service", namespace: "shop", name: "web"))
            #expect(svc["spec"]?["ports"]?.arrayValue?.first?["port"]?.int == 80)
            let managers = svc["metadata"]?["managedFields"]?.arrayValue?.compactMap { $0["manager"]?.string }
            #expect(managers == ["meshscope"])

            let again = try await Self.apply(cluster, manifest)
            #expect(again.code == 0)
            #expect(TableText.parse(again.stdout, header: "#").map { $0["ACTION"] } == ["unchanged", "unchanged", "unchanged"])
            #expect(again.stdout.contains("Nothing to apply: 3 unchanged."))

            let changed = try await Self.apply(cluster, manifest.replacingOccurrences(of: "port: 80", with: "port: 8080").replacingOccurrences(of: "color: blue", with: "color: red"))
            #expect(changed.code == 0, "\(changed.stderr)")
            let rows = TableText.parse(changed.stdout, header: "#")
            #expect(rows.map { $0["ACTION"] } == ["change", "unchanged", "change"])
            #expect(rows[0]["DETAIL"] == "+2 -2 lines")
            #expect(changed.stdout.contains("--- Service shop/web (live)\n+++ Service shop/web (after apply)\n"))
            #expect(changed.stdout.contains("\n-    port: 80\n+    port: 8080\n"))
            #expect(changed.stdout.contains("\n-  color: blue\n+  color: red\n"))
            // Stripped from the diff: server-owned metadata and status.
            #expect(!changed.stdout.contains("resourceVersion"))
            #expect(!changed.stdout.contains("managedFields"))
            let after = TableText.parse(String(changed.stdout.components(separatedBy: "\n\n").last!), header: "#")
            #expect(after.map { $0["RESULT"] } == ["configured", "unchanged", "configured"])
            #expect(cluster.server.object(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "settings")?["data"]?["color"]?.string == "red")
        }
    }

    @Test func conflictsNameManagersAndFieldsUntilForced() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            // Someone edited the object by hand: kubectl-edit owns data.color.
            try cluster.server.write(try YAMLTree.single(Self.configMap("settings", data: ["color": "green", "size": "L"]), source: "t"), manager: "kubectl-edit")
            let manifest = Self.configMap("settings", data: ["color": "blue", "size": "L"])

            let blocked = try await Self.apply(cluster, manifest)
            #expect(blocked.code == 1)
            let rows = TableText.parse(blocked.stdout, header: "#")
            #expect(rows.first?["ACTION"] == "error")
            #expect(rows.first?["DETAIL"] == "conflict: 1 field managed by another manager (re-run with --force-conflicts to take ownership)")
            #expect(blocked.stdout.contains("\"kubectl-edit\" using v1: .data.color"))
            #expect(blocked.stderr.contains("Nothing to apply") == false)
            #expect(blocked.stdout.contains("Nothing to apply: 0 unchanged, 1 failing the dry run."))
            #expect(cluster.server.object(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "settings")?["data"]?["color"]?.string == "green")

            let forced = try await Self.apply(cluster, manifest, ["--yes", "--force-conflicts"])
            #expect(forced.code == 0, "\(forced.stderr)")
            #expect(TableText.parse(forced.stdout, header: "#").first?["ACTION"] == "change")
            let live = try #require(cluster.server.object(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "settings"))
            #expect(live["data"]?["color"]?.string == "blue")
            let owners = live["metadata"]?["managedFields"]?.arrayValue ?? []
            let meshscope = owners.first { $0["manager"]?.string == "meshscope" }
            #expect(meshscope?["operation"]?.string == "Apply")
            #expect(meshscope?["fieldsV1"]?["f:data"]?["f:color"] != nil)
            let edit = owners.first { $0["manager"]?.string == "kubectl-edit" }
            #expect(edit?["fieldsV1"]?["f:data"]?["f:color"] == nil)
        }
    }

    @Test func partialFailureSaysWhichAndWhy() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            let docs = (1...5).map { i in Self.configMap(i == 3 ? "Bad_Name" : "c\(i)", data: ["n": "\(i)"]) }
            let out = try await Self.apply(cluster, docs.joined(separator: "\n---\n"))
            #expect(out.code == 1)
            let preview = TableText.parse(out.stdout, header: "#")
            #expect(preview.map { $0["ACTION"] } == ["create", "create", "error", "create", "create"])
            #expect(preview[2]["DETAIL"]?.hasPrefix("422 Invalid: ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain") == true)
            let results = TableText.parse(String(out.stdout.components(separatedBy: "\n\n").last!), header: "#")
            #expect(results.map { $0["RESULT"] } == ["created", "created", "skipped", "created", "created"])
            #expect(results[2]["DETAIL"]?.hasPrefix("dry run failed: 422 Invalid") == true)
            #expect(out.stderr == "meshscope: 1 of 5 objects were not applied (4 succeeded): #3 ConfigMap shop/Bad_Name\n")
            #expect(cluster.server.object(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "c5") != nil)
        }
    }

    @Test func failureDuringTheRealApplyIsReportedPerObject() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            cluster.server.failRequests(method: "PATCH", pathContains: "/configmaps/c3", dryRun: false, status: 500, message: "etcdserver: request timed out")
            let docs = (1...5).map { Self.configMap("c\($0)", data: ["n": "\($0)"]) }
            let out = try await Self.apply(cluster, docs.joined(separator: "\n---\n"))
            #expect(out.code == 1)
            #expect(TableText.parse(out.stdout, header: "#").map { $0["ACTION"] } == ["create", "create", "create", "create", "create"])
            let results = TableText.parse(String(out.stdout.components(separatedBy: "\n\n").last!), header: "#")
            #expect(results.map { $0["RESULT"] } == ["created", "created", "failed", "created", "created"])
            #expect(results[2]["DETAIL"] == "apply configmaps \"c3\" in namespace \"shop\": 500 InternalError: etcdserver: request timed out")
            #expect(out.stderr == "meshscope: 1 of 5 objects were not applied (4 succeeded): #3 ConfigMap shop/c3\n")
        }
    }

    @Test func dryRunChangesNothing() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            let out = try await Self.apply(cluster, Self.service, ["--dry-run"])
            #expect(out.code == 0)
            #expect(TableText.parse(out.stdout, header: "#").first?["ACTION"] == "create")
            #expect(out.stdout.hasSuffix("Dry run: nothing was changed.\n"))
            #expect(cluster.server.object(apiVersion: "v1", kind: "Service", namespace: "shop", name: "web") == nil)
            #expect(cluster.server.requestLog.filter { $0.hasPrefix("PATCH") }.allSatisfy { $0.contains("dryRun=All") })
            #expect(cluster.server.requestLog.contains { $0.hasPrefix("PATCH /api/v1/namespaces/shop/services/web?fieldManager=meshscope&dryRun=All") })
        }
    }

    @Test func refusesWithoutTerminalOrYes() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            let out = try await Self.apply(cluster, Self.service, [])
            #expect(out.code == 1)
            #expect(out.stderr == "meshscope: refusing to apply without confirmation: there is no terminal to ask on; pass --yes to apply, or --dry-run to only preview\n")
            #expect(cluster.server.object(apiVersion: "v1", kind: "Service", namespace: "shop", name: "web") == nil)
        }
    }

    @Test func invalidYAMLNamesDocumentAndLineColumn() async throws {
        try await withCluster { cluster in
            let manifest = Self.service + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: oops\n"
            let file = try cluster.write("broken.yaml", manifest)
            let out = await MeshScopeMain.invoke(["apply", "-f", file, "--kubeconfig", try cluster.kubeconfig(), "--yes"])
            #expect(out.code == 1)
            #expect(out.stderr == "meshscope: \(file):17:2: document 2: did not find expected key (while parsing a block mapping at line 13:1)\n")
            #expect(cluster.server.requestLog.isEmpty)  // nothing sent for a broken manifest
        }
    }

    @Test func duplicateKeysAndMissingFieldsAreErrors() throws {
        #expect(throws: ManifestError(source: "m", document: 1, line: 2, column: 1, message: "mapping key \"kind\" is defined more than once (the first is here)")) {
            try ManifestParser.parse(Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nkind: Secret\n".utf8), source: "m")
        }
        #expect(throws: ManifestError(source: "m", document: 2, line: 5, column: nil, message: "ConfigMap: metadata.name is missing")) {
            try ManifestParser.parse(Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\n".utf8), source: "m")
        }
        #expect(throws: ManifestError(source: "m.json", document: 1, line: 1, column: 32, message: "expected ',' or '}'")) {
            try ManifestParser.parse(Array(#"{"apiVersion": "v1", "kind": 1 2}"#.utf8), source: "m.json")
        }
    }

    @Test func jsonAndListsAreAccepted() throws {
        let list = #"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}]}"#
        let docs = try ManifestParser.parse(Array(list.utf8), source: "list.json")
        #expect(docs.map { $0.object["metadata"]?["name"]?.string } == ["a", "b"])
        let yaml = try ManifestParser.parse(Array("---\n# empty\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  on: yes\n  port: 0x1F\n  when: 2024-01-01\n".utf8), source: "y")
        #expect(yaml.count == 1)
        #expect(yaml[0].index == 2)  // the empty first document counts
        #expect(yaml[0].object["data"] == .object([("on", .bool(true)), ("port", .number("31")), ("when", "2024-01-01")]))
    }

    @Test func unknownKindNamesWhatDiscoveryOffers() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            let typo = Self.virtualService.replacingOccurrences(of: "kind: VirtualService", with: "kind: VirtualServce")
            let oldVersion = Self.virtualService.replacingOccurrences(of: "networking.istio.io/v1", with: "networking.istio.io/v1alpha3")
            let out = try await Self.apply(cluster, [typo, oldVersion, Self.configMap("ok", data: ["a": "b"])].joined(separator: "\n---\n"), ["--dry-run"])
            #expect(out.code == 1)
            let rows = TableText.parse(out.stdout, header: "#")
            #expect(rows.map { $0["ACTION"] } == ["error", "error", "create"])
            #expect(out.stdout.contains("unknown kind VirtualServce in networking.istio.io/v1; networking.istio.io/v1 offers: DestinationRule, Gateway, ServiceEntry, Sidecar, VirtualService, WorkloadEntry, WorkloadGroup"))
            #expect(out.stdout.contains("kind VirtualService is not served in networking.istio.io/v1alpha3; the server has it in networking.istio.io/v1"))
            #expect(out.stderr == "meshscope: 2 of 3 objects would fail (see above)\n")
        }
    }

    @Test func namespaceDefaultsFromContextAndSaysSo() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            let out = try await Self.apply(cluster, Self.configMap("plain", namespace: nil, data: ["a": "b"]) + "\n---\n" + Self.configMap("explicit", namespace: "default", data: ["a": "b"]))
            #expect(out.code == 0, "\(out.stderr)")
            #expect(out.stderr.contains("document 1 (line 1): ConfigMap plain has no namespace; using \"shop\" from context \"test\""))
            #expect(!out.stderr.contains("explicit"))
            #expect(cluster.server.object(apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "plain") != nil)
            #expect(cluster.server.object(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "explicit") != nil)
            let rows = TableText.parse(out.stdout, header: "#")
            #expect(rows[0]["DETAIL"] == "namespace shop from context")
        }
    }

    @Test func objectsInANamespaceTheManifestCreates() async throws {
        try await withCluster { cluster in
            let manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fresh\n---\n" + Self.configMap("inside", namespace: "fresh", data: ["a": "b"])
            let out = try await Self.apply(cluster, manifest)
            #expect(out.code == 0, "\(out.stderr)")
            #expect(TableText.parse(out.stdout, header: "#").map { $0["ACTION"] } == ["create", "create"])
            #expect(cluster.server.object(apiVersion: "v1", kind: "ConfigMap", namespace: "fresh", name: "inside") != nil)
        }
    }

    @Test func stdinManifest() async throws {
        try await withCluster { cluster in
            try Self.prepare(cluster)
            let out = await MeshScopeMain.invoke(["apply", "-f", "-", "--kubeconfig", try cluster.kubeconfig(), "--yes"], stdin: Array(Self.service.utf8))
            #expect(out.code == 0, "\(out.stderr)")
            #expect(cluster.server.object(apiVersion: "v1", kind: "Service", namespace: "shop", name: "web") != nil)
        }
    }
}
