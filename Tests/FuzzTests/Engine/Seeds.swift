import Foundation
import MeshGen
import MeshModel
import MeshTestSupport

/// Seeds: real captures from ../shared/fixtures (read in place, never copied) and small
/// outputs of the MeshGen generators. Large captures are also offered cut to their first
/// lines, so the CLI targets spend their minute on many inputs instead of a few big ones.
enum Seeds {
    static func fixture(_ path: String) -> [UInt8] {
        do { return try Fixtures.bytes(path) } catch { fatalError("\(error)") }
    }

    /// The first `lines` lines of a text capture.
    static func head(_ bytes: [UInt8], lines: Int) -> [UInt8] {
        var n = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            n += 1
            if n == lines { return Array(bytes[...i]) }
        }
        return bytes
    }

    static let demo = DemoMesh(.init(services: 2, replicas: 1))
    static let sidecarPod = demo.proxyPods.first { demo.pods[$0].mode == .sidecar } ?? 0
    static let waypointPod = demo.proxyPods.first { demo.pods[$0].mode == .waypoint }

    static let envoyDumpFixtures = [
        "envoy/waypoint/config_dump.json", "envoy/sidecar/config_dump.json", "envoy/sidecar/config_dump_changed.json",
        "envoy/bootstrap/config_dump.json", "envoy/ecds/config_dump.json", "envoy/endpoints/config_dump.json",
        "envoy/routes/empty-gateway/config_dump.json", "envoy/routes/istio-gateway-http-route-prefix/config_dump.json",
        "envoy/routes/k8s-gateway-http-route-path-prefix/config_dump.json", "envoy/secrets/istio/config_dump.json",
        "envoy/secrets/spire/config_dump.json", "envoy-admin/is160/config_dump.json", "envoy-admin/pp11/config_dump.json",
        "envoy-admin/egress/config_dump.json",
    ]

    /// Envoy config dumps; `small` leaves out the ones over 100 KB.
    static func envoyDumps(small: Bool) -> [[UInt8]] { allEnvoyDumps.filter { !small || $0.count < 100_000 } }

    /// Built once: every target that reads dumps shares them.
    private static let allEnvoyDumps: [[UInt8]] = {
        var out = envoyDumpFixtures.map(fixture)
        out.append(EnvoyDumpGenerator(mesh: SyntheticMesh(services: 3, replicas: 1, namespaces: 2, seed: 7)).generate())
        out.append(demoSidecarDump)
        if let w = waypointPod { out.append(demo.waypointConfigDump(pod: w, certificates: nil)) }
        return out
    }()

    static let demoSidecarDump = demo.envoyConfigDump(pod: sidecarPod, certificates: nil)

    static let adminCaptures = ["is160", "pp11", "egress"]

    static func clusters(small: Bool) -> [[UInt8]] {
        adminCaptures.map { fixture("envoy-admin/\($0)/clusters.txt") }.map { small ? head($0, lines: 150) : $0 }
            + [demo.envoyClustersJSON(pod: sidecarPod, tick: 3)]
    }

    static func stats(small: Bool) -> [[UInt8]] {
        adminCaptures.map { fixture("envoy-admin/\($0)/stats.txt") }.map { small ? head($0, lines: 250) : $0 }
            + [demo.envoyStatsJSON(pod: sidecarPod, tick: 3), head(demo.envoyPrometheus(pod: sidecarPod, tick: 3), lines: small ? 250 : .max)]
    }

    static let certs: [[UInt8]] = {
        var out = adminCaptures.map { fixture("envoy-admin/\($0)/certs.json") }
        if let f = try? CertificateFactory(), let pem = try? f.leafPEM(namespace: "shop", serviceAccount: "web", serial: 42) {
            out.append(Array(pem.utf8))
        }
        return out
    }()

    static let ztunnelDumps: [[UInt8]] = [
        fixture("ztunnel/config_dump.json"),
        ZtunnelDumpGenerator.generate(.init(workloads: 6, services: 3, layout: .list, seed: 3)),
        ZtunnelDumpGenerator.generate(.init(workloads: 4, services: 2, layout: .map, seed: 4)),
        demo.ztunnelConfigDump(node: demo.nodes[0], tick: 2),
    ]

    /// Pairs of metrics samples (now, previous).
    static let ztunnelMetrics: [FuzzCase] = [
        FuzzCase(parts: [MetricsGenerator.generate(.init(series: 6, tick: 2)), MetricsGenerator.generate(.init(series: 6, tick: 0))]),
        FuzzCase(parts: [MetricsGenerator.generate(.init(series: 4, flavor: .envoy, tick: 3)), MetricsGenerator.generate(.init(series: 4, flavor: .envoy, tick: 1))]),
        FuzzCase(parts: [demo.ztunnelMetrics(node: demo.nodes[0], tick: 4), demo.ztunnelMetrics(node: demo.nodes[0], tick: 2)]),
    ]

    /// Pairs of istiod outputs (syncz or CSDS, /debug/connections).
    static let istiod: [FuzzCase] = [
        FuzzCase(parts: [fixture("istiod/expected/proxy-status.json"), demo.istiodConnections(tick: 1)]),
        FuzzCase(parts: [demo.istiodSyncz(tick: 2), demo.istiodConnections(tick: 2)]),
    ]

    static let kubeconfigs: [[UInt8]] = [
        """
        apiVersion: v1
        kind: Config
        current-context: prod
        clusters:
        - name: prod
          cluster:
            server: https://127.0.0.1:6443
            insecure-skip-tls-verify: true
        - name: dev
          cluster: {server: "http://127.0.0.1:8080", proxy-url: "http://127.0.0.1:3128", tls-server-name: api}
        users:
        - name: admin
          user: {token: abc, username: u, password: p}
        - name: plugin
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: ./fuzz-credential-plugin-never-run
              args: ["--x"]
              env: [{name: A, value: b}]
              interactiveMode: Never
        contexts:
        - name: prod
          context: {cluster: prod, user: admin, namespace: shop}
        - name: dev
          context: {cluster: dev, user: plugin}
        preferences: {}
        """,
        #"{"apiVersion":"v1","kind":"Config","current-context":"a","clusters":[{"name":"c","cluster":{"server":"https://[::1]:443","certificate-authority-data":"LS0tLS1CRUdJTg=="}}],"users":[{"name":"u","user":{"client-certificate-data":"eA==","client-key-data":"eA=="}}],"contexts":[{"name":"a","context":{"cluster":"c","user":"u"}}]}"#,
    ].map { Array($0.utf8) }

    static let manifests: [[UInt8]] = {
        var out: [[UInt8]] = [Array("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
              labels: {app: reviews}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}, weight: 100}]
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: a}
              data: {k: "v", n: "1"}
            ---
            # empty
            """.utf8)]
        out += demo.kubernetesObjects().prefix(3)
        return out
    }()

    /// A small snapshot (metadata, one sidecar with its responses, a ztunnel), as written.
    static let snapshot: [UInt8] = {
        var out: [UInt8] = []
        var w = SnapshotWriter(flushThreshold: 1 << 16) { out.append(contentsOf: $0.bytes) }
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let meta = SnapshotMetadata(takenAt: at, sourceKind: "cluster", sourceName: "fuzz", context: "fuzz", defaultNamespace: "bookinfo",
                                    namespaces: nil, options: .init())
        let pods = APIResource(group: "", version: "v1", name: "pods", kind: "Pod", namespaced: true, shortNames: ["po"])
        let objects = demo.kubernetesObjects().prefix(2).compactMap { try? JSONDocument(bytes: $0).root }
        let p = SnapshotWriter.Proxy(
            name: "web-0", namespace: "bookinfo", kind: "sidecar", node: "n1", ip: "10.0.0.1",
            responses: ["configDump": .init(fetchedAt: at, body: head(demoSidecarDump, lines: 400)),
                        "statsPrometheus": .init(fetchedAt: at, body: head(demo.envoyPrometheus(pod: sidecarPod, tick: 2), lines: 40)),
                        "clusters": .init(fetchedAt: at, body: demo.envoyClustersJSON(pod: sidecarPod, tick: 2))],
            earlier: ["statsPrometheus": .init(fetchedAt: at.addingTimeInterval(-1), body: head(demo.envoyPrometheus(pod: sidecarPod, tick: 1), lines: 40))])
        let z = SnapshotWriter.Proxy(name: "ztunnel-a", namespace: "istio-system", kind: "ztunnel",
                                     responses: ["ztunnelConfigDump": .init(fetchedAt: at, body: ZtunnelDumpGenerator.generate(.init(workloads: 2, services: 1)))])
        do {
            try w.begin(meta)
            try w.kubernetes(resources: [pods], objects: [("pods", objects)])
            _ = try w.proxy(p)
            _ = try w.proxy(z)
            try w.finish(completedAt: at.addingTimeInterval(2), failures: [], summary: .object([("edges", .array([]))]))
        } catch {
            fatalError("snapshot seed: \(error)")
        }
        return out
    }()
}
