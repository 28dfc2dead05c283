/// Key material in a dump is never printed. Envoy redacts fields marked sensitive in its
/// API (``SensitiveFields``) before it dumps them; a dump from elsewhere may not have, so
/// printers redact the same fields the same way: `inline_bytes` become base64 of `[redacted]`,
/// `inline_string`s `[redacted]`. File names and environment variable names are kept (they
/// are not secrets).
public enum EnvoyRedaction {
    /// Whether printing `value` verbatim would show key material that is not already
    /// redacted. Finds where the bytes mention a sensitive field once, then walks only the
    /// subtrees that hold such a mention.
    public static func hasUnredactedKeyMaterial(_ value: JSONValue) -> Bool {
        let mentions = SensitiveMentions(value.rawBytes)
        guard !mentions.isEmpty else { return false }
        return walk(value, sensitive: false, mentions)
    }

    private static func walk(_ v: JSONValue, sensitive: Bool, _ mentions: SensitiveMentions) -> Bool {
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
                    if !childSensitive && !mentions.mentions(child.rawBytes) { continue }
                    if walk(child, sensitive: childSensitive, mentions) { return true }
                }
            }
            return false
        case .array:
            for child in v.elements where walk(child, sensitive: sensitive, mentions) { return true }
            return false
        default:
            return false
        }
    }
}
