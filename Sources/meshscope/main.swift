import Foundation
import MeshScopeCLI

let code = await MeshScopeMain.run(Array(CommandLine.arguments.dropFirst()))
exit(code)
