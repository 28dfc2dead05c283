import Foundation
import TerminalUI

/// `keys.yaml`: the user's rebindings, by binding name (the names `?` help does not show but
/// docs/tui.md lists).
///
/// ```yaml
/// # $XDG_CONFIG_HOME/meshscope/keys.yaml (~/.config/meshscope/keys.yaml)
/// snapshot: ctrl-t
/// apply: [a, ctrl-a]
/// ```
/// A key given to a name replaces that binding's keys in every scope that has it. The
/// result is checked like the built-in map: a key that would mean two things in one view,
/// or a capital letter in a table (capitals sort there), is an error with the file's line.
extension Keymap {
    /// Where the key file is read from: `$XDG_CONFIG_HOME/meshscope/keys.yaml`, else `~/.config/...`.
    public static func filePath(environment: [String: String]) -> String {
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/meshscope/keys.yaml" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/meshscope/keys.yaml"
    }

    /// The standard keymap with the user's key file applied (no file: the standard one).
    public static func load(environment: [String: String]) throws(KeyFileError) -> Keymap {
        let path = filePath(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return .standard }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw KeyFileError(file: path, line: nil, message: "cannot read the key file")
        }
        return try Keymap.standard.rebound(try KeyFile.parse(text, file: path), file: path)
    }

    /// Every binding name, once, in table order (what `keys.yaml` accepts).
    public var names: [String] {
        var seen = Set<String>()
        return scopes.flatMap(\.bindings).map(\.name).filter { seen.insert($0).inserted }
    }

    /// This keymap with `entries` applied; throws at the first entry that names no
    /// binding or makes a key mean two things in one view.
    public func rebound(_ entries: [KeyFile.Entry], file: String) throws(KeyFileError) -> Keymap {
        var map = self
        let known = Set(names)
        for e in entries {
            guard known.contains(e.name) else {
                throw KeyFileError(file: file, line: e.line, message: "unknown binding \"\(e.name.prefix(40))\"; the names are \(names.joined(separator: ", "))")
            }
            func apply(_ list: inout [Binding]) {
                for i in list.indices where list[i].name == e.name { list[i].keys = e.keys }
            }
            apply(&map.table); apply(&map.json); apply(&map.yaml); apply(&map.text)
            apply(&map.diff); apply(&map.tabs); apply(&map.navigation); apply(&map.global)
        }
        if let clash = map.clashes().first {
            let line = entries.first { clash.names.contains($0.name) && $0.keys.contains(clash.key) }?.line
            throw KeyFileError(file: file, line: line, message: clash.description)
        }
        return map
    }

    /// A key that means two things in one kind of view.
    public struct Clash: Sendable, Equatable, CustomStringConvertible {
        public var key: Key
        public var names: [String]
        public var pane: String

        public var description: String {
            names.count == 1
                ? "\(key) in \(pane): capitals sort tables (Shift+letter), bind \(names[0]) to a lower-case letter or a Ctrl key"
                : "\(key) means \(names.joined(separator: " and ")) in \(pane)"
        }
    }

    /// Keys bound twice in one pane (with or without detail tabs), and capitals bound in
    /// tables; empty for a sound keymap. Views' own row keys are checked by the tests over
    /// every registered view.
    public func clashes() -> [Clash] {
        var out: [Clash] = []
        for pane in Pane.allCases {
            // Detail tabs hold tables and JSON, YAML or text panes, never a diff.
            for inTabs in pane == .diff ? [false] : [false, true] {
                var owner: [Key: String] = [:]
                if inTabs { for d in 1...9 { owner[.char(Character(String(d)))] = "tab \(d)" } }
                for (_, bindings) in self.bindings(for: pane, inTabs: inTabs) {
                    for b in bindings {
                        for k in b.keys {
                            if pane == .table, Keymap.isSortKey(k) {
                                out.append(Clash(key: k, names: [b.name], pane: "tables"))
                            } else if let other = owner[k], other != b.name {
                                out.append(Clash(key: k, names: [other, b.name], pane: "\(pane)\(inTabs ? " tabs" : "") panes"))
                            } else {
                                owner[k] = b.name
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
