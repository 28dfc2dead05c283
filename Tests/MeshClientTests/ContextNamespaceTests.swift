import Foundation
import MeshClient
import MeshDemo
import MeshModel
import MeshScopeCLI
import MeshTestSupport
import Testing

/// Where commands start without `-n`/`-A` (docs/kubernetes.md, "Where it starts"): in the
/// kubeconfig context's namespace when it names one (in a pod: the service account's),
/// every namespace when it names none; `-A` asks for all. The demo's own context names no
/// namespace, so `--demo` stays mesh-wide.
@Suite struct ContextNamespaceTests {
    /// A scratch directory with a home (no ~/.kube/config) and, when `serviceAccount` is
    /// given, a mounted service account whose `namespace` file says it.
    static func environment(_ dir: String, serviceAccount: String?) throws -> KubeconfigLoader.Environment {
        let sa = dir + "/sa"
        try FileManager.default.createDirectory(atPath: dir + "/home", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: sa, withIntermediateDirectories: true)
        try "t0ken".write(toFile: sa + "/token", atomically: true, encoding: .utf8)
        if let serviceAccount { try (serviceAccount + "\n").write(toFile: sa + "/namespace", atomically: true, encoding: .utf8) }
        return KubeconfigLoader.Environment(variables: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "6443"],
                                            home: dir + "/home", serviceAccountRoot: sa)
    }

    static func kubeconfig(_ dir: String, namespace: String?) throws -> String {
        let path = dir + "/config-\(namespace ?? "none")"
        try """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "https://127.0.0.1:6443"}
        users:
        - name: u
          user: {token: t}
        contexts:
        - name: c
          context: {cluster: c, user: u\(namespace.map { ", namespace: \($0)" } ?? "")}
        current-context: c

        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "meshscope-ctxns-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func contextWithoutNamespaceStartsOnEveryNamespace() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = try Self.environment(dir, serviceAccount: nil)
        let none = try Self.kubeconfig(dir, namespace: nil), shop = try Self.kubeconfig(dir, namespace: "shop")
        func parse(_ args: [String]) throws -> ConnectionOptions { try ConnectionOptions.parse(args) }
        #expect(try parse(["--kubeconfig", none]).startNamespace(environment: env) == nil)
        #expect(try parse(["--kubeconfig", none]).inContextNamespace(environment: env).namespace == nil)
        #expect(try parse(["--kubeconfig", shop]).startNamespace(environment: env) == "shop")
        #expect(try parse(["--kubeconfig", shop]).inContextNamespace(environment: env).namespace == "shop")
        #expect(try parse(["--kubeconfig", shop, "-A"]).inContextNamespace(environment: env).namespace == nil)
        #expect(try parse(["--kubeconfig", shop, "-A"]).inContextNamespace(environment: env).allNamespaces)
        #expect(try parse(["--kubeconfig", shop, "-n", "web"]).inContextNamespace(environment: env).namespace == "web")
        // A kubeconfig that cannot be read changes nothing (the command says why when it connects).
        #expect(try parse(["--kubeconfig", dir + "/missing"]).inContextNamespace(environment: env).namespace == nil)
    }

    /// In a pod (no kubeconfig, a service account mounted): its namespace, as client-go does;
    /// without a `namespace` file, every namespace.
    @Test func inAPodTheServiceAccountsNamespace() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pod = try Self.environment(dir + "/a", serviceAccount: "payments")
        #expect(try ConnectionOptions.parse([]).startNamespace(environment: pod) == "payments")
        #expect(try ConnectionOptions.parse([]).inContextNamespace(environment: pod).namespace == "payments")
        #expect(try ConnectionOptions.parse(["-A"]).inContextNamespace(environment: pod).namespace == nil)
        let unnamed = try Self.environment(dir + "/b", serviceAccount: nil)
        #expect(try ConnectionOptions.parse([]).startNamespace(environment: unnamed) == nil)
        #expect(try ConnectionOptions.parse([]).inContextNamespace(environment: unnamed).namespace == nil)
    }

    /// The demo (administrator's rights) through a kubeconfig whose context names `namespace`.
    static func withDemo<T>(_ body: (_ named: String, _ unnamed: String) async throws -> T) async throws -> T {
        let setup = try await DemoSetup.start("meshscope-ctxns", namespace: "bookinfo")
        do {
            let unnamed = try setup.demo.writeKubeconfig(path: setup.dir + "/unnamed")
            let out = try await body(setup.kubeconfig, unnamed)
            await setup.stop()
            return out
        } catch {
            await setup.stop()
            throw error
        }
    }

    /// The proxy names (`POD.NS`, the first column) of `proxy-status`'s table.
    static func proxyStatusNames(_ out: String) -> [String] {
        out.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test func proxyStatusCoversTheContextsNamespace() async throws {
        try await Self.withDemo { named, unnamed in
            let scoped = await MeshScopeMain.invoke(["proxy-status", "--kubeconfig", named])
            #expect(scoped.code == 0, "\(scoped.stderr)")
            let names = Self.proxyStatusNames(scoped.stdout)
            #expect(!names.isEmpty)
            #expect(names.allSatisfy { $0.hasSuffix(".bookinfo") }, "\(names)")
            let all = Self.proxyStatusNames((await MeshScopeMain.invoke(["proxy-status", "--kubeconfig", named, "-A"])).stdout)
            #expect(all.contains { !$0.hasSuffix(".bookinfo") }, "\(all)")
            #expect(Set(all).isSuperset(of: names))
            let everywhere = Self.proxyStatusNames((await MeshScopeMain.invoke(["proxy-status", "--kubeconfig", unnamed])).stdout)
            #expect(Set(everywhere) == Set(all))
        }
    }

    /// Each finding of `check -o json`, as its JSON text (objects, proxies, edges and hosts
    /// name their namespaces: `bookinfo`, `reviews-v1-….bookinfo`, `ratings.bookinfo.svc…`).
    static func findings(_ out: String) throws -> [String] {
        (try JSONDocument(out).root["findings"]?.array ?? []).map(\.rawText)
    }

    @Test func checkCoversTheContextsNamespace() async throws {
        try await Self.withDemo { named, unnamed in
            let args = ["check", "-o", "json", "--stats-interval", "0", "--fail-on", "none", "--kubeconfig"]
            let scoped = await MeshScopeMain.invoke(args + [named])
            #expect(scoped.code == 0, "\(scoped.stderr)")
            let inBookinfo = try Self.findings(scoped.stdout)
            #expect(!inBookinfo.isEmpty)
            #expect(inBookinfo.allSatisfy { $0.contains("bookinfo") }, "\(inBookinfo)")
            let all = try Self.findings((await MeshScopeMain.invoke(args + [named, "-A"])).stdout)
            #expect(all.contains { !$0.contains("bookinfo") }, "\(all)")
            #expect(all.count > inBookinfo.count)
            let everywhere = try Self.findings((await MeshScopeMain.invoke(args + [unnamed])).stdout)
            #expect(everywhere.count == all.count)
        }
    }

    /// A snapshot covers the context's namespace (plus istiod and the ztunnels, always).
    @Test func snapshotCoversTheContextsNamespace() async throws {
        try await Self.withDemo { named, unnamed in
            let dir = try Self.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            func take(_ name: String, _ args: [String]) async throws -> (summary: String, proxies: [MeshState.Proxy]) {
                let path = dir + "/" + name + ".json"
                let r = await MeshScopeMain.invoke(["snapshot", "-o", path, "--no-stats", "--rate-interval", "0"] + args)
                #expect(r.code == 0, "\(r.stderr)")
                let summary = await MeshScopeMain.invoke(["snapshot", "--summary", path]).stdout
                let snap = try await SnapshotMeshSource.open(path: path)
                let proxies = try await snap.proxies()
                await snap.close()
                return (summary, proxies)
            }
            let scoped = try await take("named", ["--kubeconfig", named])
            #expect(scoped.summary.contains("\nNamespaces:  bookinfo\n"), "\(scoped.summary)")
            let mesh = scoped.proxies.filter { $0.kind != .ztunnel && $0.kind != .istiod }
            #expect(!mesh.isEmpty && mesh.allSatisfy { $0.namespace == "bookinfo" }, "\(mesh.map(\.proxyID))")
            #expect(scoped.proxies.contains { $0.kind == .istiod })
            let all = try await take("all", ["--kubeconfig", named, "-A"])
            #expect(all.summary.contains("\nNamespaces:  all\n"), "\(all.summary)")
            #expect(all.proxies.contains { $0.kind != .ztunnel && $0.kind != .istiod && $0.namespace != "bookinfo" })
            let everywhere = try await take("unnamed", ["--kubeconfig", unnamed])
            #expect(everywhere.summary.contains("\nNamespaces:  all\n"), "\(everywhere.summary)")
            #expect(everywhere.proxies.count == all.proxies.count)
        }
    }
}
