import ArgumentParser
import Foundation
import MeshModel

/// A config dump read from `--file` (or stdin), decoded, with its problems.
///
/// Exit codes (docs/cli.md): an unreadable file, bad JSON or a document that is not a
/// config dump is one stderr line and exit 1. Problems in parts of the dump the command
/// does not show are warnings (stderr) and exit 0. Problems in a section the command shows
/// print what could be decoded, then warn, and exit 1.
struct ProxyConfigDump {
    let dump: EnvoyConfigDump
    /// The file as named in messages (`<stdin>` for `-`).
    let source: String

    static func load(_ path: String) throws(CLIError) -> ProxyConfigDump {
        try decode(try InputFile.read(path), source: InputFile.displayName(path))
    }

    /// Decodes a dump read from anywhere (a file, or a pod through a ``MeshSource``);
    /// `source` names it in messages.
    static func decode(_ bytes: [UInt8], source: String) throws(CLIError) -> ProxyConfigDump {
        let document = try InputFile.jsonDocument(bytes, source: source)
        do {
            return ProxyConfigDump(dump: try EnvoyConfigDump(document: document), source: source)
        } catch {
            throw .badInput(source, error.description)
        }
    }

    /// Reports decode problems after the output was written. `needed` are the sections the
    /// command showed; a problem in one of them ends with exit 1.
    func finish(needed: Set<EnvoySectionKind>) throws(CLIError) {
        let console = Console.current
        var fatal: EnvoyDecodeWarning?
        for w in dump.warnings {
            if fatal == nil, w.kind == .wrongShape, let s = w.section, needed.contains(s) {
                fatal = w
                continue
            }
            console.error("meshscope: \(source): warning: \(w.description)")
        }
        if let fatal { throw .badInput(source, fatal.description) }
    }

    func warn(_ message: String) {
        Console.current.error("meshscope: \(source): warning: \(message)")
    }

    /// For commands that need a section: a missing one is an error (istioctl fails too).
    func require(_ present: Bool, _ what: String) throws(CLIError) {
        guard present else {
            // Print decode warnings first: they often explain why the section is missing.
            for w in dump.warnings { Console.current.error("meshscope: \(source): warning: \(w.description)") }
            throw .badInput(source, what)
        }
    }
}

/// Output shared by the proxy-config commands.
enum ProxyConfigPrinter {
    static func write(_ text: String) { Console.current.write(text) }

    static func write(_ json: ProxyConfigJSON, format: OutputFormat) {
        switch format {
        case .yaml:
            let console = Console.current
            json.writeYAML { console.write($0) }
        default:
            let console = Console.current
            json.writeJSON { console.write($0) }
        }
    }

    static func isStructured(_ format: OutputFormat) -> Bool { format == .json || format == .yaml }

    /// Writes one view: its protoJSON for `-o json|yaml`, else its table, given whether
    /// `-o wide` asked for every column.
    ///
    /// ```swift
    /// ProxyConfigPrinter.emit(format, json: { .clusters(clusters) }) { ClusterView.table(clusters, options: .init(wide: $0)) }
    /// ```
    static func emit(_ format: OutputFormat, json: () -> ProxyConfigJSON, table: (_ wide: Bool) throws -> Table) rethrows {
        if isStructured(format) {
            write(json(), format: format)
        } else {
            let wide = format == .wide
            write(try table(wide).render(wide: wide))
        }
    }
}
