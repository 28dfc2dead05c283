import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import Testing

/// The CLI as the demo's namespace-scoped user (`--demo-user bookinfo`: read everything in
/// bookinfo, nothing cluster-wide, nothing in istio-system): commands read where the user
/// may and say what was refused, instead of failing on a cluster-wide list or blaming a
/// missing istiod.
extension LeastPrivilegeTests {
    static let user = ["--demo", "--demo-user", "bookinfo"]
    static let podsEverywhere = "forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)"
    static let podsInIstioSystem = "forbidden: cannot list pods in istio-system (needs get/list on pods)"

    /// `flows` starts in the context's namespace (bookinfo), as `-n bookinfo` would: it says
    /// in one line that istio-system (the ztunnels) was refused, not the cluster-wide list
    /// (read only to name peers elsewhere), and reads bookinfo's proxies; `-A` is refused outright.
    @Test func flowsReadTheContextNamespaceAndSayWhatWasRefused() async throws {
        let r = await MeshScopeMain.invoke(Self.user + ["flows", "--tail", "20", "-o", "json"])
        #expect(r.code == 0, "\(r.stderr)")
        let said = r.stderr.split(separator: "\n").filter { $0.contains("forbidden:") }
        #expect(said.count == 1, "\(r.stderr)")
        #expect(said.first?.contains(Self.podsEverywhere) == false)
        #expect(said.first?.contains(Self.podsInIstioSystem) == true)
        #expect(said.first?.hasSuffix("in bookinfo") == true, "\(r.stderr)")
        let flows = try #require(try JSONDocument(r.stdout).root["flows"]?.array)
        #expect(!flows.isEmpty)
        let all = await MeshScopeMain.invoke(Self.user + ["flows", "--tail", "5", "-A"])
        #expect(all.code == 1)
        #expect(all.stderr.contains(Self.podsEverywhere), "\(all.stderr)")
    }

