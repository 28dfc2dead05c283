import MeshModel
import Testing

/// A secret whose private key changes is reported as changed, but no key byte is printed.
@Suite struct SecretRedactionDiffTests {
    static func dump(key: String, chain: String) -> String {
        """
        {"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.SecretsConfigDump","dynamic_active_secrets":[
          {"name":"default","version_info":"v1","last_updated":"2024-01-01T00:00:00Z","secret":{
            "@type":"type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret","name":"default",
            "tls_certificate":{"certificate_chain":{"inline_bytes":"\(chain)"},"private_key":{"inline_bytes":"\(key)"},
              "password":{"inline_string":"hunter2-\(key.prefix(4))"}}}}]}]}
        """
    }

    static let oldKey = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tT0xES0VZ"
    static let newKey = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tTkVXS0VZ"

    @Test func changedKeyIsReportedButNeverPrinted() throws {
        let a = try DiffFixtures.envoy(Self.dump(key: Self.oldKey, chain: "Q0VSVA=="))
        let b = try DiffFixtures.envoy(Self.dump(key: Self.newKey, chain: "Q0VSVA=="))
        let result = ConfigDiff.compare(a, b)
        #expect(result.resources.map(\.key) == ["secret/default"])
        #expect(result.resources.first?.paths == ["tls_certificate.private_key.inline_bytes"])
        let printed = [
            DiffPrinter.render(result), DiffPrinter.render(result, .init(color: true)),
            JSONWriter.string(DiffPrinter.structured(result)), YAMLWriter.string(DiffPrinter.structured(result)),
        ]
        for text in printed {
            #expect(!text.contains(Self.oldKey))
            #expect(!text.contains(Self.newKey))
            #expect(!text.contains("hunter2"))
            #expect(!text.contains("S0VZ"))  // no fragment of the key's base64 either
        }
        let unified = result.resources[0].unified
        #expect(unified.contains("   private_key:\n-    inline_bytes: '[redacted]'\n+    inline_bytes: '[redacted, changed]'\n"))
    }

    @Test func addedSecretIsPrintedRedacted() throws {
        let a = try DiffFixtures.envoy(#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.SecretsConfigDump"}]}"#)
        let b = try DiffFixtures.envoy(Self.dump(key: Self.newKey, chain: "Q0VSVA=="))
        let result = ConfigDiff.compare(a, b, options: DiffOptions(includeNoise: true))
        #expect(result.resources.map(\.change) == [.added])
        let text = DiffPrinter.render(result)
        #expect(!text.contains(Self.newKey))
        #expect(!text.contains("hunter2"))
        #expect(text.contains("+      inline_bytes: Q0VSVA==\n"))  // the certificate is public
    }

    @Test func unchangedKeyIsNoDifference() throws {
        let a = try DiffFixtures.envoy(Self.dump(key: Self.oldKey, chain: "Q0VSVA=="))
        let b = try DiffFixtures.envoy(Self.dump(key: Self.oldKey, chain: "Q0VSVDI="))
        let result = ConfigDiff.compare(a, b)
        #expect(result.resources.first?.paths == ["tls_certificate.certificate_chain.inline_bytes"])
        #expect(!result.resources[0].unified.contains("changed]"))
    }
}

/// apply's dry-run preview goes through the same semantic diff: server-owned fields are not
/// changes and a Secret's data never shows.
@Suite struct ApplyPreviewDiffTests {
    static let ref = ObjectRef(apiVersion: "v1", kind: "Secret", name: "db", namespace: "shop")

    static func tree(_ json: String) throws -> JSONTree { try JSONTree(json: Array(json.utf8)) }

    @Test func secretDataChangesAreRedacted() throws {
        let live = try Self.tree(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop","resourceVersion":"7","uid":"u"},"data":{"password":"aHVudGVyMg=="},"type":"Opaque"}"#)
        let after = try Self.tree(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop","resourceVersion":"8","uid":"u"},"data":{"password":"czNjcjN0"},"type":"Opaque"}"#)
        guard case .change(let diff) = ApplyComparison.preview(live: live, result: after, ref: Self.ref) else {
            Issue.record("expected a change")
            return
        }
        #expect(diff.contains("--- Secret shop/db (live)\n+++ Secret shop/db (after apply)\n"))
        #expect(diff.contains("changed: data"), "\(diff)")
        #expect(!diff.contains("aHVudGVyMg==") && !diff.contains("czNjcjN0"), "\(diff)")
        #expect(diff.contains("redacted"), "\(diff)")
    }

    @Test func serverFieldsAloneAreNoChange() throws {
        let live = try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"shop","resourceVersion":"7","managedFields":[{"manager":"kubectl"}]},"data":{"k":"v"}}"#)
        let after = try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"shop","resourceVersion":"8","managedFields":[{"manager":"meshscope"}]},"data":{"k":"v"}}"#)
        #expect(ApplyComparison.preview(live: live, result: after, ref: Self.ref) == .unchanged)
    }
}
