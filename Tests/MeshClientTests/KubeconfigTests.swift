import Foundation
import MeshClient
import MeshModel
import Testing

/// kubeconfig loading and merging, without a server.
@Suite struct KubeconfigTests {
    static func tree(_ yaml: String, _ path: String) throws -> KubeconfigFile {
        KubeconfigFile(path: path, content: try YAMLTree.single(yaml, source: path))
    }

    static let first = """
    apiVersion: v1
    kind: Config
    current-context: dev
    clusters:
    - name: shared
      cluster: {server: "https://first.example:6443", certificate-authority: certs/ca.crt}
    users:
    - name: shared
      user: {tokenFile: tokens/dev}
    contexts:
    - name: dev
      context: {cluster: shared, user: shared, namespace: team-a}
    """

    static let second = """
    current-context: prod
    clusters:
    - name: shared
      cluster: {server: "https://second.example:6443"}
    - name: prod
      cluster: {server: "https://prod.example:6443", insecure-skip-tls-verify: true, tls-server-name: api.prod.internal, proxy-url: "http://proxy:3128"}
    users:
    - name: shared
      user: {token: from-second-file}
    - name: ops
      user:
        exec:
          apiVersion: client.authentication.k8s.io/v1beta1
          command: ./bin/login
          args: [--cluster, prod]
          env: [{name: REGION, value: eu}]
          installHint: install the login plugin
    contexts:
    - name: dev
      context: {cluster: prod, user: ops}
    - name: prod
      context: {cluster: prod, user: ops}
    """

    @Test func firstFileWinsPerNameAndForCurrentContext() throws {
        let config = try Kubeconfig.merge([Self.tree(Self.first, "/home/me/.kube/a"), Self.tree(Self.second, "/etc/kube/b")])
        #expect(config.currentContext == "dev")
        #expect(config.currentContextFile == "/home/me/.kube/a")
        #expect(config.clusters["shared"]?.server == "https://first.example:6443")
        #expect(config.clusters["prod"]?.server == "https://prod.example:6443")
        #expect(config.contexts["dev"]?.cluster == "shared")
        #expect(config.users["shared"]?.tokenFile == "/home/me/.kube/tokens/dev")
        #expect(config.users["shared"]?.token == nil)

        let dev = try config.resolve(context: nil, namespace: nil)
        #expect(dev.server == "https://first.example:6443")
        #expect(dev.namespace == "team-a")
        #expect(dev.namespaceSource == .context)
        #expect(dev.auth == .tokenFile("/home/me/.kube/tokens/dev"))
        // Relative paths resolve against the directory of the file that wrote them.
        #expect(dev.tls.certificateAuthority == .file("/home/me/.kube/certs/ca.crt"))
    }

    @Test func reversedOrderFlipsTheWinner() throws {
        let config = try Kubeconfig.merge([Self.tree(Self.second, "/etc/kube/b"), Self.tree(Self.first, "/home/me/.kube/a")])
        #expect(config.currentContext == "prod")
        #expect(config.clusters["shared"]?.server == "https://second.example:6443")
        let prod = try config.resolve(context: nil, namespace: "override")
        #expect(prod.namespace == "override")
        #expect(prod.namespaceSource == .flag)
        #expect(prod.tls.insecureSkipVerify)
        #expect(prod.tls.serverName == "api.prod.internal")
        #expect(prod.proxyURL == "http://proxy:3128")
        guard case .exec(let exec) = prod.auth else {
            Issue.record("expected exec auth, got \(prod.auth)")
            return
        }
        #expect(exec.command == "/etc/kube/bin/login")
        #expect(exec.args == ["--cluster", "prod"])
        #expect(exec.env == [ExecConfig.EnvVar(name: "REGION", value: "eu")])
        #expect(exec.apiVersion == "client.authentication.k8s.io/v1beta1")
        #expect(exec.installHint == "install the login plugin")
    }

    @Test func contextFlagAndDefaults() throws {
        let config = try Kubeconfig.merge([Self.tree(Self.second, "/b")])
        let c = try config.resolve(context: "dev", namespace: nil)
        #expect(c.contextName == "dev")
        #expect(c.namespace == "default")
        #expect(c.namespaceSource == .defaulted)
    }

    @Test func errorsNameFileAndField() throws {
        let bad = try Self.tree("""
        clusters:
        - name: c
          cluster: {server: 6443}
        """, "/k/bad")
        #expect(throws: KubeconfigError("/k/bad: clusters[\"c\"].cluster.server: expected a string, found number")) {
            try Kubeconfig.merge([bad])
        }

