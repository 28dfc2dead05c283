import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import Testing

/// `meshscope get` against the fake API server.
@Suite struct GetCommandTests {
    /// 3h25m ago when asked: each seed reads it afresh, so a slow machine (the first access
    /// can come minutes before a later test seeds) does not turn AGE into 3h26m.
    static var created: Date { Date().addingTimeInterval(-(3 * 3600 + 25 * 60 + 5)) }

    static func seed(_ cluster: TestCluster) throws {
        let server = cluster.server
        try server.write(FakeObjects.namespace("shop", labels: ["istio.io/dataplane-mode": "ambient"]), manager: "test")
        try server.write(FakeObjects.pod("web-0", namespace: "shop", mode: .sidecar, node: "node-a", ip: "10.244.0.11", created: created), manager: "kubelet")
        try server.write(FakeObjects.pod("api-0", namespace: "shop", mode: .ambient, node: "node-b", ip: "10.244.0.12", labels: ["app": "api"], ready: false, restarts: 4, created: created), manager: "kubelet")
        try server.write(FakeObjects.pod("waypoint-5d9f", namespace: "shop", mode: .waypoint, ip: "10.244.0.13", labels: ["app": "waypoint"], created: created), manager: "kubelet")
        try server.write(FakeObjects.pod("plain", namespace: "default", ip: "10.244.0.14", labels: ["app": "plain"], created: created), manager: "kubelet")
        try server.write(FakeObjects.service("web", namespace: "shop", ports: [80, 443], created: created), manager: "test")
    }

    static func get(_ cluster: TestCluster, _ args: [String]) async throws -> (code: Int32, stdout: String, stderr: String) {
        await MeshScopeMain.invoke(["get"] + args + ["--kubeconfig", try cluster.kubeconfig()])
    }

    @Test func podsShowMeshMode() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let out = try await Self.get(cluster, ["pods"])
            #expect(out.code == 0, "\(out.stderr)")
            #expect(out.stdout == """
            NAME            READY   STATUS             RESTARTS   AGE     MODE
            api-0           0/1     CrashLoopBackOff   4          3h25m   ambient
            waypoint-5d9f   1/1     Running            0          3h25m   waypoint
            web-0           2/2     Running            0          3h25m   sidecar

            """)
        }
    }

    @Test func podsWideAndAllNamespaces() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let out = try await Self.get(cluster, ["po", "-A", "-o", "wide"])
            #expect(out.code == 0, "\(out.stderr)")
            let rows = TableText.parse(out.stdout, header: "NAMESPACE")
            #expect(rows.map { $0["NAMESPACE"]! + "/" + $0["NAME"]! } == ["default/plain", "shop/api-0", "shop/waypoint-5d9f", "shop/web-0"])
            #expect(rows.map { $0["MODE"] } == ["none", "ambient", "waypoint", "sidecar"])
            #expect(rows[0]["IP"] == "10.244.0.14")
            #expect(rows[1]["NODE"] == "node-b")
            #expect(rows[1]["NOMINATED NODE"] == "<none>")
            #expect(rows[1]["READINESS GATES"] == "<none>")
        }
    }

    @Test func servicesNamespacesAndSelectors() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let svc = try await Self.get(cluster, ["svc", "-o", "wide"])
            let rows = TableText.parse(svc.stdout, header: "NAME")
            #expect(rows.count == 1)
            #expect(rows[0]["TYPE"] == "ClusterIP")
            #expect(rows[0]["EXTERNAL-IP"] == "<none>")
            #expect(rows[0]["PORT(S)"] == "80/TCP,443/TCP")
            #expect(rows[0]["SELECTOR"] == "app=web")
            #expect(rows[0]["CLUSTER-IP"]?.hasPrefix("10.") == true)

            let ns = try await Self.get(cluster, ["namespaces", "-o", "wide"])
            let nsRows = TableText.parse(ns.stdout, header: "NAME")
            #expect(nsRows.map { $0["NAME"] } == ["default", "istio-system", "kube-system", "shop"])
            #expect(nsRows.last?["MESH"] == "ambient")
            #expect(nsRows.allSatisfy { $0["STATUS"] == "Active" })

            let selected = try await Self.get(cluster, ["pods", "-l", "app in (api,web)"])
            #expect(TableText.parse(selected.stdout, header: "NAME").map { $0["NAME"] } == ["api-0", "web-0"])
            let bad = try await Self.get(cluster, ["pods", "-l", "app in api"])
            #expect(bad.code == 2)
            #expect(bad.stderr.contains("invalid label selector \"app in api\": expected '(' after in"))
        }
    }

    @Test func jsonAndYamlLikeKubectl() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            let list = try await Self.get(cluster, ["pods", "-o", "json"])
            let doc = try JSONDocument(list.stdout)
            #expect(doc.root["kind"]?.string == "List")
            #expect(doc.root["items"]?.count == 3)
            #expect(doc.root["items"]?[0]?["kind"]?.string == "Pod")
            #expect(list.stdout.hasPrefix("{\n    \"apiVersion\": \"v1\",\n    \"items\": ["))

            let one = try await Self.get(cluster, ["pod", "web-0", "-o", "yaml"])
            #expect(one.stdout.hasPrefix("apiVersion: v1\nkind: Pod\nmetadata:\n"))
            #expect(one.stdout.contains("  name: web-0\n"))

            let missing = try await Self.get(cluster, ["pod", "web-0", "nope"])
            #expect(missing.code == 1)
            #expect(missing.stderr == "meshscope: pods \"nope\" not found in namespace \"shop\"\n")
            #expect(missing.stdout.contains("web-0"))
        }
    }

    @Test func meshKindsUseTheirPrinterColumns() async throws {
        try await withCluster { cluster in
            try Self.seed(cluster)
            try cluster.server.write(.object([
                ("apiVersion", "networking.istio.io/v1"), ("kind", "VirtualService"),
                ("metadata", .object([("name", "reviews"), ("namespace", "shop"), ("creationTimestamp", .string(Timestamp.rfc3339(Self.created)))])),
                ("spec", .object([("hosts", .array(["reviews"])), ("gateways", .array(["mesh"]))])),
            ]), manager: "test")
            let out = try await Self.get(cluster, ["vs"])
            #expect(out.stdout == """
            NAME      GATEWAYS   HOSTS         AGE
            reviews   ["mesh"]   ["reviews"]   3h25m

            """)
            let empty = try await Self.get(cluster, ["httproutes"])
            #expect(empty.code == 0)
            #expect(empty.stdout.isEmpty)
            #expect(empty.stderr == "No resources found in shop namespace.\n")
            let unknown = try await Self.get(cluster, ["frobnicators"])
            #expect(unknown.code == 1)
            #expect(unknown.stderr.hasPrefix("meshscope: the server doesn't have a resource type \"frobnicators\"; it offers: "))
        }
    }
}
