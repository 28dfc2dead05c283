import ArgumentParser
import Foundation
import MeshModel

/// Loads a ztunnel `/config_dump` for the ztunnel-config commands, keeping what is good
/// and collecting what is not as one-line problems (`FILE: where: what`).
struct LoadedInput<Value> {
    var value: Value
    var problems: [String]
}

enum ZtunnelInput {
    static func load(_ path: String) throws(CLIError) -> LoadedInput<ZtunnelDump> {
        try load(bytes: try InputFile.read(path), name: InputFile.displayName(path))
    }

    /// The same for bytes read from a pod through a source; `name` names them in messages.
    static func load(bytes: [UInt8], name: String) throws(CLIError) -> LoadedInput<ZtunnelDump> {
        let (doc, problems) = try parseJSON(bytes: bytes, name: name)
        let dump = ZtunnelDump.decode(doc)
        return LoadedInput(value: dump, problems: problems + dump.issues.map { "\(name): \($0)" })
    }

    /// Parses a JSON input; a broken object keeps the top-level members before the damage.
    static func parseJSON(_ path: String) throws(CLIError) -> (JSONDocument, [String]) {
        try parseJSON(bytes: try InputFile.read(path), name: InputFile.displayName(path))
    }

    static func parseJSON(bytes: [UInt8], name: String) throws(CLIError) -> (JSONDocument, [String]) {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw .badInput(name, "empty input") }
        do {
            let (doc, error) = try JSONSalvage.parse(bytes)
            guard let error else { return (doc, []) }
            let kept = doc.root.members.map(\.key).joined(separator: ", ")
            return (doc, ["\(name): \(error) (showing only the sections before it: \(kept))"])
        } catch {
            throw .badInput(name, error.description)
        }
    }
}

enum Problems {
    /// Prints all but the last problem as warnings; the last one becomes the command's
    /// error (exit 1) after the good output was written.
    static func finish(_ problems: [String]) throws(CLIError) {
        guard let last = problems.last else { return }
        let console = Console.current
        let shown = problems.dropLast().prefix(20)
        for p in shown { console.error("meshscope: \(p)") }
        if problems.count - 1 > shown.count { console.error("meshscope: ... and \(problems.count - 1 - shown.count) more problems") }
        throw CLIError(.badInput, last)
    }
}
