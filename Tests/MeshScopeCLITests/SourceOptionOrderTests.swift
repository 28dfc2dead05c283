import Foundation
@testable import MeshScopeCLI
import Testing

/// One CLI grammar: a source option before the subcommand means what it means after it.
@Suite(.serialized) struct SourceOptionOrderTests {
    /// A snapshot of the demo mesh, taken through the CLI itself.
    static func takeSnapshot() async -> String {
        let path = NSTemporaryDirectory() + "meshscope-order-\(UUID().uuidString.prefix(8)).json"
        let r = await MeshScopeMain.invoke(["--demo", "--demo-services", "0", "snapshot", "-o", path, "--rate-interval", "0"])
        #expect(r.code == 0, "\(r.stderr)")
        return path
    }

    /// `NAME.NAMESPACE` of the first pod whose name starts with `prefix`, from the snapshot.
    static func pod(_ namespace: String, _ prefix: String, snapshot: String) async -> String {
        let out = await MeshScopeMain.invoke(["get", "pods", "-n", namespace, "--snapshot", snapshot]).stdout
        let name = out.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[0]) }.first { $0.hasPrefix(prefix) } ?? prefix
        return name + "." + namespace
    }

    /// Every command that reads a source, with its arguments (the source options go before or after).
    static func commands(snapshot: String) async -> [[String]] {
        let pp = await pod("bookinfo", "productpage-v1", snapshot: snapshot)
        let reviews1 = await pod("bookinfo", "reviews-v1", snapshot: snapshot)
        let reviews2 = await pod("bookinfo", "reviews-v2", snapshot: snapshot)
        let zt = await pod("istio-system", "ztunnel", snapshot: snapshot)
        let istiod = await pod("istio-system", "istiod", snapshot: snapshot)
        return [
            ["get", "pods"],
            ["get", "svc", "-o", "wide"],
            ["get", "namespaces"],
            ["admin", pp, "/server_info"],
            ["admin", istiod, "/debug/syncz", "--port", "15014"],
            ["proxy-config", "cluster", pp],
            ["proxy-config", "listener", pp],
            ["proxy-config", "route", pp],
            ["proxy-config", "endpoint", pp],
            ["proxy-config", "secret", pp],
            ["proxy-config", "bootstrap", pp, "-o", "short"],
            ["proxy-config", "ecds", pp],
            ["proxy-config", "all", pp],
            ["pc", "c", pp],
            ["stats", pp],
            ["certs", pp],
            ["ztunnel-config", "workload", zt],
            ["ztunnel-config", "service", zt],
            ["ztunnel-config", "policy", zt],
            ["ztunnel-config", "certificate", zt],
            ["ztunnel-config", "connections", zt],
            ["ztunnel-config", "all", zt],
            ["proxy-status"],
            ["layers", "--from", pp, "--to", "reviews.bookinfo:9080"],
            ["diff", "--proxy", reviews1, "--proxy", reviews2],
            ["connections", "--edges"],
            ["check", "--fail-on", "none"],
        ]
    }

    @Test func sourceOptionsBeforeOrAfterGiveTheSameOutput() async throws {
        let file = await Self.takeSnapshot()
        defer { try? FileManager.default.removeItem(atPath: file) }
        var covered: Set<String> = []
        for command in await Self.commands(snapshot: file) {
            for options in [["--snapshot", file], ["--snapshot=\(file)"], ["-n", "bookinfo", "--snapshot", file], ["--snapshot", file, "-A"]] {
                let after = await MeshScopeMain.invoke(command + options)
                let before = await MeshScopeMain.invoke(options + command)
                let shown = (options + command).joined(separator: " ")
                #expect(before.code == after.code, "\(shown): \(before.stderr)")
                #expect(before.stdout == after.stdout, "\(shown): stdout differs")
                #expect(before.stderr == after.stderr, "\(shown): stderr differs")
                #expect(!before.stderr.contains("nexpected argument"), "\(shown): \(before.stderr)")
            }
            covered.insert(Self.path(command).joined(separator: " "))
        }
        // Every command that takes --snapshot is in the table above, but the TUI (driven through
        // tmux) and snapshot (its output says when it was taken; in the connection test below).
        let missing = Self.leavesTaking("--snapshot").filter { !covered.contains($0) && $0 != "tui" && $0 != "snapshot" }
        #expect(missing.isEmpty, "commands not covered: \(missing)")
    }

    /// The connection flags move the same way: the same error (no cluster here) both ways.
    @Test func connectionOptionsBeforeOrAfter() async throws {
        let missing = NSTemporaryDirectory() + "meshscope-no-such-kubeconfig"
        for command in [["get", "deploy"], ["proxy-status"], ["apply", "-f", "/dev/null"], ["connections", "--xds"], ["snapshot", "-o", "/dev/null"]] {
            for options in [["--kubeconfig", missing], ["--kubeconfig", missing, "--context", "prod", "-n", "shop"], ["--kubeconfig", missing, "--request-timeout", "2s", "-A"]] {
                let after = await MeshScopeMain.invoke(command + options)
                let before = await MeshScopeMain.invoke(options + command)
                let shown = (options + command).joined(separator: " ")
                #expect(before.code == after.code && before.stdout == after.stdout && before.stderr == after.stderr, "\(shown): \(before.stderr) vs \(after.stderr)")
                #expect(!before.stderr.contains("nexpected argument"), "\(shown): \(before.stderr)")
            }
        }
    }

    @Test func demoBeforeOrAfter() async throws {
        let before = await MeshScopeMain.invoke(["--demo", "--demo-services", "0", "-n", "bookinfo", "get", "pods"])
        let after = await MeshScopeMain.invoke(["get", "pods", "-n", "bookinfo", "--demo", "--demo-services", "0"])
        #expect(before.code == 0, "\(before.stderr)")
        #expect(before.stdout.hasPrefix("NAME "))
        // Ages are seconds old in a fresh demo: compare the names.
        func names(_ s: String) -> [Substring] { s.split(separator: "\n").map { $0.split(separator: " ")[0] } }
        #expect(names(before.stdout) == names(after.stdout))
    }

    @Test func normalizeMovesOnlyWhatTheCommandDeclares() {
        #expect(ArgumentOrder.normalize(["--snapshot", "F", "get", "pods"]) == ["get", "--snapshot", "F", "pods"])
        #expect(ArgumentOrder.normalize(["-A", "proxy-config", "--snapshot=F", "cluster", "POD"]) == ["proxy-config", "cluster", "-A", "--snapshot=F", "POD"])
        // A value that looks like a command is still the option's value.
        #expect(ArgumentOrder.normalize(["-n", "get", "get", "pods"]) == ["get", "-n", "get", "pods"])
        // Nothing to move, or not the command's option: left for the parser to judge.
        #expect(ArgumentOrder.normalize(["get", "pods", "-n", "x"]) == ["get", "pods", "-n", "x"])
        #expect(ArgumentOrder.normalize(["--file", "dump.json"]) == ["--file", "dump.json"])
        #expect(ArgumentOrder.normalize(["--theme", "light", "get", "pods"]) == ["--theme", "light", "get", "pods"])
        #expect(ArgumentOrder.normalize(["--no-such-flag", "get", "pods"]) == ["--no-such-flag", "get", "pods"])
        #expect(ArgumentOrder.normalize(["--snapshot"]) == ["--snapshot"])
        #expect(ArgumentOrder.normalize(["--", "get"]) == ["--", "get"])
    }

    @Test func unknownLeadingOptionKeepsTheParsersMessage() async {
        let r = await MeshScopeMain.invoke(["--theme", "light", "get", "pods"])
        #expect(r.code == 2)
        #expect(!r.stderr.isEmpty)
    }

    /// The subcommand path of a command line (`["pc", "c", POD]` → `proxy-config cluster`).
    static func path(_ args: [String]) -> [String] {
        guard var node = ArgumentOrder.tree else { return [] }
        var out: [String] = []
        for a in args {
            guard let next = node.subcommand(a) else { break }
            out.append(next.names[0])
            node = next
        }
        return out
    }

    static func leavesTaking(_ option: String) -> [String] {
        var out: [String] = []
        func walk(_ c: ArgumentOrder.Command, _ prefix: [String]) {
            if c.subcommands.isEmpty {
                if c.options[option] != nil { out.append(prefix.joined(separator: " ")) }
                return
            }
            for s in c.subcommands { walk(s, prefix + [s.names[0]]) }
        }
        if let root = ArgumentOrder.tree { walk(root, []) }
        return out
    }
}

