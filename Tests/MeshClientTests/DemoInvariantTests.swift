import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import MeshTestSupport
import Testing
@testable import MeshScopeApp

/// The demo agrees with itself: the facts one view shows are the facts every other view
/// shows. Walked as a user would, through the real client over loopback (API server, pod
/// proxy, admin servers, the store), then again over a snapshot of it written by the
/// snapshot collector and reopened as a snapshot source. Expected values come from what the
/// demo was built from (namespace labels, EndpointSlice readiness, the traffic plan, which pod
/// runs istiod), never from the views under test.
@Suite(.serialized) struct DemoInvariantTests {
    /// One walk: a source, the state a store published from it, and its cluster objects.
    struct Walk {
        var mesh: DemoMesh
        var source: any MeshSource
        var state: MeshState
        var cluster: ClusterSnapshot
        /// Admin answers are read as they are now (live) or as recorded (snapshot).
        var live: Bool

        /// What the TUI's views read (as `LiveFeed.data()` assembles it).
        var data: SourceData {
            var d = SourceData(name: "demo")
            d.cluster = cluster
            d.live = state
            d.producedAt = state.time
            d.proxyStatus = state.syncz?.proxies
            d.edges = state.edges
            d.ztunnel = state.ztunnels.min { $0.key < $1.key }?.value
            return d
        }

        func pod(_ ns: String, _ prefix: String) throws -> DemoMesh.Pod {
            try #require(mesh.pods.first { $0.namespace == ns && $0.name.hasPrefix(prefix) })
        }
    }

    // MARK: Running the walks

    static func withDemoSource<T>(_ body: (DemoCluster, ClusterMeshSource, String) async throws -> T) async throws -> T {
        let setup = try await DemoSetup.start("meshscope-invariants")
        var source: ClusterMeshSource?
        var client: KubeClient?
        func teardown() async {
            await source?.close()
            await client?.shutdown()
            await setup.stop()
        }
        do {
            let c = try KubeClient(connection: try setup.connection(), options: TransportOptions(requestTimeout: 30))
            client = c
            let s = ClusterMeshSource(client: c, admin: AdminClient(.apiServerProxy(c), timeout: 30, maxConcurrent: 8), namespace: nil, syncTimeout: 30)
            source = s
            let r = try await body(setup.demo, s, setup.dir)
            await teardown()
            return r
        } catch {
            await teardown()
            throw error
        }
    }

    /// The first complete state with rates and no failing source, from a store over `source`.
    static func liveState(_ source: any MeshSource) async throws -> MeshState {
        let store = MeshStore.over(source, options: .init(refresh: 0.5, maxConcurrent: 8, maxBackoff: 2))
        let poller = Task { await store.run() }
        defer { poller.cancel() }
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if let s = await store.current, s.complete, s.interval != nil, s.failing.isEmpty, s.syncz != nil, !s.ztunnels.isEmpty {
                poller.cancel()
                await poller.value
                return s
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        poller.cancel()
        await poller.value
        throw FailedWalk("no complete live state without failures in 90 s")
    }

    struct FailedWalk: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    @Test func liveDemoAgreesWithItself() async throws {
        try await Self.withDemoSource { demo, source, _ in
            let walk = Walk(mesh: demo.mesh, source: source, state: try await Self.liveState(source), cluster: try await source.cluster(), live: true)
            try await Self.checkAll(walk)
        }
    }

    @Test func snapshotOfTheDemoAgreesWithItself() async throws {
        try await Self.withDemoSource { demo, source, dir in
            let file = dir + "/demo-snapshot.json"
            let result = try await SnapshotCollector.write(source: source, to: file, options: SnapshotOptions(rateInterval: 1))
            // The one failure is planted: istiod has no view of the proxy it does not list.
            let unlisted = demo.mesh.pods[demo.mesh.faults.notConnected]
            #expect(result.failures.map { "\($0.proxy ?? "-") \($0.request ?? "-")" } == ["\(unlisted.namespace)/\(unlisted.name) istiodConfigDump"],
                    "\(result.failures.map { "\($0.proxy) \($0.request): \($0.reason)" })")
            let snapshot = try await SnapshotMeshSource.open(path: file)
            let state = try snapshot.meshState()
            let walk = Walk(mesh: demo.mesh, source: snapshot, state: state, cluster: try await snapshot.cluster(), live: false)
            try await Self.checkAll(walk)
        }
    }

