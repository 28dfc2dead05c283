import TerminalUI

/// Everything a key can do. The ``Keymap`` maps keys to actions per scope, and the same
/// keymap produces the hints bar and the `?` help, so they cannot disagree.
public enum Action: Sendable, Equatable {
    case down, up, top, bottom, pageDown, pageUp, halfPageDown, halfPageUp
    case drill, back, nextTab, prevTab
    case sortLeft, sortRight
    /// Tables: scroll a column left / right; Ctrl-W: every column whole (k9s wide).
    case columnLeft, columnRight, toggleWide
    case help, command, filter, search, nextMatch, prevMatch
    case pause, showYAML, copy, snapshot, reload, quit, suspend
    case toggleFold, expand, collapse, expandAll, collapseAll, toggleYAML
    case tab(Int)
    case describe, apply
    /// Diff view: read the selected diff (right pane) / back to the list (left pane).
    case paneRight, paneLeft
    /// `x`: compare the proxy on screen (or the selected row's) with istiod or another proxy.
    case diff
    /// `!`: the findings (what is wrong), from anywhere.
    case findings
    /// `l`: the flows of the selected pod, proxy or edge; `v`: a proxy's log levels.
    case flows, logLevel
    /// `w`: wrap long lines in a text, YAML or JSON pane (again: cut them); `m`: `:messages`.
    case wrap, messages
}

/// One row of the keymap: the keys, what they do, and how help and hints write it.
public struct Binding: Sendable {
    /// The name `keys.yaml` rebinds it by (`snapshot: ctrl-s`); rows sharing a name (`copy`
    /// in tables and panes) are rebound together.
    public var name: String
    public var keys: [Key]
    public var action: Action
    public var help: String
    /// Shown in the hints bar (the short list at the bottom).
    public var hint: String?
    /// How the hints bar writes the key, when not the first key's name.
    public var hintKey: String?

    init(_ name: String, _ keys: [Key], _ action: Action, _ help: String, hint: String? = nil, hintKey: String? = nil) {
        self.name = name
        self.keys = keys
        self.action = action
        self.help = help
        self.hint = hint
        self.hintKey = hintKey
    }

    /// `j/↓` as help and hints write it.
    public var keyLabel: String { keys.isEmpty ? (hintKey ?? "") : keys.map(\.description).joined(separator: "/") }
}

/// The one table of keys: key handling (`Update/Keys.swift`), the hints bar and `?` help
/// all read it, and `~/.config/meshscope/keys.yaml` rebinds it (``Keymap/rebound(_:file:)``).
///
/// It follows k9s: in tables every capital letter is a sort key (Shift+N sorts by the
/// first column whose header starts with N, again reverses; `<`/`>` move the sort column),
/// so actions sit on lower-case letters and Ctrl keys, and no capital is bound in a table
/// (``forContent(_:)`` drops `G` there: `End` is the last row). The same key never means
/// two things in one view (KeymapTests checks every view).
///
/// A new key: a case in ``Action``, one row here (in the scope where it works), and what it
/// does in `Update/KeyActions.swift`. For example the findings view is one row in `global`:
/// `Binding("findings", [.char("!")], .findings, "findings: what is wrong in the mesh", hint: "findings")`.
public struct Keymap: Sendable {
    public var table: [Binding] = [
        Binding("open", [.enter], .drill, "open the selected row", hint: "view"),
        Binding("filter", [.char("/")], .filter, "filter rows (regex, !inverts)", hint: "filter"),
        Binding("sort-left", [.char("<")], .sortLeft, "sort by the column to the left", hint: "sort", hintKey: "<>"),
        Binding("sort-right", [.char(">")], .sortRight, "sort by the column to the right"),
        Binding("column-left", [.left], .columnLeft, "scroll one column left"),
        Binding("column-right", [.right], .columnRight, "scroll one column right (the frame says +N cols →)", hint: "cols", hintKey: "←→"),
        Binding("wide", [.ctrl("w")], .toggleWide, "wide: every column whole, scroll to the rest"),
        Binding("yaml", [.char("y")], .showYAML, "YAML of the selected row (y again: JSON tree)", hint: "yaml"),
        Binding("describe", [.char("d")], .describe, "describe the selected resource (key facts)", hint: "describe"),
        Binding("copy", [.char("c")], .copy, "copy the selected row as JSON"),
        Binding("flows", [.char("l")], .flows, "flows (access logs) of the selected pod, proxy or edge"),
        Binding("log-level", [.char("v")], .logLevel, "set the log levels of the selected pod's or proxy's Envoy (checks access, then asks)"),
    ]

