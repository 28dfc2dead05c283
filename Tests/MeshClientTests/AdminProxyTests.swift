import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import Testing

/// Admin endpoints through the API server's pod proxy to local admin servers, and direct.
@Suite struct AdminProxyTests {
    static let serverInfo = #"{"version":"1.24.0/Clean/RELEASE/BoringSSL","state":"LIVE","hot_restart_version":"disabled"}"#

    static func setup(_ cluster: TestCluster, delay: Double = 0) async throws -> AdminStubServer {
        try cluster.server.write(FakeObjects.namespace("shop"), manager: "test")
        try cluster.server.write(FakeObjects.pod("web-0", namespace: "shop", mode: .sidecar, ip: "10.244.1.7"), manager: "kubelet")
        let envoy = try await AdminStubServer.start([
            "/server_info": AdminStubServer.Reply.json(serverInfo).delayed(delay),
            "/stats?format=json": .json(#"{"stats":[{"name":"server.live","value":1}]}"#),
            "/config_dump?include_eds": .json(#"{"configs":[]}"#),
        ])
        cluster.server.setAdminBackend(namespace: "shop", pod: "web-0", port: 15000, baseURL: envoy.baseURL)
        return envoy
    }

    @Test func fetchThroughThePodProxy() async throws {
        try await withCluster { cluster in
            let envoy = try await Self.setup(cluster)
            try await withClient(try cluster.client()) { client in
                // Routing is what is tested here, not time: room for a loaded 2-core run.
                let admin = AdminClient(.apiServerProxy(client), timeout: 30)
                let body = try await admin.fetch(pod: "web-0", namespace: "shop", port: AdminClient.Port.envoyAdmin, path: "/server_info")
                #expect(String(decoding: body, as: UTF8.self) == Self.serverInfo)
                let stats = try await admin.fetch(pod: "web-0", namespace: "shop", port: 15000, path: "stats?format=json")
                #expect(try JSONDocument(bytes: stats).root["stats"]?[0]?["name"]?.string == "server.live")
                _ = try await admin.fetch(pod: "web-0", namespace: "shop", port: 15000, path: "/config_dump?include_eds")
            }
            #expect(cluster.server.requestLog.contains("GET /api/v1/namespaces/shop/pods/web-0:15000/proxy/stats?format=json"))
            #expect(envoy.received == ["/server_info", "/stats?format=json", "/config_dump?include_eds"])
            await envoy.shutdown()
        }
    }

    @Test func errorsNamePodPortAndReason() async throws {
        try await withCluster { cluster in
            let envoy = try await Self.setup(cluster)
            let client = try cluster.client()
            await withClient(client) { client in
                let admin = AdminClient(.apiServerProxy(client), timeout: 5)
                await #expect(throws: KubeClientError.self) { _ = try await admin.fetch(pod: "nope", namespace: "shop", port: 15000, path: "/server_info") }
                do throws(KubeClientError) { _ = try await admin.fetch(pod: "nope", namespace: "shop", port: 15000, path: "/server_info") } catch {
                    #expect(error.message == "pod \"nope\" not found in namespace \"shop\"")
                }
                do throws(KubeClientError) { _ = try await admin.fetch(pod: "web-0", namespace: "shop", port: 15020, path: "/metrics") } catch {
                    #expect(error.message == "admin port 15020 of pod web-0.shop is not reachable through the API server: error trying to reach service: dial tcp 10.244.1.7:15020: connect: connection refused")
                }
                // The admin server's own 404 comes back through the proxy.
                do throws(KubeClientError) { _ = try await admin.fetch(pod: "web-0", namespace: "shop", port: 15000, path: "/no_such_endpoint") } catch {
                    #expect(error.kind == .notFound)
                    #expect(error.message.hasSuffix("404 NotFound: invalid path: /no_such_endpoint"))
                }
                cluster.server.deny(user: "alice", verb: "get", resource: "pods/proxy")
                do throws(KubeClientError) { _ = try await admin.fetch(pod: "web-0", namespace: "shop", port: 15000, path: "/server_info") } catch {
                    #expect(error.kind == .forbidden)
                    #expect(error.message == "Forbidden: user \"alice\" (context \"test\", bearer token) may not get pods/proxy \"web-0:15000\" in namespace \"shop\" (admin /server_info): pods \"web-0\" is forbidden: User \"alice\" cannot get resource \"pods/proxy\" in API group \"\" in the namespace \"shop\"")
                }
            }
            await envoy.shutdown()
        }
    }

    /// The admin server holds its answer for a minute; the client's own 0.3 s deadline ends
    /// the request. What proves it is the error (a timeout naming 0.3 s; an answer would have
    /// been a success), not a tight wall-clock bound: under a loaded full-suite run
    /// the awaiting task can resume seconds late (once 22.8 s) while the deadline itself,
    /// kept by NIO's event loop, fired on time. The elapsed bound only has to show that the
    /// request did not last until the server's answer.
    @Test func perRequestTimeout() async throws {
        let hang = 60.0
        try await withCluster { cluster in
            let envoy = try await Self.setup(cluster, delay: hang)
            let client = try cluster.client()
            await withClient(client) { client in
                let admin = AdminClient(.apiServerProxy(client), timeout: 0.3)
                let start = Date()
                do throws(KubeClientError) {
                    _ = try await admin.fetch(pod: "web-0", namespace: "shop", port: 15000, path: "/server_info")
                    Issue.record("expected a timeout")
                } catch {
                    #expect(error.kind == .timeout)
                    #expect(error.message.hasPrefix("timed out after 0.3s waiting for \(cluster.server.url) to get pods/proxy \"web-0:15000\" in namespace \"shop\" (admin /server_info)"))
                    #expect(error.message.hasSuffix("; raise --request-timeout"))
                }
                #expect(Date().timeIntervalSince(start) < hang / 2)
            }
            // Closing the admin server's connections ends its held answer (no minute-long wait).
            await envoy.shutdown()
        }
    }

    @Test func concurrencyIsBounded() async throws {
        try await withCluster { cluster in
            let envoy = try await Self.setup(cluster, delay: 0.3)
            try await withClient(try cluster.client()) { client in
                let admin = AdminClient(.apiServerProxy(client), timeout: 10, maxConcurrent: 2)
                let start = Date()
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<6 { group.addTask { try await admin.fetch(pod: "web-0", namespace: "shop", port: 15000, path: "/server_info").count } }
                    for try await n in group { #expect(n == Self.serverInfo.utf8.count) }
                }
                // 6 requests of 0.3 s, 2 at a time: at least 3 rounds.
                #expect(Date().timeIntervalSince(start) >= 0.85)
            }
            await envoy.shutdown()
        }
    }

    @Test func directAdminURL() async throws {
        let envoy = try await AdminStubServer.start(["/server_info": .json(Self.serverInfo)])
        let admin = AdminClient(.direct(envoy.baseURL + "/"), timeout: 5)
        let body = try await admin.fetch(pod: "ignored", namespace: "ignored", port: 15000, path: "server_info")
        #expect(String(decoding: body, as: UTF8.self) == Self.serverInfo)
        do throws(KubeClientError) { _ = try await admin.fetch(pod: "", namespace: "", port: 0, path: "/missing") } catch {
            #expect(error.message == "GET \(envoy.baseURL)/missing: 404 Not Found: invalid path: /missing")
        }
        await admin.shutdown()
        await envoy.shutdown()

        let gone = AdminClient(.direct("http://127.0.0.1:1"), timeout: 2)
        do throws(KubeClientError) { _ = try await gone.fetch(pod: "", namespace: "", port: 0, path: "/server_info") } catch {
            #expect(error.kind == .unreachable)
            #expect(error.message.hasPrefix("cannot reach admin URL http://127.0.0.1:1/server_info: "))
        }
        await gone.shutdown()
    }

    @Test func adminCommand() async throws {
        try await withCluster { cluster in
            let envoy = try await Self.setup(cluster)
            let kubeconfig = try cluster.kubeconfig(namespace: "default")
            let out = await MeshScopeMain.invoke(["admin", "web-0.shop", "/server_info", "--kubeconfig", kubeconfig])
            #expect(out.code == 0, "\(out.stderr)")
            #expect(out.stdout == Self.serverInfo)
            let withN = await MeshScopeMain.invoke(["admin", "web-0", "/stats?format=json", "-n", "shop", "--kubeconfig", kubeconfig, "--request-timeout", "5s"])
            #expect(withN.code == 0, "\(withN.stderr)")
            #expect(withN.stdout.contains("server.live"))
            let direct = await MeshScopeMain.invoke(["admin", "/server_info", "--admin-url", envoy.baseURL])
            #expect(direct.stdout == Self.serverInfo)
            let missing = await MeshScopeMain.invoke(["admin", "web-0", "/server_info", "--kubeconfig", kubeconfig])
            #expect(missing.code == 1)
            #expect(missing.stderr == "meshscope: pod \"web-0\" not found in namespace \"default\"\n")
            let usage = await MeshScopeMain.invoke(["admin", "/server_info"])
            #expect(usage.code == 2)
            await envoy.shutdown()
        }
    }
}
