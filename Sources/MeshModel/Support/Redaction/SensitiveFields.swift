/// The one list of fields whose values are secrets, and the one function that recognises
/// them. Every path that prints or stores JSON reads it: Envoy `-o json|yaml`
/// (``EnvoyRedaction``, `JSONWriter`'s proto-message rules), snapshots and the objects shown to a person
/// (`SnapshotRedaction`, ``KubeObject/displayed(_:kind:)``), and diffs (``DiffNormalizer``).
/// Before, four copies had drifted apart (`token` was in the diff's list only).
///
/// A key matches when it equals an entry after folding (`_` dropped, ASCII lowercased), so
/// Envoy's `private_key` and Go tools' `privateKey` are one field. What a match does depends
/// on the path: a diff replaces the whole value by a digest; printers and snapshots replace
/// the field's own string value by ``redactedString`` and, inside it, `inline_bytes` and
/// `inline_string` by Envoy's own markers (file names and environment variable names stay:
/// they say where a key is, not what it is).
///
/// ```swift
/// SensitiveFields.isSensitive(key: "privateKey")        // true
/// SensitiveFields.isSensitive(key: "private_key_provider")   // false
/// ```
public enum SensitiveFields {
    public struct Entry: Sendable {
        /// The field as Envoy's protos spell it.
        public let name: String
        /// Why its value is a secret.
        public let why: String
        /// `name` folded (no `_`, lowercase): what keys are compared with.
        public let folded: String

        init(_ name: String, _ why: String) {
            self.name = name
            self.why = why
            folded = String(name.utf8.filter { $0 != 0x5F }.map { Character(Unicode.Scalar($0)) })
        }
    }

    /// The union of every list we had, each with its reason.
    public static let entries: [Entry] = [
        Entry("private_key", "a TLS private key (Envoy `TlsCertificate`): whoever holds it is the workload"),
        Entry("password", "unlocks an encrypted private key or PKCS#12 bundle (Envoy `TlsCertificate`), or anything else"),
        Entry("pkcs12", "a PKCS#12 bundle carries the private key along with its chain"),
        Entry("session_ticket_keys", "decrypt every TLS session resumed with them (Envoy `TlsSessionTicketKeys`)"),
        Entry("generic_secret", "an SDS generic secret: OAuth2 client and HMAC secrets, API keys (Envoy `GenericSecret`)"),
        Entry("token", "a bearer token authenticates whoever presents it (was only in the diff's list)"),
    ]

    /// What Envoy prints for a redacted `bytes` field: base64 of `[redacted]`.
    public static let redactedBytes = "W3JlZGFjdGVkXQ=="
    /// What Envoy prints for a redacted `string` field.
    public static let redactedString = "[redacted]"

    /// Keys longer than this are never sensitive (an entry with an `_` between every letter fits).
    private static let longestKey = 2 * (entries.map(\.folded.utf8.count).max() ?? 0)
    private static let foldedBytes: [[UInt8]] = entries.map { Array($0.folded.utf8) }

    /// Whether `key` names a sensitive field. Cheap on the keys of a 100 MB dump: most keys
    /// differ from every entry at their first letter, and no String is built.
    @inline(__always)
    public static func isSensitive(key: String) -> Bool {
        guard key.utf8.count <= longestKey else { return false }
        var k = key
        return k.withUTF8 { isSensitive($0, 0, $0.count) }
    }

    /// Bytes a sensitive key can start with (an entry's first letter in either case, or `_`).
    private static let firstBytes: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        t[0x5F] = true
        for f in foldedBytes {
            guard let c = f.first else { continue }
            t[Int(c)] = true
            if c >= 0x61 && c <= 0x7A { t[Int(c - 0x20)] = true }
        }
        return t
    }()

    /// ``isSensitive(key:)`` on the unescaped key at `b[start..<end]`.
    static func isSensitive(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end, end - start <= longestKey, firstBytes[Int(b[start])] else { return false }
        for entry in foldedBytes where matches(b, start, end, entry) { return true }
        return false
    }

    /// Whether a folded key (``EnvoyFoldedKey``) is sensitive.
    static func isSensitive(folded: String) -> Bool { entries.contains { $0.folded == folded } }

    @inline(__always)
    private static func matches(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ folded: [UInt8]) -> Bool {
        var j = 0
        var i = start
        while i < end {
            let c = b[i]
            i += 1
            if c == 0x5F { continue }
            guard j < folded.count, (c >= 0x41 && c <= 0x5A ? c | 0x20 : c) == folded[j] else { return false }
            j += 1
        }
        return j == folded.count
    }

    /// What a string leaf becomes, or nil to keep it. `key` is the leaf's own key, folded;
    /// `inside` says whether it sits in a sensitive field (its own key counts). The field's own
    /// string value becomes ``redactedString``; inside one, a data source's `inline_bytes` and
    /// `inline_string` become Envoy's markers.
    ///
    /// ```swift
    /// SensitiveFields.marker(forFoldedKey: "inlinebytes", inside: true)   // "W3JlZGFjdGVkXQ=="
    /// SensitiveFields.marker(forFoldedKey: "filename", inside: true)      // nil
    /// SensitiveFields.marker(forFoldedKey: "token", inside: true)         // "[redacted]"
    /// ```
    static func marker(forFoldedKey key: String, inside: Bool) -> String? {
        guard inside else { return nil }
        switch key {
        case "inlinebytes": return redactedBytes
        case "inlinestring": return redactedString
        default: return isSensitive(folded: key) ? redactedString : nil
        }
    }

    /// Whether a string under `key` still shows a secret: it would get a marker and is not
    /// already one (Envoy redacts its own dumps) or empty.
    static func isUnredacted(_ s: String, forFoldedKey key: String, inside: Bool) -> Bool {
        marker(forFoldedKey: key, inside: inside) != nil && !s.isEmpty && s != redactedBytes && s != redactedString
    }

    /// Byte needles for a quick "may this mention a sensitive field?" scan before walking a
    /// value: the snake_case and camelCase spellings; one-word names quoted as keys, since
    /// `token` and `password` are common inside values (`istio-token`), and quoted once more
    /// for JSON held in a string (a `last-applied-configuration` annotation).
    static let needles: [[UInt8]] = entries.flatMap { e -> [[UInt8]] in
        let parts = e.name.split(separator: "_")
        guard parts.count > 1 else { return [Array("\"\(e.name)\"".utf8), Array("\\\"\(e.name)\\\"".utf8)] }
        let camel = parts[0] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return [Array(e.name.utf8), Array(camel.utf8)]
    }

    /// A PEM private key block's header ends with this, whatever the key type.
    static let pemNeedle = Array("PRIVATE KEY-----".utf8)

    /// Whether a string's bytes hold a PEM private key block (shorter strings cannot: the
    /// smallest key block is well over 100 bytes).
    static func holdsPrivateKey(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.count >= 64 && ByteText.contains(bytes, pemNeedle)
    }


    /// Words that make a container environment variable's name look like a credential
    /// (`DB_PASSWORD`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`): its `value` is redacted.
    static let credentialWords = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "API_KEY", "PRIVATE", "CREDENTIAL", "ACCESS_KEY"]

    static func isCredentialName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return credentialWords.contains { upper.contains($0) }
    }

    /// A Kubernetes `Secret`'s members that hold its values (base64 in `data`, plain in
    /// `stringData`): never printed, compared by digest.
    public static let secretDataMembers: Set<String> = ["data", "stringData"]
}
