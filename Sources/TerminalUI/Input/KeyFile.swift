import MeshBase
import MeshYAML
import Yams

/// A key file that could not be used, with its place: `keys.yaml:3: snapshot: unknown key "ctrl-ss"`.
public struct KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// One line, safe on a terminal: the message quotes the file's own text (a key name may
    /// hold a line break or an escape sequence), so it is escaped here, where every caller
    /// that prints it gets it.
    public var description: String { TerminalText.escaped("\(file)\(line.map { ":\($0)" } ?? ""): \(message)") }
}

/// Reads a key file: a mapping of binding names to a key or a list of keys.
///
/// ```yaml
/// snapshot: ctrl-s
/// down: [j, down, ctrl-n]
/// ```
/// The names mean nothing here (the application checks them); keys are read with
/// ``Key/init(name:)``. Every entry keeps its line for the application's own errors.
public enum KeyFile {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var keys: [Key]
        public var line: Int
    }

    public static func parse(_ text: String, file: String) throws(KeyFileError) -> [Entry] {
        let root: Node?
        do {
            root = try BoundedYAML.first(text)
        } catch {
            throw KeyFileError(file: file, line: error.line, message: "not valid YAML: \(error.message)")
        }
        guard let root else { return [] }
        if case .scalar(let s) = root, s.string.isEmpty || s.string == "~" || s.string == "null" { return [] }
        guard let map = root.mapping else {
            throw KeyFileError(file: file, line: root.mark?.line, message: "expected a mapping of names to keys (snapshot: ctrl-s)")
        }
        var entries: [Entry] = []
        for (k, v) in map {
            let line = k.mark?.line ?? 0
            guard let name = k.scalar?.string, !name.isEmpty else {
                throw KeyFileError(file: file, line: line, message: "expected a binding name")
            }
            var nodes: [Node] = []
            if let seq = v.sequence { nodes = Array(seq) } else if v.scalar != nil { nodes = [v] } else {
                throw KeyFileError(file: file, line: line, message: "\(name): expected a key or a list of keys")
            }
            var keys: [Key] = []
            for n in nodes {
                guard let text = n.scalar?.string, let key = Key(name: text) else {
                    let shown = n.scalar?.string ?? "a mapping"
                    throw KeyFileError(file: file, line: n.mark?.line ?? line,
                                       message: "\(name): unknown key \"\(shown.prefix(40))\" (a character, ctrl-X, shift-X, enter, esc, tab, space, up, pgdn, f5...)")
                }
                keys.append(key)
            }
            entries.append(Entry(name: name, keys: keys, line: line))
        }
        return entries
    }
}
