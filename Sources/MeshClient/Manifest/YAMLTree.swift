import Foundation
import MeshModel
import MeshYAML
import Yams

/// A YAML or JSON problem, on one line, naming the source, the place and the document.
///
/// ```
/// manifest.yaml:7:3: document 2: mapping values are not allowed in this context
/// ```
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var document: Int?
    public var line: Int?
    public var column: Int?
    public var message: String
    /// libyaml's context, with its own place (moved with ``line`` when a document was read alone).
    public var context: YAMLLoadError.Context?

    public init(source: String, document: Int?, line: Int?, column: Int?, message: String, context: YAMLLoadError.Context? = nil) {
        self.source = source
        self.document = document
        self.line = line
        self.column = column
        self.message = message
        self.context = context
    }

    init(_ error: YAMLLoadError, source: String) {
        self.init(source: source, document: error.document, line: error.line, column: error.column, message: error.message, context: error.context)
    }

    public var description: String {
        var s = source
        if let line { s += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        if let document { s += ": document \(document)" }
        return s + ": " + message + (context?.suffix ?? "")
    }
}

/// Converts YAML (Yams nodes) into ``JSONTree`` values the way Kubernetes reads YAML
/// (`sigs.k8s.io/yaml` over yaml.v2): YAML 1.1 booleans, integers in any base become
/// decimal, timestamps stay strings, duplicate keys are errors.
///
/// The text goes through ``BoundedYAML`` first, so the conversion (which expands every
/// alias) only sees documents within ``InputLimits``.
public enum YAMLTree {
    /// One document of a stream: its 1-based index, starting line and tree, and the line of
    /// each entry of a top-level `items` sequence (a `List`'s objects).
    public struct Document: Sendable {
        public var index: Int
        public var line: Int
        public var tree: JSONTree
        public var itemLines: [Int] = []
    }

    /// All documents of a YAML stream. Empty documents are counted but not returned.
    public static func documents(_ text: String, source: String) throws(ManifestError) -> [Document] {
        let roots: [Node]
        do { roots = try BoundedYAML.documents(text) } catch { throw ManifestError(error, source: source) }
        var out: [Document] = []
        for (i, node) in roots.enumerated() {
            let tree = try convert(node, source: source, document: i + 1)
            if tree.isNull { continue }
            let line = node.mark?.line ?? 1
            var items: [Int] = []
            if case .mapping(let map) = node, case .sequence(let seq)? = map.first(where: { $0.key.scalar?.string == "items" })?.value {
                items = seq.map { $0.mark?.line ?? line }
            }
            out.append(Document(index: i + 1, line: line, tree: tree, itemLines: items))
        }
        return out
    }

    /// One YAML document (a kubeconfig file): the first document's tree, `.null` if empty.
    public static func single(_ text: String, source: String) throws(ManifestError) -> JSONTree {
        try documents(text, source: source).first?.tree ?? .null
    }

    static func convert(_ node: Node, source: String, document: Int) throws(ManifestError) -> JSONTree {
        switch node {
        case .scalar(let s):
            return scalar(s.string, tag: Tag.Name(rawValue: node.tag.rawValue))
        case .sequence(let seq):
            var items: [JSONTree] = []
            items.reserveCapacity(seq.count)
            for child in seq { items.append(try convert(child, source: source, document: document)) }
            return .array(items)
        case .mapping(let map):
            var o = JSONObject()
            for (k, v) in map {
                guard case .scalar(let ks) = k else {
                    throw ManifestError(source: source, document: document, line: k.mark?.line, column: k.mark?.column, message: "mapping keys must be scalars")
                }
                if Tag.Name(rawValue: k.tag.rawValue) == .merge, case .mapping = v {
                    // `<<: *defaults`: merge members not already present.
                    if case .object(let merged) = try convert(v, source: source, document: document) {
                        for (mk, mv) in merged where o[mk] == nil { o[mk] = mv }
                    }
                    continue
                }
                let key = ks.string
                if o[key] != nil {
                    throw ManifestError(source: source, document: document, line: k.mark?.line, column: k.mark?.column, message: "mapping key \"\(key)\" already defined")
                }
                o[key] = try convert(v, source: source, document: document)
            }
            return .object(o)
        case .alias:
            // The composer resolves aliases to their anchored node; an unresolved one is a bug in the input.
            throw ManifestError(source: source, document: document, line: node.mark?.line, column: node.mark?.column, message: "unresolved alias")
        }
    }

    static func scalar(_ s: String, tag: Tag.Name) -> JSONTree {
        switch tag {
        case .null: return .null
        case .bool:
            switch s.lowercased() {
            case "true", "yes", "on": return .bool(true)
            default: return .bool(false)
            }
        case .int:
            if let i = integer(s) { return .number(String(i)) }
            return .string(s)
        case .float:
            let cleaned = s.replacingOccurrences(of: "_", with: "")
            if let d = Double(cleaned), d.isFinite {
                // Keep the spelling when it is already valid JSON.
                if (try? JSONDocument(bytes: Array(cleaned.utf8)))?.root.kind == .number { return .number(cleaned) }
                return .number(d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d))
            }
            return .string(s)
        default:
            return .string(s)
        }
    }

    static func integer(_ raw: String) -> Int? {
        var s = raw.replacingOccurrences(of: "_", with: "")
        var sign = 1
        if s.hasPrefix("-") { sign = -1; s.removeFirst() } else if s.hasPrefix("+") { s.removeFirst() }
        let value: Int?
        if s.hasPrefix("0x") { value = Int(s.dropFirst(2), radix: 16) }
        else if s.hasPrefix("0o") { value = Int(s.dropFirst(2), radix: 8) }
        else if s.hasPrefix("0b") { value = Int(s.dropFirst(2), radix: 2) }
        else if s.count > 1, s.hasPrefix("0") { value = Int(s.dropFirst(), radix: 8) }  // YAML 1.1 octal
        else { value = Int(s) }
        return value.map { $0 * sign }
    }
}
