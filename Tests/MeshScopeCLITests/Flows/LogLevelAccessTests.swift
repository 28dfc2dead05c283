import Foundation
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

/// `log-level` asks the API server before it writes: a SelfSubjectAccessReview for `create`
/// on `pods/proxy` in the pod's namespace. The demo's namespace-scoped user (`--demo-user
/// bookinfo`: read everything in bookinfo, create/patch/update there, nothing elsewhere) may
/// change a bookinfo proxy's levels and is told `forbidden` for the ztunnel in istio-system.
@Suite struct LogLevelAccessTests {
    @Test func forbiddenIsSaidInsteadOfTried() async throws {
        let mesh = DemoMesh()
        let ztunnel = try #require(mesh.pods.first { $0.mode == .ztunnel })
        #expect(ztunnel.namespace != "bookinfo")
        let denied = await MeshScopeMain.invoke(["--demo", "--demo-user", "bookinfo", "log-level", ztunnel.id, "--level", "debug"])
        #expect(denied.code == 1)
        #expect(denied.stderr.contains("forbidden:"), "\(denied.stderr)")
        #expect(denied.stderr.contains("create pods/proxy in \(ztunnel.namespace)"), "\(denied.stderr)")
        // The same user in its own namespace: allowed, and done.
        let details = try #require(mesh.pods.first { $0.namespace == "bookinfo" && $0.name.hasPrefix("details-v1-") })
        let allowed = await MeshScopeMain.invoke(["--demo", "--demo-user", "bookinfo", "log-level", details.id, "--level", "rbac:debug", "-o", "json"])
        #expect(allowed.code == 0, "\(allowed.stderr)")
        #expect(try JSONDocument(allowed.stdout).root["rbac"]?.string == "debug")
    }
}
