import Testing
@testable import MeshScopeCLI

@Suite struct ExitCodeTests {
    @Test func unknownOptionIsUsageError() async {
        let r = await MeshScopeMain.invoke(["--no-such-flag"])
        #expect(r.code == 2)
        #expect(r.stderr.contains("no-such-flag"))
    }

    @Test func helpExitsZero() async {
        let r = await MeshScopeMain.invoke(["--help"])
        #expect(r.code == 0)
        #expect(r.stdout.contains("USAGE"))
    }
}
