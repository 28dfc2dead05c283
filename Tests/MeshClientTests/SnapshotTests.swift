import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel
import MeshScopeCLI
import Testing

/// Snapshots of the demo mesh on loopback: taken through the real client path, reopened
/// offline, compared with the live answers.
@Suite(.serialized) struct SnapshotTests {
    /// A running demo (counters frozen unless `tickSeconds` is small), its kubeconfig and a scratch directory.
    struct Demo {
        var cluster: DemoCluster
        var kubeconfig: String
        var dir: String
        var token: String

        func pod(_ namespace: String, _ prefix: String) -> DemoMesh.Pod {
            cluster.mesh.pods.first { $0.namespace == namespace && $0.name.hasPrefix(prefix) }!
        }

        func ref(_ namespace: String, _ prefix: String) -> String {
            let p = pod(namespace, prefix)
            return "\(p.name).\(p.namespace)"
        }

        func live(_ args: [String]) async -> (code: Int32, stdout: String, stderr: String) {
            await MeshScopeMain.invoke(args + ["--kubeconfig", kubeconfig])
        }

        func source() throws -> ClusterMeshSource {
            let env = KubeconfigLoader.Environment(variables: [:], home: dir + "/home", serviceAccountRoot: dir + "/sa")
            let connection = try KubeconfigLoader(environment: env).load(.init(kubeconfig: kubeconfig))
            let client = try KubeClient(connection: connection, options: TransportOptions(requestTimeout: 10))
            return ClusterMeshSource(client: client, admin: AdminClient(.apiServerProxy(client), timeout: 3, maxConcurrent: 16), namespace: nil, syncTimeout: 10)
        }
    }