@Suite struct VersionTests {
    @Test func versionFlagPrintsTheNumber() async {
        let r = await MeshScopeMain.invoke(["--version"])
        #expect(r.code == 0)
        #expect(r.stdout.hasPrefix("meshscope \(MeshScopeVersion.number)"))
    }

    @Test func checkoutRootIsTheDirectoryAboveBuild() {
        #expect(MeshScopeVersion.checkoutRoot(of: "/src/ms/.build/debug/meshscope") == "/src/ms")
        #expect(MeshScopeVersion.checkoutRoot(of: "/src/ms/.build/x86_64-unknown-linux-gnu/release/meshscope") == "/src/ms")
        #expect(MeshScopeVersion.checkoutRoot(of: "/usr/local/bin/meshscope") == nil)
        #expect(MeshScopeVersion.describe(executable: "/usr/local/bin/meshscope") == "meshscope \(MeshScopeVersion.number)")
    }

    /// The three layouts git leaves on disk: a branch ref, a worktree's `gitdir:` with a
    /// common directory and packed refs, a detached HEAD.
    @Test func commitFromTheCheckoutsFiles() throws {
        let fm = FileManager.default
        let base = NSTemporaryDirectory() + "meshscope-git-\(UUID().uuidString.prefix(8))"
        defer { try? fm.removeItem(atPath: base) }
        let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40), c = String(repeating: "c", count: 40)
        func write(_ path: String, _ text: String) throws {
            try fm.createDirectory(atPath: (base + "/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: base + "/" + path, atomically: true, encoding: .utf8)
        }
        try write("main/.git/HEAD", "ref: refs/heads/main\n")
        try write("main/.git/refs/heads/main", a + "\n")
        try write("main/.git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n\(b) refs/heads/feature\n^\(c)\n")
        try write("main/.git/worktrees/wt/HEAD", "ref: refs/heads/feature\n")
        try write("main/.git/worktrees/wt/commondir", "../..\n")
        try write("wt/.git", "gitdir: \(base)/main/.git/worktrees/wt\n")
        try write("detached/.git/HEAD", c + "\n")
        try write("bare/.build/debug/.keep", "")
        #expect(GitHead.commit(checkout: base + "/main") == a)
        #expect(GitHead.commit(checkout: base + "/wt") == b)
        #expect(GitHead.commit(checkout: base + "/detached") == c)
        #expect(GitHead.commit(checkout: base + "/bare") == nil)
        #expect(MeshScopeVersion.describe(executable: base + "/main/.build/debug/meshscope")
            == "meshscope \(MeshScopeVersion.number) (git \(a.prefix(12)), HEAD of the checkout \(base)/main)")
    }
}
