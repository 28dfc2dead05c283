import Foundation
import MeshClient
import MeshDemo
import MeshModel
import Testing

/// Every way a kubeconfig can authenticate, against the fake API server over real HTTP(S).
@Suite struct AuthMatrixTests {
    static var tlsOptions: FakeAPIServer.Options {
        var o = FakeAPIServer.Options()
        o.tls = true
        o.requireAuthentication = true
        o.extraServerNames = ["api.fake.internal"]
        return o
    }

    static var authOptions: FakeAPIServer.Options {
        var o = FakeAPIServer.Options()
        o.requireAuthentication = true
        return o
    }

    /// Lists namespaces and returns the user the server saw.
    static func whoAmI(_ cluster: TestCluster, _ kubeconfig: String) async throws -> String? {
        cluster.server.clearRequestLog()
        let client = try cluster.client(kubeconfig)
        return try await withClient(client) { client in
            let page = try await client.list(Resources.namespaces, namespace: nil)
            #expect(page.items.count == 3)  // default, kube-system, istio-system
            return cluster.server.requests.last?.user
        }
    }

    static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    @Test func bearerToken() async throws {
        try await withCluster(Self.authOptions) { cluster in
            let who = try await Self.whoAmI(cluster, cluster.kubeconfig())
            #expect(who == "alice")
        }
    }

    @Test func wrongTokenIs401NamingUserAndVerb() async throws {
        try await withCluster(Self.authOptions) { cluster in
            let path = try cluster.kubeconfig(userYAML: "    token: wrong")
            let client = try cluster.client(path)
            await withClient(client) { client in
                do throws(KubeClientError) {
                    _ = try await client.list(Resources.pods, namespace: "shop")
                    Issue.record("expected 401")
                } catch {
                    #expect(error.kind == .unauthorized)
                    #expect(error.message == "Unauthorized: \(cluster.server.url) rejected the credentials of user \"alice\" (context \"test\", bearer token) to list pods in namespace \"shop\"")
                    #expect(!error.message.contains("wrong"))
                }
            }
        }
    }

    @Test func forbiddenNamesUserVerbAndServerMessage() async throws {
        try await withCluster(Self.authOptions) { cluster in
            cluster.server.deny(user: "alice", verb: "list", resource: "pods")
            let client = try cluster.client()
            await withClient(client) { client in
                do throws(KubeClientError) {
                    _ = try await client.list(Resources.pods, namespace: "shop")
                    Issue.record("expected 403")
                } catch {
                    #expect(error.kind == .forbidden)
                    #expect(error.message == "Forbidden: user \"alice\" (context \"test\", bearer token) may not list pods in namespace \"shop\": pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"")
                }
            }
        }
    }

    @Test func tokenFileIsReadAndTrimmed() async throws {
        try await withCluster(Self.authOptions) { cluster in
            let tokenPath = try cluster.write("token", TestCluster.token + "\n")
            #expect(try await Self.whoAmI(cluster, cluster.kubeconfig(userYAML: "    tokenFile: \(tokenPath)")) == "alice")
            // A relative tokenFile resolves against the kubeconfig's directory.
            #expect(try await Self.whoAmI(cluster, cluster.kubeconfig(userYAML: "    tokenFile: token")) == "alice")
        }
    }

    @Test func clientCertificateFilesWithCAFile() async throws {
        try await withCluster(Self.tlsOptions) { cluster in
            let pki = try #require(cluster.server.pki)
            let cert = try pki.clientCertificate(user: "cert-user", groups: ["system:masters"])
            let ca = try cluster.write("ca.crt", pki.caCertificatePEM)
            let crt = try cluster.write("client.crt", cert.certificatePEM)
            let key = try cluster.write("client.key", cert.keyPEM)
            let path = try cluster.kubeconfig(userYAML: "    client-certificate: \(crt)\n    client-key: \(key)", clusterYAML: "    certificate-authority: \(ca)")
            #expect(try await Self.whoAmI(cluster, path) == "cert-user")
            let conn = try cluster.connection(path)
            #expect(conn.auth == .clientCertificate)
        }
    }

    @Test func inlineCertificateDataAndCAData() async throws {
        try await withCluster(Self.tlsOptions) { cluster in
            let pki = try #require(cluster.server.pki)
            let cert = try pki.clientCertificate(user: "inline-user")
            let path = try cluster.kubeconfig(
                userYAML: "    client-certificate-data: \(Self.b64(cert.certificatePEM))\n    client-key-data: \(Self.b64(cert.keyPEM))",
                clusterYAML: "    certificate-authority-data: \(Self.b64(pki.caCertificatePEM))")
            #expect(try await Self.whoAmI(cluster, path) == "inline-user")
        }
    }

    @Test func tokenOverTLSWithCA() async throws {
        try await withCluster(Self.tlsOptions) { cluster in
            let pki = try #require(cluster.server.pki)
            let path = try cluster.kubeconfig(clusterYAML: "    certificate-authority-data: \(Self.b64(pki.caCertificatePEM))")
            #expect(try await Self.whoAmI(cluster, path) == "alice")
        }
    }

