import MeshBase
import Yams

/// The one way meshscope loads YAML (manifests, kubeconfigs, themes, its config file):
/// Yams's composer behind the checks of ``InputLimits`` (document size, nesting depth,
/// nodes after alias expansion), with every error one line with its place.
///
/// ```swift
/// let roots = try BoundedYAML.documents("a: 1\n---\nb: 2\n")
/// roots.count          // 2
/// roots[0].mapping?["a"]?.int   // 1
/// ```
public enum BoundedYAML {
    /// Every document of the stream, in order (an empty document is a null scalar).
    public static func documents(_ text: String, limits: InputLimits = .current) throws(YAMLLoadError) -> [Node] {
        var text = text
        let size = text.utf8.count
        if size > limits.maxDocumentBytes {
            throw YAMLLoadError(document: 1, line: nil, column: nil,
                                message: "the document has \(size) bytes, more than allowed " + InputLimits.hint(InputLimits.sizeText(limits.maxDocumentBytes), flag: "--max-document-size"))
        }
        var budget: YAMLLoadError?
        text.withUTF8 { bytes in
            do throws(YAMLLoadError) { try YAMLBudget.check(bytes, limits: limits) } catch { budget = error }
        }
        if let budget { throw budget }

        let parser: Parser
        // The encoding given, not Yams's default: that reads the whole process environment
        // (YAMS_DEFAULT_ENCODING) on every call, 12% of `check -f` over 10,000 documents.
        do { parser = try Parser(yaml: text, encoding: .utf8) } catch { throw YAMLLoadError(error, document: 1) }
        var roots: [Node] = []
        while true {
            do {
                guard let node = try parser.nextRoot() else { return roots }
                roots.append(node)
            } catch {
                throw YAMLLoadError(error, document: roots.count + 1)
            }
        }
    }

    /// The first document's root; nil when the stream has none.
    public static func first(_ text: String, limits: InputLimits = .current) throws(YAMLLoadError) -> Node? {
        try documents(text, limits: limits).first
    }
}
