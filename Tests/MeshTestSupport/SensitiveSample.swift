import MeshModel

/// JSON carrying a distinct secret value in every sensitive field of ``SensitiveFields`` (each
/// spelling and shape: a data source's `inline_string`, camelCase `inlineBytes`, the field's
/// plain string value, and nested keys), for tests that push one object through every path
/// that prints or stores it and check that no secret comes out. Built from the list itself,
/// so a field added to it is tested everywhere at once.
///
/// `variant` changes every secret, for diffs and apply previews (old against new).
public enum SensitiveSample {
    /// Every secret value the sample carries for `variant`.
    public static func secrets(_ variant: String) -> [String] {
        SensitiveFields.entries.flatMap { e in ["str", "bytes", "plain"].map { value(e.name, $0, variant) } }
            + [value("session_ticket_keys", "nested", variant)]
    }

    /// The members as a JSON object, to embed anywhere an object may go.
    public static func object(_ variant: String) -> String {
        func members(_ f: (SensitiveFields.Entry) -> String) -> String { SensitiveFields.entries.map(f).joined(separator: ", ") }
        return """
        {"string_sources": {\(members { "\"\($0.name)\": {\"inline_string\": \"\(value($0.name, "str", variant))\", \"filename\": \"/etc/certs/\($0.name)\"}" })},
         "byte_sources": {\(members { "\"\(camel($0.name))\": {\"inlineBytes\": \"\(value($0.name, "bytes", variant))\"}" })},
         "plain_values": {\(members { "\"\($0.name)\": \"\(value($0.name, "plain", variant))\"" })},
         "nested": {"session_ticket_keys": {"keys": [{"inline_bytes": "\(value("session_ticket_keys", "nested", variant))"}]}}}
        """
    }

    /// An Envoy `/config_dump` whose one active secret's `tls_certificate` is ``object(_:)``.
    public static func envoyDump(_ variant: String) -> String {
        """
        {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
          "dynamic_active_secrets": [{"name": "default", "version_info": "1",
            "secret": {"@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", "name": "default",
                       "tls_certificate": \(object(variant))}}]}]}
        """
    }

    /// A pod carrying ``object(_:)`` under `spec.sample`, a credential-like env value and a PEM
    /// private key in an annotation (the secrets of ``kubernetesSecrets(_:)``).
    public static func pod(_ variant: String, name: String = "vault-0", namespace: String = "shop") -> String {
        """
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "\(name)", "namespace": "\(namespace)", "labels": {"app": "vault"},
                      "annotations": {"tls.key": "-----BEGIN PRIVATE KEY-----\\n\(pemBody(variant))\\n-----END PRIVATE KEY-----\\n"}},
         "spec": {"containers": [{"name": "vault", "image": "hashicorp/vault:1.17",
                                  "env": [{"name": "VAULT_PASSWORD", "value": "\(value("env", "plain", variant))"}]}],
                  "sample": \(object(variant))}}
        """
    }

    /// A Secret whose `data` and `stringData` hold secrets.
    public static func secret(_ variant: String) -> String {
        """
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"},
         "data": {"password": "\(value("secret-data", "plain", variant))"},
         "stringData": {"user": "\(value("secret-string-data", "plain", variant))"}}
        """
    }

    /// The secrets of ``pod(_:name:namespace:)`` and ``secret(_:)`` beyond ``secrets(_:)``.
    public static func kubernetesSecrets(_ variant: String) -> [String] {
        [value("env", "plain", variant), pemBody(variant), value("secret-data", "plain", variant), value("secret-string-data", "plain", variant)]
    }

    static func value(_ field: String, _ shape: String, _ variant: String) -> String { "S3CR3T-\(field)-\(shape)-\(variant)" }
    static func pemBody(_ variant: String) -> String { "S3CR3T-pem-\(variant)" }

    static func camel(_ snake: String) -> String {
        let parts = snake.split(separator: "_")
        return String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
