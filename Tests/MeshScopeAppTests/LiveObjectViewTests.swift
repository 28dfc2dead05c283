import Foundation
import MeshClient
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// `y` (and Enter, `c`) on pods and services show the Kubernetes object the informers
/// listed, not the table row, with what a person must not see taken out: managedFields,
/// credential-like env values.
@Suite struct LiveObjectViewTests {
    /// A pod with a password in its env and managedFields, added to the demo's cluster.
    static let vault = """
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"name": "vault-0", "namespace": "bookinfo", "uid": "u-vault", "resourceVersion": "7",
                  "labels": {"app": "vault"},
                  "managedFields": [{"manager": "kubectl", "operation": "Apply", "fieldsV1": {"f:spec": {}}}]},
     "spec": {"nodeName": "demo-worker-0", "serviceAccountName": "vault",
              "containers": [{"name": "vault", "image": "hashicorp/vault:1.17",
                              "env": [{"name": "VAULT_PASSWORD", "value": "hunter2"}, {"name": "LOG_LEVEL", "value": "debug"},
                                      {"name": "DB_TOKEN", "valueFrom": {"secretKeyRef": {"name": "db", "key": "token"}}}]}]},
     "status": {"phase": "Running", "podIP": "10.244.0.99"}}
    """

    static func harness() throws -> LiveDriverHarness {
        var feed = try LiveDemoData.feed()
        var cluster = try #require(feed.cluster)
        let root = try JSONDocument(vault).root
        cluster.pods.append(KubePod(root))
        cluster.rawObjects["pods", default: []].append(KubeObject(root))
        feed.cluster = cluster
        return try LiveDriverHarness(feed: feed, width: 160, height: 60, home: LiveViews.home)
    }

    /// The JSON pane's text (the object `y` opened).
    static func pane(_ h: LiveDriverHarness) throws -> (JSONValue, String) {
        guard case .json(let j)? = h.d.state.top?.content else { throw NotAPane(crumb: h.d.state.top?.crumb) }
        return (j.pane.root, h.text)
    }

    struct NotAPane: Error { var crumb: String? }

    @Test func podShowsItsObjectWithoutManagedFieldsOrPasswords() throws {
        var h = try Self.harness()
        try h.select("vault-0")
        h.d.press(.char("y"))
        let (object, screen) = try Self.pane(h)
        #expect(object["kind"]?.string == "Pod")
        #expect(object["spec"]?["containers"]?[0]?["image"]?.string == "hashicorp/vault:1.17")
        #expect(object["status"]?["podIP"]?.string == "10.244.0.99")
        #expect(object["metadata"]?["labels"]?["app"]?.string == "vault")
        #expect(object["metadata"]?["managedFields"] == nil)
        let env = object["spec"]?["containers"]?[0]?["env"]
        #expect(env?[0]?["value"]?.string == "[redacted]")
        #expect(env?[1]?["value"]?.string == "debug")
        #expect(env?[2]?["valueFrom"]?["secretKeyRef"]?["name"]?.string == "db")
        #expect(screen.contains("hashicorp/vault:1.17") && !screen.contains("hunter2") && !screen.contains("managedFields"))
        // Not the row rendered as column: value.
        #expect(object["RESTARTS"] == nil)

        // `c` copies the same object.
        h.d.press(.escape)
        h.d.press(.char("c"))
        guard case .copyToClipboard(let copied)? = h.d.effects.last else {
            Issue.record("c did not copy: \(h.d.effects)")
            return
        }
        #expect(copied.contains("\"image\": \"hashicorp/vault:1.17\"") && !copied.contains("hunter2") && !copied.contains("managedFields"))
    }

    @Test func demoPodAndServiceShowTheirObjects() throws {
        var h = try LiveDemoData.driver(width: 160, height: 60)
        let stale = LiveDemoData.mesh.pods[LiveDemoData.mesh.stalePod]
        try h.select(stale.name)
        h.d.press(.char("y"))
        var (object, _) = try Self.pane(h)
        #expect(object["kind"]?.string == "Pod")
        #expect(object["metadata"]?["name"]?.string == stale.name)
        #expect(object["spec"]?["nodeName"]?.string == stale.node)
        #expect(object["spec"]?["containers"]?.elements.contains { $0["name"]?.string == "istio-proxy" } == true)

        try h.command("svc")
        try h.select("ratings")
        h.d.press(.char("y"))
        (object, _) = try Self.pane(h)
        #expect(object["kind"]?.string == "Service")
        #expect(object["metadata"]?["name"]?.string == "ratings")
        #expect(object["spec"]?["ports"]?[0]?["port"]?.int == 9080)

        // Enter on a service opens the same object in JSON and YAML tabs.
        h.d.press(.escape)
        h.d.press(.enter)
        guard case .tabs(let tabs)? = h.d.state.top?.content else {
            Issue.record("Enter on a service opened \(String(describing: h.d.state.top?.crumb))")
            return
        }
        #expect(tabs.pages.map(\.title) == ["JSON", "YAML"])
        #expect(h.text.contains("ratings"))
    }

    @Test func secretsNeverShowTheirData() throws {
        let secret = try JSONDocument(#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}, "data": {"token": "aHVudGVyMg=="}}"#).root
        let shown = KubeObject.displayed(secret)
        #expect(shown["metadata"]?["name"]?.string == "db")
        #expect(shown["data"]?.string == "[redacted]")
        #expect(!String(decoding: shown.rawBytes, as: UTF8.self).contains("aHVudGVyMg=="))
    }
}
