/// How keys of parsed documents are spelled on output.
public enum KeyStyle: Sendable, Equatable {
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
        var out: [UInt8] = []
        guard KeyStyle.appendLowerCamel(key.utf8, to: &out) else { return key }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a snake_case proto field name in lowerCamelCase (`lb_policy` → `lbPolicy`)
    /// and returns true; returns false, appending nothing, for any other key. Only names of
    /// `[a-z0-9_]` with an `_` are field names to convert: map keys such as `ISTIO_VERSION`
    /// or `app.kubernetes.io/name` are data. The one snake→camel rule, on bytes, for every writer.
    @inline(__always)
    static func appendLowerCamel<C: Collection>(_ key: C, to out: inout [UInt8]) -> Bool where C.Element == UInt8 {
        var sawUnderscore = false
        for c in key {
            if c == 0x5F {
                sawUnderscore = true
            } else if !((c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)) {
                return false
            }
        }
        guard sawUnderscore else { return false }
        var upper = false
        for c in key {
            if c == 0x5F {
                upper = true
            } else if upper {
                out.append(c >= 0x61 && c <= 0x7A ? c - 0x20 : c)
                upper = false
            } else {
                out.append(c)
            }
        }
        return true
    }

    /// Whether the members below `key` (child of `parentKey`) keep their spelling.
    func isOpaque(key: String, parentKey: String?) -> Bool {
        if KeyStyle.opaqueFields.contains(key) { return true }
        // Node metadata is a Struct of ISTIO_* keys and arbitrary nested data.
        return key == "metadata" && parentKey == "node"
    }
}
