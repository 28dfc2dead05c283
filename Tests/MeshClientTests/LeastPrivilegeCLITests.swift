import Foundation
import MeshClient
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

    /// `flows` lists pods in the context's namespace (bookinfo) when every namespace is
    /// refused, says so in one line, and reads bookinfo's proxies; `-A` is refused outright.
    @Test func flowsReadTheContextNamespaceAndSayWhatWasRefused() async throws {
        let r = await MeshScopeMain.invoke(Self.user + ["flows", "--tail", "20", "-o", "json"])
        #expect(r.code == 0, "\(r.stderr)")
        let said = r.stderr.split(separator: "\n").filter { $0.contains("forbidden:") }
        #expect(said.count == 1, "\(r.stderr)")
        #expect(said.first?.contains(Self.podsEverywhere) == true)
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
}
