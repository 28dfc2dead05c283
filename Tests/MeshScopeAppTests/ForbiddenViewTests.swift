import Foundation
import MeshClient
import MeshGen
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// Views of a namespace-scoped user's data: what was refused is said in place, counted apart
/// from failures in the header, and `:proxies` without istiod lists the reachable proxies.
@Suite struct ForbiddenViewTests {
    /// The demo's bookinfo pods only, as a user who may read bookinfo alone lists them.
    static func bookinfoOnly() throws -> ClusterSnapshot {
        var snap = try EmptyStateTests.cluster(dropping: { $0.metadata.namespace != DemoMesh.sidecarNamespace })
        snap.namespaces = []
        snap.namespacesRead = ["pods": [DemoMesh.sidecarNamespace]]
        snap.forbidden = [
            ForbiddenAccess(verb: "list", group: "", resource: "namespaces", namespace: nil),
            ForbiddenAccess(verb: "list", group: "", resource: "pods", namespace: nil),
            ForbiddenAccess(verb: "list", group: "", resource: "pods", namespace: "istio-system"),
        ]
        return snap
    }

    @Test func proxiesWithoutIstiodListTheReachableOnesAndSayWhy() throws {
        let snap = try Self.bookinfoOnly()
        let sidecars = MeshStore.proxies(from: snap.pods)
        #expect(!sidecars.isEmpty && !sidecars.contains { $0.kind == .istiod })
        let text = EmptyStateTests.screen(EmptyStateTests.data(snap, name: "prod-east"), EmptyStateTests.clusterInfo)
        for p in sidecars {
            let line = try #require(text.split(separator: "\n").first { $0.contains("\(p.name).\(p.namespace)") })
            #expect(line.contains("unavailable"))
            #expect(line.contains("istiod not found: forbidden: cannot list pods in istio-system (needs get/list on pods)"))
        }
    }

    @Test func headerCountsForbiddenApartFromFailing() throws {
        let snap = try Self.bookinfoOnly()
        let proxy = try #require(MeshStore.proxies(from: snap.pods).first)
        let refused = #"Forbidden: user "dev" (context "prod-east", bearer token) may not get pods/proxy "x:15000" in namespace "bookinfo": pods "x" is forbidden"#
        let sources = [
            LiveSource(proxy: proxy.key, endpoint: .stats): EmptyStateTests.failing(refused),
            LiveSource(proxy: proxy.key, endpoint: .clusters): EmptyStateTests.failing("connection refused"),
        ]
        let text = EmptyStateTests.screen(EmptyStateTests.data(snap, name: "prod-east", sources: sources), EmptyStateTests.clusterInfo, home: "pods")
        #expect(text.contains(" · 4 forbidden · 1 source failing"))
    }

    @Test func emptyTableOfARefusedKindSaysWhichRefusal() throws {
        let data = EmptyStateTests.data(try Self.bookinfoOnly(), name: "prod-east")
        let namespaces = EmptyStateTests.screen(data, EmptyStateTests.clusterInfo, home: "namespaces")
        #expect(namespaces.contains("forbidden: cannot list namespaces (needs get/list on namespaces)"))
        // A namespace read by itself is not hidden by the cluster-wide refusal; istio-system is.
        #expect(Forbidden.emptyTable("pods", namespace: DemoMesh.sidecarNamespace, data) == nil)
        #expect(Forbidden.emptyTable("pods", namespace: "istio-system", data) == "forbidden: cannot list pods in istio-system (needs get/list on pods)")
        #expect(Forbidden.emptyTable("pods", namespace: "payments", data) == "forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)")
        #expect(Forbidden.emptyTable("services", namespace: nil, data) == nil)
    }
}
