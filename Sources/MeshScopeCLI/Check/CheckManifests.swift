import Foundation
import MeshClient
import MeshModel

/// `meshscope check -f FILE_OR_DIR`: which `-f` inputs are manifests, and what checking them
/// adds to the output. A manifest is `-` (stdin), a directory (read recursively), a `.yaml`/
/// `.yml` file, or JSON whose top level is a Kubernetes object or list (it has `apiVersion`);
/// the other `-f` inputs are saved admin outputs (``CheckFiles``).
///
/// ```
/// meshscope check -f k8s/                       # the files alone, as istioctl analyze --use-kube=false
/// meshscope --demo check -f new-route.yaml      # laid over the demo's objects
/// ```
enum CheckManifests {
    /// Splits `-f` inputs into manifests and admin outputs, keeping their order.
    static func split(_ specs: [String]) -> (manifests: [String], dumps: [String]) {
        var manifests: [String] = [], dumps: [String] = []
        for spec in specs {
            if isManifest(spec) { manifests.append(spec) } else { dumps.append(spec) }
        }
        return (manifests, dumps)
    }

    static func isManifest(_ spec: String) -> Bool {
        if spec == "-" { return true }
        if ProxyStatusCommand.split(spec).0 != nil { return false }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) else {
            // Missing: reported where it is read, as a manifest unless it looks like JSON.
            return !spec.lowercased().hasSuffix(".json")
        }
        if isDirectory.boolValue { return true }
        let lower = spec.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return true }
        // JSON: a manifest names its apiVersion at the top (an object, a List, or an array of
        // objects); admin outputs never do. Anything not JSON is taken as YAML.
        guard let bytes = try? InputFile.read(spec) else { return false }
        let first = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return true }
        guard let root = try? JSONDocument(bytes: bytes).root else { return false }
        if root.isObject { return root["apiVersion"] != nil }
        var items = root.elements.makeIterator()
        return items.next().map { $0.isObject && $0["apiVersion"] != nil } ?? false
    }

    /// Whether the command names a cluster or snapshot to lay the files over: `--demo`
    /// (which passes its kubeconfig), `--snapshot`, `--context`, `--kubeconfig` or `--admin-url`.
    /// Without one, manifests are checked alone.
    static func hasClusterSource(_ source: SourceOptions) -> Bool {
        source.snapshot != nil || source.connection.context != nil || source.connection.kubeconfig != nil || source.connection.adminURL != nil
    }

    /// The rules that can judge files alone: those reading only Kubernetes and Istio objects.
    static func fileRules(_ rules: [FindingRule]) -> [FindingRule] {
        rules.filter { $0.reads.isSubset(of: [.kubeObjects, .istioConfig]) }
    }

    /// `Manifests: 14 objects; not analyzed: Ingress 2, Secret 1; 1 document unparseable; 25 runtime rules need a cluster`.
    static func summary(_ m: ManifestFacts, skippedRules: Int) -> String {
        var parts = ["\(m.objectCount) object\(m.objectCount == 1 ? "" : "s") checked"]
        if !m.unknownKinds.isEmpty {
            let total = m.unknownKinds.values.reduce(0, +)
            parts.append("\(total) of kinds not analyzed (" + m.unknownKinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
        }
        if !m.problems.isEmpty { parts.append("\(m.problems.count) unreadable (listed on stderr)") }
        if skippedRules > 0 { parts.append("\(skippedRules) runtime rules not run (files alone; add --demo, --snapshot or --context to lay the files over a mesh)") }
        return "Manifests: " + parts.joined(separator: "; ") + "\n"
    }

    /// The `manifests` member of the JSON/YAML document.
    static func node(_ m: ManifestFacts, skippedRules: [FindingRule]) -> JSONTree {
        .object([
            ("objects", .int(m.objectCount)),
            ("unknownKinds", .object(m.unknownKinds.sorted { $0.key < $1.key }.map { ($0.key, JSONTree.int($0.value)) })),
            ("problems", .array(m.problems.map { p in
                JSONTree.compact([
                    ("source", .string(p.source)), ("document", p.document.map(JSONTree.int)), ("line", p.line.map(JSONTree.int)),
                    ("column", p.column.map(JSONTree.int)), ("message", .string(p.message)), ("text", .string(p.description)),
                ])
            })),
            ("notRun", .array(skippedRules.map { .string($0.code) })),
        ])
    }
}
