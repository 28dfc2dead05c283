import Foundation
import MeshClient
import MeshModel
import MeshScopeCLI
import Testing

/// What a broken or hostile manifest or kubeconfig says: the wrong type named as such, one
/// line with file and place, and bounded work for alias bombs.
@Suite struct ManifestMessageTests {
    @Test func wrongTypeIsNotMissing() {
        #expect(throws: ManifestError(source: "m.yaml", document: 1, line: 1, column: nil, message: "apiVersion must be a string, got a number")) {
            try ManifestParser.parse(Array("apiVersion: 5\nkind: ConfigMap\nmetadata: {name: a}\n".utf8), source: "m.yaml")
        }
        #expect(throws: ManifestError(source: "m.yaml", document: 2, line: 5, column: nil, message: "kind must be a string, got an array")) {
            try ManifestParser.parse(Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [ConfigMap]\nmetadata: {name: b}\n".utf8), source: "m.yaml")
        }
        #expect(throws: ManifestError(source: "m.yaml", document: 1, line: 1, column: nil, message: "ConfigMap: metadata must be a mapping, got a string")) {
            try ManifestParser.parse(Array("apiVersion: v1\nkind: ConfigMap\nmetadata: a\n".utf8), source: "m.yaml")
        }
        #expect(throws: ManifestError(source: "m.json", document: 1, line: 1, column: nil, message: "ConfigMap: metadata.name must be a string, got a boolean")) {
            try ManifestParser.parse(Array(#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": true}}"#.utf8), source: "m.json")
        }
        // Absent stays "missing".
        #expect(throws: ManifestError(source: "m.yaml", document: 1, line: 1, column: nil, message: "apiVersion is missing")) {
            try ManifestParser.parse(Array("kind: ConfigMap\nmetadata: {name: a}\n".utf8), source: "m.yaml")
        }
    }

    /// `check -f` reads each document of a stream alone (one broken document does not hide the
    /// others); libyaml's context place moves to the file's lines with the problem's place.
    /// The broken flow node is on line 10 of the file (line 6 of document 2), column 16.
    @Test func contextPlaceOfALaterDocumentIsTheFilesLine() {
        var facts = ManifestFacts()
        facts.add(Array("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  labels: {x: [}\n".utf8), source: "m.yaml")
        #expect(facts.problems.map(\.description) == ["m.yaml:10:16: document 2: did not find expected node content (while parsing a flow node at line 10:16)"])
    }

    @Test func listItemsMustBeAList() {
        #expect(throws: ManifestError(source: "l.yaml", document: 1, line: 1, column: nil, message: "List: items must be a list, got a number")) {
            try ManifestParser.parse(Array("apiVersion: v1\nkind: List\nitems: 5\n".utf8), source: "l.yaml")
        }
        #expect(throws: ManifestError(source: "l.yaml", document: 1, line: 1, column: nil, message: "List: items must be a list, got an object")) {
            try ManifestParser.parse(Array("apiVersion: v1\nkind: List\nitems: {a: 1}\n".utf8), source: "l.yaml")
        }
    }

    @Test func aliasBombInManifestIsRefused() {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n" + BoundedYAMLTests.aliasBomb(prefix: "  ")
        let start = Date()
        do {
            _ = try ManifestParser.parse(Array(yaml.utf8), source: "bomb.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("bomb.yaml:"))
            #expect(error.description.hasSuffix(": document 1: YAML document expands to more than 1000000 nodes through aliases (limit 1000000; raise it with --max-yaml-nodes)"))
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func deepJSONManifestIsRefused() {
        let json = #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": "# + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}"
        do {
            _ = try ManifestParser.parse(Array(json.utf8), source: "deep.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("JSON nested deeper than 1000 levels (limit 1000; raise it with --max-json-depth)"))
            #expect(error.description.count < 300)
        }
    }

    @Test func aliasBombKubeconfigIsRefused() throws {
        let dir = NSTemporaryDirectory() + "meshscope-kcbomb-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ("apiVersion: v1\nkind: Config\n" + BoundedYAMLTests.aliasBomb()).write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        let env = KubeconfigLoader.Environment(variables: [:], home: dir, serviceAccountRoot: dir + "/sa")
        let start = Date()
        do {
            _ = try KubeconfigLoader(environment: env).load(.init(kubeconfig: dir + "/config"))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("invalid kubeconfig: \(dir)/config:"))
            #expect(error.message.hasSuffix("(limit 1000000; raise it with --max-yaml-nodes)"))
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func kubeconfigLargerThanTheLimitIsRefused() async throws {
        let dir = NSTemporaryDirectory() + "meshscope-kcsize-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = "apiVersion: v1\nkind: Config\n# " + String(repeating: "x", count: 2000) + "\n"
        try text.write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        let env = KubeconfigLoader.Environment(variables: [:], home: dir, serviceAccountRoot: dir + "/sa")
        var limits = InputLimits()
        limits.maxDocumentBytes = 1024
        InputLimits.withLimits(limits) {
            do throws(KubeClientError) {
                _ = try KubeconfigLoader(environment: env).load(.init(kubeconfig: dir + "/config"))
                Issue.record("expected an error")
            } catch {
                #expect(error.message == "\(dir)/config: kubeconfig file has \(text.utf8.count) bytes, more than allowed (limit 1Ki; raise it with --max-document-size)")
            }
        }
    }

    /// Through the CLI: every parse error is one line, `FILE:LINE:COL: document N: problem (context)`.
    @Test func applyParseErrorsAreOneLine() async throws {
        let dir = NSTemporaryDirectory() + "meshscope-apply-msg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let kubeconfig = dir + "/config"
        try "apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
            .write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("escape.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: \"bad \\q\"}\n"),
            ("bomb.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n" + BoundedYAMLTests.aliasBomb(prefix: "  ")),
            ("number.yaml", "apiVersion: 5\nkind: ConfigMap\nmetadata: {name: a}\n"),
        ]
        for (name, text) in cases {
            let file = dir + "/" + name
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let out = await MeshScopeMain.invoke(["apply", "-f", file, "--kubeconfig", kubeconfig, "--yes"])
            #expect(out.code == 1, "\(name)")
            #expect(out.stderr.hasPrefix("meshscope: \(file):"), "\(name): \(out.stderr)")
            #expect(out.stderr.filter { $0 == "\n" }.count == 1, "\(name): \(out.stderr)")
        }
        let escape = await MeshScopeMain.invoke(["apply", "-f", dir + "/escape.yaml", "--kubeconfig", kubeconfig, "--yes"])
        #expect(escape.stderr.hasPrefix("meshscope: \(dir)/escape.yaml:4:"))
        #expect(escape.stderr.contains(": document 1: found unknown escape character (while parsing a quoted scalar at line 4:"))
        let number = await MeshScopeMain.invoke(["apply", "-f", dir + "/number.yaml", "--kubeconfig", kubeconfig, "--yes"])
        #expect(number.stderr == "meshscope: \(dir)/number.yaml:1: document 1: apiVersion must be a string, got a number\n")
    }
}
