import Foundation
import Testing
@testable import MeshModel

/// The snapshot document without any I/O: writer → bytes → index, redaction, versions.
@Suite struct SnapshotFormatTests {
    static let takenAt = Date(timeIntervalSince1970: 1_795_000_000.25)

    static func metadata() -> SnapshotMetadata {
        SnapshotMetadata(takenAt: takenAt, sourceKind: "cluster", sourceName: "prod", context: "prod", defaultNamespace: "shop",
                         namespaces: ["shop"], options: .init(proxySelector: "app=web", stats: true, rateInterval: 1, concurrency: 4))
    }

    static func doc(_ s: String) -> JSONValue { try! JSONDocument(s).root }

    /// Writes a small snapshot and returns its bytes.
    static func write(_ proxies: [SnapshotWriter.Proxy], objects: [(String, [JSONValue])] = [], failures: [SnapshotFailure] = []) throws -> (bytes: [UInt8], writer: SnapshotWriter) {
        let (chunks, w) = try written(proxies, objects: objects, failures: failures)
        return (chunks.flatMap(\.bytes), w)
    }

    /// The chunks the writer hands its sink.
    static func written(_ proxies: [SnapshotWriter.Proxy], objects: [(String, [JSONValue])] = [], failures: [SnapshotFailure] = []) throws -> (chunks: [SnapshotWriter.Chunk], writer: SnapshotWriter) {
        var out: [SnapshotWriter.Chunk] = []
        var w = SnapshotWriter(flushThreshold: 64) { out.append($0) }
        try w.begin(metadata())
        let pods = APIResource(group: "", version: "v1", name: "pods", kind: "Pod", namespaced: true, shortNames: ["po"])
        try w.kubernetes(resources: [pods], objects: objects)
        for p in proxies { try w.proxy(p) }
        try w.finish(completedAt: takenAt.addingTimeInterval(2), failures: failures, summary: .object([("edges", .array([]))]))
        return (out, w)
    }