    static func checkAll(_ w: Walk) async throws {
        try headerCountsTheRowsOfProxies(w)
        try await everyDestinationRuleNamedExists(w)
        try await noHealthyEndpointMeans503UH(w)
        try ztunnelWaypointIsTheServicesWaypoint(w)
        try await istiodColumnIsTheIstiodDiffUses(w)
        try syncStatesAreSpelledOnce(w)
        try noCallsWithoutSuccessfulRequests(w)
        try await plantedSyncFaultsAgree(w)
        try await plantedEnvoyFaultsAgree(w)
        try await plantedCertificateFaultsAgree(w)
        try plantedSecurityAndAmbientFaultsAgree(w)
        try await plantedAuthorizationDenialAgrees(w)
    }

    // MARK: Invariants

    /// The header's "N proxies" counts the pods that run a proxy; `:proxies` has a row for
    /// each of them istiod lists: all but the planted proxy istiod does not know (MS0104).
    static func headerCountsTheRowsOfProxies(_ w: Walk) throws {
        let rows = try MeshViews.proxies.build(w.data).table.rows.count
        // Pods that run an Envoy or a ztunnel (an `istio-proxy` container), from the pods' own specs.
        let proxyPods = w.cluster.pods.filter { p in p.containers.contains { $0.name == "istio-proxy" } }
        let listed = Set((w.state.syncz?.proxies ?? []).map(\.proxyID))
        let unlisted = proxyPods.filter { !listed.contains($0.metadata.name + "." + ($0.metadata.namespace ?? "")) }.map(\.metadata.name)
        #expect(unlisted == [w.mesh.pods[w.mesh.faults.notConnected].name])
        #expect(w.state.proxyCount == proxyPods.count, "header says \(w.state.proxyCount) proxies, \(proxyPods.count) pods run one")
        #expect(rows == proxyPods.count - unlisted.count)
    }

    /// Every DestinationRule a cluster's Istio metadata names is an object of `:istio`.
    static func everyDestinationRuleNamedExists(_ w: Walk) async throws {
        let held = Set((w.cluster.meshObjects["destinationrules.networking.istio.io"] ?? []).map { "\($0.metadata.namespace ?? "")/\($0.metadata.name)" })
        var named: Set<String> = []
        for p in w.mesh.pods where p.mode.hasEnvoy {
            let dump = try EnvoyConfigDump(document: JSONDocument(bytes: try await w.source.admin(pod: p.name, namespace: p.namespace, request: .configDump)))
            for c in ClusterView.clusters(dump, includeWarming: true) {
                guard let path = c.istioConfigPath else { continue }
                // /apis/networking.istio.io/v1/namespaces/NS/destination-rule/NAME
                let parts = path.split(separator: "/")
                guard let i = parts.firstIndex(of: "namespaces"), parts.count >= i + 4 else { Issue.record("bad config path \(path)"); continue }
                #expect(parts[i + 2] == "destination-rule", "\(path)")
                named.insert("\(parts[i + 1])/\(parts[i + 3])")
            }
        }
        #expect(!named.isEmpty, "no cluster names a DestinationRule: the invariant checks nothing")
        #expect(named.subtracting(held).isEmpty, "named but missing from the API server: \(named.subtracting(held).sorted())")
        let istio = try LiveViews.istio.build(w.data).table
        let row = try #require(istio.rows.first { $0[0] == "destinationrules.networking.istio.io" })
        #expect(row.last == String(held.count))
    }

