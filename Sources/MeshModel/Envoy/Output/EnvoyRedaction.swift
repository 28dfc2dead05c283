/// Key material in a dump is never printed. Envoy redacts fields marked sensitive in its
/// API (``SensitiveFields``) before it dumps them; a dump from elsewhere may not have, so
/// printers redact the same fields the same way: `inline_bytes` become base64 of `[redacted]`,
/// `inline_string`s `[redacted]`. File names and environment variable names are kept (they
/// are not secrets).
public enum EnvoyRedaction {
    /// Whether printing `value` verbatim would show key material that is not already
    /// redacted. Scans bytes first, then walks only the subtrees that mention a sensitive field.
    public static func hasUnredactedKeyMaterial(_ value: JSONValue) -> Bool {
        let raw = value.rawBytes
        guard SensitiveFields.needles.contains(where: { ByteText.contains(raw, $0) }) else { return false }
        return walk(value, sensitive: false)
    }

    private static func walk(_ v: JSONValue, sensitive: Bool) -> Bool {
        switch v.kind {
        case .object:
            for (k, child) in v.members {
                let folded = EnvoyFoldedKey(k).folded
                let childSensitive = sensitive || SensitiveFields.isSensitive(folded: folded)
                if let s = child.string {
                    if SensitiveFields.isUnredacted(s, forFoldedKey: folded, inside: childSensitive) { return true }
                    continue
                }
                if child.isObject || child.isArray {
                    if !childSensitive && !SensitiveFields.needles.contains(where: { ByteText.contains(child.rawBytes, $0) }) { continue }
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
