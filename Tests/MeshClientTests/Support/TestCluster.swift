import Foundation
import MeshClient
import MeshDemo
import MeshModel

/// A fake API server plus a scratch directory for kubeconfigs, tokens and plugins.
final class TestCluster: Sendable {
    let server: FakeAPIServer
    let dir: String
    static let token = "t0ken-alice"

    init(server: FakeAPIServer, dir: String) {
        self.server = server
        self.dir = dir
    }

    static func start(_ options: FakeAPIServer.Options = FakeAPIServer.Options()) async throws -> TestCluster {
        let server = try await FakeAPIServer.start(options)
        server.addToken(token, user: "alice")
        let dir = NSTemporaryDirectory() + "meshscope-kube-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return TestCluster(server: server, dir: dir)
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Writes a file in the scratch directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
        return path
    }

    /// A kubeconfig with one context "test" pointing at the server.
    /// `userYAML` is the body of the user entry (indented 4 spaces by the caller's lines).
    func kubeconfig(name: String = "config", namespace: String? = "shop", userYAML: String? = nil, clusterYAML: String = "", server url: String? = nil) throws -> String {
        let user = userYAML ?? "    token: \(TestCluster.token)"
        return try write(name, """
        apiVersion: v1
        kind: Config
        current-context: test
        clusters:
        - name: fake
          cluster:
            server: \(url ?? server.url)
        \(clusterYAML)
        users:
        - name: alice
          user:
        \(user)
        contexts:
        - name: test
          context:
            cluster: fake
            user: alice
        \(namespace.map { "    namespace: \($0)" } ?? "")
        """)
    }

    /// An environment with no KUBECONFIG and a home without ~/.kube.
    var isolatedEnvironment: KubeconfigLoader.Environment {
        KubeconfigLoader.Environment(variables: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"], home: dir + "/home", serviceAccountRoot: dir + "/sa")
    }

    func connection(_ kubeconfigPath: String, context: String? = nil, namespace: String? = nil) throws -> ClusterConnection {
        try KubeconfigLoader(environment: isolatedEnvironment).load(KubeconfigLoader.Flags(kubeconfig: kubeconfigPath, context: context, namespace: namespace))
    }

    func client(_ kubeconfigPath: String? = nil, requestTimeout: Double? = nil) throws -> KubeClient {
        let path = try kubeconfigPath ?? kubeconfig()
        return try KubeClient(connection: try connection(path), options: TransportOptions(requestTimeout: requestTimeout))
    }
}

/// Runs `body` with a started cluster and always stops it.
func withCluster<T>(_ options: FakeAPIServer.Options = FakeAPIServer.Options(), _ body: (TestCluster) async throws -> T) async throws -> T {
    let cluster = try await TestCluster.start(options)
    do {
        let result = try await body(cluster)
        await cluster.stop()
        return result
    } catch {
        await cluster.stop()
        throw error
    }
}

/// Runs `body` with a client and always shuts it down.
func withClient<T>(_ client: KubeClient, _ body: (KubeClient) async throws -> T) async rethrows -> T {
    do {
        let r = try await body(client)
        await client.shutdown()
        return r
    } catch {
        await client.shutdown()
        throw error
    }
}

/// Polls `condition` until it holds or `timeout` passes (30 s: it returns as soon as the
/// condition holds, and CI has seen a loaded machine take more than 10 s for a watch to fail).
func eventually(timeout: Double = 30, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return await condition()
}

enum Resources {
    static let pods = APIResource(group: "", version: "v1", name: "pods", singularName: "pod", kind: "Pod", namespaced: true)
    static let services = APIResource(group: "", version: "v1", name: "services", singularName: "service", kind: "Service", namespaced: true)
    static let namespaces = APIResource(group: "", version: "v1", name: "namespaces", singularName: "namespace", kind: "Namespace", namespaced: false)
}
