import MeshModel

/// Splits a manifest (YAML with `---` separators, or JSON) into Kubernetes objects.
///
/// `kind: List` documents (what `kubectl get -o yaml` prints) are expanded into their items,
/// each with the line the item starts on, so a finding points at the object, not the List.
/// Every object must have `apiVersion`, `kind` and `metadata.name`; errors name the source,
/// document and line.
///
/// ```swift
/// let docs = try ManifestParser.parse(bytes, source: "app.yaml")
/// docs[0].object["kind"]   // "Deployment"
/// ```
public enum ManifestParser {
    public static func parse(_ bytes: [UInt8], source: String) throws(ManifestError) -> [ManifestDocument] {
        let firstNonSpace = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        var raw: [YAMLTree.Document] = []
        if firstNonSpace == UInt8(ascii: "{") || firstNonSpace == UInt8(ascii: "[") {
            do {
                let doc = try JSONDocument(bytes: bytes)
                let values = doc.root.isArray ? Array(doc.root.elements) : [doc.root]
                let items = values.map { Array($0.member(exactly: "items")?.elements.map(\.byteOffset) ?? []) }
                // Each object's offset, then its List items': ascending, so one pass over the
                // bytes finds every line.
                let lines = Self.lines(of: zip(values, items).flatMap { [$0.byteOffset] + $1 }, in: bytes)
                var at = 0
                for (i, v) in values.enumerated() {
                    raw.append(.init(index: i + 1, line: lines[at], tree: JSONTree(v), itemLines: Array(lines[(at + 1)...].prefix(items[i].count))))
                    at += 1 + items[i].count
                }
            } catch {
                throw ManifestError(source: source, document: 1, line: error.line, column: error.column, message: error.message)
            }
        } else {
            raw = try YAMLTree.documents(String(decoding: bytes, as: UTF8.self), source: source)
        }

        var out: [ManifestDocument] = []
        for doc in raw {
            let index = doc.index, line = doc.line, tree = doc.tree
            guard case .object = tree else {
                throw ManifestError(source: source, document: index, line: line, column: nil, message: "expected a Kubernetes object (a mapping), found \(tree.typeName)")
            }
            if let kind = tree["kind"]?.string, kind == "List" || (kind.hasSuffix("List") && tree["items"]?.arrayValue != nil) {
                if let items = tree["items"], !items.isNull, items.arrayValue == nil {
                    throw ManifestError(source: source, document: index, line: line, column: nil, message: "\(kind): items must be a list, got \(article(items.typeName))")
                }
                for (i, item) in (tree["items"]?.arrayValue ?? []).enumerated() {
                    let itemLine = i < doc.itemLines.count ? doc.itemLines[i] : line
                    try out.append(check(ManifestDocument(source: source, index: index, line: itemLine, object: item)))
                }
                continue
            }
            try out.append(check(ManifestDocument(source: source, index: index, line: line, object: tree)))
        }
        if out.isEmpty {
            throw ManifestError(source: source, document: nil, line: nil, column: nil, message: "no objects found (the input has no YAML or JSON documents)")
        }
        return out
    }

    static func check(_ d: ManifestDocument) throws(ManifestError) -> ManifestDocument {
        func fail(_ m: String) -> ManifestError { ManifestError(source: d.source, document: d.index, line: d.line, column: nil, message: m) }
        guard case .object = d.object else { throw fail("expected a Kubernetes object (a mapping), found \(d.object.typeName)") }
        /// A string field: nil when absent, null or empty; an error when of another type.
        func text(_ field: String, _ value: JSONTree?) throws(ManifestError) -> String? {
            guard let value, !value.isNull else { return nil }
            guard let s = value.string else { throw fail("\(field) must be a string, got \(article(value.typeName))") }
            return s.isEmpty ? nil : s
        }
        guard let apiVersion = try text("apiVersion", d.object["apiVersion"]) else { throw fail("apiVersion is missing") }
        guard let kind = try text("kind", d.object["kind"]) else { throw fail("kind is missing (apiVersion \(apiVersion))") }
        if let metadata = d.object["metadata"], !metadata.isNull, metadata.objectValue == nil {
            throw fail("\(kind): metadata must be a mapping, got \(article(metadata.typeName))")
        }
        guard let name = try text("\(kind): metadata.name", d.object["metadata"]?["name"]) else {
            if d.object["metadata"]?["generateName"] != nil { throw fail("\(kind) uses metadata.generateName, which server-side apply cannot use; set metadata.name") }
            throw fail("\(kind): metadata.name is missing")
        }
        return d
    }

    /// `a number`, `an object`: a JSON type name for a message.
    static func article(_ typeName: String) -> String {
        (typeName.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + typeName
    }

    /// The 1-based lines of ascending byte offsets, counted in one pass over the bytes (a
    /// count from the start for each would make a long JSON array quadratic).
    static func lines(of offsets: [Int], in bytes: [UInt8]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(offsets.count)
        var line = 1, at = 0
        for offset in offsets {
            let end = min(max(offset, at), bytes.count)
            for b in bytes[at..<end] where b == 0x0A { line += 1 }
            at = end
            out.append(line)
        }
        return out
    }
}