    /// A client that sees no healthy endpoint of the service fails every request itself: the
    /// edge is 100% errors as the client reports it (503, UH), and its Envoy stats agree.
    static func noHealthyEndpointMeans503UH(_ w: Walk) async throws {
        // Services whose EndpointSlices have endpoints and none ready.
        var ready: [String: (ready: Int, total: Int)] = [:]
        for s in w.cluster.endpointSlices {
            guard let name = s.serviceName else { continue }
            let key = "\(s.metadata.namespace ?? "")/\(name)"
            for e in s.endpoints { ready[key, default: (0, 0)].total += 1; if e.ready { ready[key, default: (0, 0)].ready += 1 } }
        }
        let dead = Set(ready.filter { $0.value.total > 0 && $0.value.ready == 0 }.map(\.key))
        #expect(!dead.isEmpty, "no service without a healthy endpoint: the invariant checks nothing")
        let table = LiveTables.edges(w.state)
        let errColumn = try #require(table.columns.firstIndex { $0.name == "ERR%" })
        var checked = 0
        for e in w.mesh.edges {
            let svc = w.mesh.services[e.service], src = w.mesh.workloads[e.source], dst = w.mesh.workloads[e.destination]
            guard dead.contains("\(svc.namespace)/\(svc.name)"), src.mode.hasEnvoy, svc.protocolName == "http" else { continue }
            checked += 1
            let source = "\(src.name).\(src.namespace)", destination = "\(dst.name).\(dst.namespace)"
            let edge = try #require(w.state.edges.first { $0.source == source && $0.destination == destination }, "no edge \(source) → \(destination)")
            #expect(edge.reporter == "source", "\(source) → \(destination) reported by \(edge.reporter)")
            #expect((edge.requests ?? 0) > 0)
            #expect(edge.errors == edge.requests, "\(source) → \(destination): \(edge.errors ?? -1) errors of \(edge.requests ?? -1)")
            if let r = edge.rates, let requests = r.requests, requests > 0 { #expect(r.errors == requests) }
            let row = try #require(table.rows.first { $0[0] == source && $0[1] == destination })
            #expect(row[errColumn] == "100", "ERR% \(row[errColumn])")

            // The client's own words: metrics first, then its Envoy stats, then metrics again.
            let client = try #require(src.pods.first.map { w.mesh.pods[$0] })
            func uh() async throws -> Double {
                let text = PrometheusText.parse(try await w.source.admin(pod: client.name, namespace: client.namespace, request: .statsPrometheus))
                var sum = 0.0
                for s in text.samples where s.name == "istio_requests_total" {
                    let l = Dictionary(s.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                    guard l["reporter"] == "source", l["destination_service"] == svc.fqdn, l["destination_workload"] == dst.name else { continue }
                    #expect(l["response_code"] == "503" && l["response_flags"] == "UH", "\(l)")
                    sum += s.value
                }
                return sum
            }
            let before = try await uh()
            let stats = try StatsSnapshot.decode(try await w.source.admin(pod: client.name, namespace: client.namespace, request: .statsJSON))
            let after = try await uh()
            let cluster = "cluster.outbound|\(svc.port)||\(svc.fqdn)"
            #expect(stats.stat("\(cluster).upstream_rq_total")?.value == .integer(0))
            let noneHealthy = try #require(stats.stat("\(cluster).upstream_cx_none_healthy")?.value.doubleValue)
            let rq503 = try #require(stats.stat("\(cluster).upstream_rq_503")?.value.doubleValue)
            #expect(noneHealthy > 0 && rq503 == noneHealthy)
            // Counters only grow: what the stats said lies between the two metrics readings
            // (a snapshot recorded the stats first, the metrics after).
            #expect(noneHealthy <= after)
            if w.live { #expect(before <= noneHealthy) }
        }
        #expect(checked > 0)
    }

    /// ztunnel's WAYPOINT for a service is the waypoint its `istio.io/use-waypoint` names
    /// (its own label, else its namespace's); a waypoint's own service has none.
    static func ztunnelWaypointIsTheServicesWaypoint(_ w: Walk) throws {
        var nsLabel: [String: String] = [:]
        for ns in w.cluster.namespaces { nsLabel[ns.metadata.name] = ns.metadata.labels["istio.io/use-waypoint"] }
        var expected: [String: String?] = [:]
        for s in w.cluster.services {
            let ns = s.metadata.namespace ?? ""
            let isWaypoint = s.metadata.labels["istio.io/waypoint-for"] != nil
            let waypoint: String? = s.metadata.labels["istio.io/use-waypoint"] ?? (isWaypoint ? nil : nsLabel[ns])
            expected["\(ns)/\(s.metadata.name)"] = .some(waypoint)
        }
        let svcTable = try LiveViews.services.build(w.data).table
        let svcWaypoint = try #require(svcTable.columns.firstIndex { $0.name == "WAYPOINT" })
        var withWaypoint = 0
        #expect(!w.state.ztunnels.isEmpty)
        for (node, index) in w.state.ztunnels {
            let table = ZtunnelViews.serviceTable(ZtunnelViews.services(index), index: index)
            for row in table.rows {
                let key = "\(row[0])/\(row[1])"
                let want = try #require(expected[key], "ztunnel on \(node) knows \(key), the API server does not")
                #expect(row[3] == (want ?? "None"), "ztunnel on \(node): \(key) WAYPOINT \(row[3]), its label says \(want ?? "none")")
                if want != nil { withWaypoint += 1 }
                let svcRow = try #require(svcTable.rows.first { $0[0] == row[0] && $0[1] == row[1] })
                #expect(svcRow[svcWaypoint] == (want ?? "<none>"), ":svc \(key) WAYPOINT \(svcRow[svcWaypoint])")
            }
        }
        #expect(withWaypoint > 0, "no service with a waypoint: the invariant checks nothing")
    }

    /// The ISTIOD column of `:proxies` names the istiod `D` asks for the proxy's config, and
    /// `D` works on the source (live or snapshot).
    static func istiodColumnIsTheIstiodDiffUses(_ w: Walk) async throws {
        let istiodPod = try #require(w.cluster.pods.first { $0.metadata.labels["app"] == "istiod" })
        let table = try MeshViews.proxies.build(w.data).table
        let column = try #require(table.columns.firstIndex { $0.name == "ISTIOD" })
        #expect(!table.rows.isEmpty)
        for row in table.rows { #expect(row[column] == istiodPod.metadata.name, "\(row[0]): ISTIOD \(row[column])") }
        let stale = w.mesh.pods[w.mesh.stalePod]
        let connected = try await ProxyDumps.connectedIstiod(name: stale.name, namespace: stale.namespace, in: w.source)
        #expect(connected.name == istiodPod.metadata.name)
        let (istiod, envoy, from) = try await ProxyDumps.istiodAndEnvoy(name: stale.name, namespace: stale.namespace, in: w.source)
        #expect(from.name == istiodPod.metadata.name)
        #expect(IstiodEnvoyComparison.render(istiod: istiod, envoy: envoy).hasPrefix("Clusters Don't Match"))
    }

    /// A sync state reads the same in the `:proxies` table, in describe, and in the JSON of
    /// `connections --xds`; CSDS JSON keeps the wire names, which decode to the same state.
    static func syncStatesAreSpelledOnce(_ w: Walk) throws {
        let stale = w.mesh.pods[w.mesh.stalePod]
        let id = "\(stale.name).\(stale.namespace)"
        let table = try MeshViews.proxies.build(w.data).table
        let eds = try #require(table.columns.firstIndex { $0.name == "EDS" })
        let row = try #require(table.rows.first { $0[0] == id })
        let tableState = try #require(XdsTypeStatus.State(cell: row[eds]), "\(row[eds])")
        #expect(tableState == .stale)
        #expect(row[eds].hasPrefix(tableState.description))

        let describe = try #require(LiveViews.describePod(w.data, namespace: stale.namespace, name: stale.name))
        let line = try #require(describe.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("EDS") })
        #expect(line.trimmingCharacters(in: .whitespaces) == "EDS    \(tableState.description)", "\(line)")

        let xds = LiveTables.xds(w.state, now: w.state.time)
        let sync = try #require(xds.columns.firstIndex { $0.name == "SYNC" })
        let xdsRow = try #require(xds.rows.first { $0[0] == id })
        #expect(xdsRow[sync] == "EDS \(tableState.description)")

        // Every state word any view prints is the enum's description; none spells the wire name.
        for r in table.rows {
            for cell in r[2..<column(table, "ISTIOD")] {
                let s = try #require(XdsTypeStatus.State(cell: cell), "\(cell)")
                #expect(cell.hasPrefix(s.description))
            }
        }
        let csds = JSONWriter.string(ProxyStatusView.output(w.state.syncz?.proxies ?? []))
        let doc = try JSONDocument(bytes: Array(csds.utf8))
        var statuses: [String] = []
        func walk(_ v: JSONValue) {
            if v.isArray { for e in v.elements { walk(e) } }
            if v.isObject { for (k, m) in v.members { if k == "configStatus", let s = m.string { statuses.append(s) } else { walk(m) } } }
        }
        walk(doc.root)
        #expect(statuses.contains("STALE"))
        for s in statuses { #expect(XdsTypeStatus.State(rawValue: s) != nil, "\(s)") }
    }

    /// A workload makes calls only because calls reach it: every source of an edge is an entry
    /// point (an ingress gateway, or pods no Service selects: their clients are outside the
    /// mesh) or is the destination of an edge with successful requests or opened connections.
    /// A workload whose clients all fail locally (503 UH) has no outbound edge.
    static func noCallsWithoutSuccessfulRequests(_ w: Walk) throws {
        var reached: [String: Double] = [:]
        for e in w.state.edges { reached[e.destination, default: 0] += max(0, (e.requests ?? 0) - (e.errors ?? 0)) + e.opened }
        func pods(of workload: String) -> [KubePod] {
            // Workload ids are `deployment.namespace`; a deployment's pods are `deployment-<hash>-<hash>`.
            w.cluster.pods.filter { p in
                guard let ns = p.metadata.namespace, workload.hasSuffix("." + ns) else { return false }
                return p.metadata.name.hasPrefix(workload.dropLast(ns.count + 1) + "-")
            }
        }
        func isEntryPoint(_ workload: String) -> Bool {
            let members = pods(of: workload)
            let selected = members.contains { p in
                w.cluster.services.contains { s in
                    s.metadata.namespace == p.metadata.namespace && !s.selector.isEmpty && s.selector.allSatisfy { p.metadata.labels[$0.key] == $0.value }
                }
            }
            return !selected || members.contains { $0.metadata.labels["istio"] == "ingressgateway" }
        }
        var checked = 0
        for e in w.state.edges where !isEntryPoint(e.source) {
            checked += 1
            #expect((reached[e.source] ?? 0) > 0, "\(e.source) calls \(e.destination) though no request reaches it")
        }
        #expect(checked > 0, "every edge comes from an entry point: the invariant checks nothing")
        // The demo's unhealthy service (no ready endpoint) is such a workload: it calls nothing.
        let unhealthy = w.mesh.pods[w.mesh.unhealthyPod]
        let id = "\(w.mesh.workloads[unhealthy.workload].name).\(unhealthy.namespace)"
        #expect(!pods(of: id).isEmpty)
        #expect((reached[id] ?? 0) == 0 && w.state.edges.contains { $0.destination == id })
        #expect(!w.state.edges.contains { $0.source == id }, "\(id) gets no successful request yet calls \(w.state.edges.filter { $0.source == id }.map(\.destination))")
    }

    static func column(_ t: Table, _ name: String) -> Int { t.columns.firstIndex { $0.name == name } ?? t.columns.count }

    // MARK: Planted faults (DemoMesh.Faults): each says the same in every output

    /// The denied edge (the model's ``DemoMesh/Edge/deniedBy``) agrees everywhere: the API
    /// server holds the DENY AuthorizationPolicy selecting the destination; the destination's
    /// config dump has the RBAC filter istiod generates from it (DENY, the policy's rule by
    /// name); its RBAC stats count exactly the 403s it reports as destination; and the edge
    /// counts those 403s as errors.
    static func plantedAuthorizationDenialAgrees(_ w: Walk) async throws {
        let e = try #require(w.mesh.edges.first { $0.deniedBy != nil })
        let policyName = try #require(e.deniedBy)
        let src = w.mesh.workloads[e.source], dst = w.mesh.workloads[e.destination]
        let ap = try #require((w.cluster.meshObjects["authorizationpolicies.security.istio.io"] ?? []).first { $0.metadata.name == policyName })
        #expect(ap.metadata.namespace == dst.namespace)
        #expect(ap.raw["spec"]?["action"]?.string == "DENY")
        #expect(ap.raw["spec"]?["selector"]?["matchLabels"]?["app"]?.string == dst.app)
        let pod = w.mesh.pods[dst.pods[0]]
        let raw = try await w.source.admin(pod: pod.name, namespace: pod.namespace, request: .configDump)
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.contains("\"envoy.filters.http.rbac\""))
        #expect(text.contains("\"ns[\(dst.namespace)]-policy[\(policyName)]-rule[0]\""))
        #expect(text.contains("spiffe://\(w.mesh.trustDomain)/ns/\(src.namespace)/sa/\(src.serviceAccount)"))
        // One read: the filter's denials are the 403s the sidecar reports as destination.
        let prom = PrometheusText.parse(try await w.source.admin(pod: pod.name, namespace: pod.namespace, request: .statsPrometheus))
        let denied = prom.samples.filter { $0.name == "envoy_http_rbac_denied" }.reduce(0) { $0 + $1.value }
        let reported403 = prom.samples.filter { s in
            s.name == "istio_requests_total" && s.labels.contains { $0.name == "reporter" && $0.value == "destination" }
                && s.labels.contains { $0.name == "response_code" && $0.value == "403" }
        }.reduce(0) { $0 + $1.value }
        #expect(denied > 0 && denied == reported403, "rbac.denied \(denied), 403s reported \(reported403)")
        let edge = try #require(w.state.edges.first { $0.source == "\(src.name).\(src.namespace)" && $0.destination == "\(dst.name).\(dst.namespace)" })
        #expect((edge.errors ?? 0) > 0 && (edge.errors ?? 0) < (edge.requests ?? 0), "\(String(describing: edge.errors)) of \(String(describing: edge.requests))")
    }

    static func dump(_ w: Walk, _ p: Int) async throws -> EnvoyConfigDump {
        let pod = w.mesh.pods[p]
        return try EnvoyConfigDump(document: JSONDocument(bytes: try await w.source.admin(pod: pod.name, namespace: pod.namespace, request: .configDump)))
    }

    /// What istiod says of a proxy's sync is what the proxy holds: no listeners where LDS was
    /// never sent; the NACKed listener in `error_state` with istiod's error text; the old
    /// proxy's version in syncz, its image and its server_info; the unlisted pod's Envoy has
    /// no dynamic config.
    static func plantedSyncFaultsAgree(_ w: Walk) async throws {
        let f = w.mesh.faults
        let sync = try #require(w.state.syncz?.proxies)
        func status(_ p: Int) throws -> ProxySyncStatus { try #require(sync.first { $0.proxyID == w.mesh.proxyID(p) }, "\(w.mesh.proxyID(p)) not in syncz") }

        let noLDS = try status(f.listenersNotSent)
        #expect(noLDS.types.first { $0.typeURL == XdsType.listener }?.state == .notSent)
        #expect(noLDS.types.first { $0.typeURL == XdsType.cluster }?.state == .synced)
        let noLDSDump = try await dump(w, f.listenersNotSent)
        #expect(noLDSDump.listeners.filter { $0.state != .static }.isEmpty && noLDSDump.routeConfigs.isEmpty)
        #expect(!noLDSDump.clusters.isEmpty)

        let nack = try status(f.rejectedListener)
        let lds = try #require(nack.types.first { $0.typeURL == XdsType.listener })
        #expect(lds.state == .error)
        let rejected = try await dump(w, f.rejectedListener).listeners.filter { $0.state == .error }
        #expect(rejected.count == 1)
        #expect(rejected.first?.errorDetails == lds.lastError && lds.lastError?.contains(rejected.first?.name ?? "-") == true)

        #expect(!sync.contains { $0.proxyID == w.mesh.proxyID(f.notConnected) })
        let unlisted = try await dump(w, f.notConnected)
        #expect(unlisted.clusters.allSatisfy { $0.state == .static } && unlisted.listeners.isEmpty && unlisted.secrets.isEmpty)

        let old = w.mesh.pods[f.oldProxy]
        let version = try status(f.oldProxy).version
        let image = try #require(w.cluster.pods.first { $0.metadata.name == old.name }?.containers.first { $0.name == "istio-proxy" }?.image)
        #expect(IstioVersion.imageTag(image) == version)
        let info = try JSONDocument(bytes: try await w.source.admin(pod: old.name, namespace: old.namespace, request: .serverInfo)).root
        #expect(info["node"]?["metadata"]?["ISTIO_VERSION"]?.string == version)
        #expect(version != w.mesh.istioVersion)
    }

    /// The route to a missing cluster fails its requests with 503 NC at the client (no
    /// destination report, no upstream request); the refused connections are counted in the
    /// client's Envoy stats and its 503s say UF; warming resources sit in the warming lists.
    static func plantedEnvoyFaultsAgree(_ w: Walk) async throws {
        let f = w.mesh.faults
        let client = w.mesh.pods[f.client]
        let clientDump = try await dump(w, f.client)
        let clusters = Set(clientDump.clusters.map(\.name))
        let text = PrometheusText.parse(try await w.source.admin(pod: client.name, namespace: client.namespace, request: .statsPrometheus))
        let stats = try StatsSnapshot.decode(try await w.source.admin(pod: client.name, namespace: client.namespace, request: .statsJSON))
        var checked = 0
        for e in w.mesh.outbound(client.workload).map({ w.mesh.edges[$0] }) where e.noCluster || e.connectFailures {
            checked += 1
            let svc = w.mesh.services[e.service], dst = w.mesh.workloads[e.destination]
            let flags = Set(text.samples.filter { $0.name == "istio_requests_total" }.compactMap { s -> String? in
                let l = Dictionary(s.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                return l["destination_workload"] == dst.name && l["response_code"] == "503" ? l["response_flags"] : nil
            })
            let cluster = "outbound|\(svc.port)||\(svc.fqdn)"
            if e.noCluster {
                let missing = w.mesh.missingCluster(service: e.service)
                #expect(!clusters.contains(missing))
                #expect(clientDump.routeConfigs.contains { rc in rc.configuration.virtualHosts.contains { $0.routes.contains { $0.cluster == missing } } })
                #expect(flags == ["NC"])
                #expect(stats.stat("cluster.\(cluster).upstream_rq_total")?.value.doubleValue == 0)
                let edge = try #require(w.state.edges.first { $0.source == "\(w.mesh.workloads[e.source].name).\(client.namespace)" && $0.destination == "\(dst.name).\(dst.namespace)" })
                #expect(edge.reporter == "source" && edge.errors == edge.requests)
            } else {
                #expect(flags == ["UF"])
                let failed = try #require(stats.stat("cluster.\(cluster).upstream_cx_connect_fail")?.value.doubleValue)
                let rq5xx = try #require(stats.stat("cluster.\(cluster).upstream_rq_5xx")?.value.doubleValue)
                #expect(failed > 0 && failed == rq5xx)
            }
        }
        #expect(checked == 2)
        let warming = try await dump(w, f.warming)
        #expect(warming.clusters.contains { $0.state == .warming } && warming.listeners.contains { $0.state == .warming })
    }

    /// Each planted certificate is what the model says (expired, four hours left, not yet
    /// valid, another root) in the config dump, and the expired and not-yet-valid ones'
    /// workloads are on no edge (no handshake contradicts them).
    static func plantedCertificateFaultsAgree(_ w: Walk) async throws {
        let f = w.mesh.faults
        let now = Date()
        var roots: [String] = []
        for wl in [f.expiredCertificate, f.expiringCertificate, f.futureCertificate, f.otherRootCA] {
            let p = w.mesh.workloads[wl].pods[0]
            let d = try await dump(w, p)
            let leaf = try #require(SecretView.items(d).first { $0.name == "default" }?.certificate)
            // Roots by their bytes, as rootca-compare compares them.
            roots += d.secrets.filter { $0.name == "ROOTCA" }.compactMap { $0.trustedCABase64 ?? $0.trustedCAPEM }
            switch w.mesh.certificateFault(namespace: w.mesh.workloads[wl].namespace, serviceAccount: w.mesh.workloads[wl].serviceAccount) {
            case .expired: #expect(leaf.notAfter < now)
            case .expiresSoon: #expect(leaf.notAfter > now && leaf.notAfter.timeIntervalSince(now) < 6 * 3_600)
            case .notYetValid: #expect(leaf.notBefore > now)
            case .otherRoot: #expect(leaf.notAfter > now && leaf.notBefore < now)
            case nil: Issue.record("\(w.mesh.workloads[wl].name) has no certificate fault")
            }
            if wl == f.expiredCertificate || wl == f.futureCertificate {
                let name = "\(w.mesh.workloads[wl].name).\(w.mesh.workloads[wl].namespace)"
                #expect(!w.state.edges.contains { $0.source == name || $0.destination == name }, "\(name) talks with a certificate peers reject")
            }
        }
        // Another root CA signed ledger's certificate: two distinct roots among the four.
        #expect(Set(roots).count == 2, "\(roots)")
    }

    /// The plaintext edge's destination is the workload the STRICT PeerAuthentication
    /// selects, and the DestinationRule that disables TLS names its service; ztunnel lists
    /// every ambient pod but the uncaptured one (which has no redirection annotation), and
    /// has no certificate for the identity it says is Unavailable.
    static func plantedSecurityAndAmbientFaultsAgree(_ w: Walk) throws {
        let f = w.mesh.faults
        let strict = w.mesh.workloads[f.strictWorkload]
        let pa = try #require((w.cluster.meshObjects["peerauthentications.security.istio.io"] ?? []).first { $0.raw["spec"]?["mtls"]?["mode"]?.string == "STRICT" })
        #expect(pa.metadata.namespace == strict.namespace && pa.raw["spec"]?["selector"]?["matchLabels"]?["app"]?.string == strict.app)
        let edge = try #require(w.state.edges.first { $0.destination == "\(strict.name).\(strict.namespace)" })
        #expect(edge.security == .plaintext)
        let dr = try #require((w.cluster.meshObjects["destinationrules.networking.istio.io"] ?? []).first { $0.raw["spec"]?["trafficPolicy"]?["tls"]?["mode"]?.string == "DISABLE" })
        #expect(dr.raw["spec"]?["host"]?.string == w.mesh.services[strict.service ?? 0].fqdn)

        let uncaptured = w.mesh.pods[f.uncaptured]
        let listed = Set(w.state.ztunnels.values.flatMap { $0.dump.workloads.map(\.name) })
        #expect(!listed.contains(uncaptured.name))
        for p in w.cluster.pods where p.metadata.namespace == DemoMesh.faultsAmbientNamespace {
            #expect(listed.contains(p.metadata.name) == (p.metadata.annotations["ambient.istio.io/redirection"] == "enabled"), "\(p.metadata.name)")
        }
        let noCert = w.mesh.workloads[f.noZtunnelCertificate]
        let identity = "spiffe://\(w.mesh.trustDomain)/ns/\(noCert.namespace)/sa/\(noCert.serviceAccount)"
        let certs = w.state.ztunnels.values.flatMap { $0.dump.certificates }.filter { $0.identity == identity }
        #expect(!certs.isEmpty && certs.allSatisfy { $0.state.hasPrefix("Unavailable") && $0.certChain.isEmpty })
    }
}
