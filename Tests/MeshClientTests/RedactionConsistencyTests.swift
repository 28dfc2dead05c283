import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import MeshTestSupport
import Testing

/// One sample carrying every field of ``SensitiveFields`` (``SensitiveSample``) through every
/// path that writes objects or dumps: snapshots, the diff printer, `-o json|yaml` of config
/// dumps and of `get`, and `apply --dry-run` previews. No secret may come out of any.
/// (The TUI's `y`/`c` are checked by the suite of the same name in MeshScopeAppTests.)
@Suite struct RedactionConsistencyTests {
    static func expectNoSecret(_ text: String, _ secrets: [String], _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let leaked = secrets.filter { text.contains($0) }
        #expect(leaked.isEmpty, "\(path) printed \(leaked)", sourceLocation: sourceLocation)
    }

    static func file(_ name: String, _ text: String) throws -> String {
        let dir = NSTemporaryDirectory() + "meshscope-redaction-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func configDumpOutputs() async throws {
        let dump = try Self.file("config_dump.json", SensitiveSample.envoyDump("a"))
        let secrets = SensitiveSample.secrets("a")
        for args in [["all", "-o", "json"], ["all", "-o", "yaml"], ["secret", "-o", "json"], ["secret", "-o", "yaml"], ["bootstrap", "-o", "json"]] {
            let r = await MeshScopeMain.invoke(["proxy-config"] + args + ["--file", dump])
            Self.expectNoSecret(r.stdout + r.stderr, secrets, "proxy-config \(args.joined(separator: " "))")
            if args[0] != "bootstrap" { #expect(r.stdout.contains("[redacted]"), "proxy-config \(args.joined(separator: " "))") }
        }
        // The file names next to the keys are kept: they say where a key is, not what it is.
        let all = await MeshScopeMain.invoke(["proxy-config", "all", "-o", "json", "--file", dump])
        #expect(all.stdout.contains("/etc/certs/private_key"))
    }

    @Test func diffPrinter() async throws {
        let a = try Self.file("a.json", SensitiveSample.envoyDump("old"))
        let b = try Self.file("b.json", SensitiveSample.envoyDump("new"))
        let secrets = SensitiveSample.secrets("old") + SensitiveSample.secrets("new")
        for output in ["table", "json", "yaml"] {
            let r = await MeshScopeMain.invoke(["diff", a, b, "--type", "secret", "-o", output])
            Self.expectNoSecret(r.stdout + r.stderr, secrets, "diff -o \(output)")
            #expect(r.stdout.contains("[redacted, changed]"), "diff -o \(output): \(r.stdout)")
        }
        // Kubernetes objects go through the same printer: a Secret's data and the sensitive fields.
        let old = [try JSONDocument(SensitiveSample.secret("old")).root, try JSONDocument(SensitiveSample.pod("old")).root]
        let new = [try JSONDocument(SensitiveSample.secret("new")).root, try JSONDocument(SensitiveSample.pod("new")).root]
        let result = ConfigDiff.compare(KubernetesDiffSource.resources(old), KubernetesDiffSource.resources(new))
        let printed = DiffPrinter.render(result) + JSONWriter.string(DiffPrinter.structured(result), indent: 2)
        #expect(!printed.isEmpty)
        Self.expectNoSecret(printed, ["old", "new"].flatMap { SensitiveSample.secrets($0) + SensitiveSample.kubernetesSecrets($0) },
                            "the diff of Kubernetes objects")
    }

    @Test func snapshotWriter() throws {
        var out: [UInt8] = []
        var w = SnapshotWriter(flushThreshold: 64) { out.append(contentsOf: $0.bytes) }
        try w.begin(SnapshotMetadata(takenAt: Date(timeIntervalSince1970: 0), sourceKind: "cluster", sourceName: "t", context: "t",
                                     defaultNamespace: "shop", namespaces: ["shop"], options: .init()))
        let pods = APIResource(group: "", version: "v1", name: "pods", kind: "Pod", namespaced: true, shortNames: ["po"])
        let secrets = APIResource(group: "", version: "v1", name: "secrets", kind: "Secret", namespaced: true)
        try w.kubernetes(resources: [pods, secrets], objects: [("pods", [try JSONDocument(SensitiveSample.pod("a")).root]),
                                                                ("secrets", [try JSONDocument(SensitiveSample.secret("a")).root])])
        let at = Date(timeIntervalSince1970: 1)
        try w.proxy(SnapshotWriter.Proxy(name: "web-0", namespace: "shop", kind: "sidecar",
                                         responses: ["configDump": .init(fetchedAt: at, body: Array(SensitiveSample.envoyDump("a").utf8))]))
        try w.finish(completedAt: at, failures: [], summary: .object([]))
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains("hashicorp/vault:1.17"))
        Self.expectNoSecret(text, SensitiveSample.secrets("a") + SensitiveSample.kubernetesSecrets("a"), "the snapshot")
    }

    @Test func getAndApplyPreview() async throws {
        try await withCluster { cluster in
            try cluster.server.write(FakeObjects.namespace("shop"), manager: "test")
            try cluster.server.write(try JSONTree(json: Array(SensitiveSample.pod("old").utf8)), manager: "test")
            let kubeconfig = try cluster.kubeconfig()
            let secrets = SensitiveSample.secrets("old") + SensitiveSample.kubernetesSecrets("old")
            for args in [["pods", "vault-0", "-o", "json"], ["pods", "vault-0", "-o", "yaml"], ["pods", "-o", "json"], ["pods", "-A", "-o", "yaml"]] {
                let r = await MeshScopeMain.invoke(["get"] + args + ["--kubeconfig", kubeconfig])
                #expect(r.code == 0, "\(r.stderr)")
                #expect(r.stdout.contains("hashicorp/vault:1.17"))
                Self.expectNoSecret(r.stdout + r.stderr, secrets, "get \(args.joined(separator: " "))")
            }

            let manifest = try cluster.write("pod.json", SensitiveSample.pod("new"))
            let r = await MeshScopeMain.invoke(["apply", "-f", manifest, "--dry-run", "--force-conflicts", "--kubeconfig", kubeconfig])
            #expect(r.code == 0, "\(r.stderr)")
            #expect(r.stdout.contains("[redacted, changed]"), "\(r.stdout)")
            Self.expectNoSecret(r.stdout + r.stderr, ["old", "new"].flatMap { SensitiveSample.secrets($0) + SensitiveSample.kubernetesSecrets($0) },
                                "apply --dry-run")
        }
    }
}
