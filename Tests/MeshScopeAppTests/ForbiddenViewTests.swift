import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshTestSupport
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

/// The gaps an audit found: views and findings that still judged or described refused data
/// as absent.
extension ForbiddenViewTests {
    static let podsEverywhere = ForbiddenAccess(verb: "list", group: "", resource: "pods", namespace: nil)

    /// `-A` as a namespace-scoped user: every list refused, nothing read.
    static func allRefused() -> ClusterSnapshot {
        var snap = ClusterSnapshot()
        snap.forbidden = [
            ForbiddenAccess(verb: "list", group: "", resource: "namespaces", namespace: nil), podsEverywhere,
            ForbiddenAccess(verb: "list", group: "", resource: "services", namespace: nil),
            ForbiddenAccess(verb: "list", group: "networking.istio.io", resource: "virtualservices", namespace: nil),
            ForbiddenAccess(verb: "list", group: "security.istio.io", resource: "authorizationpolicies", namespace: nil),
        ]
        return snap
    }

    /// The TUI's findings: rules whose inputs were refused are "not evaluated: forbidden: …",
    /// not "ran and found nothing".
    @Test func findingsMarkRulesWhoseInputsWereRefused() throws {
        let report = FindingsEngine.evaluate(MeshFacts(data: EmptyStateTests.data(Self.allRefused(), name: "prod-east")))
        var reasons: [String: String] = [:]
        for n in report.notEvaluated { reasons[n.code] = n.reason }
        let refusedInputs: Set<FindingInput> = [.kubeObjects, .istioConfig, .syncStatus]
        for rule in FindingRules.all where !rule.reads.isDisjoint(with: refusedInputs) {
            #expect(!report.evaluated.contains(rule.code), "\(rule.code) ran on refused input")
        }
        for rule in FindingRules.all where rule.reads == [.kubeObjects] {
            #expect(reasons[rule.code] == "forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)")
        }
        for rule in FindingRules.all where rule.reads == [.istioConfig] || rule.reads == [.istioConfig, .kubeObjects] {
            #expect(reasons[rule.code] == "forbidden: cannot list virtualservices.networking.istio.io in all namespaces (needs get/list on virtualservices.networking.istio.io cluster-wide)")
        }
        #expect(reasons["MS0101"] == "istiod not found: forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)")
    }

    /// The `:ns` picker lists namespaces: their refusal empties it as it does `:namespaces`.
    @Test func namespacePickerSaysNamespacesWereRefused() throws {
        let data = EmptyStateTests.data(try Self.bookinfoOnly(), name: "prod-east")
        #expect(Forbidden.emptyTable("ns", namespace: nil, data) == "forbidden: cannot list namespaces (needs get/list on namespaces)")
        #expect(Forbidden.emptyTable("namespaces", namespace: nil, data) == Forbidden.emptyTable("ns", namespace: nil, data))
    }

    /// `:istio` lists the kinds refused everywhere with COUNT `forbidden`, and an empty
    /// `:istio` in a namespace says which kinds were refused there.
    @Test func istioViewSaysWhichKindsWereRefused() throws {
        let data = EmptyStateTests.data(Self.allRefused(), name: "prod-east")
        let text = EmptyStateTests.screen(data, EmptyStateTests.clusterInfo, home: "istio")
        let vs = try #require(text.split(separator: "\n").first { $0.contains("virtualservices.networking.istio.io") }, "\(text)")
        #expect(vs.contains("forbidden"))
        #expect(text.contains("authorizationpolicies.security.istio.io"))
        var snap = ClusterSnapshot()
        snap.forbidden = [ForbiddenAccess(verb: "list", group: "networking.istio.io", resource: "virtualservices", namespace: "istio-system")]
        let inNamespace = EmptyStateTests.data(snap, name: "prod-east")
        #expect(Forbidden.emptyTable("istio", namespace: "istio-system", inNamespace)
            == "forbidden: cannot list virtualservices.networking.istio.io in istio-system (needs get/list on virtualservices.networking.istio.io)")
        #expect(Forbidden.emptyTable("istio", namespace: "bookinfo", inNamespace) == nil)
    }

    /// `:ztunnel` without a ztunnel because istio-system's pods were refused says so.
    @Test func ztunnelViewSaysIstioSystemWasRefused() throws {
        let data = EmptyStateTests.data(try Self.bookinfoOnly(), name: "prod-east")
        #expect(EmptyStates.ztunnel(data) == "no ztunnel config dump: ztunnel not found: forbidden: cannot list pods in istio-system (needs get/list on pods)")
        let text = EmptyStateTests.screen(data, EmptyStateTests.clusterInfo, home: "ztunnel")
        #expect(text.contains("ztunnel not found: forbidden: cannot list pods in istio-system"), "\(text)")
        #expect(!text.contains("no pod labelled"))
    }
}