    @Test func insecureSkipVerifyAndUnknownCA() async throws {
        try await withCluster(Self.tlsOptions) { cluster in
            let insecure = try cluster.kubeconfig(clusterYAML: "    insecure-skip-tls-verify: true")
            #expect(try await Self.whoAmI(cluster, insecure) == "alice")

            // Without a CA the system trust store cannot know the test CA.
            let strict = try cluster.kubeconfig(name: "strict")
            let client = try cluster.client(strict)
            await withClient(client) { client in
                do throws(KubeClientError) {
                    _ = try await client.list(Resources.namespaces, namespace: nil)
                    Issue.record("expected a TLS failure")
                } catch {
                    #expect(error.kind == .tls)
                    #expect(error.message.hasPrefix("TLS with \(cluster.server.url) failed (context \"test\", from \(strict): clusters[\"fake\"].cluster.server): "))
                    #expect(error.message.hasSuffix("; the cluster has no certificate-authority(-data), so the system trust store was used"))
                }
            }
        }
    }

    @Test func tlsServerNameIsUsedForVerification() async throws {
        var options = Self.tlsOptions
        options.loopbackIPInCertificate = false
        try await withCluster(options) { cluster in
            let pki = try #require(cluster.server.pki)
            let ca = "    certificate-authority-data: \(Self.b64(pki.caCertificatePEM))"
            // The certificate names api.fake.internal: with it as tls-server-name the check passes…
            let good = try cluster.kubeconfig(name: "good", clusterYAML: ca + "\n    tls-server-name: api.fake.internal")
            #expect(try await Self.whoAmI(cluster, good) == "alice")
            // …while a name the certificate does not have fails, and so does the bare address
            // (the certificate has no IP entry): the name is what is checked.
            let bad = try cluster.kubeconfig(name: "bad", clusterYAML: ca + "\n    tls-server-name: other.example")
            let bare = try cluster.kubeconfig(name: "bare", clusterYAML: ca)
            for config in [bad, bare] {
                let client = try cluster.client(config)
                await withClient(client) { client in
                    do throws(KubeClientError) {
                        _ = try await client.list(Resources.namespaces, namespace: nil)
                        Issue.record("expected a hostname mismatch with \(config)")
                    } catch {
                        #expect(error.kind == .tls)
                        #expect(error.message.hasSuffix("; check certificate-authority(-data) and tls-server-name for this cluster"))
                    }
                }
            }
        }
    }

    /// A plugin script that counts its runs and prints an ExecCredential.
    static func plugin(_ cluster: TestCluster, name: String, apiVersion: String, status: String) throws -> String {
        try cluster.write(name, """
        #!/bin/sh
        echo run >> "\(cluster.dir)/\(name).runs"
        case "$KUBERNETES_EXEC_INFO" in *'"kind":"ExecCredential"'*) ;; *) echo "no exec info" >&2; exit 3;; esac
        cat <<JSON
        {"apiVersion":"\(apiVersion)","kind":"ExecCredential","status":\(status)}
        JSON
        """, executable: true)
    }