    public var json: [Binding] = [
        Binding("fold", [.enter, .char("o")], .toggleFold, "fold/unfold", hint: "fold"),
        Binding("unfold", [.char("l"), .right], .expand, "unfold"),
        Binding("fold-up", [.char("h"), .left], .collapse, "fold, or go to the parent"),
        Binding("unfold-all", [.char("+"), .char("=")], .expandAll, "unfold everything"),
        Binding("fold-all", [.char("-")], .collapseAll, "fold everything"),
        Binding("search", [.char("/")], .search, "search keys and values (regex)", hint: "search"),
        Binding("next-match", [.char("n")], .nextMatch, "next match"),
        Binding("previous-match", [.char("N")], .prevMatch, "previous match"),
        Binding("yaml", [.char("y")], .toggleYAML, "switch between JSON and YAML", hint: "yaml"),
        Binding("copy", [.char("c")], .copy, "copy the value under the cursor as JSON", hint: "copy"),
        Binding("wrap", [.char("w")], .wrap, "wrap long lines (again: cut them at the edge)", hint: "wrap"),
    ]

    public var text: [Binding] = [
        Binding("search", [.char("/")], .search, "search (regex)", hint: "search"),
        Binding("next-match", [.char("n")], .nextMatch, "next match"),
        Binding("previous-match", [.char("N")], .prevMatch, "previous match"),
        Binding("copy", [.char("c")], .copy, "copy the text", hint: "copy"),
        Binding("wrap", [.char("w")], .wrap, "wrap long lines (again: cut them at the edge)", hint: "wrap"),
    ]

    public var diff: [Binding] = [
        Binding("pane-right", [.tab, .enter, .char("l"), .right], .paneRight, "read the selected diff (j/k then scroll it)", hint: "diff", hintKey: "tab"),
        Binding("pane-left", [.backTab, .char("h"), .left], .paneLeft, "back to the list of differences", hint: "list", hintKey: "h"),
        Binding("filter", [.char("/")], .filter, "list: filter rows (regex); diff: search (regex)", hint: "filter"),
        Binding("next-match", [.char("n")], .nextMatch, "next match in the diff"),
        Binding("previous-match", [.char("N")], .prevMatch, "previous match in the diff"),
        Binding("copy", [.char("c")], .copy, "copy the selected diff", hint: "copy"),
    ]

    /// A YAML pane opened from a JSON tree: `y` goes back.
    public var yaml: [Binding] = [
        Binding("yaml", [.char("y")], .toggleYAML, "back to the JSON tree", hint: "json"),
    ]

    public var tabs: [Binding] = [
        Binding("next-tab", [.tab], .nextTab, "next tab", hint: "next tab"),
        Binding("previous-tab", [.backTab], .prevTab, "previous tab"),
    ]

    public var navigation: [Binding] = [
        Binding("down", [.char("j"), .down], .down, "down"),
        Binding("up", [.char("k"), .up], .up, "up"),
        Binding("top", [.char("g"), .home], .top, "first line"),
        Binding("bottom", [.char("G"), .end], .bottom, "last line (tables: End; G sorts)"),
        Binding("page-down", [.pageDown, .ctrl("f")], .pageDown, "page down"),
        Binding("page-up", [.pageUp, .ctrl("b")], .pageUp, "page up"),
        Binding("half-page-down", [.ctrl("d")], .halfPageDown, "half page down"),
        Binding("half-page-up", [.ctrl("u")], .halfPageUp, "half page up"),
    ]