extension ForbiddenViewTests {
    /// `:istio` quotes, per kind, the refusal for the namespace shown (its own, else the
    /// cluster-wide one), whatever order the refusals came in; a kind read nowhere is a row
    /// naming its KIND.
    @Test func istioQuotesTheRefusalOfTheNamespaceShown() throws {
        var snap = ClusterSnapshot()
        func vs(_ ns: String?) -> ForbiddenAccess {
            var f = ForbiddenAccess(verb: "list", group: "networking.istio.io", resource: "virtualservices", namespace: ns)
            f.kind = "VirtualService"
            return f
        }
        snap.forbidden = [vs("other"), vs(nil), vs("bookinfo")]
        let own = Forbidden.istioKindsRefused(snap, in: "bookinfo")
        #expect(own.map(\.message) == ["forbidden: cannot list virtualservices.networking.istio.io in bookinfo (needs get/list on virtualservices.networking.istio.io)"])
        let elsewhere = Forbidden.istioKindsRefused(snap, in: "payments")
        #expect(elsewhere.map(\.message) == ["forbidden: cannot list virtualservices.networking.istio.io in all namespaces (needs get/list on virtualservices.networking.istio.io cluster-wide)"])
        #expect(Forbidden.istioKindsRefused(snap, in: nil).map(\.namespace) == [nil])
        // Refused in one namespace first, then in the one shown: the one shown is quoted.
        snap.forbidden = [vs("other"), vs("bookinfo")]
        #expect(Forbidden.istioKindsRefused(snap, in: "bookinfo").map(\.namespace) == ["bookinfo"])
        snap.forbidden = [vs(nil)]
        // A kind read nowhere and refused is a row of its own: KIND as the refusal names it.
        let rows = Forbidden.istioKinds(snap, in: nil).rows.filter { $0[0] == "virtualservices.networking.istio.io" }
        #expect(rows.map { Array($0.prefix(4)) } == [["virtualservices.networking.istio.io", "VirtualService", "networking.istio.io", "forbidden"]])
    }
}

extension ForbiddenViewTests {
    /// Live `:edges` under `-A` with every pod refused: the refusal, worded as every empty
    /// table of a refused kind words it, not "no Envoy or ztunnel pod in the cluster".
    @Test func edgesWithEveryPodRefusedSayTheRefusal() throws {
        let data = EmptyStateTests.data(Self.allRefused(), name: "prod-east")
        let said = try #require(Forbidden.emptyTable("pods", namespace: nil, data))
        #expect(EmptyStates.edges(data, try #require(data.live)) == said)
        let text = EmptyStateTests.screen(data, EmptyStateTests.clusterInfo, home: "edges")
        #expect(text.contains("forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)"), "\(text)")
        #expect(!text.contains("no Envoy"))
    }

    /// `:pods` without istiod (istio-system refused): the proxies' SYNC says `unavailable`,
    /// the word `:proxies` uses, and the title and `d` say why; pods without a proxy keep `-`.
    @Test func podsSyncIsUnavailableWhenIstiodIsRefused() throws {
        let snap = try Self.bookinfoOnly()
        let data = EmptyStateTests.data(snap, name: "prod-east")
        let text = EmptyStateTests.screen(data, EmptyStateTests.clusterInfo, home: "pods")
        let why = "istiod not found: forbidden: cannot list pods in istio-system (needs get/list on pods)"
        #expect(text.contains("SYNC unavailable: \(why)"), "\(text)")
        let table = try LiveViews.pods.build(data).table
        let sync = try #require(table.columns.firstIndex { $0.name == "SYNC" })
        for (i, pod) in snap.pods.enumerated() {
            let proxied = !MeshStore.proxies(from: [pod]).isEmpty
            #expect(table.rows[i][sync] == (proxied ? ProxySyncStatus.unavailable : "-"), "\(pod.metadata.name)")
        }
        #expect(StatusColors.role("SYNC", ProxySyncStatus.unavailable) == StatusColors.role("SYNC", Forbidden.reachableProxies(data)?.table.rows.first?[2] ?? ""))
        let proxy = try #require(snap.pods.first { !MeshStore.proxies(from: [$0]).isEmpty })
        let described = try #require(LiveViews.describePod(data, namespace: proxy.metadata.namespace ?? "", name: proxy.metadata.name))
        #expect(described.contains("istiod:     SYNC unavailable: \(why)"), "\(described)")
    }
}

