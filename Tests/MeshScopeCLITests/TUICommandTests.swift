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

    @Test func noSourceIsAUsageError() async {
        let r = await MeshScopeMain.invoke([])
        #expect(r.code == 2)
        #expect(r.stderr.hasPrefix("meshscope: no data source: start the terminal UI on a dump with --file DUMP"))
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
