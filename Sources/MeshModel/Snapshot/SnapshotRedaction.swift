/// What a snapshot never contains, enforced while streaming each value into the file:
///
/// - **Key material**: the sensitive fields (``SensitiveFields``: `private_key`, `password`,
///   `pkcs12`, `session_ticket_keys`, `generic_secret`, `token`) lose their string values, and
///   `inline_bytes`/`inline_string` inside them become Envoy's own redaction markers (as
///   ``EnvoyRedaction`` prints them); any string holding a PEM
///   `PRIVATE KEY` block has the block replaced by `[redacted private key]`. This runs on every
///   JSON admin response, every text response and every Kubernetes object (an EnvoyFilter can
///   carry inline keys too).
/// - **Secrets**: objects of kind `Secret` are dropped (the collector never lists them; this is
///   the second lock).
/// - **Credentials in pods**: container `env` values whose name looks like a credential
///   (``SensitiveFields/credentialWords``: `PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`, …) become
///   `[redacted]`; `valueFrom` references are kept (they name a Secret, they are not one).
/// - **last-applied-configuration**: kept (it repeats the object it sits on, which is already in
///   the file), except when it mentions a sensitive Envoy field, then it becomes `[redacted]`
///   (its JSON is a string, so the field walk above cannot reach inside it).
/// - `managedFields` are dropped: bulk without debugging value.
///
/// Responses without any of these are copied byte for byte.
enum SnapshotRedaction {
    static let redactedText = SensitiveFields.redactedString
    static let redactedKey = "[redacted private key]"
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

    /// Replaces every `-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----` block.
    static func scrubPEM(_ text: String) -> (text: String, count: Int) {
        guard text.contains("PRIVATE KEY-----") else { return (text, 0) }
        var out = ""
        var rest = Substring(text)
        var count = 0
        while let begin = rest.range(of: "-----BEGIN ") {
            guard let headerEnd = rest[begin.upperBound...].range(of: "-----") else { break }
            let label = rest[begin.upperBound..<headerEnd.lowerBound]
            guard label.hasSuffix("PRIVATE KEY") else {
                out += rest[..<headerEnd.upperBound]
                rest = rest[headerEnd.upperBound...]
                continue
            }
            out += rest[..<begin.lowerBound]
            out += redactedKey
            count += 1
            if let end = rest[headerEnd.upperBound...].range(of: "-----END \(label)-----") {
                rest = rest[end.upperBound...]
            } else {
                rest = ""  // No end marker: everything after BEGIN could be key material.
            }
        }
        out += rest
        // A lone END line or a label we did not pair still names a private key: drop the string.
        if out.contains("PRIVATE KEY-----") { return (redactedKey, count + 1) }
        return (out, count)
    }

    /// Which rules apply while copying.
    enum Mode {
        /// An admin response: Envoy sensitive fields and PEM keys.
        case response
        /// A Kubernetes object: also managedFields, annotations and pod env values.
        case kubernetes
    }

    /// Writes `v` as compact JSON with the rules applied; subtrees no rule can touch are
    /// copied as their original bytes.
    struct Copier {
        var out: [UInt8] = []
        var redactions = SnapshotRedactions()
        let mode: Mode
        /// Where the document being copied mentions a sensitive field, found once per copy.
        private var mentions = SensitiveMentions([][...])

        init(mode: Mode) { self.mode = mode }

        mutating func copy(_ v: JSONValue) {
            mentions = SensitiveMentions(v.rawBytes)
            var path: [String] = []
            copy(v, path: &path, sensitive: false, keyForMarker: nil)
        }

        private func kubeInteresting(_ path: [String]) -> Bool {
            guard mode == .kubernetes else { return false }
            switch path.count {
            case 0: return true
            case 1: return path[0] == "metadata" || path[0] == "spec"
            case 2: return path == ["metadata", "annotations"] || (path[0] == "spec" && isContainerList(path[1]))
            case 3, 4, 5: return path[0] == "spec" && isContainerList(path[1]) && (path.count < 4 || path[3] == "env")
            default: return false
            }
        }

        private func isContainerList(_ key: String) -> Bool {
            key == "containers" || key == "initContainers" || key == "ephemeralContainers"
        }

        private mutating func copy(_ v: JSONValue, path: inout [String], sensitive: Bool, keyForMarker: String?) {
            switch v.kind {
            case .object, .array:
                if !sensitive && !kubeInteresting(path) && !mentions.mentions(v.rawBytes) {
                    out.append(contentsOf: v.rawBytes)
                    return
                }
                if v.isArray {
                    out.append(0x5B)
                    var first = true
                    for child in v.elements {
                        if !first { out.append(0x2C) }
                        first = false
                        path.append("*")
                        copy(child, path: &path, sensitive: sensitive, keyForMarker: nil)
                        path.removeLast()
                    }
                    out.append(0x5D)
                    return
                }
                // An env var whose name looks like a credential loses its value.
                let isEnvVar = mode == .kubernetes && path.count == 5 && path[3] == "env"
                let redactEnvValue = isEnvVar && (v.member(exactly: "name")?.string).map(SensitiveFields.isCredentialName) == true
                out.append(0x7B)
                var first = true
                for (k, child) in v.members {
                    if mode == .kubernetes && path == ["metadata"] && k == "managedFields" {
                        redactions.managedFields += 1
                        continue
                    }
                    if !first { out.append(0x2C) }
                    first = false
                    JSONWriter.appendString(k, to: &out)
                    out.append(0x3A)
                    if redactEnvValue && k == "value" {
                        redactions.environmentValues += 1
                        JSONWriter.appendString(redactedText, to: &out)
                        continue
                    }
                    if mode == .kubernetes && path == ["metadata", "annotations"] && k == SnapshotRedaction.lastApplied,
                       child.string != nil, mentions.mentions(child.rawBytes) {
                        redactions.lastAppliedAnnotations += 1
                        JSONWriter.appendString(redactedText, to: &out)
                        continue
                    }
                    let folded = EnvoyFoldedKey(k).folded
                    path.append(k)
                    copy(child, path: &path, sensitive: sensitive || SensitiveFields.isSensitive(folded: folded), keyForMarker: folded)
                    path.removeLast()
                }
                out.append(0x7D)
            case .string:
                if let key = keyForMarker, let marker = SensitiveFields.marker(forFoldedKey: key, inside: sensitive) {
                    if SensitiveFields.isUnredacted(v.string ?? "", forFoldedKey: key, inside: sensitive) { redactions.keyMaterial += 1 }
                    JSONWriter.appendString(marker, to: &out)
                    return
                }
                if ByteText.contains(v.rawBytes, SensitiveFields.pemNeedle) {
                    let (text, n) = SnapshotRedaction.scrubPEM(v.string ?? "")
                    redactions.keyMaterial += n
                    JSONWriter.appendString(text, to: &out)
                    return
                }
                out.append(contentsOf: v.rawBytes)
            default:
                out.append(contentsOf: v.rawBytes)
            }
        }
    }

}
