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
        let document: JSONDocument
        do {
            document = try JSONDocument(bytes: bytes)
        } catch {
            throw .badInput(source, "not valid JSON: \(error.description)")
        }
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
}

/// `--now`: the clock for secret validity (hidden; tests and reproducible output use it).
struct ProxyConfigClockOption: ParsableArguments {
    @Option(name: .long, help: .hidden)
    var now: String?

    func date() throws(CLIError) -> Date {
        guard let now else { return Date() }
        guard let d = Timestamp.parse(now) else { throw CLIError(.usage, "--now: not an RFC 3339 time: \(now)") }
        return d
    }
}