    /// The demo behind a bearer token (so the safety test can look for it), torn down after `body`.
    static func withDemo<T>(tickSeconds: Double = 3600, _ body: (Demo) async throws -> T) async throws -> T {
        let cluster = try await DemoCluster.start(.init(services: 0, replicas: 1), tickSeconds: tickSeconds)
        let dir = NSTemporaryDirectory() + "meshscope-snapshot-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let token = "demo-bearer-\(UUID().uuidString)"
        cluster.api.addToken(token, user: "demo")
        let kubeconfig = dir + "/config"
        try """
        apiVersion: v1
        kind: Config
        clusters:
        - name: demo
          cluster:
            server: \(cluster.api.url)
        users:
        - name: demo
          user:
            token: \(token)
        contexts:
        - name: demo
          context:
            cluster: demo
            user: demo
            namespace: bookinfo
        current-context: demo

        """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        do {
            let r = try await body(Demo(cluster: cluster, kubeconfig: kubeconfig, dir: dir, token: token))
            await cluster.shutdown()
            try? FileManager.default.removeItem(atPath: dir)
            return r
        } catch {
            await cluster.shutdown()
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
    }

    /// Commands whose output must be identical live and from the snapshot: add one line per command.
    static func roundTripCommands(_ d: Demo) -> [[String]] {
        let pp = d.ref("bookinfo", "productpage-v1")
        let zt = d.cluster.mesh.pods.first { $0.mode == .ztunnel }.map { "\($0.name).\($0.namespace)" }!
        let istiod = d.ref("istio-system", "istiod")
        let gw = d.ref("istio-system", "istio-ingressgateway")
        return [
            ["get", "pods", "-A"],
            ["get", "pods", "-A", "-o", "wide"],
            ["get", "services", "-A"],
            ["get", "svc", "-n", "bookinfo-ambient", "-o", "wide"],
            ["get", "namespaces"],
            ["get", "pods"],
            ["get", "pods", "-A", "-l", "app in (productpage,reviews)"],
            ["get", "vs", "-A"],
            ["get", "gateways.gateway.networking.k8s.io", "-A"],
            ["get", "dr"],
            ["get", "peerauthentications", "-A", "-o", "wide"],
            ["get", "vs", "reviews"],
            // -o json/yaml differ by design: snapshots drop metadata.managedFields.
            ["admin", pp, "/clusters?format=json"],
            ["admin", pp, "/config_dump?include_eds"],
            ["admin", pp, "/server_info"],
            ["admin", pp, "/certs"],
            ["admin", pp, "/stats?format=json"],
            ["admin", pp, "/stats/prometheus"],
            // The read commands' live forms (POD instead of --file): the same tables offline.
            ["proxy-config", "cluster", pp],
            ["proxy-config", "listener", pp],
            ["proxy-config", "route", pp, "-o", "wide"],
            ["proxy-config", "endpoint", pp],
            ["proxy-config", "secret", pp],
            ["proxy-config", "bootstrap", pp, "-o", "json"],
            ["proxy-config", "all", gw],
            ["stats", pp],
            ["certs", pp],
            ["ztunnel-config", "workload", zt],
            ["ztunnel-config", "service", zt],
            ["ztunnel-config", "policy", zt],
            // Live, the context's namespace (bookinfo) unless -n/-A; a snapshot is read whole.
            ["proxy-status", "-A"],
            ["proxy-status", "-n", "bookinfo"],
            ["layers", "--from", pp, "--to", "reviews.bookinfo:9080"],
            ["layers", "--from", d.ref("bookinfo-ambient", "productpage-v1"), "--to", "reviews.bookinfo-ambient:9080"],
            ["diff", "--proxy", d.ref("bookinfo", "reviews-v1"), "--proxy", d.ref("bookinfo", "reviews-v2")],
            ["admin", gw, "/clusters?format=json"],
            ["admin", zt, "/config_dump"],
            ["admin", zt, "/metrics", "--port", "15020"],
            ["admin", istiod, "/debug/syncz", "--port", "15014"],
            ["admin", istiod, "/debug/connections", "--port", "15014"],
        ]
    }

    /// Istio and Gateway API objects (the demo has none of its own), written through server-side apply.
    static func seedMeshObjects(_ d: Demo) throws {
        let objects = [
            #"{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "reviews", "namespace": "bookinfo", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}}, "spec": {"hosts": ["reviews"], "http": [{"route": [{"destination": {"host": "reviews", "subset": "v1"}}]}]}}"#,
            #"{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": {"name": "reviews", "namespace": "bookinfo"}, "spec": {"host": "reviews", "subsets": [{"name": "v1", "labels": {"version": "v1"}}]}}"#,
            #"{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "waypoint", "namespace": "bookinfo-ambient"}, "spec": {"gatewayClassName": "istio-waypoint", "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}]}}"#,
            #"{"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication", "metadata": {"name": "default", "namespace": "istio-system"}, "spec": {"mtls": {"mode": "STRICT"}}}"#,
        ]
        for o in objects { _ = try d.cluster.api.write(try JSONTree(json: Array(o.utf8)), manager: "test") }
    }

    static func shutdown(_ s: ClusterMeshSource) async {
        await s.close()
        await s.adminClient.shutdown()
        await s.client.shutdown()
    }

    static func maskSeconds(_ text: String) -> String {
        // Column widths may follow a changed age, so runs of spaces are collapsed too.
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: " ").map { $0.wholeMatch(of: /(\d+m)?\d+s/) != nil ? "NNs" : String($0) }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    @Test func roundTripLiveEqualsSnapshot() async throws {
        try await Self.withDemo { d in
            try Self.seedMeshObjects(d)
            let file = d.dir + "/mesh.json"
            // The context names bookinfo: -A for the whole mesh (a snapshot is read whole offline).
            let taken = await d.live(["snapshot", "-A", "-o", file, "--rate-interval", "0"])
            #expect(taken.code == 0, "\(taken.stderr)")
            #expect(taken.stderr.contains("meshscope: wrote \(file) ("))
            #expect(taken.stdout.isEmpty)
            for args in Self.roundTripCommands(d) {
                let live = await d.live(args)
                let offline = await MeshScopeMain.invoke(args + ["--snapshot", file])
                #expect(live.code == 0, "\(args): \(live.stderr)")
                #expect(offline.code == live.code, "\(args): \(offline.stderr)")
                // Ages are as of the snapshot's time by design; objects the fake server created
                // when the test started are seconds old, so second-resolution ages are masked.
                #expect(Self.maskSeconds(offline.stdout) == Self.maskSeconds(live.stdout), "\(args.joined(separator: " ")) differs offline")
                #expect(offline.stderr == live.stderr, "\(args.joined(separator: " ")): stderr differs offline")
                #expect(!live.stdout.isEmpty, "\(args): \(live.stderr)")
            }
        }
    }

    @Test func gzipRoundTripAndSummary() async throws {
        try await Self.withDemo { d in
            let file = d.dir + "/mesh.json.gz"
            let taken = await d.live(["snapshot", "-o", file, "--rate-interval", "0", "-n", "bookinfo"])
            #expect(taken.code == 0, "\(taken.stderr)")
            let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(Gzip.isGzip(raw))
            let plain = try Gzip.decompress(raw)
            #expect(plain.count > raw.count * 3)
            let index = try SnapshotIndex(bytes: plain, name: file)
            #expect(index.metadata.namespaces == ["bookinfo"])
            #expect(index.metadata.context == "demo")
            #expect(index.metadata.options.rateInterval == nil)
            // -n bookinfo: bookinfo's sidecars plus the ztunnels and istiod that serve it.
            #expect(Set(index.proxies.map(\.namespace)) == ["bookinfo", "istio-system"])
            #expect(index.proxies.filter { $0.namespace == "istio-system" }.allSatisfy { $0.kind == "ztunnel" || $0.kind == "istiod" })

            let live = await d.live(["get", "pods", "-n", "bookinfo"])
            let offline = await MeshScopeMain.invoke(["get", "pods", "-n", "bookinfo", "--snapshot", file])
            #expect(offline.stdout == live.stdout)
            #expect(offline.code == 0)

            let summary = await MeshScopeMain.invoke(["snapshot", "--summary", file])
            #expect(summary.code == 0, "\(summary.stderr)")
            #expect(summary.stdout.contains("Snapshot:    \(file) ("))
            #expect(summary.stdout.contains(" gzip)"))
            #expect(summary.stdout.contains("Namespaces:  bookinfo\n"))
            #expect(summary.stdout.contains("Source:      cluster demo, context demo"))
            let sidecars = index.proxies.filter { $0.kind == "sidecar" }.count
            let kinds = TableText.parse(summary.stdout, header: "PROXY KIND")
            #expect(kinds.first { $0["PROXY KIND"] == "sidecar" }?["PROXIES"] == String(sidecars), "\(summary.stdout)")
            #expect(summary.stdout.contains(", server v1."))
            // The demo's Envoys serve every endpoint a snapshot collects: nothing failed.
            #expect(!summary.stdout.contains(" :15000/server_info: "))
        }
    }

    /// The file must never hold key material, the kubeconfig's token, or Secret data.
    @Test func snapshotHoldsNoSecrets() async throws {
        try await Self.withDemo { d in
            let source = try LeakySource(inner: d.source())
            let file = d.dir + "/mesh.json"
            let result = try await SnapshotCollector.write(source: source, to: file, options: SnapshotOptions(rateInterval: nil))
            await source.close()
            #expect(result.proxies > 10)
            #expect(result.redactions.secrets == 1)
            #expect(result.redactions.keyMaterial >= 2)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("PRIVATE KEY-----"), "PEM private key block in the snapshot")
            #expect(!text.contains(d.token), "the kubeconfig's bearer token is in the snapshot")
            #expect(!text.contains(LeakySource.keyBytes))
            #expect(!text.contains(LeakySource.secretData))
            // No Secret object with data anywhere in the Kubernetes section.
            let kube = try SnapshotIndex(bytes: bytes, name: file).kubernetes()
            for (_, items) in kube.objects {
                #expect(!items.contains { $0["kind"]?.string == "Secret" || $0.member(exactly: "data") != nil && $0["kind"]?.string == "Secret" })
            }
            // The demo's real certificates are kept (public parts).
            #expect(text.contains("BEGIN CERTIFICATE"))
        }
    }

    @Test func failingProxiesAreRecordedAndTheRestIsWritten() async throws {
        try await Self.withDemo { d in
            let broken = d.pod("bookinfo", "details-v1")
            let garbage = d.pod("bookinfo", "ratings-v1")
            let reset = d.pod("bookinfo", "reviews-v1")
            try d.cluster.setFault(.status500, pod: broken.name, namespace: broken.namespace)
            try d.cluster.setFault(.garbage, pod: garbage.name, namespace: garbage.namespace)
            try d.cluster.setFault(.reset, pod: reset.name, namespace: reset.namespace)
            let file = d.dir + "/mesh.json"
            let taken = await d.live(["snapshot", "-A", "-o", file, "--rate-interval", "0", "--request-timeout", "3s"])
            #expect(taken.code == 0, "\(taken.stderr)")
            #expect(taken.stderr.contains("meshscope: warning: not collected: bookinfo/\(broken.name) :15000/config_dump?include_eds: "))
            let index = try SnapshotIndex(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))), name: file)
            let brokenFailures = index.failures.filter { $0.proxy == "bookinfo/\(broken.name)" }
            #expect(Set(brokenFailures.compactMap(\.request)) == ["configDump", "clusters", "serverInfo", "certs", "statsJSON", "statsPrometheus"])
            #expect(brokenFailures.allSatisfy { $0.reason.contains("500") }, "\(brokenFailures)")
            #expect(index.failures.contains { $0.proxy == "bookinfo/\(reset.name)" && $0.request == "configDump" })
            // Garbage is kept as it came (as text) and recorded as not JSON.
            #expect(index.failures.contains { $0.proxy == "bookinfo/\(garbage.name)" && $0.request == "clusters" && $0.reason.hasPrefix("not JSON: ") && $0.reason.hasSuffix("(kept as text)") })
            // Everyone else is complete.
            // (and the demo's planted proxy istiod does not list: istiod has no view of it)
            let unlisted = d.cluster.mesh.pods[d.cluster.mesh.faults.notConnected]
            #expect(index.failures.filter { $0.proxy == "\(unlisted.namespace)/\(unlisted.name)" }.compactMap(\.request) == ["istiodConfigDump"])
            let healthy = index.proxies.filter { ![broken.name, garbage.name, reset.name, unlisted.name].contains($0.name) }
            #expect(healthy.count >= 10)
            for p in healthy where p.kind == "sidecar" {
                #expect(try index.responseKeys(p) == ["certs", "clusters", "configDump", "istiodConfigDump", "serverInfo", "statsJSON", "statsPrometheus"])
                #expect(index.failures(of: p).isEmpty)
            }
            #expect(index.proxy(name: broken.name, namespace: broken.namespace) != nil)

