import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import Testing

/// `get` on kinds without a printer of ours prints the server's Table rendering, as kubectl
/// does; the fake API server renders Tables and honors Accept as the real one.
@Suite struct GetServerTableTests {
    static var created: Date { GetCommandTests.created }

    static func seed(_ cluster: TestCluster) throws {
        try GetCommandTests.seed(cluster)
        let stamp = JSONTree.string(Timestamp.rfc3339(created))
        try cluster.server.write(.object([
            ("apiVersion", "apps/v1"), ("kind", "Deployment"),
            ("metadata", .object([("name", "web"), ("namespace", "shop"), ("creationTimestamp", stamp)])),
            ("spec", .object([
                ("replicas", 3), ("selector", .object([("matchLabels", .object([("app", "web")]))])),
                ("template", .object([("spec", .object([("containers", .array([
                    .object([("name", "web"), ("image", "nginx:1.27")]), .object([("name", "istio-proxy"), ("image", "istio/proxyv2:1.24.0")]),
                ]))]))])),
            ])),
            ("status", .object([("replicas", 3), ("updatedReplicas", 3), ("readyReplicas", 2), ("availableReplicas", 1)])),
        ]), manager: "test")
        for (ns, name, secrets) in [("shop", "default", 0), ("shop", "web", 1), ("default", "default", 0)] {
            let list: [JSONTree] = (0..<secrets).map { _ in .object([("name", "web-token")]) }
            try cluster.server.write(.object([
                ("apiVersion", "v1"), ("kind", "ServiceAccount"),
                ("metadata", .object([("name", .string(name)), ("namespace", .string(ns)), ("creationTimestamp", stamp)])),
                ("secrets", .array(list)),
            ]), manager: "test")
        }
        try cluster.server.write(.object([
            ("apiVersion", "networking.istio.io/v1"), ("kind", "Sidecar"),
            ("metadata", .object([("name", "default"), ("namespace", "shop"), ("creationTimestamp", stamp)])),
            ("spec", .object([("egress", .array([.object([("hosts", .array(["./*"]))])]))])),
        ]), manager: "test")
    }

    static func get(_ cluster: TestCluster, _ args: [String]) async throws -> (code: Int32, stdout: String, stderr: String) {
        await MeshScopeMain.invoke(["get"] + args + ["--kubeconfig", try cluster.kubeconfig()])
    }

