/// A value to print as JSON or YAML: either constructed here or a subtree of a parsed
/// document, which is streamed from the tape without being materialised.
public indirect enum OutputNode: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([OutputNode])
    /// Members in the order given; the YAML writer sorts keys the way Go's yaml does.
    case object([(String, OutputNode)])
    case json(JSONValue)

    public static func object(_ pairs: KeyValuePairs<String, OutputNode>) -> OutputNode {
        .object(pairs.map { ($0.key, $0.value) })
    }

    /// Leaves out members whose value is nil, the way `omitempty` does.
    public static func compact(_ pairs: [(String, OutputNode?)]) -> OutputNode {
        .object(pairs.compactMap { k, v in v.map { (k, $0) } })
    }
}

/// How keys of parsed documents are spelled on output.
public enum KeyStyle: Sendable {
    /// As in the input.
    case preserve
    /// lowerCamelCase, as Go's protojson prints proto messages (what istioctl shows).
    /// Keys of map and Struct fields (metadata, key/value maps) are left alone.
    case protoJSON

    /// Fields whose values are maps or `google.protobuf.Struct`s: their keys are data, not field names.
    static let opaqueFields: Set<String> = [
        "filter_metadata", "filterMetadata", "key_values", "keyValues", "labels", "annotations",
    ]

    func convert(_ key: String) -> String {
        guard case .protoJSON = self, key.utf8.contains(0x5F) else { return key }
        // Only snake_case proto field names are converted; map keys such as
        // `ISTIO_VERSION` or `app.kubernetes.io/name` are not field names.
        guard key.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
            return key
        }
        var out = ""
        out.reserveCapacity(key.utf8.count)
        var upper = false
        for ch in key {
            if ch == "_" {
                upper = true
            } else if upper {
                out += ch.uppercased()
                upper = false
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// Whether the members below `key` (child of `parentKey`) keep their spelling.
    func isOpaque(key: String, parentKey: String?) -> Bool {
        if KeyStyle.opaqueFields.contains(key) { return true }
        // Node metadata is a Struct of ISTIO_* keys and arbitrary nested data.
        return key == "metadata" && parentKey == "node"
    }
}