            // Reopened: the failure is the answer, with its reason.
            let missing = await MeshScopeMain.invoke(["admin", "\(broken.name).bookinfo", "/certs", "--snapshot", file])
            #expect(missing.code == 1)
            #expect(missing.stderr.hasPrefix("meshscope: snapshot \(file) has no /certs for \(broken.name).bookinfo: collecting it failed: "))
            #expect(missing.stderr.contains("500"))
            let garbled = await MeshScopeMain.invoke(["admin", "\(garbage.name).bookinfo", "/clusters?format=json", "--snapshot", file])
            #expect(garbled.code == 0)
            #expect(!garbled.stdout.isEmpty)
        }
    }

    @Test func noStatsAndProxySelector() async throws {
        try await Self.withDemo { d in
            let file = d.dir + "/pp.json"
            let taken = await d.live(["snapshot", "-o", file, "--no-stats", "--proxies", "app in (productpage,ztunnel)"])
            #expect(taken.code == 0, "\(taken.stderr)")
            let index = try SnapshotIndex(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: file))), name: file)
            #expect(Set(index.proxies.map(\.kind)) == ["sidecar", "ztunnel"])
            #expect(index.proxies.filter { $0.kind == "sidecar" }.allSatisfy { $0.name.hasPrefix("productpage") })
            let pp = try #require(index.proxies.first { $0.kind == "sidecar" })
            // istiod's view of the proxy is kept with it even when istiod itself is not selected.
            #expect(try index.responseKeys(pp) == ["certs", "clusters", "configDump", "istiodConfigDump", "serverInfo"])
            let stats = await MeshScopeMain.invoke(["admin", "\(pp.name).\(pp.namespace)", "/stats/prometheus", "--snapshot", file])
            #expect(stats.code == 1)
            #expect(stats.stderr == "meshscope: snapshot \(file) has no /stats/prometheus for \(pp.name).\(pp.namespace) (taken with --no-stats)\n")
            let details = d.pod("bookinfo", "details-v1")
            let notCollected = await MeshScopeMain.invoke(["admin", "\(details.name).bookinfo", "/server_info", "--snapshot", file])
            #expect(notCollected.stderr.contains("the pod is in the snapshot but was not collected as a proxy"))
            let other = await MeshScopeMain.invoke(["admin", "\(pp.name).\(pp.namespace)", "/listeners", "--snapshot", file])
            #expect(other.stderr.contains("keeps only the admin responses meshscope collects"))
        }
    }

    /// Two metrics samples a second apart: `connections` on the snapshot shows the rates it recorded.
    @Test func connectionsFromASnapshotHaveRates() async throws {
        try await Self.withDemo(tickSeconds: 0.1) { d in
            let file = d.dir + "/mesh.json"
            let taken = await d.live(["snapshot", "-o", file, "--rate-interval", "1s"])
            #expect(taken.code == 0, "\(taken.stderr)")
            let edges = await MeshScopeMain.invoke(["connections", "--edges", "--snapshot", file])
            #expect(edges.code == 0, "\(edges.stderr)")
            #expect(edges.stdout.hasPrefix("SOURCE "))
            #expect(edges.stdout.split(separator: "\n").contains { $0.hasPrefix("curl-legacy.legacy") && $0.contains("plaintext") })
            let source = try await SnapshotMeshSource.open(path: file)
            let state = try source.meshState()
            #expect(state.interval.map { $0 >= 0.9 } == true)
            #expect(state.edges.contains { ($0.rates?.requests ?? 0) > 0 })
            #expect(state.failing.isEmpty, "\(state.failing.map(\.0.description))")
            let pp = d.ref("bookinfo", "productpage-v1")
            let hosts = await MeshScopeMain.invoke(["connections", "--hosts", pp, "--snapshot", file])
            #expect(hosts.code == 0, "\(hosts.stderr)")
            #expect(hosts.stdout.contains("reviews"))
            let xds = await MeshScopeMain.invoke(["connections", "--xds", "--snapshot", file, "-A"])
            #expect(xds.code == 0, "\(xds.stderr)")
            #expect(xds.stdout.contains(pp))
            // The summary records the edges with their rates.
            let summary = try #require(source.index.summary())
            #expect((summary["edges"]?.count ?? 0) > 0)
            #expect(summary["rateInterval"]?.double == 1)
        }
    }

    @Test func stdoutStreamsTheDocument() async throws {
        try await Self.withDemo { d in
            let out = await d.live(["snapshot", "-o", "-", "--rate-interval", "0", "-n", "legacy"])
            #expect(out.code == 0, "\(out.stderr)")
            let index = try SnapshotIndex(bytes: Array(out.stdout.utf8), name: "stdout")
            #expect(index.metadata.namespaces == ["legacy"])
            #expect(!out.stderr.contains("wrote"))
        }
    }

    /// An interrupted collection never leaves a file under the final name (nor its temporary file).
    @Test func interruptedWriteLeavesNoFile() async throws {
        try await Self.withDemo { d in
            let file = d.dir + "/mesh.json"
            let inner = try d.source()
            let slow = SlowSource(inner: inner, finalPath: file)
            let task = Task { try await SnapshotCollector.write(source: slow, to: file, options: SnapshotOptions(rateInterval: nil, concurrency: 2)) }
            #expect(await eventually(timeout: 20) { slow.calls.withLock { $0 } >= 6 })
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            await Self.shutdown(inner)
            #expect(!FileManager.default.fileExists(atPath: file))
            #expect(slow.sawFinalName.withLock { $0 } == false)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: d.dir).filter { $0.contains("partial") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }

    @Test func failingSinkStopsTheCollection() async throws {
        try await Self.withDemo { d in
            let source = try d.source()
            struct Full: Error {}
            let written = Locked(0)
            await #expect(throws: Full.self) {
                _ = try await SnapshotCollector.collect(source: source, options: SnapshotOptions(rateInterval: nil)) { chunk in
                    if written.withLock({ $0 }) >= 0 { throw Full() }  // the demo fits in one chunk: the first write fails
                    written.withLock { $0 += chunk.bytes.count }
                }
            }
            await Self.shutdown(source)
            // And through a file: the error aborts, nothing under the final name.
            let file = d.dir + "/x.json"
            let f = try SnapshotFile.create(path: file, gzip: false)
            try f.write(.init(bytes: Array("{\"meshscopeSnapshot\":".utf8)))
            #expect(FileManager.default.fileExists(atPath: f.temporaryPath))
            #expect(!FileManager.default.fileExists(atPath: file))
            f.abort()
            #expect(!FileManager.default.fileExists(atPath: f.temporaryPath))
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test func newerAndOlderFormatsFromTheCLI() async throws {
        let dir = NSTemporaryDirectory() + "meshscope-snapshot-versions-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v2 = dir + "/v2.json"
        try #"{"meshscopeSnapshot": 2, "metadata": {"takenAt": "2027-01-01T00:00:00Z"}}"#.write(toFile: v2, atomically: true, encoding: .utf8)
        let refused = await MeshScopeMain.invoke(["get", "pods", "--snapshot", v2])
        #expect(refused.code == 1)
        #expect(refused.stderr == "meshscope: \(v2) is a version 2 snapshot; this meshscope (\(SnapshotFormat.meshscopeVersion)) reads versions up to 1: upgrade meshscope to open it\n")
        // A minimal hand-written version 1 file (no collection record) opens and answers.
        let v1 = dir + "/v1.json"
        try """
        {"meshscopeSnapshot": 1, "metadata": {"takenAt": "2026-10-01T10:00:00Z", "source": {"namespace": "shop"}},
         "kubernetes": {"apiResources": [{"group": "", "version": "v1", "name": "pods", "kind": "Pod", "namespaced": true, "shortNames": ["po"]}],
                        "objects": {"pods": [{"metadata": {"name": "web-0", "namespace": "shop", "creationTimestamp": "2026-10-01T09:00:00Z"},
                                              "spec": {"containers": [{"name": "app"}]}, "status": {"phase": "Running",
                                              "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "state": {"running": {}}}]}}]}},
         "proxies": []}
        """.write(toFile: v1, atomically: true, encoding: .utf8)
        let pods = await MeshScopeMain.invoke(["get", "po", "--snapshot", v1])
        #expect(pods.code == 0, "\(pods.stderr)")
        #expect(pods.stdout == "NAME    READY   STATUS    RESTARTS   AGE   MODE\nweb-0   1/1     Running   0          60m   none\n")
        let missing = await MeshScopeMain.invoke(["get", "pods", "--snapshot", dir + "/nope.json"])
        #expect(missing.code == 1)
        #expect(missing.stderr.hasPrefix("meshscope: cannot open snapshot \(dir)/nope.json: No such file"))
    }

    /// The documented schema's required members are what the demo snapshot has.
    @Test func demoSnapshotMatchesTheSchema() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let schema = try JSONDocument(bytes: [UInt8](Data(contentsOf: root.appendingPathComponent("docs/snapshot.schema.json"))))
        try await Self.withDemo { d in
            let file = d.dir + "/mesh.json"
            let taken = await d.live(["snapshot", "-o", file, "--rate-interval", "0"])
            #expect(taken.code == 0, "\(taken.stderr)")
            let snap = try JSONDocument(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
            SchemaCheck.check(snap.root, schema: schema.root, definitions: schema.root.member(exactly: "$defs"), path: "$")
        }
    }
}

/// A minimal JSON Schema walk: `required`, `type`, `properties`, `items`, `$ref` into `$defs`,
/// `additionalProperties` schemas and `const`. Enough to hold the file to its documented shape.
enum SchemaCheck {
    static func check(_ v: JSONValue, schema: JSONValue, definitions: JSONValue?, path: String) {
        var schema = schema
        if let ref = schema.member(exactly: "$ref")?.string, ref.hasPrefix("#/$defs/"), let def = definitions?.member(exactly: String(ref.dropFirst(8))) {
            schema = def
        }
        if let types = schema.member(exactly: "type") {
            let allowed = types.isArray ? types.elements.compactMap(\.string) : [types.string ?? ""]
            let actual: String
            switch v.kind {
            case .object: actual = "object"
            case .array: actual = "array"
            case .string: actual = "string"
            case .number: actual = v.rawText.contains(".") || v.rawText.contains("e") ? "number" : "integer"
            case .bool: actual = "boolean"
            case .null: actual = "null"
            }
            #expect(allowed.contains(actual) || (actual == "integer" && allowed.contains("number")), "\(path): \(actual), schema allows \(allowed)")
        }
        if let c = schema.member(exactly: "const") { #expect(v.rawText == c.rawText, "\(path): \(v.rawText) ≠ const \(c.rawText)") }
        if v.isObject {
            for r in schema.member(exactly: "required")?.elements.compactMap(\.string) ?? [] {
                #expect(v.member(exactly: r) != nil, "\(path) lacks required member \(r)")
            }
            let props = schema.member(exactly: "properties")
            let extra = schema.member(exactly: "additionalProperties")
            for (k, child) in v.members {
                if let s = props?.member(exactly: k) {
                    check(child, schema: s, definitions: definitions, path: path + "." + k)
                } else if let extra, extra.isObject {
                    check(child, schema: extra, definitions: definitions, path: path + "." + k)
                }
            }
        }
        if v.isArray, let items = schema.member(exactly: "items") {
            for (n, child) in v.elements.enumerated() where n < 50 {
                check(child, schema: items, definitions: definitions, path: path + "[\(n)]")
            }
        }
    }
}

final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// A source that leaks: a Secret among the objects, an unredacted private key in one
/// config dump, a PEM key in a metrics text. The writer must stop all of it.
final class LeakySource: MeshSource {
    static let keyBytes = "bGVha2VkLXByaXZhdGUta2V5LWJ5dGVz"
    static let secretData = "c3VwZXItc2VjcmV0LXBhc3N3b3Jk"
    let inner: ClusterMeshSource
    var info: MeshSourceInfo { inner.info }

    init(inner: ClusterMeshSource) { self.inner = inner }

    func cluster() async throws(MeshSourceError) -> ClusterSnapshot {
        var c = try await inner.cluster()
        let secret = try! JSONDocument(#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "bookinfo"}, "data": {"password": "\#(Self.secretData)"}}"#)
        c.rawObjects["pods"]?.append(KubeObject(secret.root))
        return c
    }

    func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        let body = try await inner.admin(pod: pod, namespace: namespace, request: request)
        guard pod.hasPrefix("productpage-v1"), namespace == "bookinfo" else { return body }
        switch request {
        case .configDump:
            // Envoy redacts private keys itself; a patched or older proxy might not.
            let text = String(decoding: body, as: UTF8.self)
            let leaked = text.replacingOccurrences(of: "\"W3JlZGFjdGVkXQ==\"", with: "\"\(Self.keyBytes)\"")
            return Array((leaked == text ? #"{"configs": [{"private_key": {"inline_bytes": "\#(Self.keyBytes)"}}]}"# : leaked).utf8)
        case .statsPrometheus:
            return body + Array("# -----BEGIN PRIVATE KEY-----\n# MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n# -----END PRIVATE KEY-----\n".utf8)
        default:
            return body
        }
    }

    func close() async { await SnapshotTests.shutdown(inner) }
}

/// Answers slowly and checks that the final file name never appears while collecting.
final class SlowSource: MeshSource {
    let inner: ClusterMeshSource
    let finalPath: String
    let calls = Locked(0)
    let sawFinalName = Locked(false)
    var info: MeshSourceInfo { inner.info }

    init(inner: ClusterMeshSource, finalPath: String) {
        self.inner = inner
        self.finalPath = finalPath
    }

    func cluster() async throws(MeshSourceError) -> ClusterSnapshot { try await inner.cluster() }

    func admin(pod: String, namespace: String, request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        calls.withLock { $0 += 1 }
        if FileManager.default.fileExists(atPath: finalPath) { sawFinalName.withLock { $0 = true } }
        try? await Task.sleep(nanoseconds: 100_000_000)
        return try await inner.admin(pod: pod, namespace: namespace, request: request)
    }

    func close() async { await SnapshotTests.shutdown(inner) }
}
