import Foundation
import MeshScopeCLI
import Yams

/// Runs meshscope in-process on temp files and checks the documented shape of what it
/// printed: exit 0/1/2, every stderr line `meshscope: …`, no control character on a terminal
/// path, and `-o json|yaml` output that parses.
enum CLIHarness {
    enum Output: Sendable { case terminal, json, yaml }

    /// A private directory per target (targets run one after another, inputs too).
    static func directory(_ target: FuzzTargetName) -> String {
        let dir = NSTemporaryDirectory() + "meshscope-fuzz-\(getpid())/\(target.rawValue)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `bytes` to `name` in the target's directory and returns the path.
    static func file(_ target: FuzzTargetName, _ name: String, _ bytes: [UInt8]) -> String {
        let path = directory(target) + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func run(_ args: [String], output: Output) async -> FuzzOutcome {
        let r = await MeshScopeMain.invoke(args)
        var o = FuzzOutcome()
        o.exitCode = r.code
        let command = args.prefix(2).joined(separator: " ")
        if ![0, 1, 2].contains(r.code) { o.problem("\(command): exit code \(r.code)") }
        if r.code != 0 && r.stderr.isEmpty { o.problem("\(command): exit \(r.code) without an error line") }
        // Exit 2 is ArgumentParser's usage message (`Error: …` and the usage lines); the
        // fuzzer's command lines are valid, so a seed that exits 2 fails on its own.
        if !r.stderr.isEmpty && r.code != 2 {
            // By bytes: "\r\n" is one Character, so String's hasSuffix("\n") would miss it.
            let bytes = Array(r.stderr.utf8)
            if bytes.last != 0x0A { o.problem("\(command): stderr does not end with a newline") }
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() where !line.starts(with: Array("meshscope: ".utf8)) {
                o.problem("\(command): stderr line not starting with 'meshscope: ': \(String(decoding: line.prefix(200), as: UTF8.self))")
                break
            }
        }
        TerminalSafety.expectTerminalSafe(r.stderr, what: "\(command) stderr", into: &o)
        switch output {
        case .terminal:
            TerminalSafety.expectTerminalSafe(r.stdout, what: "\(command) stdout", into: &o)
        case .json where !r.stdout.isEmpty:
            if (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])) == nil {
                o.problem("\(command) -o json: output is not JSON: \(r.stdout.prefix(200))")
            }
        case .yaml where !r.stdout.isEmpty && r.stdout.utf8.count < 1 << 20:
            do {
                for _ in try Yams.load_all(yaml: r.stdout) {}
            } catch {
                o.problem("\(command) -o yaml: output is not YAML: \(String(describing: error).prefix(200))")
            }
        default:
            break
        }
        return o
    }

    /// `-o FORMAT` and how to check it, from the case's variant.
    static func outputFormat(_ c: FuzzCase, _ formats: [String] = ["table", "wide", "json", "yaml"]) -> (flag: String, kind: Output) {
        let f = formats[c.choose(formats.count, salt: 0x6F)]
        return (f, f == "json" ? .json : f == "yaml" ? .yaml : .terminal)
    }
}
