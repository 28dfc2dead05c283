import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import MeshTestSupport
import Testing

/// `meshscope apply --dry-run` against the demo's API server with the real rules: the demo's
/// VirtualService `faults/inventory` already routes to subset v2, which no DestinationRule
/// defines (MS1101 on the cluster); a manifest that keeps that route and adds one to v9 shows
/// the v9 finding as the one it introduces, not the v2 one the cluster already has.
@Suite struct ApplyPreviewFindingsTests {
    @Test func aSecondMissingSubsetOnTheSameVirtualServiceIsShown() async throws {
        let mesh = DemoMesh(DemoMesh.Options(services: 0, replicas: 1))
        let edge = try #require(mesh.edges.first { $0.noCluster })
        let svc = mesh.services[edge.service]
        let setup = try await DemoSetup.start("meshscope-apply-preview")
        let dir = setup.dir
        let manifest = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: \(svc.name), namespace: \(svc.namespace)}
        spec:
          hosts: [\(svc.fqdn)]
          http:
          - match: [{headers: {x-canary: {exact: "1"}}}]
            route: [{destination: {host: \(svc.fqdn), subset: v9}}]
          - route: [{destination: {host: \(svc.fqdn), subset: v2}}]
        """
        do { try manifest.write(toFile: dir + "/vs.yaml", atomically: true, encoding: .utf8) } catch {
            await setup.stop()
            throw error
        }
        let r = await MeshScopeMain.invoke(["apply", "-f", dir + "/vs.yaml", "--dry-run", "--kubeconfig", setup.kubeconfig])
        await setup.stop()
        #expect(r.code == 0, "\(r.stderr)")
        let out = r.stdout + r.stderr
        #expect(out.contains("Findings this manifest would introduce (1):"), "\(out)")
        #expect(out.contains("ERROR  MS1101 IST0101  VirtualService \(svc.namespace)/\(svc.name) ("), "\(out)")
        #expect(out.contains("Referenced host+subset in destinationrule not found: \"\(svc.fqdn)+v9\""), "\(out)")
        #expect(!out.contains("\(svc.fqdn)+v2"), "\(out)")
    }
}