    static func header(_ text: String) -> [String] {
        (text.split(separator: "\n").first ?? "").split(separator: "   ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test func deploymentsHaveKubectlsColumns() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let out = try await Self.get(cluster, ["deploy"])
            #expect(out.code == 0, "\(out.stderr)")
            #expect(out.stdout == """
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE
            web    2/3     3            1           3h25m

            """)
            // Priority-1 columns only with -o wide.
            let wide = try await Self.get(cluster, ["deployments.apps", "-o", "wide"])
            #expect(Self.header(wide.stdout) == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"])
            let row = TableText.parse(wide.stdout, header: "NAME")
            #expect(row.first?["CONTAINERS"] == "web,istio-proxy")
            #expect(row.first?["IMAGES"] == "nginx:1.27,istio/proxyv2:1.24.0")
            #expect(row.first?["SELECTOR"] == "app=web")
            // json/yaml are still the objects themselves.
            let json = try await Self.get(cluster, ["deploy", "-o", "json"])
            #expect(try JSONDocument(json.stdout).root["items"]?[0]?["spec"]?["replicas"]?.int == 3)
        }
    }

    @Test func serviceAccountsAcrossNamespacesAndByName() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let all = try await Self.get(cluster, ["sa", "-A"])
            #expect(all.code == 0, "\(all.stderr)")
            #expect(Self.header(all.stdout) == ["NAMESPACE", "NAME", "SECRETS", "AGE"])
            let rows = TableText.parse(all.stdout, header: "NAMESPACE")
            #expect(rows.map { "\($0["NAMESPACE"]!)/\($0["NAME"]!)=\($0["SECRETS"]!)" } == ["default/default=0", "shop/default=0", "shop/web=1"])
            let named = try await Self.get(cluster, ["serviceaccount", "web", "nope"])
            #expect(named.code == 1)
            #expect(named.stderr == "meshscope: serviceaccounts \"nope\" not found in namespace \"shop\"\n")
            #expect(TableText.parse(named.stdout, header: "NAME").map { $0["NAME"] } == ["web"])
        }
    }

    /// A CRD without printer columns: the server's Name and Age.
    @Test func customResourceWithoutColumns() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let out = try await Self.get(cluster, ["sidecars"])
            #expect(out.stdout == """
            NAME      AGE
            default   3h25m

            """)
            let empty = try await Self.get(cluster, ["daemonsets"])
            #expect(empty.code == 0)
            #expect(empty.stderr == "No resources found in shop namespace.\n")
        }
    }

    /// The wire format: Accept decides between a Table (v1, v1beta1) and plain JSON; pages
    /// carry the list's continue token; rows carry PartialObjectMetadata unless told otherwise.
    @Test func fakeServerNegotiatesTables() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let client = try cluster.client()
            try await withClient(client) { client in
                let path = "/apis/apps/v1/namespaces/shop/deployments"
                func send(_ accept: String, query: [(String, String)] = [], path: String = path) async throws -> KubeResponse {
                    try await client.transport.send(KubeRequest(path: path, query: query, accept: accept, verb: "list", target: "deployments"))
                }
                let table = try JSONDocument(bytes: try await send(ServerTable.acceptHeader).body).root
                #expect(table["kind"]?.string == "Table")
                #expect(table["apiVersion"]?.string == "meta.k8s.io/v1")
                #expect(table["columnDefinitions"]?.array?.map { "\($0["name"]!.string!):\($0["priority"]!.int!)" }
                    == ["Name:0", "Ready:0", "Up-to-date:0", "Available:0", "Age:0", "Containers:1", "Images:1", "Selector:1"])
                let row = table["rows"]?[0]
                #expect(row?["cells"]?[0]?.string == "web")
                #expect(row?["cells"]?[2]?.int == 3)
                #expect(row?["object"]?["kind"]?.string == "PartialObjectMetadata")
                #expect(row?["object"]?["metadata"]?["namespace"]?.string == "shop")

                let beta = try JSONDocument(bytes: try await send("application/json;as=Table;v=v1beta1;g=meta.k8s.io").body).root
                #expect(beta["apiVersion"]?.string == "meta.k8s.io/v1beta1")
                let full = try JSONDocument(bytes: try await send(ServerTable.acceptHeader, query: [("includeObject", "Object")]).body).root
                #expect(full["rows"]?[0]?["object"]?["spec"]?["replicas"]?.int == 3)
                let plain = try JSONDocument(bytes: try await send("application/json").body).root
                #expect(plain["kind"]?.string == "DeploymentList")

                // Pages: limit 1 over three service accounts.
                let page = try JSONDocument(bytes: try await send(ServerTable.acceptHeader, query: [("limit", "1")], path: "/api/v1/serviceaccounts").body).root
                #expect(page["rows"]?.count == 1)
                #expect(page["metadata"]?["continue"]?.string?.isEmpty == false)
                guard case .table(let all) = try await client.listTable(FakeResourcesProbe.serviceAccounts, namespace: nil, pageSize: 1) else {
                    Issue.record("not a table")
                    return
                }
                #expect(all.rows.map { $0.cells[0] } == ["default", "default", "web"])
                #expect(all.rows.map { $0.namespace ?? "" } == ["default", "shop", "shop"])

                do {
                    _ = try await send("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
                    Issue.record("expected 406")
                } catch let e as KubeClientError {
                    #expect(e.message.contains("406") || e.message.contains("NotAcceptable") || e.message.contains("media types"), "\(e.message)")
                }
            }
        }
    }

    @Test func cellsAsKubectlPrintsThem() throws {
        let doc = try JSONDocument(#"["a\nb", null, 3, 1.5, true, ["x", 2], {"b": 1, "a": "z"}]"#)
        #expect(doc.root.elements.map(ServerTable.cellText) == ["a...", "", "3", "1.5", "true", "[x 2]", "map[a:z b:1]"])
    }
}

enum FakeResourcesProbe {
    static let serviceAccounts = APIResource(group: "", version: "v1", name: "serviceaccounts", singularName: "serviceaccount", kind: "ServiceAccount", namespaced: true)
}
