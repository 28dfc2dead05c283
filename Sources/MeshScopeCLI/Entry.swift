import ArgumentParser
import Foundation

/// Runs meshscope with arguments; maps errors to one stderr line and meshscope's exit codes
/// (0 ok, 1 bad input, 2 usage).
public enum MeshScopeMain {
    public static func run(_ arguments: [String]) async -> Int32 {
        if let code = await DemoHook.run(arguments, { await run($0) }) { return code }
        let console = Console.current
        do {
            var command = try MeshScope.parseAsRoot(arguments)
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as CLIError {
            console.error("meshscope: \(error.message)")
            return error.exitCode
        } catch {
            let code = MeshScope.exitCode(for: error)
            let message = MeshScope.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { console.write(message + "\n") }
                return 0
            }
            if !message.isEmpty { console.errorBlock(message) }
            // ArgumentParser uses EX_USAGE (64) for parse errors; meshscope promises 2.
            return code == .validationFailure ? 2 : code.rawValue
        }
    }

    /// Runs in-process with output captured (for tests).
    public static func invoke(_ arguments: [String], stdin: [UInt8]? = nil) async -> (code: Int32, stdout: String, stderr: String) {
        let console = Console(capture: true, stdin: stdin)
        let code = await Console.$current.withValue(console) { await run(arguments) }
        return (code, console.capturedOut, console.capturedErr)
    }
}
