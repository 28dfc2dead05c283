import Foundation
import Testing
@testable import MeshScopeCLI

/// `meshscope` with no subcommand is `meshscope tui`; its errors come before any terminal
/// is touched (the source is loaded first), as one line on stderr.
@Suite struct TUICommandTests {
    @Test func rootWithoutSubcommandRunsTheTUIAndReportsAMissingFile() async {
        let r = await MeshScopeMain.invoke(["--file", "/nonexistent/dump.json"])
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: /nonexistent/dump.json: no such file\n")
        let r2 = await MeshScopeMain.invoke(["tui", "--file", "/nonexistent/dump.json"])
        #expect(r2.code == 1)
        #expect(r2.stderr == r.stderr)
    }

    /// Without --file the TUI opens the kubeconfig's context; a missing one says what else works.
    @Test func noClusterSaysWhatElseWorks() async {
        let r = await MeshScopeMain.invoke(["--kubeconfig", "/nonexistent/kubeconfig"])
        #expect(r.code == 1)
        #expect(r.stderr.hasPrefix("meshscope: "))
        #expect(r.stderr.contains("/nonexistent/kubeconfig"))
        #expect(r.stderr.contains("(no cluster? try meshscope --demo, or meshscope --file DUMP to browse a proxy's config dump)"))
    }

    @Test func badJSONNamesTheFileAndPosition() async throws {
        let path = NSTemporaryDirectory() + "meshscope-bad-\(UUID().uuidString).json"
        try #"{"configs": [ {"@type": "x", } ]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = await MeshScopeMain.invoke(["--file", path])
        #expect(r.code == 1)
        #expect(r.stderr.hasPrefix("meshscope: \(path): "))
        #expect(r.stderr.contains("byte 29"))
    }

    @Test func refreshMustBePositive() async {
        let r = await MeshScopeMain.invoke(["tui", "--refresh", "0", "--file", "x"])
        #expect(r.code == 2)
        #expect(r.stderr.contains("--refresh must be a positive number of seconds"))
    }
}