extension ForbiddenViewTests {
    /// `:istio` as the demo's bookinfo user (the fake API server's RBAC, as `--demo-user
    /// bookinfo` gets it) counts in the `:ns` in effect: in istio-system, where every list is
    /// refused, each kind's COUNT says `forbidden` and WHY which refusal (shown whole on the
    /// bottom line for the selected row); in bookinfo, that namespace's objects.
    @Test func istioCountsInTheNamespaceInEffect() async throws {
        let setup = try await DemoSetup.start("meshscope-istio-ns")
        func snapshot(_ kubeconfig: String) async throws -> ClusterSnapshot {
            let env = KubeconfigLoader.Environment(variables: [:], home: setup.dir + "/home", serviceAccountRoot: setup.dir + "/sa")
            let client = try KubeClient(connection: try KubeconfigLoader(environment: env).load(.init(kubeconfig: kubeconfig)),
                                        options: TransportOptions(requestTimeout: 60))
            let source = ClusterMeshSource(client: client, admin: AdminClient(.apiServerProxy(client), timeout: 60, maxConcurrent: 8), namespace: nil, syncTimeout: 60)
            do {
                let snap = try await source.cluster()
                await source.close()
                await client.shutdown()
                return snap
            } catch {
                await source.close()
                await client.shutdown()
                throw error
            }
        }
        let admin: ClusterSnapshot, user: ClusterSnapshot
        do {
            admin = try await snapshot(setup.kubeconfig)
            user = try await snapshot(try setup.demo.writeRestrictedKubeconfig(namespace: DemoMesh.sidecarNamespace, path: setup.dir + "/bookinfo"))
            await setup.stop()
        } catch {
            await setup.stop()
            throw error
        }
        let kinds = admin.meshObjects.keys.sorted()
        #expect(kinds.contains("destinationrules.networking.istio.io"))
        let istioSystem = ClusterMeshSource.controlPlaneNamespace
        var d = try Driver("envoy/waypoint/config_dump.json", width: 250, height: 60)
        d.state = AppState(registry: LiveViews.registry(), data: EmptyStateTests.data(user, name: "meshscope-demo"),
                           source: EmptyStateTests.clusterInfo, home: "istio", size: Size(width: 250, height: 60), theme: .defaultDark, now: EmptyStateTests.t0)
        func run(_ command: String) {
            d.press(.char(":"))
            d.type(command)
            d.press(.enter)
        }
        func rows() throws -> [String: [String]] {
            let t = try #require(d.table)
            #expect(t.spec.name == "istio")
            return Dictionary(t.table.rows.map { ($0[0], $0) }, uniquingKeysWith: { a, _ in a })
        }
        run("ns \(istioSystem)")
        #expect(d.state.flash?.text == "namespace \(istioSystem)")
        var byKind = try rows()
        #expect(d.table?.table.columns.map(\.name) == ["RESOURCE", "KIND", "APIVERSION", "COUNT", "WHY"])
        // A cluster-scoped kind (GatewayClass) is refused cluster-wide, so everywhere.
        let clusterScoped = Set(admin.resources.filter { !$0.namespaced }.map(\.qualifiedName))
        #expect(clusterScoped.contains("gatewayclasses.gateway.networking.k8s.io"))
        func refused(_ kind: String, in ns: String) -> String {
            clusterScoped.contains(kind) ? "forbidden: cannot list \(kind) in all namespaces (needs get/list on \(kind) cluster-wide)"
                : "forbidden: cannot list \(kind) in \(ns) (needs get/list on \(kind))"
        }
        for kind in kinds {
            let row = try #require(byKind[kind], "\(kind) missing in \(istioSystem)")
            #expect(row[3] == "forbidden", "\(row)")
            #expect(row[4] == refused(kind, in: istioSystem), "\(row)")
        }
        // The cell is coloured as every forbidden cell is, and the selected row's refusal is said whole.
        #expect(StatusColors.role("COUNT", "forbidden") == .statusWarn)
        // A narrow screen drops KIND and APIVERSION before WHY.
        let selected = try #require(d.table?.selectedRow?[0])
        d.state.size = Size(width: 100, height: 40)
        #expect(d.screen.lines.joined(separator: "\n").contains("WHY: forbidden: cannot list \(selected)"), "\(d.screen.lines.joined(separator: "\n"))")
        d.state.size = Size(width: 250, height: 60)
        #expect(d.screen.lines.contains { $0.contains(selected) && $0.contains(refused(selected, in: istioSystem)) })
        run("ns \(DemoMesh.sidecarNamespace)")
        byKind = try rows()
        for kind in kinds where clusterScoped.contains(kind) {
            #expect(byKind[kind]?[3] == "forbidden")
            #expect(byKind[kind]?[4] == refused(kind, in: DemoMesh.sidecarNamespace))
        }
        for kind in kinds where !clusterScoped.contains(kind) {
            #expect(byKind[kind]?[4] == "")
            let here = admin.meshObjects[kind]!.filter { $0.metadata.namespace == nil || $0.metadata.namespace == DemoMesh.sidecarNamespace }.count
            #expect(byKind[kind]?[3] == String(here), "\(kind)")
        }
        // Every namespace: what was read (bookinfo's), as :pods lists it.
        run("ns all")
        byKind = try rows()
        for kind in kinds {
            #expect(byKind[kind]?[3] == (clusterScoped.contains(kind) ? "forbidden" : String(user.meshObjects[kind]?.count ?? 0)), "\(kind)")
        }
        // New data keeps the namespace counted in.
        run("ns \(istioSystem)")
        d.send(.loaded(EmptyStateTests.data(user, name: "meshscope-demo"), at: EmptyStateTests.t0))
        #expect(try rows()["destinationrules.networking.istio.io"]?[3] == "forbidden")
    }
}
