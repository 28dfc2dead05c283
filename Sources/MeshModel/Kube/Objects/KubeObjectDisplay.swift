extension KubeObject {
    /// A Kubernetes object as meshscope shows it to a person (the TUI's `y`, `c`, `d` and
    /// Enter, `get -o json|yaml`): the rules snapshots follow, applied to the one object on
    /// screen. `kind` is for list items, which the API server sends without one.
    /// `managedFields` are dropped (bulk without debugging value), container `env` values
    /// whose name looks like a credential become `[redacted]` (`valueFrom` references stay),
    /// PEM private keys and Envoy key material are replaced by markers; a `Secret` keeps only
    /// its kind and name, never its data.
    ///
    /// ```swift
    /// let pod = try JSONDocument(bytes: podJSON).root
    /// YAMLWriter.string(.json(KubeObject.displayed(pod)))   // no managedFields, no passwords
    /// ```
    public static func displayed(_ v: JSONValue, kind: String? = nil) -> JSONValue {
        var bytes: [UInt8]
        if (v["kind"]?.string ?? kind) == "Secret" {
            var meta: [(String, JSONTree?)] = [("name", v["metadata"]?["name"]?.string.map { .string($0) })]
            meta.append(("namespace", v["metadata"]?["namespace"]?.string.map { .string($0) }))
            bytes = JSONWriter.bytes(.compact([
                ("apiVersion", .string(v["apiVersion"]?.string ?? "v1")), ("kind", .string("Secret")),
                ("metadata", .compact(meta)), ("data", .string(SensitiveFields.redactedString)),
            ]), indent: 0)
        } else {
            var c = SnapshotRedaction.Copier(mode: .kubernetes)
            c.copy(v)
            bytes = c.out
        }
        // The copier writes valid JSON from a parsed value; `null` only if that ever failed.
        return (try? JSONDocument(bytes: bytes))?.root ?? (try! JSONDocument("null")).root
    }
}
