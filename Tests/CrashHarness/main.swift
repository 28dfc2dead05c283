// meshscope-crashtest: `meshscope` plus two traps on cue, for CrashTests and the end-to-end
// crash test. The traps live here, in a test-only executable, so the shipping binary reads
// no test environment; what they exercise is the real thing: the same `CrashHandler`, the
// same entry point, the same runtime and terminal restore as `Sources/meshscope/main.swift`.
//
//   MESHSCOPE_TEST_CRASH_IN_COMMAND=1 meshscope-crashtest version          # trap inside a task
//   MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME=1 meshscope-crashtest --file F  # trap with the TUI up
import Foundation
import MeshScopeApp
import MeshScopeCLI
import TerminalUI

let environment = ProcessInfo.processInfo.environment
CrashHandler.install(environment: environment)

if environment["MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME"] == "1" {
    RuntimeHooks.afterFirstFrame = { fatalError("MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME") }
}
// A trap inside a task, as a bug in a command would be.
if environment["MESHSCOPE_TEST_CRASH_IN_COMMAND"] == "1" {
    _ = await Task.detached { () -> Int in fatalError("MESHSCOPE_TEST_CRASH_IN_COMMAND") }.value
}

let code = await MeshScopeMain.run(Array(CommandLine.arguments.dropFirst()))
exit(code)