    static func runs(_ cluster: TestCluster, _ name: String) -> Int {
        ((try? String(contentsOfFile: "\(cluster.dir)/\(name).runs", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test(arguments: ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
    func execPluginTokenIsCachedUntilExpiry(apiVersion: String) async throws {
        try await withCluster(Self.authOptions) { cluster in
            let future = Timestamp.rfc3339(Date().addingTimeInterval(3600))
            let plugin = try Self.plugin(cluster, name: "login", apiVersion: apiVersion, status: #"{"token":"\#(TestCluster.token)","expirationTimestamp":"\#(future)"}"#)
            let path = try cluster.kubeconfig(userYAML: "    exec:\n      apiVersion: \(apiVersion)\n      command: \(plugin)\n      interactiveMode: Never")
            let client = try cluster.client(path)
            try await withClient(client) { client in
                for _ in 0..<3 { _ = try await client.list(Resources.namespaces, namespace: nil) }
            }
            #expect(Self.runs(cluster, "login") == 1)
            #expect(cluster.server.requests.last?.user == "alice")
        }
    }

    @Test func expiredExecCredentialIsRefreshed() async throws {
        try await withCluster(Self.authOptions) { cluster in
            let past = Timestamp.rfc3339(Date().addingTimeInterval(-60))
            let plugin = try Self.plugin(cluster, name: "expired", apiVersion: "client.authentication.k8s.io/v1", status: #"{"token":"\#(TestCluster.token)","expirationTimestamp":"\#(past)"}"#)
            let path = try cluster.kubeconfig(userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(plugin)")
            let client = try cluster.client(path)
            try await withClient(client) { client in
                for _ in 0..<3 { _ = try await client.list(Resources.namespaces, namespace: nil) }
            }
            #expect(Self.runs(cluster, "expired") == 3)
        }
    }

    @Test func execPluginRerunsOnceAfter401() async throws {
        try await withCluster(Self.authOptions) { cluster in
            // First run hands out a stale token, later runs a good one.
            let plugin = try cluster.write("rotating", """
            #!/bin/sh
            echo run >> "\(cluster.dir)/rotating.runs"
            if [ "$(wc -l < "\(cluster.dir)/rotating.runs")" -le 1 ]; then t=stale; else t=\(TestCluster.token); fi
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$t"
            """, executable: true)
            let path = try cluster.kubeconfig(userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(plugin)")
            let client = try cluster.client(path)
            try await withClient(client) { client in
                _ = try await client.list(Resources.namespaces, namespace: nil)
            }
            #expect(Self.runs(cluster, "rotating") == 2)
        }
    }

    @Test func execPluginClientCertificate() async throws {
        try await withCluster(Self.tlsOptions) { cluster in
            let pki = try #require(cluster.server.pki)
            let cert = try pki.clientCertificate(user: "exec-cert-user")
            func json(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: "\\n") }
            let plugin = try Self.plugin(cluster, name: "certplugin", apiVersion: "client.authentication.k8s.io/v1",
                                         status: #"{"clientCertificateData":"\#(json(cert.certificatePEM))","clientKeyData":"\#(json(cert.keyPEM))"}"#)
            let path = try cluster.kubeconfig(userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(plugin)",
                                              clusterYAML: "    certificate-authority-data: \(Self.b64(pki.caCertificatePEM))")
            #expect(try await Self.whoAmI(cluster, path) == "exec-cert-user")
        }
    }

    @Test func execPluginFailuresAreExplained() async throws {
        try await withCluster(Self.authOptions) { cluster in
            let missing = try cluster.kubeconfig(name: "missing", userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: no-such-login-plugin\n      installHint: brew install no-such-login-plugin")
            let failing = try cluster.write("fails", "#!/bin/sh\necho 'token expired, run login' >&2\nexit 4\n", executable: true)
            let failingConfig = try cluster.kubeconfig(name: "failing", userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(failing)")
            let wrongVersion = try Self.plugin(cluster, name: "wrongver", apiVersion: "client.authentication.k8s.io/v1beta1", status: #"{"token":"x"}"#)
            let wrongConfig = try cluster.kubeconfig(name: "wrong", userYAML: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(wrongVersion)")
            let expectations: [(String, String)] = [
                (missing, "exec plugin \"no-such-login-plugin\" (user \"alice\", context \"test\"): executable not found on PATH. brew install no-such-login-plugin"),
                (failingConfig, "exec plugin \"\(failing)\" (user \"alice\", context \"test\") exited with status 4: token expired, run login"),
                (wrongConfig, "exec plugin \"\(wrongVersion)\" printed apiVersion \"client.authentication.k8s.io/v1beta1\", but the kubeconfig asks for client.authentication.k8s.io/v1"),
            ]
            for (config, message) in expectations {
                let client = try cluster.client(config)
                await withClient(client) { client in
                    do throws(KubeClientError) {
                        _ = try await client.list(Resources.namespaces, namespace: nil)
                        Issue.record("expected a credentials error for \(config)")
                    } catch {
                        #expect(error.kind == .credentials)
                        #expect(error.message == message)
                    }
                }
            }
        }
    }

    @Test func inClusterServiceAccount() async throws {
        try await withCluster(Self.tlsOptions) { cluster in
            let pki = try #require(cluster.server.pki)
            cluster.server.addToken("sa-token", user: "system:serviceaccount:mesh:meshscope")
            let sa = cluster.dir + "/sa"
            try FileManager.default.createDirectory(atPath: sa, withIntermediateDirectories: true)
            try "sa-token".write(toFile: sa + "/token", atomically: true, encoding: .utf8)
            try pki.caCertificatePEM.write(toFile: sa + "/ca.crt", atomically: true, encoding: .utf8)
            try "mesh\n".write(toFile: sa + "/namespace", atomically: true, encoding: .utf8)
            var env = cluster.isolatedEnvironment
            env.variables["KUBERNETES_SERVICE_HOST"] = "127.0.0.1"
            env.variables["KUBERNETES_SERVICE_PORT"] = String(cluster.server.port)
            let conn = try KubeconfigLoader(environment: env).load(.init())
            #expect(conn.namespace == "mesh")
            let client = try KubeClient(connection: conn)
            try await withClient(client) { client in
                _ = try await client.list(Resources.namespaces, namespace: nil)
            }
            #expect(cluster.server.requests.last?.user == "system:serviceaccount:mesh:meshscope")
        }
    }

    @Test func unreachableServerNamesURLAndContext() async throws {
        try await withCluster { cluster in
            let path = try cluster.kubeconfig(server: "http://127.0.0.1:1")
            let client = try cluster.client(path)
            await withClient(client) { client in
                do throws(KubeClientError) {
                    _ = try await client.list(Resources.pods, namespace: "shop")
                    Issue.record("expected a connection error")
                } catch {
                    #expect(error.kind == .unreachable)
                    #expect(error.message.hasPrefix("cannot reach http://127.0.0.1:1 (context \"test\", from \(path): clusters[\"fake\"].cluster.server): "))
                    #expect(error.message.lowercased().contains("refused"))
                }
            }
        }
    }
}
