import ArgumentParser
import MeshModel

/// One CLI grammar: options a subcommand declares may come before it, as with `--demo`.
///
/// ArgumentParser reads options only after the subcommand that declares them, so
/// `meshscope --snapshot F get pods` would be parsed as the default command (the TUI) with
/// two stray words. Before parsing, ``normalize(_:)`` moves options written before (or
/// between) the subcommand names to just after the last one, when that subcommand declares
/// them; everything else stays where it was, so the parser's own errors still apply.
///
/// ```
/// meshscope --snapshot mesh.json -n bookinfo get pods  →  get pods --snapshot mesh.json -n bookinfo
/// meshscope -A proxy-config --snapshot F cluster POD   →  proxy-config cluster -A --snapshot F POD
/// ```
///
/// The option table is read from the command tree itself (ArgumentParser's
/// `--experimental-dump-help` JSON), so a new command or option needs no entry here.
enum ArgumentOrder {
    /// What the command tree says about a command: its options and subcommands.
    struct Command {
        var names: [String] = []
        /// `--long`, `-s`, `-longWithSingleDash` → takes a value.
        var options: [String: Bool] = [:]
        var subcommands: [Command] = []
        var defaultSubcommand: String?

        func subcommand(_ word: String) -> Command? { subcommands.first { $0.names.contains(word) } }
    }

    /// `arguments` with leading options moved after the subcommand path; unchanged when
    /// nothing is to move or any option before the path is not the leaf's.
    static func normalize(_ arguments: [String]) -> [String] {
        // The common case (`get pods …`, `--file F`) costs nothing: no option before a word.
        guard let first = arguments.first, first.hasPrefix("-"), first != "--",
              arguments.contains(where: { !$0.hasPrefix("-") }) else { return arguments }
        // Nor does the TUI's `--file F --view V`: no word names a subcommand, so nothing can
        // move, and the tree (ArgumentParser validating every command, seconds in a debug
        // build) is not built.
        guard arguments.contains(where: { rootCommandNames.contains($0) }), let root = tree else { return arguments }
        return normalize(arguments, root: root)
    }

    static func normalize(_ arguments: [String], root: Command) -> [String] {
        let arity = Self.arity(root)
        var node = root
        var path: [String] = []
        var moved: [String] = []
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            if word == "--" { break }
            if word.hasPrefix("-") && word.count > 1 {
                let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                // An option whose arity is unknown or ambiguous: leave everything to the parser.
                guard let takesValue = arity[name] ?? nil else { return arguments }
                let inline = word.contains("=")
                moved.append(word)
                if takesValue && !inline {
                    guard i + 1 < arguments.count else { return arguments }
                    moved.append(arguments[i + 1])
                    i += 1
                }
                i += 1
                continue
            }
            guard let next = node.subcommand(word) else { break }
            path.append(word)
            node = next
            i += 1
        }
        guard !path.isEmpty, !moved.isEmpty else { return arguments }
        // Only options the subcommand declares move; otherwise the parser says what is wrong.
        var j = 0
        while j < moved.count {
            let name = moved[j].split(separator: "=", maxSplits: 1).first.map(String.init) ?? moved[j]
            guard let takesValue = node.options[name] else { return arguments }
            j += takesValue && !moved[j].contains("=") ? 2 : 1
        }
        return path + moved + arguments[i...]
    }

    /// Option name → takes a value, over every command; nil where commands disagree.
    static func arity(_ root: Command) -> [String: Bool?] {
        var out: [String: Bool?] = [:]
        func walk(_ c: Command) {
            for (name, value) in c.options {
                if let seen = out[name], seen != value { out[name] = .some(nil) } else { out[name] = value }
            }
            c.subcommands.forEach(walk)
        }
        walk(root)
        return out
    }

    /// The names and aliases of meshscope's subcommands, from their configurations alone.
    static let rootCommandNames: Set<String> = Set(MeshScope.configuration.subcommands.flatMap { [$0._commandName] + $0.configuration.aliases })

    /// meshscope's command tree, read once from ArgumentParser's description of it.
    static let tree: Command? = {
        do {
            _ = try MeshScope.parseAsRoot(["--experimental-dump-help"])
            return nil
        } catch {
            guard let doc = try? JSONDocument(MeshScope.fullMessage(for: error)),
                  let command = doc.root.member(exactly: "command") else { return nil }
            return decode(command)
        }
    }()

    /// One `CommandInfoV0` of the dump (ArgumentParserToolInfo's schema, version 0).
    static func decode(_ v: JSONValue) -> Command {
        var c = Command()
        c.names = ([v.member(exactly: "commandName")?.string] + (v.member(exactly: "aliases")?.array?.map(\.string) ?? [])).compactMap { $0 }
        c.defaultSubcommand = v.member(exactly: "defaultSubcommand")?.string
        for a in v.member(exactly: "arguments")?.array ?? [] {
            guard let kind = a.member(exactly: "kind")?.string, kind == "option" || kind == "flag" else { continue }
            for n in a.member(exactly: "names")?.array ?? [] {
                guard let name = n.member(exactly: "name")?.string, let k = n.member(exactly: "kind")?.string else { continue }
                c.options[(k == "long" ? "--" : "-") + name] = kind == "option"
            }
        }
        c.subcommands = (v.member(exactly: "subcommands")?.array ?? []).map(decode)
        return c
    }
}
