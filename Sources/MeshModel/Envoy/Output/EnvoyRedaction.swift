/// Key material in a dump is never printed. Envoy redacts fields marked sensitive in its
/// API (`private_key`, `password`, `pkcs12`, session ticket keys, generic secrets) before it
/// dumps them; a dump from elsewhere may not have, so printers redact the same fields the
/// same way: `inline_bytes` become base64 of `[redacted]`, `inline_string`s `[redacted]`.
/// File names and environment variable names are kept (they are not secrets).
public enum EnvoyRedaction {
    /// Folded names (``EnvoyFoldedKey``) of the sensitive fields.
    static let sensitiveFields: Set<String> = ["privatekey", "password", "pkcs12", "sessionticketkeys", "genericsecret"]

    /// What Envoy prints for a redacted `bytes` field: base64 of `[redacted]`.
    public static let redactedBytes = "W3JlZGFjdGVkXQ=="
    public static let redactedString = "[redacted]"

    static func marker(forFoldedKey key: String) -> String? {
        switch key {
        case "inlinebytes": redactedBytes
        case "inlinestring": redactedString
        default: nil
        }
    }

    private static let needles: [[UInt8]] = [
        "private_key", "privateKey", "\"password\"", "pkcs12", "session_ticket_keys", "sessionTicketKeys", "generic_secret", "genericSecret",
    ].map { Array($0.utf8) }

    /// Whether printing `value` verbatim would show key material that is not already
    /// redacted. Scans bytes first, then walks only the subtrees that mention a sensitive field.
    public static func hasUnredactedKeyMaterial(_ value: JSONValue) -> Bool {
        let raw = value.rawBytes
        guard needles.contains(where: { EnvoyByteSearch.contains(raw, $0) }) else { return false }
        return walk(value, sensitive: false)
    }

    private static func walk(_ v: JSONValue, sensitive: Bool) -> Bool {
        switch v.kind {
        case .object:
            for (k, child) in v.members {
                let folded = EnvoyFoldedKey(k).folded
                if sensitive, let s = child.string, marker(forFoldedKey: folded) != nil {
                    if s != redactedBytes && s != redactedString && !s.isEmpty { return true }
                    continue
                }
                let childSensitive = sensitive || sensitiveFields.contains(folded)
                if child.isObject || child.isArray {
                    if !childSensitive && !needles.contains(where: { EnvoyByteSearch.contains(child.rawBytes, $0) }) { continue }
                    if walk(child, sensitive: childSensitive) { return true }
                }
            }
            return false
        case .array:
            for child in v.elements where walk(child, sensitive: sensitive) { return true }
            return false
        default:
            return false
        }
    }
}