        let data = try Self.tree("""
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h", certificate-authority-data: "!!!not base64!!!"}}]
        users: [{name: u, user: {token: abc}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        """, "/k/data")
        let config = try Kubeconfig.merge([data])
        #expect(throws: KubeconfigError("/k/data: clusters[\"c\"].cluster.certificate-authority-data: not valid base64")) {
            try config.resolve(context: nil, namespace: nil)
        }

        let dangling = try Kubeconfig.merge([Self.tree("""
        current-context: x
        contexts: [{name: x, context: {cluster: nowhere, user: u}}]
        """, "/k/dangling")])
        #expect(throws: KubeconfigError("/k/dangling: contexts[\"x\"].context.cluster: cluster \"nowhere\" is not defined in /k/dangling")) {
            try dangling.resolve(context: nil, namespace: nil)
        }
        #expect(throws: KubeconfigError("context \"missing\" (from --context) is not defined in /k/dangling (contexts defined: x)")) {
            try dangling.resolve(context: "missing", namespace: nil)
        }

        let halfCert = try Kubeconfig.merge([Self.tree("""
        current-context: x
        clusters: [{name: c, cluster: {server: "https://h"}}]
        users: [{name: u, user: {client-certificate: /c.crt}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        """, "/k/half")])
        #expect(throws: KubeconfigError("/k/half: users[\"u\"].user: client-key or client-key-data is missing: a client certificate needs both certificate and key")) {
            try halfCert.resolve(context: nil, namespace: nil)
        }

        let oldExec = try Self.tree("""
        users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}}]
        """, "/k/alpha")
        #expect(throws: KubeconfigError("/k/alpha: users[\"u\"].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" is not supported; use one of client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1")) {
            try Kubeconfig.merge([oldExec])
        }
    }

    @Test func tokensNeverPrint() throws {
        let config = try Kubeconfig.merge([Self.tree(Self.second, "/b")])
        let user = try #require(config.users["shared"])
        #expect("\(String(describing: user.token))".contains("from-second-file") == false)
        #expect("\(user)".contains("from-second-file") == false)
        let conn = try Kubeconfig.merge([Self.tree(Self.first, "/a"), Self.tree(Self.second, "/b")]).resolve(context: nil, namespace: nil)
        #expect("\(conn)".contains("from-second-file") == false)
    }

    // MARK: Loader (files on disk, injected environment)

    @Test func loaderPrecedence() throws {
        let dir = NSTemporaryDirectory() + "meshscope-kc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/home/.kube", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func write(_ path: String, _ server: String, _ ctx: String) throws {
            try """
            current-context: \(ctx)
            clusters: [{name: \(ctx), cluster: {server: "\(server)"}}]
            contexts: [{name: \(ctx), context: {cluster: \(ctx)}}]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write(dir + "/home/.kube/config", "https://home", "home")
        try write(dir + "/a", "https://a", "a")
        try write(dir + "/b", "https://b", "b")
        let base = KubeconfigLoader.Environment(variables: [:], home: dir + "/home", serviceAccountRoot: dir + "/sa")
        #expect(try KubeconfigLoader(environment: base).load(.init()).server == "https://home")

        var env = base
        env.variables["KUBECONFIG"] = "\(dir)/missing:\(dir)/b:\(dir)/a"
        let merged = try KubeconfigLoader(environment: env).load(.init())
        #expect(merged.server == "https://b")
        #expect(try KubeconfigLoader(environment: env).load(.init(context: "a")).server == "https://a")
        #expect(try KubeconfigLoader(environment: env).kubeconfigPaths(.init()) == ["\(dir)/b", "\(dir)/a"])

        // --kubeconfig wins over $KUBECONFIG, and must exist.
        #expect(try KubeconfigLoader(environment: env).load(.init(kubeconfig: dir + "/a")).server == "https://a")
        #expect(throws: KubeClientError.self) { try KubeconfigLoader(environment: env).load(.init(kubeconfig: dir + "/nope")) }
        do {
            _ = try KubeconfigLoader(environment: env).load(.init(kubeconfig: dir + "/nope"))
        } catch {
            #expect(error.message == "--kubeconfig \(dir)/nope: no such file")
        }
    }

    @Test func invalidYAMLNamesFileAndLine() throws {
        let dir = NSTemporaryDirectory() + "meshscope-kc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "clusters:\n- name: a\n  cluster: {server: [unclosed\n".write(toFile: dir + "/config", atomically: true, encoding: .utf8)
        let env = KubeconfigLoader.Environment(variables: [:], home: dir, serviceAccountRoot: dir + "/sa")
        do {
            _ = try KubeconfigLoader(environment: env).load(.init(kubeconfig: dir + "/config"))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .config)
            #expect(error.message.hasPrefix("invalid kubeconfig: \(dir)/config:4:1: document 1:"))
        }
    }

    @Test func inClusterWhenNoKubeconfig() throws {
        let dir = NSTemporaryDirectory() + "meshscope-sa-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/sa", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "sa-token\n".write(toFile: dir + "/sa/token", atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----\n".write(toFile: dir + "/sa/ca.crt", atomically: true, encoding: .utf8)
        try "mesh-system\n".write(toFile: dir + "/sa/namespace", atomically: true, encoding: .utf8)
        let env = KubeconfigLoader.Environment(variables: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], home: dir + "/home", serviceAccountRoot: dir + "/sa")
        let c = try KubeconfigLoader(environment: env).load(.init())
        #expect(c.server == "https://[fd00::1]:443")
        #expect(c.namespace == "mesh-system")
        #expect(c.namespaceSource == .serviceAccount)
        #expect(c.auth == .tokenFile(dir + "/sa/token"))
        #expect(c.tls.certificateAuthority == .file(dir + "/sa/ca.crt"))

        let nothing = KubeconfigLoader.Environment(variables: [:], home: dir + "/home", serviceAccountRoot: dir + "/sa")
        do {
            _ = try KubeconfigLoader(environment: nothing).load(.init())
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "no kubeconfig found: $KUBECONFIG is not set, \(dir)/home/.kube/config does not exist, and this is not a pod (KUBERNETES_SERVICE_HOST is not set); pass --kubeconfig FILE")
        }
    }
}