    public var global: [Binding] = [
        Binding("command", [.char(":")], .command, "command mode (:views lists the views, :q quits)", hint: "cmd"),
        Binding("back", [.escape], .back, "back / clear the filter", hint: "back"),
        Binding("help", [.char("?")], .help, "this help (again or Esc: close it)", hint: "help"),
        Binding("findings", [.char("!")], .findings, "findings: what is wrong, most severe first (:findings)", hint: "findings"),
        Binding("pause", [.char(" ")], .pause, "pause/resume live updates", hint: "pause"),
        Binding("reload", [.ctrl("r")], .reload, "reload the source now (a diff or layers screen: compute it again)"),
        Binding("snapshot", [.ctrl("s")], .snapshot, "write a snapshot (live sources)"),
        Binding("apply", [.char("a")], .apply, "apply a manifest from the clipboard (cluster sources)"),
        Binding("messages", [.char("m")], .messages, "messages: every flash, warning and error since start, whole (:messages)"),
        Binding("diff", [.char("x")], .diff, "diff the proxy on screen or the selected row's against istiod or another proxy"),
        Binding("suspend", [.ctrl("z")], .suspend, "suspend (fg brings it back)"),
        Binding("quit", [.ctrl("c")], .quit, "quit"),
    ]

    /// The built-in keymap.
    public static let standard = Keymap()

    /// Every scope with its help title, in the order help lists them.
    public var scopes: [(title: String, bindings: [Binding])] {
        [("Table", table), ("JSON", json), ("YAML", yaml), ("Text", text), ("Diff", diff), ("Tabs", tabs), ("Navigation", navigation), ("General", global)]
    }

    /// What a screen shows, as far as keys go.
    public enum Pane: Sendable, CaseIterable { case table, json, yaml, text, diff }

    /// The bindings in force for a pane (inside detail tabs or not), most specific first. In
    /// a table the capitals are sort keys, so navigation's `G` is left out there.
    public func bindings(for pane: Pane?, inTabs: Bool = false) -> [(title: String, bindings: [Binding])] {
        var out: [(title: String, bindings: [Binding])] = inTabs ? [("Tabs", tabs)] : []
        switch pane {
        case .table:
            let nav = navigation.map { b in
                var b = b
                b.keys.removeAll { Keymap.isSortKey($0) }
                return b
            }.filter { !$0.keys.isEmpty }
            return out + [("Table", table), ("Navigation", nav), ("General", global)]
        case .json: out.append(("JSON", json))
        case .yaml: out.append(("YAML", yaml + text))
        case .text: out.append(("Text", text))
        case .diff: out.append(("Diff", diff))
        case nil: break
        }
        return out + (pane == nil ? [] : [("Navigation", navigation)]) + [("General", global)]
    }

    /// The bindings in force for a screen's content (tabs include their page's).
    public func forContent(_ c: Content?) -> [(title: String, bindings: [Binding])] {
        switch c {
        case .tabs(let t): bindings(for: Keymap.pane(t.current), inTabs: true)
        default: bindings(for: Keymap.pane(c))
        }
    }

    static func pane(_ c: Content?) -> Pane? {
        switch c {
        case .table: .table
        case .json(let j): j.yaml != nil ? .yaml : .json
        case .text: .text
        case .diff: .diff
        case .tabs(let t): pane(t.current)
        case nil: nil
        }
    }

    /// The keys bound to `action` in the scopes of `c` (a view's row key stands for it).
    public func keys(for action: Action, in c: Content?) -> [Key] {
        forContent(c).flatMap { $0.bindings.filter { $0.action == action }.flatMap(\.keys) }
    }

    /// Shift+letter: in tables, sorts by the first column whose header starts with it.
    public static func isSortKey(_ key: Key) -> Bool {
        if case .char(let c) = key { return c.isUppercase && c.isLetter && c.isASCII }
        return false
    }
}
