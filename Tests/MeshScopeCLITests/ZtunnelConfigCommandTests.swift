import Foundation
import Testing
@testable import MeshScopeCLI

/// Writes test inputs to a fresh temporary directory.
enum TempFiles {
    static func write(_ name: String, _ contents: String) throws -> String {
        try write(name, Array(contents.utf8))
    }

    static func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meshscope-ambient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

@Suite struct ZtunnelConfigCommandTests {
    static let dump = Fixtures.path("ztunnel/config_dump.json")
    static let renderedAt = "2024-06-01T00:00:00Z"

    @Test func workloadMatchesIstioctl() async throws {
        let r = await MeshScopeMain.invoke(["ztunnel-config", "workload", "--file", Self.dump])
        #expect(r.code == 0 && r.stderr.isEmpty)
        #expect(r.stdout == (try Fixtures.text("ztunnel/expected/workloads.txt")))
    }

    @Test func policyAndCertificateMatchIstioctl() async throws {
        let p = await MeshScopeMain.invoke(["zc", "policies", "--file", Self.dump])
        #expect(p.stdout == (try Fixtures.text("ztunnel/expected/policies.txt")))
        let c = await MeshScopeMain.invoke(["ztunnel-config", "certificate", "--file", Self.dump, "--now", Self.renderedAt])
        #expect(c.code == 0)
        #expect(c.stdout == (try Fixtures.text("ztunnel/expected/certificates.txt")))
    }

    @Test func allWithHeadersMatchesIstioctl() async throws {
        let r = await MeshScopeMain.invoke(["ztunnel-config", "all", "--with-headers", "--file", Self.dump, "--now", Self.renderedAt])
        #expect(r.code == 0)
        #expect(r.stdout == (try Fixtures.text("ztunnel/expected/all-with-headers.txt")))
    }

    @Test func stdinAndFilters() async throws {
        let bytes = try Fixtures.bytes("ztunnel/config_dump.json")
        let r = await MeshScopeMain.invoke(
            ["ztunnel-config", "workloads", "--file", "-", "--namespace", "istio-system", "--node", "ambient-worker"], stdin: bytes)
        #expect(r.code == 0)
        #expect(r.stdout == """
            NAMESPACE    POD NAME                    ADDRESS     NODE           WAYPOINT PROTOCOL
            istio-system istiod-test-6bdfb786d-s58pj 10.244.1.34 ambient-worker None     TCP
            istio-system ztunnel-xljhg               10.244.1.44 ambient-worker None     TCP

            """)
        let one = await MeshScopeMain.invoke(["ztunnel-config", "workload", "--file", Self.dump, "--workload-name", "sleep-7656cf8794-qpvbm"])
        #expect(one.stdout.split(separator: "\n").count == 2)
    }

    @Test func connectionsByDirection() async throws {
        let r = await MeshScopeMain.invoke(["ztunnel-config", "connections", "--file", Self.dump, "--direction", "outbound"])
        #expect(r.code == 0)
        #expect(r.stdout == """
            WORKLOAD                                DIRECTION LOCAL               REMOTE              REMOTE TARGET      PROTOCOL
            productpage-v1-796f87b58-97bjk.bookinfo Outbound  10.233.97.129:35380 10.233.97.136:15008 10.233.25.246:9080 HBONE
            reviews-v2-76c648db77-lrkkx.bookinfo    Outbound  10.233.97.144:43960 10.233.97.188:15008 10.233.52.25:9080  HBONE
            reviews-v3-b84b7f64f-vdnsx.bookinfo     Outbound  10.233.97.141:52898 10.233.97.188:15008 10.233.52.25:9080  HBONE

            """)
        let bad = await MeshScopeMain.invoke(["ztunnel-config", "connections", "--file", Self.dump, "--direction", "sideways"])
        #expect(bad.code == 2)
    }

    @Test func jsonKeepsEveryField() async throws {
        let r = await MeshScopeMain.invoke(["ztunnel-config", "workload", "--file", Self.dump, "--workload-name", "ratings-v1-6484c4d9bb-mdxm5", "-o", "json"])
        #expect(r.code == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        #expect(parsed.count == 1)
        #expect(parsed[0]["nativeTunnel"] as? Bool == true)
        #expect(r.stdout.hasPrefix("[\n    {\n        \"workloadIps\""))  // istioctl's four-space indent
        let y = await MeshScopeMain.invoke(["ztunnel-config", "policy", "--file", Self.dump, "-o", "yaml"])
        #expect(y.stdout.contains("name: allow-waypoint"))
        let all = await MeshScopeMain.invoke(["ztunnel-config", "all", "--file", Self.dump, "-o", "json"])
        let whole = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as! [String: Any]
        #expect(Set(whole.keys) == ["workloads", "services", "certificates", "policies", "workloadState"])
    }

    // MARK: Bad input

    @Test func missingFileIsOneLine() async {
        let r = await MeshScopeMain.invoke(["ztunnel-config", "workload", "--file", "/nonexistent/dump.json"])
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: /nonexistent/dump.json: no such file\n")
    }

    /// A dump cut off in `certificates`: the error names the byte offset, and the sections
    /// before the cut are still shown.
    @Test func truncatedDumpShowsWhatCameBefore() async throws {
        let bytes = try Fixtures.bytes("ztunnel/config_dump.json")
        let text = String(decoding: bytes, as: UTF8.self)
        let cut = text.range(of: "\"certificates\"")!.upperBound
        let prefix = Array(text[..<cut].utf8) + Array(": [{\"identity\": \"spiffe".utf8)
        let path = try TempFiles.write("cut.json", prefix)
        let r = await MeshScopeMain.invoke(["ztunnel-config", "all", "--file", path, "--now", Self.renderedAt])
        #expect(r.code == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines[0].hasPrefix("meshscope: \(path): "))
        #expect(lines[0].contains("at byte \(prefix.count)"))
        #expect(lines[0].contains("showing only the sections before it: workloads, services"))
        #expect(r.stdout.contains("bookinfo           bookinfo-productpage-istio-waypoint-5cdd6745d5-rc2gg 10.244.2.59"))
        #expect(r.stdout.contains("kube-system    kube-dns"))
    }

    @Test func aBadItemIsNamedByPathAndSkipped() async throws {
        let path = try TempFiles.write("bad.json", #"""
            {"workloads": [{"name": "good", "namespace": "a", "workloadIps": ["10.0.0.1"], "node": "n", "protocol": "TCP"},
                           {"name": "bad", "namespace": "a", "workloadIps": 7}],
             "services": [], "policies": [], "certificates": []}
            """#)
        let r = await MeshScopeMain.invoke(["ztunnel-config", "workload", "--file", path])
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: \(path): $.workloads[1].workloadIps: expected an array of strings, found a number\n")
        #expect(r.stdout == "NAMESPACE POD NAME ADDRESS  NODE WAYPOINT PROTOCOL\na         bad                    None     \na         good     10.0.0.1 n    None     TCP\n")
    }

    @Test func notJSONAtAll() async throws {
        let path = try TempFiles.write("x.json", "workloads: []\n")
        let r = await MeshScopeMain.invoke(["ztunnel-config", "service", "--file", path])
        #expect(r.code == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("meshscope: \(path): "))
        #expect(r.stderr.contains("at byte 0 (line 1, column 1)"))
    }
}
