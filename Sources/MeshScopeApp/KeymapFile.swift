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
/// result is checked like the built-in map: a key that would mean two things in one view
/// (the keymap's own keys and every registered view's row keys, ``viewClashes(_:)``), or a
/// capital letter in a table (capitals sort there), is an error with the file's line.
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
    /// binding or makes a key mean two things in one view (`flows: p` where `p` is a row's
    /// layers).
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
        if let clash = map.clashes().first ?? map.viewClashes().first {
            // The entry that brought the key in: it names one side of the clash (a row key
            // standing for an action is named by that action's binding).
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
    /// tables; empty for a sound keymap. Views' own row keys: ``viewClashes(_:)``.
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

    /// Every table view a user can open, with whether it sits in detail tabs (where `1`...`9`
    /// pick a tab): both registries' views, `:views`, and the parametrised ones whose keys do
    /// not depend on their parameter (`:messages`, `:ns`, a namespace's pods, `:ctx`, a
    /// section's resources, an `:istio` kind's objects, the layers picker). Built once.
    public static let registeredViews: [(spec: TableViewSpec, inTabs: Bool)] = {
        var out: [(spec: TableViewSpec, inTabs: Bool)] = []
        for registry in [LiveViews.registry(), AppViews.registry()] {
            let grouped = Set(registry.groups.flatMap { $0.tables.map(\.name) })
            for spec in registry.views { out.append((spec, grouped.contains(spec.name))) }
            out.append((HelpScreen.viewsSpec(registry), false))
        }
        let parametrised: [ViewID] = [.messages(MessageLog()), .namespacePicker, .pods(namespace: "default"), .contexts([], current: ""),
                                      .sectionResources(section: "", index: 0), .objects(qualifiedName: ""), .layersPicker(from: "")]
        out += parametrised.compactMap { $0.spec.map { ($0, false) } }
        return out
    }()

    /// Keys that mean two things in one of `views` once its row keys (`p` layers, `x` diff on
    /// a pod row) join the keymap's table keys: two row keys on one key, a capital (which
    /// sorts), or a row key on a keymap key unless it stands for that key's own action (`x`
    /// is `diff` either way). ``clashes()`` sees the keymap alone, so this is what stops
    /// `keys.yaml`'s `flows: p` from making `p` both flows and layers in `:pods`; KeymapTests
    /// runs the same check over the standard keymap.
    public func viewClashes(_ views: [(spec: TableViewSpec, inTabs: Bool)] = Keymap.registeredViews) -> [Clash] {
        var out: [Clash] = []
        for (spec, inTabs) in views {
            let pane = ":\(spec.name)"
            let scopes = bindings(for: .table, inTabs: inTabs)
            var owner: [Key: (name: String, action: Action?)] = [:]
            if inTabs { for d in 1...9 { owner[.char(Character(String(d)))] = ("tab \(d)", nil) } }
            for (_, bindings) in scopes {
                for b in bindings {
                    for k in b.keys {
                        if Keymap.isSortKey(k) {
                            out.append(Clash(key: k, names: [b.name], pane: pane))
                        } else if let o = owner[k], o.name != b.name {
                            out.append(Clash(key: k, names: [o.name, b.name], pane: pane))
                        } else {
                            owner[k] = (b.name, b.action)
                        }
                    }
                }
            }
            var rowKeys: [Key: String] = [:]
            for vk in spec.keys {
                // A row key standing for an action takes that action's keys, and its name.
                let bound = vk.action.flatMap { a in scopes.flatMap(\.bindings).first { $0.action == a } }
                let name = bound?.name ?? vk.label
                let keys = vk.action == nil ? [vk.key] : scopes.flatMap { $0.bindings.filter { $0.action == vk.action }.flatMap(\.keys) }
                var seen = Set<Key>()
                for k in keys where seen.insert(k).inserted {
                    if Keymap.isSortKey(k) {
                        out.append(Clash(key: k, names: [name], pane: pane))
                    } else if let other = rowKeys[k] {
                        out.append(Clash(key: k, names: [other, name], pane: pane))
                    } else if let o = owner[k], vk.action == nil || o.action != vk.action {
                        out.append(Clash(key: k, names: [o.name, name], pane: pane))
                    }
                    rowKeys[k] = name
                }
            }
        }
        return out
    }
}
