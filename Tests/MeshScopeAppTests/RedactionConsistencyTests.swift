import Foundation
import MeshClient
import MeshModel
import MeshTestSupport
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The TUI's share of the redaction check (the CLI, snapshot and diff paths are the suite of
/// the same name in MeshClientTests): ``SensitiveSample`` shown by `y` and copied by `c`, for
/// a pod of a live cluster and for the proxy tabs and raw pane of a config dump.
@Suite struct RedactionConsistencyTests {
    static func expectNoSecret(_ text: String, _ secrets: [String], _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let leaked = secrets.filter { text.contains($0) }
        #expect(leaked.isEmpty, "\(path) showed \(leaked)", sourceLocation: sourceLocation)
    }

    @Test func podShownAndCopied() throws {
        var feed = try LiveDemoData.feed()
        var cluster = try #require(feed.cluster)
        let root = try JSONDocument(SensitiveSample.pod("a", namespace: "bookinfo")).root
        cluster.pods.append(KubePod(root))
        cluster.rawObjects["pods", default: []].append(KubeObject(root))
        feed.cluster = cluster
        var h = try LiveDriverHarness(feed: feed, width: 160, height: 60, home: LiveViews.home)
        let secrets = SensitiveSample.secrets("a") + SensitiveSample.kubernetesSecrets("a")
        try h.select("vault-0")
        h.d.press(.char("c"))
        guard case .copyToClipboard(let row)? = h.d.effects.last else {
            Issue.record("c did not copy: \(h.d.effects)")
            return
        }
        #expect(row.contains("hashicorp/vault:1.17"))
        Self.expectNoSecret(row, secrets, "c on the pod row")

        h.d.press(.char("y"))
        guard case .json(let j)? = h.d.state.top?.content else {
            Issue.record("y did not open a JSON pane")
            return
        }
        let shown = JSONWriter.string(.json(j.pane.root), indent: 2)
        #expect(shown.contains("hashicorp/vault:1.17"))
        Self.expectNoSecret(shown + h.text, secrets, "y on the pod")
        h.d.press(.char("c"))
        guard case .copyToClipboard(let copied)? = h.d.effects.last else {
            Issue.record("c in the pane did not copy: \(h.d.effects)")
            return
        }
        Self.expectNoSecret(copied, secrets, "c in the pod's pane")
    }

    @Test func configDumpTabsAndRawPane() throws {
        let doc = try JSONDocument(SensitiveSample.envoyDump("a"))
        var data = SourceData(name: "config_dump.json", document: doc)
        data.envoy = try EnvoyConfigDump(document: doc)
        let secrets = SensitiveSample.secrets("a")
        let table = try ProxyViews.secrets.build(data)
        let values = try #require(table.rowValues)
        #expect(!values.isEmpty)
        for v in values {
            let text = JSONWriter.string(v, indent: 2)
            #expect(text.contains("[redacted]"))
            Self.expectNoSecret(text, secrets, "the secrets tab's y/c")
        }
        guard case .json(let raw) = ProxyViews.rawPane(data) else {
            Issue.record("the raw pane is not JSON")
            return
        }
        Self.expectNoSecret(JSONWriter.string(.json(raw.pane.root), indent: 2), secrets, "the raw config pane")
    }
}
