import Foundation
import MeshScopeCLI
import TerminalUI

let environment = ProcessInfo.processInfo.environment
CrashHandler.install(environment: environment)

// Test-only hook (set by the crash tests, not for users): a trap inside a task, as a bug in
// a command would be.
if environment["MESHSCOPE_TEST_CRASH_IN_COMMAND"] == "1" {
    _ = await Task.detached { () -> Int in fatalError("MESHSCOPE_TEST_CRASH_IN_COMMAND") }.value
}

let code = await MeshScopeMain.run(Array(CommandLine.arguments.dropFirst()))
exit(code)
