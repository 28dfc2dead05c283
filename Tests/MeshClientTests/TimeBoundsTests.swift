import Foundation
import MeshClient
import MeshDemo
import MeshModel
import Testing

/// Every network wait and every exec plugin run ends, and the error says how long it waited
/// and what it waited for: servers started here on 127.0.0.1 that accept and never answer,
/// a closed port, a TLS port that never handshakes, and plugins that never exit.
@Suite struct TimeBoundsTests {
    /// Lists namespaces and returns the error and the seconds it took.
    static func failure(_ client: KubeClient) async -> (error: KubeClientError?, seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        var failure: KubeClientError?
        do throws(KubeClientError) {
            _ = try await client.list(Resources.namespaces, namespace: nil)
        } catch {
            failure = error
        }
        let d = clock.now - start
        await client.shutdown()
        return (failure, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    /// A client with explicit limits (tests run in parallel: none of them touches `InputLimits.current`).
    static func client(_ cluster: TestCluster, _ path: String, requestTimeout: Double?, limits: InputLimits = InputLimits()) throws -> KubeClient {
        try KubeClient(connection: try cluster.connection(path), options: TransportOptions(requestTimeout: requestTimeout, limits: limits))
    }

    /// Upper bound on elapsed seconds for a 1–1.5 s limit. Alone these take 1.0–1.6 s; under a
    /// loaded full-suite run an awaiting task can resume many seconds late while the bound
    /// itself fired on time, so what proves the bound is the error (a timeout naming the
    /// limit; the servers here never answer), and the elapsed time only shows it did not hang.
    static let loaded = 90.0

    static func noBuildPaths(_ message: String) -> Bool {
        !message.contains(".build") && !message.contains("checkouts") && !message.contains(".cc:") && !message.contains("OPENSSL_internal")
    }

    @Test func defaultsBoundEveryRequest() {
        #expect(TransportOptions().requestTimeout == 60)
        #expect(TransportOptions().connectTimeout == InputLimits().connectTimeout)
        #expect(TransportOptions(requestTimeout: 3).connectTimeout == 3)
        #expect(TransportOptions(requestTimeout: nil).connectTimeout == InputLimits().connectTimeout)
    }

    @Test func silentServerEndsAtTheRequestTimeout() async throws {
        let silent = try SilentListener()
        defer { silent.stop() }
        try await withCluster { cluster in
            let url = "http://127.0.0.1:\(silent.port)"
            let path = try cluster.kubeconfig(server: url)
            let (error, seconds) = await Self.failure(try Self.client(cluster, path, requestTimeout: 1))
            let e = try #require(error)
            #expect(e.kind == .timeout)
            #expect(seconds >= 0.9 && seconds < Self.loaded, "took \(seconds)s")
            #expect(e.message == "timed out after 1s waiting for \(url) to list namespaces (context \"test\", from \(path): clusters[\"fake\"].cluster.server): no response; raise --request-timeout")
        }
    }

    @Test func refusedConnectionFailsAtOnce() async throws {
        let port = try SilentListener.closedPort()
        try await withCluster { cluster in
            let url = "http://127.0.0.1:\(port)"
            let path = try cluster.kubeconfig(server: url)
            // A connect timeout far above the elapsed bound: re-dialling until it would fail the test.
            var limits = InputLimits()
            limits.connectTimeout = 120
            let (error, seconds) = await Self.failure(try Self.client(cluster, path, requestTimeout: nil, limits: limits))
            let e = try #require(error)
            #expect(e.kind == .unreachable)
            #expect(seconds < Self.loaded / 3, "took \(seconds)s (a refused port must not be re-dialled until the connect timeout)")
            #expect(e.message.hasPrefix("cannot reach \(url) (context \"test\""), "\(e.message)")
            #expect(e.message.lowercased().hasSuffix("connection refused"), "\(e.message)")
        }
    }

    @Test func silentTLSServerEndsAtTheRequestTimeout() async throws {
        let silent = try SilentListener()
        defer { silent.stop() }
        try await withCluster { cluster in
            let url = "https://127.0.0.1:\(silent.port)"
            let path = try cluster.kubeconfig(server: url)
            let (error, seconds) = await Self.failure(try Self.client(cluster, path, requestTimeout: 1.5))
            let e = try #require(error)
            #expect(e.kind == .timeout)
            #expect(seconds >= 1.4 && seconds < Self.loaded, "took \(seconds)s")
            #expect(e.message.contains("1.5s"), "\(e.message)")
            #expect(e.message == "cannot reach \(url) (context \"test\", from \(path): clusters[\"fake\"].cluster.server): the TCP connection and TLS handshake did not complete within 1.5s (--request-timeout)")
        }
    }

    @Test func silentTLSServerEndsAtTheConnectTimeout() async throws {
        let silent = try SilentListener()
        defer { silent.stop() }
        var limits = InputLimits()
        limits.connectTimeout = 1
        try await withCluster { cluster in
            let url = "https://127.0.0.1:\(silent.port)"
            let path = try cluster.kubeconfig(server: url)
            let (error, seconds) = await Self.failure(try Self.client(cluster, path, requestTimeout: nil, limits: limits))
            let e = try #require(error)
            #expect(e.kind == .timeout)
            #expect(seconds >= 0.9 && seconds < Self.loaded, "took \(seconds)s")
            #expect(e.message == "cannot reach \(url) (context \"test\", from \(path): clusters[\"fake\"].cluster.server): the TCP connection and TLS handshake did not complete within 1s (--connect-timeout)")
        }
    }

    @Test func adminURLReadsAreBoundedToo() async throws {
        let silent = try SilentListener()
        defer { silent.stop() }
        let admin = AdminClient(.direct("http://127.0.0.1:\(silent.port)"), timeout: 1)
        let clock = ContinuousClock()
        let start = clock.now
        do throws(KubeClientError) {
            _ = try await admin.fetch(pod: "p", namespace: "n", port: 15000, path: "/stats")
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.message.hasPrefix("GET http://127.0.0.1:\(silent.port)/stats: no "), "\(error.message)")
            #expect(error.message.hasSuffix(" 1s (raise --request-timeout)"), "\(error.message)")
        }
        #expect(clock.now - start < .seconds(Self.loaded))
        await admin.shutdown()
    }

    // MARK: Exec plugins

    /// A plugin that starts a child and waits for ever, writing both pids.
    static func hangingPlugin(_ cluster: TestCluster) throws -> String {
        try cluster.write("hang.sh", """
        #!/bin/sh
        sleep 1000 &
        echo $! > "\(cluster.dir)/child.pid"
        echo $$ > "\(cluster.dir)/parent.pid"
        wait
        """, executable: true)
    }

    /// Whether the process is gone (or a zombie waiting for its reaper).
    static func isGone(_ pidFile: String) -> Bool {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
        if kill(pid, 0) != 0 { return true }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    @Test func hungExecPluginIsKilledAfterExecTimeout() async throws {
        try await withCluster { cluster in
            let plugin = try Self.hangingPlugin(cluster)
            let path = try cluster.kubeconfig(userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(plugin)")
            var limits = InputLimits()
            limits.execTimeout = 1
            let (error, seconds) = await Self.failure(try Self.client(cluster, path, requestTimeout: nil, limits: limits))
            let e = try #require(error)
            #expect(e.kind == .timeout)
            #expect(seconds >= 0.9 && seconds < Self.loaded, "took \(seconds)s")
            #expect(e.message == "exec plugin \"\(plugin)\" (user \"alice\", context \"test\") did not finish within 1s and was killed; raise --exec-timeout if it needs longer")
            // The whole process group went: the script and the sleep it started.
            #expect(await eventually(timeout: 3) { Self.isGone(cluster.dir + "/parent.pid") && Self.isGone(cluster.dir + "/child.pid") })
        }
    }

    @Test func hungExecPluginStopsAtTheRequestDeadline() async throws {
        try await withCluster { cluster in
            let plugin = try Self.hangingPlugin(cluster)
            let path = try cluster.kubeconfig(userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(plugin)")
            let (error, seconds) = await Self.failure(try Self.client(cluster, path, requestTimeout: 1))
            let e = try #require(error)
            #expect(e.kind == .timeout)
            #expect(seconds >= 0.9 && seconds < Self.loaded, "took \(seconds)s")
            #expect(e.message.contains("exec plugin"), "\(e.message)")
            #expect(e.message.contains("--request-timeout"), "\(e.message)")
            #expect(await eventually(timeout: 3) { Self.isGone(cluster.dir + "/parent.pid") && Self.isGone(cluster.dir + "/child.pid") })
        }
    }

    @Test func relativePluginResolvesAgainstTheKubeconfigDirectory() async throws {
        try await withCluster(AuthMatrixTests.authOptions) { cluster in
            try FileManager.default.createDirectory(atPath: cluster.dir + "/bin", withIntermediateDirectories: true)
            _ = try AuthMatrixTests.plugin(cluster, name: "bin/login.sh", apiVersion: "client.authentication.k8s.io/v1", status: #"{"token":"\#(TestCluster.token)"}"#)
            let path = try cluster.kubeconfig(userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./bin/login.sh")
            #expect(try await AuthMatrixTests.whoAmI(cluster, path) == "alice")
        }
    }

    @Test func relativePluginStaysAPathUnderARelativeKubeconfig() throws {
        // `--kubeconfig kc.yaml`: the directory is ".", and "./hang.sh" must not become a
        // bare "hang.sh" that is then looked up on PATH.
        func command(_ c: String, kubeconfig: String) throws -> String {
            let yaml = """
            users:
            - name: u
              user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "\(c)"}}
            """
            let config = try Kubeconfig.merge([KubeconfigTests.tree(yaml, kubeconfig)])
            return config.users["u"]?.exec?.command ?? ""
        }
        #expect(try command("./hang.sh", kubeconfig: "kc.yaml") == "./hang.sh")
        #expect(try command("sub/../hang.sh", kubeconfig: "kc.yaml") == "./hang.sh")
        #expect(try command("bin/login", kubeconfig: "kc.yaml") == "bin/login")
        #expect(try command("./hang.sh", kubeconfig: "conf/kc.yaml") == "conf/hang.sh")
        #expect(try command("./hang.sh", kubeconfig: "/etc/kube/kc.yaml") == "/etc/kube/hang.sh")
        #expect(try command("gke-gcloud-auth-plugin", kubeconfig: "kc.yaml") == "gke-gcloud-auth-plugin")
    }

    // MARK: TLS messages

    @Test func untrustedCertificateIsOneCleanLine() async throws {
        try await withCluster(AuthMatrixTests.tlsOptions) { cluster in
            let path = try cluster.kubeconfig(name: "strict")
            let (error, _) = await Self.failure(try cluster.client(path))
            let e = try #require(error)
            #expect(e.kind == .tls)
            #expect(e.message == "TLS with \(cluster.server.url) failed (context \"test\", from \(path): clusters[\"fake\"].cluster.server): certificate verify failed: the server's certificate is not signed by a trusted certificate authority (unknown CA or self-signed), or it has expired; the cluster has no certificate-authority(-data), so the system trust store was used")
            #expect(Self.noBuildPaths(e.message))
        }
    }

    @Test func hostnameMismatchIsNamed() async throws {
        var options = AuthMatrixTests.tlsOptions
        options.loopbackIPInCertificate = false
        try await withCluster(options) { cluster in
            let pki = try #require(cluster.server.pki)
            let ca = "    certificate-authority-data: \(AuthMatrixTests.b64(pki.caCertificatePEM))"
            let path = try cluster.kubeconfig(name: "bad", clusterYAML: ca + "\n    tls-server-name: other.example")
            let (error, _) = await Self.failure(try cluster.client(path))
            let e = try #require(error)
            #expect(e.kind == .tls)
            #expect(e.message.contains("failed (context \"test\", from \(path): clusters[\"fake\"].cluster.server): hostname mismatch"), "\(e.message)")
            #expect(Self.noBuildPaths(e.message))
        }
    }

    @Test func plainHTTPServerOnAnHTTPSURLIsExplained() async throws {
        try await withCluster { cluster in
            let url = cluster.server.url.replacingOccurrences(of: "http://", with: "https://")
            let path = try cluster.kubeconfig(clusterYAML: "    insecure-skip-tls-verify: true", server: url)
            let (error, _) = await Self.failure(try cluster.client(path))
            let e = try #require(error)
            #expect(e.kind == .tls)
            #expect(e.message.hasSuffix("the server did not answer with TLS (is it a plain http:// server?)"), "\(e.message)")
            #expect(Self.noBuildPaths(e.message))
        }
    }
}
