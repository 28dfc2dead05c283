import Foundation
import Testing
import MeshGen
@testable import MeshModel

/// The join and the tables over the demo mesh's generated outputs, without any network.
@Suite struct LiveAccumulatorTests {
    let demo = DemoMesh()

    func proxies() -> [MeshState.Proxy] {
        demo.proxyPods.map { p in
            let pod = demo.pods[p]
            let kind: MeshState.ProxyKind = switch pod.mode {
            case .gateway: .gateway
            case .waypoint: .waypoint
            case .ztunnel: .ztunnel
            case .istiod: .istiod
            default: .sidecar
            }
            return MeshState.Proxy(name: pod.name, namespace: pod.namespace, kind: kind, node: pod.node, ip: pod.ip)
        }
    }

    func body(_ p: MeshState.Proxy, _ e: LiveSource.Endpoint, tick: Int, since: Int = 0) -> [UInt8] {
        let i = demo.pod(named: p.name, namespace: p.namespace)!
        switch e {
        case .stats: return demo.envoyPrometheus(pod: i, tick: tick, since: since)
        case .clusters: return demo.envoyClustersJSON(pod: i, tick: tick, since: since)
        case .configDump: return Array(#"{"configs":[]}"#.utf8)
        case .ztunnelDump: return demo.ztunnelConfigDump(node: p.node, tick: tick)
        case .ztunnelMetrics: return demo.ztunnelMetrics(node: p.node, tick: tick, since: since)
        case .syncz: return demo.istiodSyncz(tick: tick)
        case .connections: return demo.istiodConnections(tick: tick)
        case .statsJSON: return []  // read by the store for focused proxies, never in a round
        }
    }

    func round(_ acc: inout LiveAccumulator, tick: Int, restarted: String? = nil) throws -> [String] {
        var dirty: [String] = []
        for p in proxies() {
            for e in p.kind.endpoints {
                let decoded = try LiveDecoded.decode(e, body(p, e, tick: tick, since: p.key == restarted ? tick - 1 : 0))
                dirty += acc.apply(LiveSource(proxy: p.key, endpoint: e), decoded, at: Date(timeIntervalSince1970: Double(tick)))
            }
        }
        return dirty
    }

    @Test func edgesWithRatesAcrossSidecarsZtunnelsAndWaypoint() throws {
        var acc = LiveAccumulator()
        acc.setProxies(proxies())
        _ = try round(&acc, tick: 3_600)
        let first = acc.snapshot(statuses: [:], complete: true, at: Date(timeIntervalSince1970: 3_600))
        #expect(first.edges.allSatisfy { $0.rates == nil })
        _ = try round(&acc, tick: 3_602)
        let state = acc.snapshot(statuses: [:], complete: true, at: Date(timeIntervalSince1970: 3_602))
        #expect(state.generation == 2)
        #expect(state.interval == 2)
        // Sidecar edge: destination-reported, requests from Envoy.
        let details = try #require(state.edges.first { $0.source == "productpage-v1.bookinfo" && $0.destination == "details-v1.bookinfo" })
        #expect(details.reporter == "destination")
        #expect((details.rates?.requests ?? 0) > 15)
        // Ambient edge: bytes and connections from ztunnel, requests from the waypoint.
        let ambient = try #require(state.edges.first { $0.source == "productpage-v1.bookinfo-ambient" && $0.destination == "reviews-v3.bookinfo-ambient" })
        #expect(ambient.reporter == "destination+waypoint")
        #expect((ambient.rates?.requests ?? 0) > 0)
        #expect((ambient.rates?.errors ?? 0) > 0)
        #expect((ambient.rates?.sent ?? 0) > 0)
        // The plaintext edge is there to be found.
        #expect(state.edges.contains { $0.source == "curl-legacy.legacy" && $0.security == .plaintext })
        let table = LiveTables.edges(state, namespace: "bookinfo").render()
        #expect(table.hasPrefix("SOURCE   "))
        #expect(table.contains("curl-legacy.legacy"))
        // Edges wholly in bookinfo-ambient are filtered out; the one into bookinfo (the ambient
        // ratings reading bookinfo's MongoDB) stays.
        #expect(!table.contains("productpage-v1.bookinfo-ambient"))
        #expect(table.contains("ratings-v1.bookinfo-ambient"))
    }

    /// Both sidecars of a sidecar-to-sidecar edge report it (the client as `source` with
    /// security `unknown`, the server as `destination` with `mutual_tls`): one row, mTLS,
    /// the destination's counts. Every demo edge is exactly one row. An edge whose client has
    /// no healthy host never reaches the server: only the client reports it (`unknown`).
    @Test func oneRowPerEdgeWhenBothSidecarsReport() throws {
        var acc = LiveAccumulator()
        acc.setProxies(proxies())
        _ = try round(&acc, tick: 3_600)
        _ = try round(&acc, tick: 3_602)
        let state = acc.snapshot(statuses: [:], complete: true, at: Date(timeIntervalSince1970: 3_602))
        let pairs = state.edges.map { "\($0.source) \($0.destination) \($0.service)" }
        #expect(Set(pairs).count == pairs.count, "\(pairs)")
        #expect(state.edges.count == demo.edges.count)
        let clientOnly = Set(demo.edges.filter(\.failsAtClient).map { "\(demo.workloads[$0.source].name).\(demo.workloads[$0.source].namespace)" })
        #expect(!clientOnly.isEmpty)
        #expect(state.edges.filter { $0.security == .unknown }.allSatisfy { clientOnly.contains($0.source) && $0.reporter == "source" })
        let gw = try #require(state.edges.first { $0.source.hasPrefix("istio-ingressgateway.") && $0.destination == "productpage-v1.bookinfo" })
        #expect(gw.security == .mutualTLS && gw.reporter == "destination")
        // The gateway's own (source) report would say the same requests; the row holds the server's.
        let page = try #require(demo.pods.firstIndex { $0.namespace == "bookinfo" && $0.name.hasPrefix("productpage-v1") })
        let e = try #require(demo.edges.first { demo.workloads[$0.destination].name == "productpage-v1" && demo.workloads[$0.destination].namespace == "bookinfo" })
        let served = DemoTraffic.counters(e, pod: demo.pods[page].replica, tick: 3_602, http: true)
        #expect(gw.requests == Double(served.requests))
        #expect(gw.sourcePrincipal == "spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account")
    }

    @Test func restartNeverGivesNegativeRates() throws {
        var acc = LiveAccumulator()
        acc.setProxies(proxies())
        _ = try round(&acc, tick: 3_600)
        let details = proxies().first { $0.name.hasPrefix("details-v1") && $0.namespace == "bookinfo" }!
        _ = try round(&acc, tick: 3_602, restarted: details.key)
        let state = acc.snapshot(statuses: [:], complete: true, at: Date())
        for e in state.edges {
            let r = try #require(e.rates)
            #expect(r.opened >= 0 && r.sent >= 0 && r.received >= 0 && (r.requests ?? 0) >= 0 && (r.errors ?? 0) >= 0)
        }
        let page = proxies().first { $0.name.hasPrefix("productpage-v1") && $0.namespace == "bookinfo" }!
        _ = try round(&acc, tick: 3_604, restarted: page.key)
        let after = acc.snapshot(statuses: [:], complete: true, at: Date())
        let hosts = try #require(LiveTables.hosts(after, proxy: page))
        let rqs = try #require(hosts.columns.firstIndex { $0.name == "RQ/S" })
        #expect(hosts.rows.count == 6)
        for row in hosts.rows { #expect(!row[rqs].hasPrefix("-")) }
        #expect(hosts.rows.contains { $0[rqs].hasSuffix("(reset)") })
    }

    @Test func syncChangeMarksConfigDumpDirty() throws {
        var acc = LiveAccumulator()
        let all = proxies()
        #expect(acc.setProxies(all).count == all.count)
        _ = try round(&acc, tick: 3_600)
        // Same push: nothing to refetch; next push (every 60 ticks): every Envoy's sync version moves.
        #expect(try round(&acc, tick: 3_602).isEmpty)
        let dirty = try round(&acc, tick: 3_600 + DemoMesh.pushInterval)
        #expect(dirty.count == demo.xdsClients.count)
        // A pod change (new resourceVersion) marks only that proxy.
        var changed = all
        changed[0].podVersion = "2"
        #expect(acc.setProxies(changed) == [all[0].key])
    }

    @Test func xdsAndZtunnelAndHostTables() throws {
        var acc = LiveAccumulator()
        acc.setProxies(proxies())
        _ = try round(&acc, tick: 3_600)
        _ = try round(&acc, tick: 3_602)
        let state = acc.snapshot(statuses: [:], complete: true, at: Date(timeIntervalSince1970: 1_795_000_000))
        let xds = LiveTables.xds(state, now: state.time).render()
        let staleID = demo.proxyID(demo.stalePod)
        let staleLine = try #require(xds.split(separator: "\n").first { $0.hasPrefix(staleID) })
        #expect(staleLine.contains("EDS STALE"))
        #expect(xds.split(separator: "\n").count == demo.xdsClients.count + 1)
        let zt = LiveTables.ztunnel(state, namespace: "bookinfo-ambient").render()
        #expect(zt.hasPrefix("NODE"))
        #expect(zt.contains("HBONE"))
        let page = try #require(state.proxies.first { $0.name.hasPrefix("productpage-v1") && $0.namespace == "bookinfo" })
        let hosts = try #require(LiveTables.hosts(state, proxy: page)).render(wide: true)
        #expect(hosts.contains("RQ/S"))
        #expect(hosts.contains("outbound|9080||reviews.bookinfo.svc.cluster.local"))
    }

    @Test func garbageIsAnErrorNamingWhatWasExpected() {
        #expect(throws: LiveDecodeError.self) { try LiveDecoded.decode(.clusters, Array("<html>oops</html>".utf8)) }
        do {
            _ = try LiveDecoded.decode(.stats, Array("{{{ not metrics\n!!!\n".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("not Prometheus text: 2 malformed lines (line 1"))
        }
    }

    @Test func bytesFormatting() {
        #expect(LiveTables.bytes(512) == "512B")
        #expect(LiveTables.bytes(12_800) == "12.5KiB")
        #expect(LiveTables.bytes(3 * 1_048_576) == "3MiB")
    }
}
