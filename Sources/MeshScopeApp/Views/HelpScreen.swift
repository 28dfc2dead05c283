import MeshModel
import TerminalUI

/// `?`: help as a screen of its own (scroll with j/k/PgDn/G, search with `/`, Esc or `?`
/// closes it), generated from the keymap for what was on screen: the view's own row keys,
/// its sort keys (Shift+letter per letter: the most important column first), every scope's bindings, tabs by number, the `:`
/// commands and every `:` view with its aliases.
enum HelpScreen {
    static let crumb = "help"

    static func screen(for s: AppState) -> Screen {
        var sections: [(title: String, keys: [(key: String, help: String)])] = []
        let focused = s.focusedForBindings
        if case .table(let t) = s.focused {
            if !t.spec.keys.isEmpty {
                sections.append((t.spec.title, t.spec.keys.map { (App.label(of: $0, s.keymap, focused), $0.label) }))
            }
            let columns = t.table.visibleColumnIndices(wide: true)
            var sort: [(key: String, help: String)] = []
            var taken = Set<Character>()
            for c in columns {
                guard let first = t.table.columns[c].name.uppercased().first, first.isLetter, first.isASCII,
                      taken.insert(first).inserted else { continue }
                // The most important column with that letter first (NAME before NAMESPACE).
                let names = t.sortCandidates(letter: first, visibleColumns: columns).map { t.table.columns[$0].name }
                guard let name = names.first else { continue }
                let then = names.dropFirst().isEmpty ? "" : "; then " + names.dropFirst().joined(separator: ", then ")
                sort.append(("Shift-\(first)", "sort by \(name) (again: reverse\(then))"))
            }
            sort.append(("<  >", "sort by the column left / right of the sort column (any column)"))
            sections.append(("Sort", sort))
        }
        for (title, bindings) in s.keymap.forContent(focused) {
            sections.append((title, bindings.map { ($0.keyLabel, $0.help) }))
        }
        if case .tabs(let t) = s.top?.content {
            sections.append(("Tabs by number", [("1-\(t.pages.count)", "jump to a tab")]))
        }
        var commands: [(key: String, help: String)] = [
            (":views", "every view, Enter opens one"),
            (":ns [NAME]", "only rows of NAME; :ns alone lists the namespaces (Enter sets one); :ns all: every namespace"),
            (":layers HOST:PORT", "the layers of a listener port (live: :layers POD HOST:PORT)"),
            (":diff POD [POD2]", "istiod vs the proxy's config, or two proxies"),
            (":theme [NAME]", "list / switch themes"),
            (":reload", "reload the source"), (":pause  :resume", "live updates"),
            (":messages  :msg", "every flash, warning and error since start, whole (m)"),
            (":stats", "the last frame's output cost"), (":help", "this help"), (":q", "quit"),
        ]
        if s.data.live != nil { commands += [(":ctx [NAME]", "list / switch kubeconfig contexts"), (":apply", "apply a manifest from the clipboard")] }
        sections.append(("Commands", commands))
        sections.append(("Views", views(s.registry).map { ($0.command, $0.title) }))
        return Screen.text("Help: \(s.top?.crumb ?? "")", text(sections), crumb: crumb)
    }

    /// Sections as aligned text: a title line, then `  KEY  what it does` lines.
    static func text(_ sections: [(title: String, keys: [(key: String, help: String)])]) -> String {
        let width = min(28, sections.flatMap(\.keys).map { DisplayWidth.of($0.key) }.max() ?? 1)
        var out = ""
        for (i, section) in sections.enumerated() {
            if i > 0 { out += "\n" }
            out += section.title + "\n"
            for (key, help) in section.keys {
                let pad = max(1, width - DisplayWidth.of(key) + 2)
                out += "  " + key + String(repeating: " ", count: pad) + help + "\n"
            }
        }
        return out
    }

    /// Every `:` view: groups first (with their tabs), then the views outside groups.
    static func views(_ r: ViewRegistry) -> [(command: String, name: String, aliases: [String], title: String)] {
        func cmd(_ name: String, _ aliases: [String]) -> String { ":" + name + (aliases.isEmpty ? "" : " (:" + aliases.joined(separator: " :") + ")") }
        let grouped = Set(r.groups.flatMap { $0.tables.map(\.name) })
        let groups = r.groups.map { g in (cmd(g.name, g.aliases), g.name, g.aliases, "\(g.title): " + g.tabs.map(\.title).joined(separator: ", ")) }
        let tabs = r.groups.flatMap { g in g.tables.map { (cmd($0.name, $0.aliases), $0.name, $0.aliases, "\(g.title) tab: \($0.title)") } }
        let views = r.views.filter { !grouped.contains($0.name) }.map { (cmd($0.name, $0.aliases), $0.name, $0.aliases, $0.title) }
        return groups + views + tabs
    }

    /// `:views`: the views as a table (VIEW, ALIASES, WHAT); Enter opens the selected one.
    static func viewsSpec(_ r: ViewRegistry) -> TableViewSpec {
        var spec = TableViewSpec(name: "views", title: "Views", cellRole: nil, identityColumns: 1) { _ in
            var t = Table(columns: [Table.Column("VIEW"), Table.Column("ALIASES"), Table.Column("WHAT")])
            t.rows = views(r).map { [$0.name, $0.aliases.joined(separator: " "), $0.title] }
            return ViewTable(t)
        }
        spec.enterCommand = { row in .view(row[0], filter: nil) }
        return spec
    }
}

extension App {
    /// How help and hints write a view's row key: the keymap's key when it stands for an action.
    static func label(of k: ViewKey, _ keymap: Keymap, _ content: Content?) -> String {
        if let a = k.action, let key = keymap.keys(for: a, in: content).first { return key.description }
        return k.key.description
    }
}
