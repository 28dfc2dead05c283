import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel

/// The demo mesh on loopback with a temporary directory holding its kubeconfig: what every
/// test that reaches the demo as it would a cluster starts with. The loader environment
/// points inside the directory, so no KUBECONFIG, home or service account of the machine
/// running the tests leaks in.
///
/// ```swift
/// let setup = try await DemoSetup.start("meshscope-apply-preview")
/// let r = await MeshScopeMain.invoke(["check", "--kubeconfig", setup.kubeconfig])
/// await setup.stop()
/// ```
public struct DemoSetup: Sendable {
    public let demo: DemoCluster
    /// A new directory under the temporary directory, removed by ``stop()``.
    public let dir: String
    /// The demo's kubeconfig, `dir/config`.
    public let kubeconfig: String

    /// Starts the demo (one replica, no generated services unless `options` says otherwise),
    /// makes `NSTemporaryDirectory()/PREFIX-RANDOM` and writes the kubeconfig there; if any
    /// step fails, what was started is stopped before the error is thrown. The kubeconfig's
    /// context names `namespace` when given (a developer's context), else none (an
    /// administrator's: commands start mesh-wide).
    public static func start(_ prefix: String, _ options: DemoMesh.Options = .init(services: 0, replicas: 1),
                             tickSeconds: Double = 0.1, namespace: String? = nil) async throws -> DemoSetup {
        let demo = try await DemoCluster.start(options, tickSeconds: tickSeconds)
        let dir = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return DemoSetup(demo: demo, dir: dir, kubeconfig: try demo.writeKubeconfig(path: dir + "/config", namespace: namespace))
        } catch {
            await demo.shutdown()
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
    }

    /// The kubeconfig loaded as a client would load it, in an environment of `dir`'s own.
    public func connection() throws -> ClusterConnection {
        let env = KubeconfigLoader.Environment(variables: [:], home: dir + "/home", serviceAccountRoot: dir + "/sa")
        return try KubeconfigLoader(environment: env).load(.init(kubeconfig: kubeconfig))
    }

    /// Shuts the demo down and removes the directory.
    public func stop() async {
        await demo.shutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
