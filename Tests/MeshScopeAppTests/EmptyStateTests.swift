import Foundation
import MeshClient
import MeshGen
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// Empty and failed views say, for their kind of source, what was looked for and what
/// answered: a file source names the file to give, a live one the pods and endpoints.
@Suite struct EmptyStateTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let refused = "dial tcp 10.4.0.12:15014: connect: connection refused"

    /// The app on `data`, opened on `home`: the screen's text.
    static func screen(_ data: SourceData, _ info: SourceInfo, home: String = "proxies", live: Bool = true) -> String {
        let registry = live ? LiveViews.registry() : AppViews.registry()
        var state = AppState(registry: registry, data: data, source: info, home: home, size: Size(width: 250, height: 30),
                             theme: .defaultDark, now: t0)
        state.loadedAt = t0
        // The runtime's first load goes through update, as every later one does.
        state = App.update(state, .loaded(data, at: t0)).0
        return App.view(state).lines.joined(separator: "\n")
    }

    /// The demo's pods without the ones `drop` matches, as a cluster would list them.
    static func cluster(dropping drop: (KubePod) -> Bool = { _ in false }) throws -> ClusterSnapshot {
        var snap = try LiveDemoData.cluster()
        snap.pods.removeAll(where: drop)
        return snap
    }

    static func isIstiod(_ p: KubePod) -> Bool { p.metadata.labels["app"] == "istiod" }

    /// A polled state over the snapshot's proxies, with `sources` as the store reported them.
    static func data(_ snap: ClusterSnapshot?, name: String, sources: [LiveSource: SourceStatus] = [:]) -> SourceData {
        var state = MeshState()
        state.generation = 1
        state.proxies = MeshStore.proxies(from: snap?.pods ?? [])
        state.sources = sources
        var d = SourceData(name: name)
        d.cluster = snap
        d.live = state
        return d
    }

    static func failing(_ reason: String) -> SourceStatus {
        var s = SourceStatus()
        s.state = .failing(reason: reason)
        s.consecutiveFailures = 3
        return s
    }

    static let clusterInfo = SourceInfo(kind: .cluster, label: "prod-east", context: "prod-east")

    @Test func fileSourceAsksForTheFile() throws {
        let text = Self.screen(SourceData(name: "config_dump.json"), SourceInfo(kind: .file, label: "file config_dump.json"), live: false)
        #expect(text.contains("no istiod sync status loaded (add --file syncz.json: istiod /debug/syncz or a CSDS response)"))
    }

    @Test func clusterWithoutIstiodSaysWhatWasLookedFor() throws {
        let snap = try Self.cluster(dropping: Self.isIstiod)
        #expect(snap.pods.count == LiveDemoData.mesh.pods.count - 1)
        let text = Self.screen(Self.data(snap, name: "prod-east"), Self.clusterInfo)
        #expect(text.contains("no istiod found: no running pod labelled app=istiod or istio=pilot in any readable namespace (\(snap.pods.count) pods read)"))
        #expect(!text.contains("--file"))
    }

    @Test func clusterWhoseIstiodRefusesNamesItAndTheAnswer() throws {
        let snap = try Self.cluster()
        let istiod = try #require(MeshStore.proxies(from: snap.pods).first { $0.kind == .istiod })
        let data = Self.data(snap, name: "prod-east", sources: [LiveSource(proxy: istiod.key, endpoint: .syncz): Self.failing(Self.refused)])
        let text = Self.screen(data, Self.clusterInfo)
        #expect(text.contains("no istiod sync status from the cluster prod-east: istiod \(istiod.key) :15014/debug/syncz failed: \(Self.refused)"))
        #expect(!text.contains("--file"))
    }

    @Test func clusterWhosePodsCannotBeListed() throws {
        let forbidden = #"pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope"#
        let data = Self.data(nil, name: "prod-east", sources: [LiveSource(proxy: "kubernetes", endpoint: .syncz): Self.failing(forbidden)])
        #expect(Self.screen(data, Self.clusterInfo).contains("no istiod sync status: the cluster prod-east: the pods could not be listed: \(forbidden)"))
        #expect(Self.screen(data, Self.clusterInfo, home: "pods").contains("the cluster prod-east: the pods could not be listed: \(forbidden)"))
    }

    @Test func clusterBeforeTheFirstAnswers() throws {
        var data = Self.data(nil, name: "prod-east")
        data.live?.generation = 0
        #expect(Self.screen(data, Self.clusterInfo).contains("looking for istiod in the cluster prod-east: pods labelled app=istiod or istio=pilot…"))
        #expect(Self.screen(data, Self.clusterInfo, home: "pods").contains("waiting for the cluster's objects (listing namespaces, pods, services from prod-east)…"))
        // istiod found, its syncz not answered yet.
        let snap = try Self.cluster()
        let istiod = try #require(MeshStore.proxies(from: snap.pods).first { $0.kind == .istiod })
        #expect(Self.screen(Self.data(snap, name: "prod-east"), Self.clusterInfo).contains("asking istiod \(istiod.key) for :15014/debug/syncz…"))
    }

    @Test func demoWhoseIstiodFails() throws {
        let snap = try Self.cluster()
        let istiod = try #require(MeshStore.proxies(from: snap.pods).first { $0.kind == .istiod })
        let data = Self.data(snap, name: "demo mesh", sources: [LiveSource(proxy: istiod.key, endpoint: .syncz): Self.failing("HTTP 503")])
        let text = Self.screen(data, SourceInfo(kind: .demo, label: "demo mesh"))
        #expect(text.contains("no istiod sync status from the demo: istiod \(istiod.key) :15014/debug/syncz failed: HTTP 503"))
    }

    @Test func snapshotWithoutIstiodSaysSo() throws {
        let snap = try Self.cluster(dropping: Self.isIstiod)
        let info = SourceInfo(kind: .snapshot, label: "mesh.json.gz")
        let text = Self.screen(Self.data(snap, name: "mesh.json.gz"), info)
        #expect(text.contains("no istiod in this snapshot: none of its pods is labelled app=istiod or istio=pilot (\(snap.pods.count) pods read)"))
        #expect(!text.contains("--file"))
        // Without Kubernetes objects, the Kubernetes views say the snapshot has none.
        #expect(Self.screen(Self.data(nil, name: "mesh.json.gz"), info, home: "pods").contains("this snapshot (mesh.json.gz) holds no Kubernetes objects"))
    }

    @Test func ztunnelTabsPerSource() throws {
        func message(_ data: SourceData) -> String {
            do { _ = try data.requireZtunnel(); return "" } catch { return error.description }
        }
        var file = SourceData(name: "dump.json")
        file.origin = .file
        #expect(message(file) == "no ztunnel config dump loaded (give --file ztunnel_config_dump.json)")
        var noZtunnel = Self.data(try Self.cluster(dropping: { $0.metadata.labels["app"] == "ztunnel" }), name: "prod-east")
        noZtunnel.origin = .cluster
        #expect(message(noZtunnel).hasPrefix("no ztunnel found: no running pod labelled app=ztunnel in any readable namespace ("))
        let snap = try Self.cluster()
        let zt = try #require(MeshStore.proxies(from: snap.pods).first { $0.kind == .ztunnel })
        var refused = Self.data(snap, name: "prod-east", sources: [LiveSource(proxy: zt.key, endpoint: .ztunnelDump): Self.failing("connection refused")])
        refused.origin = .cluster
        #expect(message(refused).hasPrefix("no ztunnel config dump from the cluster prod-east: ztunnel \(zt.key) :15000/config_dump failed: connection refused"))
    }

    @Test func endpointsOfALiveProxyNameItsClustersAnswer() throws {
        let snap = try Self.cluster()
        let sidecar = try #require(MeshStore.proxies(from: snap.pods).first { $0.kind == .sidecar })
        var data = Self.data(snap, name: "prod-east", sources: [LiveSource(proxy: sidecar.key, endpoint: .clusters): Self.failing("HTTP 502")])
        data.origin = .cluster
        data.focus = ProxyFocus(proxy: sidecar)
        #expect(EmptyStates.endpoints(data)
            == "no endpoints for \(sidecar.proxyID) in the cluster prod-east: its :15000/clusters?format=json failed: HTTP 502, and its config dump has no EDS section")
        var file = SourceData(name: "dump.json")
        file.origin = .file
        #expect(EmptyStates.endpoints(file).hasSuffix("no /clusters file was given (--file clusters.txt)"))
    }

    /// Live `:edges` with no edge says which metrics were read (counted from the pods the
    /// store found: Envoys and ztunnels), which failed, or that none has answered yet.
    @Test func emptyLiveEdgesSayWhatWasRead() throws {
        let snap = try Self.cluster()
        let proxies = MeshStore.proxies(from: snap.pods)
        // Expected counts from the pods' own specs: an `istio-proxy` container, ztunnels labelled app=ztunnel.
        let ztunnels = snap.pods.filter { $0.metadata.labels["app"] == "ztunnel" }
        let envoys = snap.pods.filter { p in p.containers.contains { $0.name == "istio-proxy" } && p.metadata.labels["app"] != "ztunnel" }
        #expect(!envoys.isEmpty && !ztunnels.isEmpty)
        func key(_ p: KubePod) -> String { "\(p.metadata.namespace ?? "")/\(p.metadata.name)" }
        func sources(_ status: (KubePod, Bool) -> SourceStatus) -> [LiveSource: SourceStatus] {
            var out: [LiveSource: SourceStatus] = [:]
            for p in envoys { out[LiveSource(proxy: key(p), endpoint: .stats)] = status(p, false) }
            for p in ztunnels { out[LiveSource(proxy: key(p), endpoint: .ztunnelMetrics)] = status(p, true) }
            return out
        }
        var ok = SourceStatus()
        ok.state = .ok
        func text(_ data: SourceData, _ info: SourceInfo = Self.clusterInfo) -> String {
            var d = data
            d.origin = info.kind
            do { _ = try LiveViews.edges.build(d); return "" } catch { return "\(error)" }
        }

        // Every metrics endpoint answered, none with Istio's counters.
        let read = text(Self.data(snap, name: "prod-east", sources: sources { _, _ in ok }))
        #expect(read.contains("no traffic yet in the cluster prod-east: \(envoys.count) Envoys and \(ztunnels.count) ztunnels read, "
            + "none reports istio_requests_total or istio_tcp_connections_opened_total"), "\(read)")
        #expect(!read.contains("--file"))

        // Nothing answered yet.
        let waiting = text(Self.data(snap, name: "demo mesh"), SourceInfo(kind: .demo, label: "demo mesh"))
        #expect(waiting == "waiting for the first metrics from \(envoys.count) Envoys and \(ztunnels.count) ztunnels in the demo…", "\(waiting)")
        // The app shows it where the table would be.
        #expect(Self.screen(Self.data(snap, name: "demo mesh"), SourceInfo(kind: .demo, label: "demo mesh"), home: "edges").contains(waiting))

        // Every one refused: the first three are named.
        let refused = text(Self.data(snap, name: "prod-east", sources: sources { _, _ in Self.failing("connection refused") }))
        let first = try #require(proxies.first { $0.kind != .istiod })
        #expect(refused.contains("no traffic metrics from the cluster prod-east: \(first.kind.rawValue) \(first.key) :"), "\(refused)")
        #expect(refused.contains("failed: connection refused; and \(envoys.count + ztunnels.count - 3) more"))

        // Envoys read, ztunnels failing: both said.
        let mixed = text(Self.data(snap, name: "mesh.json.gz", sources: sources { _, z in z ? Self.failing("HTTP 503") : ok }),
                         SourceInfo(kind: .snapshot, label: "mesh.json.gz"))
        #expect(mixed.contains("no traffic in the snapshot mesh.json.gz: \(envoys.count) Envoys and 0 ztunnels read, none reports"), "\(mixed)")
        #expect(mixed.contains("; \(ztunnels.count) failed (ztunnel "))

        // A cluster without any proxy pod.
        let bare = try Self.cluster(dropping: { p in p.containers.contains { $0.name == "istio-proxy" } })
        #expect(text(Self.data(bare, name: "prod-east")).contains(
            "no traffic: no Envoy (sidecar, gateway, waypoint) or ztunnel pod in the cluster prod-east (\(bare.pods.count) pods read)"))
    }

    @Test func liveOnlyViewsOnAFile() throws {
        var file = SourceData(name: "dump.json")
        file.origin = .file
        #expect(throws: SourceData.Unavailable.self) { try LiveViews.xds.build(file) }
        do { _ = try LiveViews.xds.build(file) } catch {
            #expect("\(error)" == "xDS clients need a live source (a cluster, --demo or --snapshot FILE); a --file source has no mesh to poll")
        }
    }
}