    @Test func skimmerFindsMembersAndElements() throws {
        let bytes = Array(#"{"a": [1, {"b": "x\"}"}], "c\u0041": "y", "d": null}"#.utf8)
        let members = try JSONSkimmer.members(bytes, objectAt: 0)
        #expect(members.map(\.key) == ["a", "cA", "d"])
        #expect(String(decoding: bytes[members[0].value], as: UTF8.self) == #"[1, {"b": "x\"}"}]"#)
        let elements = try JSONSkimmer.elements(bytes, arrayAt: members[0].value.lowerBound)
        #expect(elements.map { String(decoding: bytes[$0], as: UTF8.self) } == ["1", #"{"b": "x\"}"}"#])
        #expect(String(decoding: bytes[members[2].value], as: UTF8.self) == "null")
    }

    @Test func skimmerReportsWhereATruncatedFileEnds() {
        let bytes = Array(#"{"a": [1, {"b": 2}"#.utf8)
        #expect(throws: JSONSkimmer.SkimError.self) { try JSONSkimmer.members(bytes, objectAt: 0) }
        do {
            _ = try JSONSkimmer.members(bytes, objectAt: 0)
        } catch {
            #expect(error.description == "the file ends inside an array that starts at byte 6")
        }
    }

    @Test func responsesReadBackByteForByte() throws {
        let json = Array("{\n \"version\": \"1.2.3\",\n \"state\": \"LIVE\"\n}\n".utf8)
        let text = Array("# TYPE istio_requests_total counter\nistio_requests_total{a=\"b\"} 7\n".utf8)
        let binary: [UInt8] = [0xFF, 0xFE, 0x00, 0x41]
        let at = Self.takenAt.addingTimeInterval(0.5)
        let p = SnapshotWriter.Proxy(name: "web-0", namespace: "shop", kind: "sidecar", node: "n1", ip: "10.0.0.1",
                                     responses: ["serverInfo": .init(fetchedAt: at, body: json), "statsPrometheus": .init(fetchedAt: at, body: text),
                                                 "certs": .init(fetchedAt: at, body: binary)],
                                     earlier: ["statsPrometheus": .init(fetchedAt: Self.takenAt, body: text)])
        let (bytes, _) = try Self.write([p])
        let index = try SnapshotIndex(bytes: bytes, name: "t.json")
        #expect(index.version == 1)
        #expect(index.metadata == Self.metadata())
        let entry = try #require(index.proxy(name: "web-0", namespace: "shop"))
        #expect(entry.kind == "sidecar" && entry.node == "n1" && entry.ip == "10.0.0.1")
        #expect(try index.response(entry, key: "serverInfo")?.body == json)
        #expect(try index.response(entry, key: "statsPrometheus")?.body == text)
        #expect(try index.response(entry, key: "certs")?.body == binary)  // not JSON, not UTF-8: base64
        let earlier = try #require(try index.response(entry, key: "statsPrometheus", earlier: true))
        #expect(earlier.fetchedAt == Self.takenAt)
        #expect(abs(try #require(try index.response(entry, key: "serverInfo")).fetchedAt.timeIntervalSince(at)) < 0.001)
        #expect(try index.response(entry, key: "configDump") == nil)
        #expect(try index.responseKeys(entry) == ["certs", "serverInfo", "statsPrometheus"])
        #expect(index.completedAt == Self.takenAt.addingTimeInterval(2))
    }

    @Test func privateKeysAreRedactedWhileWriting() throws {
        let pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkey\n-----END EC PRIVATE KEY-----\n"
        let dump = """
        {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump", "dynamic_active_secrets": [{"name": "default",
          "secret": {"tls_certificate": {"certificate_chain": {"inline_bytes": "Y2VydA=="},
                                         "private_key": {"inline_bytes": "c2VjcmV0LWtleQ=="}},
                     "other": {"private_key": {"inline_string": "\(pem.replacingOccurrences(of: "\n", with: "\\n"))"}}}}]}]}
        """
        let text = "ok\n" + pem + "tail\n"
        let p = SnapshotWriter.Proxy(name: "web-0", namespace: "shop", kind: "sidecar",
                                     responses: ["configDump": .init(fetchedAt: Self.takenAt, body: Array(dump.utf8)),
                                                 "statsPrometheus": .init(fetchedAt: Self.takenAt, body: Array(text.utf8))])
        let (bytes, writer) = try Self.write([p])
        let file = String(decoding: bytes, as: UTF8.self)
        #expect(!file.contains("c2VjcmV0LWtleQ=="))
        #expect(!file.contains("MHcCAQEEIBkey"))
        #expect(!file.contains("PRIVATE KEY-----"))
        #expect(file.contains("Y2VydA=="))  // certificates are public and kept
        #expect(writer.redactions.keyMaterial == 3)
        let index = try SnapshotIndex(bytes: bytes, name: "t.json")
        let entry = try #require(index.proxies.first)
        let back = try JSONDocument(bytes: try #require(try index.response(entry, key: "configDump")).body)
        let secret = back.root["configs"]?[0]?["dynamic_active_secrets"]?[0]?["secret"]
        #expect(secret?["tls_certificate"]?["private_key"]?["inline_bytes"]?.string == SensitiveFields.redactedBytes)
        #expect(secret?["other"]?["private_key"]?["inline_string"]?.string == SensitiveFields.redactedString)
        #expect(String(decoding: try #require(try index.response(entry, key: "statsPrometheus")).body, as: UTF8.self) == "ok\n[redacted private key]\ntail\n")
    }

    @Test func kubernetesObjectsLoseManagedFieldsSecretsAndCredentials() throws {
        let pod = Self.doc("""
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "namespace": "shop",
          "managedFields": [{"manager": "kubelet"}],
          "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\\"private_key\\": {\\"inline_string\\": \\"k\\"}}", "keep": "me"}},
         "spec": {"containers": [{"name": "app", "env": [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "MODE", "value": "fast"},
                                                         {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "t"}}}]}]}}
        """)
        let secret = Self.doc(#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"t": "c2VjcmV0"}}"#)
        let (bytes, writer) = try Self.write([], objects: [("pods", [pod, secret])])
        let file = String(decoding: bytes, as: UTF8.self)
        #expect(!file.contains("hunter2"))
        #expect(!file.contains("kubelet"))  // the managedFields entry
        #expect(!file.contains("c2VjcmV0"))
        #expect(file.contains("\"fast\""))
        #expect(file.contains("secretKeyRef"))
        #expect(writer.redactions.secrets == 1 && writer.redactions.environmentValues == 1 && writer.redactions.lastAppliedAnnotations == 1 && writer.redactions.managedFields == 1)
        let kube = try SnapshotIndex(bytes: bytes, name: "t.json").kubernetes()
        #expect(kube.resources.map(\.name) == ["pods"])
        let back = try #require(kube.objects["pods"]?.first)
        #expect(kube.objects["pods"]?.count == 1)
        #expect(back["metadata"]?["annotations"]?.member(exactly: "kubectl.kubernetes.io/last-applied-configuration")?.string == "[redacted]")
        #expect(back["metadata"]?["annotations"]?.member(exactly: "keep")?.string == "me")
        #expect(back["metadata"]?.member(exactly: "managedFields") == nil)
        #expect(back["spec"]?["containers"]?[0]?["env"]?[0]?["value"]?.string == "[redacted]")
        #expect(KubePod(back).metadata.name == "web-0")
    }

    @Test func newerVersionIsRefusedWithAClearMessage() {
        let bytes = Array(#"{"meshscopeSnapshot": 2, "metadata": {"takenAt": "2026-11-21T22:00:00Z"}, "proxies": []}"#.utf8)
        #expect(throws: SnapshotFormatError("future.json is a version 2 snapshot; this meshscope (\(SnapshotFormat.meshscopeVersion)) reads versions up to 1: upgrade meshscope to open it")) {
            try SnapshotIndex(bytes: bytes, name: "future.json")
        }
    }

    /// Version 0 was the pre-release layout (one `admin` map keyed by "POD.NS /path"): refused, not misread.
    @Test func olderVersionZeroIsRefusedWithAClearMessage() {
        let v0 = """
        {"meshscopeSnapshot": 0, "time": "2026-10-01T10:00:00Z",
         "admin": {"web-0.shop /server_info": {"state": "LIVE"}}}
        """
        #expect(throws: SnapshotFormatError("old.json is a version 0 snapshot (a pre-release format with a different layout); this meshscope reads version 1: take the snapshot again")) {
            try SnapshotIndex(bytes: Array(v0.utf8), name: "old.json")
        }
    }

    /// A hand-written version 1 file with only the required members (no collection record,
    /// no summary, no kubernetes section, a proxy without `earlier`) is read with defaults.
    @Test func minimalHandWrittenVersionOneIsRead() throws {
        let v1 = """
        {
          "meshscopeSnapshot": 1,
          "metadata": {"takenAt": "2026-10-01T10:00:00Z"},
          "proxies": [
            {"name": "web-0", "namespace": "shop", "admin": {"serverInfo": {"json": {"state": "LIVE"}}}}
          ]
        }
        """
        let index = try SnapshotIndex(bytes: Array(v1.utf8), name: "min.json")
        #expect(index.metadata.takenAt == Timestamp.parse("2026-10-01T10:00:00Z"))
        #expect(index.metadata.defaultNamespace == "default")
        #expect(index.metadata.options.stats)
        #expect(index.failures.isEmpty)
        #expect(index.completedAt == nil)
        let p = try #require(index.proxy(name: "web-0", namespace: "shop"))
        let r = try #require(try index.response(p, key: "serverInfo"))
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"state": "LIVE"}"#)
        #expect(r.fetchedAt == index.metadata.takenAt)
        #expect(try index.kubernetes().objects.isEmpty)
        let summary = try SnapshotSummary(index).render(path: "min.json", fileBytes: v1.utf8.count, compressed: false)
        #expect(summary.contains("(incomplete: no collection record)"))
    }

    @Test func notASnapshotAndMissingMetadataAreNamed() {
        #expect(throws: SnapshotFormatError("x.json is not a meshscope snapshot: no \"meshscopeSnapshot\" member at the top level")) {
            try SnapshotIndex(bytes: Array(#"{"configs": []}"#.utf8), name: "x.json")
        }
        #expect(throws: SnapshotFormatError("x.json: no \"metadata\" member (every version 1 snapshot has one)")) {
            try SnapshotIndex(bytes: Array(#"{"meshscopeSnapshot": 1}"#.utf8), name: "x.json")
        }
        #expect(throws: SnapshotFormatError("x.json: not a readable snapshot: the file ends inside an array that starts at byte 66")) {
            try SnapshotIndex(bytes: Array(#"{"meshscopeSnapshot": 1, "metadata": {"takenAt": "x"}, "proxies": [{"name": "a""#.utf8), name: "x.json")
        }
    }

    @Test func failuresAndRedactionsAreRecorded() throws {
        let f = SnapshotFailure(proxy: "shop/web-0", request: "certs", target: ":15000/certs", reason: "HTTP 500 Internal Server Error")
        let (bytes, _) = try Self.write([SnapshotWriter.Proxy(name: "web-0", namespace: "shop", kind: "sidecar")], failures: [f])
        let index = try SnapshotIndex(bytes: bytes, name: "t.json")
        #expect(index.failures == [f])
        #expect(index.failures(of: index.proxies[0]) == [f])
        #expect(f.description == "shop/web-0 :15000/certs: HTTP 500 Internal Server Error")
    }

    @Test func pemScrubKeepsCertificates() {
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let key = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
        let (out, n) = SnapshotRedaction.scrubPEM(cert + key + cert)
        #expect(n == 1)
        #expect(out == cert + "[redacted private key]\n" + cert)
        // An unterminated key block: everything after BEGIN goes.
        #expect(SnapshotRedaction.scrubPEM("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIE").text == "a\n[redacted private key]")
    }
}
