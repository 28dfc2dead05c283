import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import MeshTestSupport
import Testing

/// The live-form suites, one after another: each starts demo meshes on loopback, and two
/// cores shared with the other demo suites are enough for one at a time.
@Suite(.serialized) enum LiveForms {}

/// The demo mesh on loopback for the live forms of the read commands: commands run
/// in-process with `--kubeconfig` pointing at it, exactly as against a cluster.
struct LiveDemo: Sendable {
    let demo: DemoCluster
    let kubeconfig: String

    static func with<T>(_ options: DemoMesh.Options = .init(services: 0, replicas: 1), _ body: (LiveDemo) async throws -> T) async throws -> T {
        // A context naming bookinfo, as a developer's would: a POD or host without `.NS` is
        // there, and the mesh-wide commands start there too (-A for the whole mesh).
        let setup = try await DemoSetup.start("meshscope-live", options, namespace: DemoMesh.sidecarNamespace)
        do {
            let r = try await body(LiveDemo(demo: setup.demo, kubeconfig: setup.kubeconfig))
            await setup.stop()
            return r
        } catch {
            await setup.stop()
            throw error
        }
    }

    /// `meshscope ARGS --kubeconfig DEMO`.
    func run(_ args: [String]) async -> (code: Int32, stdout: String, stderr: String) {
        await MeshScopeMain.invoke(args + ["--kubeconfig", kubeconfig])
    }

    var mesh: DemoMesh { demo.mesh }

    /// The first pod of a workload (`reviews-v2` in `bookinfo`).
    func pod(_ workload: String, _ namespace: String = DemoMesh.sidecarNamespace) -> DemoMesh.Pod {
        let w = mesh.workloads.firstIndex { $0.name == workload && $0.namespace == namespace }!
        return mesh.pods[mesh.workloads[w].pods[0]]
    }

    /// `POD.NS` of the first pod of a workload.
    func id(_ workload: String, _ namespace: String = DemoMesh.sidecarNamespace) -> String { pod(workload, namespace).id }

    /// One admin endpoint's raw bytes through the `admin` command, for comparing with the file forms.
    func admin(_ id: String, _ path: String, port: Int = 15000) async throws -> String {
        let r = await run(["admin", id, path, "--port", String(port)])
        guard r.code == 0 else { throw LiveDemoError(message: "admin \(id) \(path): \(r.stderr)") }
        return r.stdout
    }

    /// Writes text to a temporary file and returns its path.
    func write(_ text: String, _ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "meshscope-live-\(UUID().uuidString.prefix(8))-\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

struct LiveDemoError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The cells of a tabwriter table: one array per line, split on runs of 2+ spaces.
func tableRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").map { line in
        line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
