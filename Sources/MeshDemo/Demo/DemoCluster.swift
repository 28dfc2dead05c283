import Foundation
import MeshGen
import MeshModel

/// The whole demo on loopback: a fake Kubernetes API server loaded with the demo mesh's
/// objects, and admin servers for every proxy behind the API server's pod proxy, so the real
/// client code reaches them exactly as it reaches a cluster. Always ``shutdown()`` it.
///
/// ```swift
/// let demo = try await DemoCluster.start(.init(services: 0, replicas: 1))
/// let path = try demo.writeKubeconfig()     // point any kubeconfig-based command at it
/// await demo.shutdown()
/// ```
public final class DemoCluster: Sendable {
    public let mesh: DemoMesh
    public let api: FakeAPIServer
    public let admin: DemoAdminServer

    private init(mesh: DemoMesh, api: FakeAPIServer, admin: DemoAdminServer) {
        self.mesh = mesh
        self.api = api
        self.admin = admin
    }

    public static func start(_ options: DemoMesh.Options = .init(), tickSeconds: Double = 1) async throws -> DemoCluster {
        let mesh = DemoMesh(options)
        let api = try await FakeAPIServer.start()
        let admin: DemoAdminServer
        do {
            admin = try await DemoAdminServer.start(mesh: mesh, tickSeconds: tickSeconds)
        } catch {
            await api.shutdown()
            throw error
        }
        let cluster = DemoCluster(mesh: mesh, api: api, admin: admin)
        do {
            try api.seed(try mesh.kubernetesObjects().map { try JSONTree(json: $0) })
            for p in mesh.proxyPods { cluster.route(pod: p) }
            api.setLogSource(DemoCluster.accessLogs(mesh: mesh, admin: admin.state))
        } catch {
            await cluster.shutdown()
            throw error
        }
        return cluster
    }

    public func shutdown() async {
        await admin.shutdown()
        await api.shutdown()
    }

    /// The admin ports of a pod's kind of proxy.
    static func ports(_ mode: DemoMesh.Mode) -> [Int] {
        switch mode {
        case .sidecar, .gateway, .waypoint: [15000]
        case .ztunnel: [15000, 15020]
        case .istiod: [15014]
        case .ambient, .none: []
        }
    }

    private func route(pod p: Int, to base: String? = nil) {
        let pod = mesh.pods[p]
        for port in DemoCluster.ports(pod.mode) {
            api.setAdminBackend(namespace: pod.namespace, pod: pod.name, port: port, baseURL: base ?? admin.backendURL(pod: p, port: port))
        }
    }

    /// Injects (or with nil, clears) a fault on one pod's admin ports.
    public func setFault(_ fault: DemoFault?, pod name: String, namespace: String) throws {
        guard let p = mesh.pod(named: name, namespace: namespace) else { throw FakeServerError("no demo pod \(namespace)/\(name)") }
        admin.setFault(fault, pod: p)
        route(pod: p, to: fault == .reset ? admin.resettingURL : nil)
    }

    /// The pod's proxy restarts: its counters start over.
    public func restart(pod name: String, namespace: String) {
        if let p = mesh.pod(named: name, namespace: namespace) { admin.restart(pod: p) }
    }

    /// A kubeconfig for the demo (context `meshscope-demo`), written to `path` or a new
    /// temporary file; returns the path. Its context names no namespace unless `namespace`
    /// is given: an administrator's context, so the TUI and the mesh-wide commands start on
    /// every namespace (a context naming one starts there, as kubectl does).
    public func writeKubeconfig(path: String? = nil, namespace: String? = nil) throws -> String {
        let file = path ?? NSTemporaryDirectory() + "meshscope-demo-\(api.port).kubeconfig"
        let text = kubeconfigText(user: "demo", token: nil, namespace: namespace)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The demo's kubeconfig: context `meshscope-demo` on the fake API server as `user`,
    /// with a bearer `token` when given (else no credentials), starting in `namespace` (nil:
    /// the context names none).
    func kubeconfigText(user: String, token: String?, namespace: String?) -> String {
        let credentials = token.map { "\n    token: \($0)" } ?? " {}"
        let namespaceLine = namespace.map { "\n    namespace: \($0)" } ?? ""
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: meshscope-demo
          cluster:
            server: \(api.url)
        users:
        - name: \(user)
          user:\(credentials)
        contexts:
        - name: meshscope-demo
          context:
            cluster: meshscope-demo
            user: \(user)\(namespaceLine)
        current-context: meshscope-demo

        """
    }
}
