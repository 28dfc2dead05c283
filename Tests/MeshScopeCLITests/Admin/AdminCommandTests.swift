import Foundation
import MeshModel
import Testing
@testable import MeshScopeCLI

/// Writes `text` to a fresh temporary file and returns its path.
func tempFile(_ text: String, _ name: String = "capture.txt") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meshscope-admin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

@Suite struct StatsCommandTests {
    @Test func printsFixtureTable() async throws {
        let path = Fixtures.path("envoy-admin/is160/stats.txt")
        let r = await MeshScopeMain.invoke(["stats", "--file", path])
        #expect(r.code == 0)
        #expect(r.stderr == "")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1 + 209)
        #expect(lines[0].hasPrefix("NAME ") && lines[0].hasSuffix("VALUE"))
        let uptime = try #require(lines.first { $0.hasPrefix("server.uptime ") })
        #expect(uptime.split(separator: " ") == ["server.uptime", "1549069"])
        let h = try #require(lines.first { $0.hasPrefix("cluster.xds-grpc.upstream_cx_connect_ms ") })
        #expect(h.hasSuffix("P50=1.06751 P90=5.08316 P99=7.0055 P100=8.1"))
    }

    @Test func filterIsARegexSearch() async throws {
        let r = await MeshScopeMain.invoke(["stats", "--file", Fixtures.path("envoy-admin/pp11/stats.txt"), "--filter", #"^server\.(live|uptime)$"#, "-o", "wide"])
        #expect(r.code == 0)
        #expect(r.stdout == """
        NAME            TYPE    VALUE
        server.live     gauge   1
        server.uptime   gauge   21992

        """)
    }

    @Test func jsonFromStdinAndPrometheus() async throws {
        let json = #"{"stats":[{"name":"server.live","value":1},{"name":"cluster.a.upstream_rq_total","value":12}]}"#
        let r = await MeshScopeMain.invoke(["stats", "--file", "-", "-o", "json"], stdin: Array(json.utf8))
        #expect(r.code == 0)
        let doc = try JSONDocument(r.stdout)
        #expect(doc.root["stats"]?[1]?["name"]?.string == "cluster.a.upstream_rq_total")
        #expect(doc.root["stats"]?[1]?["type"]?.string == "counter")
        #expect(doc.root["stats"]?[1]?["value"]?.int == 12)

        let prom = "# TYPE envoy_server_live gauge\nenvoy_server_live 1\n"
        let p = await MeshScopeMain.invoke(["stats", "--file", try tempFile(prom), "-o", "yaml"])
        #expect(p.code == 0)
        #expect(p.stdout.contains("name: envoy_server_live"))
        #expect(p.stdout.contains("type: gauge"))
    }

    @Test func ratesFromTwoCaptures() async throws {
        let before = try tempFile("cluster.a.upstream_rq_total: 100\ncluster.b.upstream_rq_total: 50\n")
        let after = try tempFile("cluster.a.upstream_rq_total: 130\ncluster.b.upstream_rq_total: 5\n")
        let r = await MeshScopeMain.invoke(["stats", "--file", after, "--previous", before, "--interval", "5", "-o", "wide"])
        #expect(r.code == 0)
        #expect(r.stdout == """
        NAME                          TYPE      RATE/s      VALUE
        cluster.a.upstream_rq_total   counter   6           130
        cluster.b.upstream_rq_total   counter   1 (reset)   5

        """)
        let j = await MeshScopeMain.invoke(["stats", "--file", after, "--previous", before, "--interval", "5", "-o", "json"])
        let doc = try JSONDocument(j.stdout)
        #expect(doc.root["stats"]?[0]?["rate"]?.double == 6)
        #expect(doc.root["stats"]?[0]?["reset"] == nil)
        #expect(doc.root["stats"]?[1]?["rate"]?.double == 1)
        #expect(doc.root["stats"]?[1]?["reset"]?.bool == true)
    }

    @Test func usageErrors() async throws {
        let path = Fixtures.path("envoy-admin/is160/stats.txt")
        let a = await MeshScopeMain.invoke(["stats", "--file", path, "--previous", path])
        #expect(a.code == 2)
        #expect(a.stderr.contains("--previous and --interval go together"))
        let b = await MeshScopeMain.invoke(["stats", "--file", path, "--previous", path, "--interval", "0"])
        #expect(b.code == 2)
        let c = await MeshScopeMain.invoke(["stats", "--file", path, "--filter", "(unclosed"])
        #expect(c.code == 2)
        #expect(c.stderr.contains("--filter: invalid regular expression"))
    }

    @Test func garbageIsOneLineExitOne() async throws {
        let path = try tempFile("this is not\nenvoy stats\n")
        let r = await MeshScopeMain.invoke(["stats", "--file", path])
        #expect(r.code == 1)
        #expect(r.stdout == "")
        #expect(r.stderr == "meshscope: \(path): line 1: not Envoy /stats output: expected NAME: VALUE, got \"this is not\"\n")
    }

    @Test func truncatedJSONNamesByteOffset() async throws {
        let path = try tempFile(#"{"stats":[{"name":"server.live","value":1},{"name":"a"#, "stats.json")
        let r = await MeshScopeMain.invoke(["stats", "--file", path])
        #expect(r.code == 1)
        #expect(r.stderr.hasPrefix("meshscope: \(path): "))
        #expect(r.stderr.contains("unterminated string at byte 53 (line 1, column 54) in $.stats[1].name"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test func malformedLinesWarnButPrint() async throws {
        let path = try tempFile("server.live: 1\n???\nserver.uptime: 5\n")
        let r = await MeshScopeMain.invoke(["stats", "--file", path])
        #expect(r.code == 0)
        #expect(r.stdout.contains("server.live") && r.stdout.contains("server.uptime"))
        #expect(r.stderr == "meshscope: \(path): warning: 1 malformed line skipped (line 2: expected NAME: VALUE, got \"???\")\n")
    }

    @Test func missingFile() async {
        let r = await MeshScopeMain.invoke(["stats", "--file", "/nonexistent/stats.txt"])
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: /nonexistent/stats.txt: no such file\n")
    }
}

@Suite struct CertsCommandTests {
    @Test func egressTable() async {
        let r = await MeshScopeMain.invoke(["certs", "--file", Fixtures.path("envoy-admin/egress/certs.json"), "-o", "wide"])
        #expect(r.code == 0)
        #expect(r.stdout == """
        TYPE         PATH                        SERIAL NUMBER                      SANS                                                                            VALID FROM             EXPIRATION             DAYS LEFT   CONTEXTS
        CA           /etc/certs/root-cert.pem    8e2582c21cfb8a7926cf81a6a6e8de26                                                                                   2018-11-20T15:24:05Z   2019-02-28T15:24:05Z   98          3
        Cert Chain   /etc/certs/cert-chain.pem   34da177d8770ddae2dcbd9692b9cea2f   spiffe://cluster.local/ns/istio-system/sa/istio-egressgateway-service-account   2018-11-20T15:24:54Z   2019-02-18T15:24:54Z   88          3

        """)
    }

    @Test func jsonKeepsEnvoyShape() async throws {
        let r = await MeshScopeMain.invoke(["certs", "--file", Fixtures.path("envoy-admin/pp11/certs.json"), "-o", "json"])
        #expect(r.code == 0)
        let doc = try JSONDocument(r.stdout)
        #expect(doc.root["certificates"]?.count == 4)
        #expect(doc.root["certificates"]?[0]?["cert_chain"]?[0]?["subject_alt_names"]?[0]?["uri"]?.string == "spiffe://cluster.local/ns/default/sa/default")
        #expect(doc.root["certificates"]?[0]?["cert_chain"]?[0]?["days_until_expiration"]?.string == "89")
    }

    @Test func garbageOnStdin() async {
        let r = await MeshScopeMain.invoke(["certs", "--file", "-"], stdin: Array("hello, certs\n".utf8))
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: <stdin>: not Envoy /certs output (JSON) nor a PEM/DER certificate: starts with \"hello, certs\"\n")
    }

    @Test func notCerts() async throws {
        let path = try tempFile(#"{"configs": []}"#, "x.json")
        let r = await MeshScopeMain.invoke(["certs", "--file", path])
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: \(path): $: not Envoy /certs output (no certificates array)\n")
    }
}
