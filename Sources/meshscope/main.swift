import Foundation
import MeshScopeCLI
import TerminalUI

let environment = ProcessInfo.processInfo.environment
CrashHandler.install(environment: environment)

let code = await MeshScopeMain.run(Array(CommandLine.arguments.dropFirst()))
exit(code)