    /// `top -n bookinfo`: bookinfo's proxies, and one line saying the ztunnels (istio-system) were refused.
    @Test func topInTheUsersNamespace() async throws {
        let r = await MeshScopeMain.invoke(Self.user + ["top", "-n", "bookinfo"])
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains(".bookinfo"), "\(r.stdout)")
        let said = r.stderr.split(separator: "\n").filter { $0.contains("forbidden:") }
        #expect(said.count == 1, "\(r.stderr)")
        #expect(said.first?.contains(Self.podsInIstioSystem) == true)
        #expect(!r.stderr.contains("all namespaces"))
    }

    /// `proxy-status` and `ztunnel-config` say that istio-system's pods were refused, not
    /// that no istiod or ztunnel runs.
    @Test func proxyStatusAndZtunnelConfigSayTheRefusal() async throws {
        let ps = await MeshScopeMain.invoke(Self.user + ["proxy-status"])
        #expect(ps.code == 1)
        #expect(ps.stderr.contains("istiod not found: " + Self.podsInIstioSystem), "\(ps.stderr)")
        #expect(!ps.stderr.contains("no running istiod"))
        let zt = await MeshScopeMain.invoke(Self.user + ["ztunnel-config", "workload"])
        #expect(zt.code == 1)
        #expect(zt.stderr.contains("ztunnel not found: " + Self.podsInIstioSystem), "\(zt.stderr)")
    }

    /// `check -A` refused every pod: the rules over pods and over istiod's sync state are not
    /// evaluated, with the refusal as the reason (they used to "pass" on an empty pod list).
    @Test func checkMarksRulesWhoseInputsWereRefused() async throws {
        let r = await MeshScopeMain.invoke(Self.user + ["check", "-A", "-o", "json", "--stats-interval", "0"])
        let doc = try JSONDocument(r.stdout).root
        var reasons: [String: String] = [:]
        for n in doc["notEvaluated"]?.array ?? [] { reasons[n["code"]?.string ?? ""] = n["reason"]?.string }
        let overPods = FindingRules.all.filter { $0.reads.contains(.kubeObjects) }
        #expect(!overPods.isEmpty)
        for rule in overPods { #expect(reasons[rule.code] != nil, "\(rule.code) ran on an empty pod list") }
        for rule in FindingRules.all where rule.reads.contains(.syncStatus) && rule.reads.isSubset(of: [.syncStatus, .kubeObjects]) {
            #expect(reasons[rule.code] == "istiod not found: " + Self.podsEverywhere, "\(rule.code): \(reasons[rule.code] ?? "evaluated")")
        }
        // No pod read is no proxy found: the proxies' inputs were refused too, not "no Envoy in the mesh".
        for rule in FindingRules.all where rule.reads == [.kubeObjects] || rule.reads == [.upstreams] || rule.reads == [.configDumps] {
            #expect(reasons[rule.code] == Self.podsEverywhere, "\(rule.code): \(reasons[rule.code] ?? "evaluated")")
        }
    }

    /// `snapshot --summary` lists what was refused, one line per refusal the file records.
    @Test func snapshotSummaryListsTheRefusals() async throws {
        let path = NSTemporaryDirectory() + "meshscope-forbidden-\(UUID().uuidString.prefix(8)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let taken = await MeshScopeMain.invoke(Self.user + ["snapshot", "-o", path, "--no-stats", "--rate-interval", "0"])
        #expect(taken.code == 0, "\(taken.stderr)")
        let summary = await MeshScopeMain.invoke(["snapshot", "--summary", path])
        #expect(summary.code == 0, "\(summary.stderr)")
        // What the file records, read from its kubernetes section.
        let recorded = try JSONDocument(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))).root["kubernetes"]?["forbidden"]?.array ?? []
        #expect(!recorded.isEmpty)
        #expect(summary.stdout.contains("\nForbidden:   \(recorded.count)\n"), "\(summary.stdout)")
        let lines = summary.stdout.split(separator: "\n").drop { !$0.hasPrefix("Forbidden:") }.dropFirst()
        #expect(lines.count == recorded.count, "\(summary.stdout)")
        #expect(lines.contains { $0 == "  " + Self.podsInIstioSystem }, "\(summary.stdout)")
        for f in recorded {
            let verb = f["verb"]?.string ?? "", resource = f["resource"]?.string ?? "", ns = f["namespace"]?.string
            #expect(lines.contains { line in line.hasPrefix("  forbidden: cannot \(verb) \(resource)") && (ns.map { line.contains(" in \($0) (") } ?? true) }, "\(f)")
        }
    }

    /// `--prometheus svc/NS/NAME:PORT` the user may not reach (no `get services/proxy` in
    /// istio-system) is refused before any query is sent.
    @Test func prometheusBehindARefusedServiceProxyIsSaidUpFront() async throws {
        let demo = try await DemoCluster.start(.init(services: 0, replicas: 1), tickSeconds: 0.1)
        let kubeconfig: String
        do { kubeconfig = try demo.writeRestrictedKubeconfig(namespace: "bookinfo") } catch {
            await demo.shutdown()
            throw error
        }
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
        let r = await MeshScopeMain.invoke(["connections", "--edges", "--refresh", "500ms", "--prometheus", "svc/istio-system/prometheus:9090", "--kubeconfig", kubeconfig])
        let log = demo.api.requestLog
        await demo.shutdown()
        #expect(r.code == 1)
        #expect(r.stderr.contains("prometheus svc/istio-system/prometheus:9090: forbidden: cannot get services/proxy in istio-system (needs get on services/proxy)"), "\(r.stderr)")
        #expect(!log.contains { $0.contains("/services/prometheus:9090/proxy") }, "\(log.filter { $0.contains("services") })")
        #expect(log.contains { $0.contains("selfsubjectaccessreviews") })
    }
}

/// `connections` where the user may not list pods: the refusal at once, as `top` and `flows`
/// say it, instead of waiting for proxies that can never answer.
extension LeastPrivilegeTests {
    @Test func connectionsSayTheRefusalInsteadOfWaiting() async throws {
        let cases: [([String], String)] = [
            (["connections", "-A"], Self.podsEverywhere), (["connections", "-A", "--edges"], Self.podsEverywhere),
            (["connections", "-A", "--xds"], Self.podsEverywhere), (["connections", "-n", "istio-system"], Self.podsInIstioSystem),
        ]
        for (args, said) in cases {
            let started = Date()
            let r = await MeshScopeMain.invoke(Self.user + args + ["--refresh", "500ms"])
            #expect(r.code == 1, "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
            #expect(r.stderr == "meshscope: \(said)\n", "\(args): \(r.stderr)")
            // Bounded by the reviews, not by a wait for proxies; generous for a loaded machine.
            #expect(Date().timeIntervalSince(started) < 30, "\(args)")
        }
    }

    /// `--xds` and `--ztunnel` in the user's namespace: istiod and ztunnel live in
    /// istio-system, whose pods were refused; said as `proxy-status` says it, not an empty table.
    @Test func connectionsXdsAndZtunnelSayIstioSystemWasRefused() async throws {
        for (flag, component) in [("--xds", "istiod"), ("--ztunnel", "ztunnel")] {
            let r = await MeshScopeMain.invoke(Self.user + ["connections", flag, "--refresh", "500ms"])
            #expect(r.code == 1, "\(flag): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(flag): \(r.stdout)")
            #expect(r.stderr.contains("meshscope: \(component) not found: " + Self.podsInIstioSystem), "\(flag): \(r.stderr)")
        }
    }
}
