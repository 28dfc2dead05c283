import TerminalUI

/// Everything a key can do. Bindings map keys to actions per context, and the same
/// bindings produce the hints bar and the `?` help, so they cannot disagree.
public enum Action: Sendable, Equatable {
    case down, up, top, bottom, pageDown, pageUp, halfPageDown, halfPageUp
    case drill, back, nextTab, prevTab
    case sortLeft, sortRight, sortInvert
    case help, command, filter, search, nextMatch, prevMatch
    case pause, showYAML, copy, snapshot, reload, quit, suspend
    case toggleFold, expand, collapse, expandAll, collapseAll, toggleYAML
    case tab(Int)
    case describe, apply
    /// Diff view: read the selected diff (right pane) / back to the list (left pane).
    case paneRight, paneLeft
    /// `D`: compare the proxy on screen with istiod or another proxy.
    case diff
    /// `l`: the flows of the selected pod, proxy or edge; `v`: a proxy's log levels.
    case flows, logLevel
}

public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var help: String
    /// Shown in the hints bar (the short list at the bottom).
    public var hint: String?
    /// How the hints bar writes the key, when not the first key's name.
    public var hintKey: String?

    init(_ keys: [Key], _ action: Action, _ help: String, hint: String? = nil, hintKey: String? = nil) {
        self.keys = keys
        self.action = action
        self.help = help
        self.hint = hint
        self.hintKey = hintKey
    }

    /// `j/↓` as help and hints write it.
    public var keyLabel: String { keys.isEmpty ? (hintKey ?? "") : keys.map(\.description).joined(separator: "/") }
}

public enum Bindings {
    static let navigation: [Binding] = [
        Binding([.char("j"), .down], .down, "down"),
        Binding([.char("k"), .up], .up, "up"),
        Binding([.char("g"), .home], .top, "first line"),
        Binding([.char("G"), .end], .bottom, "last line"),
        Binding([.pageDown, .ctrl("f")], .pageDown, "page down"),
        Binding([.pageUp, .ctrl("b")], .pageUp, "page up"),
        Binding([.ctrl("d")], .halfPageDown, "half page down"),
        Binding([.ctrl("u")], .halfPageUp, "half page up"),
    ]

    static let table: [Binding] = [
        Binding([.enter], .drill, "open the selected row", hint: "view"),
        Binding([.char("/")], .filter, "filter rows (regex, !inverts)", hint: "filter"),
        Binding([.char("<")], .sortLeft, "sort by the column to the left", hint: "sort", hintKey: "<>"),
        Binding([.char(">")], .sortRight, "sort by the column to the right"),
        Binding([.char("I")], .sortInvert, "invert the sort order"),
        Binding([], .sortInvert, "sort by the column whose header starts with the letter (again: invert)", hintKey: "Shift+A-Z"),
        Binding([.char("y")], .showYAML, "YAML/JSON of the selected row", hint: "yaml"),
        Binding([.char("d")], .describe, "describe the selected resource (key facts)", hint: "describe"),
        Binding([.char("c")], .copy, "copy the selected row as JSON"),
        Binding([.char("l")], .flows, "flows (access logs) of the selected pod, proxy or edge"),
        Binding([.char("v")], .logLevel, "set the log levels of the selected pod's or proxy's Envoy (asks first)"),
    ]

    static let json: [Binding] = [
        Binding([.enter, .char("o")], .toggleFold, "fold/unfold", hint: "fold"),
        Binding([.char("l"), .right], .expand, "unfold"),
        Binding([.char("h"), .left], .collapse, "fold, or go to the parent"),
        Binding([.char("+"), .char("=")], .expandAll, "unfold everything"),
        Binding([.char("-")], .collapseAll, "fold everything"),
        Binding([.char("/")], .search, "search keys and values (regex)", hint: "search"),
        Binding([.char("n")], .nextMatch, "next match"),
        Binding([.char("N")], .prevMatch, "previous match"),
        Binding([.char("y")], .toggleYAML, "switch between JSON and YAML", hint: "yaml"),
        Binding([.char("c")], .copy, "copy the value under the cursor as JSON", hint: "copy"),
    ]

    static let text: [Binding] = [
        Binding([.char("/")], .search, "search (regex)", hint: "search"),
        Binding([.char("n")], .nextMatch, "next match"),
        Binding([.char("N")], .prevMatch, "previous match"),
        Binding([.char("c")], .copy, "copy the text", hint: "copy"),
    ]

    static let diff: [Binding] = [
        Binding([.tab, .enter, .char("l"), .right], .paneRight, "read the selected diff (j/k then scroll it)", hint: "diff", hintKey: "tab"),
        Binding([.backTab, .char("h"), .left], .paneLeft, "back to the list of differences", hint: "list", hintKey: "h"),
        Binding([.char("/")], .filter, "list: filter rows (regex); diff: search (regex)", hint: "filter"),
        Binding([.char("n")], .nextMatch, "next match in the diff"),
        Binding([.char("N")], .prevMatch, "previous match in the diff"),
        Binding([.char("c")], .copy, "copy the selected diff", hint: "copy"),
    ]

    static let yamlBack = Binding([.char("y")], .toggleYAML, "back to the JSON tree", hint: "json")

    static let tabs: [Binding] = [
        Binding([.tab], .nextTab, "next tab", hint: "next tab"),
        Binding([.backTab], .prevTab, "previous tab"),
    ]

    static let global: [Binding] = [
        Binding([.char(":")], .command, "command mode (:views, :q, :help)", hint: "cmd"),
        Binding([.escape], .back, "back / clear the filter", hint: "back"),
        Binding([.char("?")], .help, "this help", hint: "help"),
        Binding([.char(" ")], .pause, "pause/resume live updates", hint: "pause"),
        Binding([.ctrl("r")], .reload, "reload the source now (a diff or layers screen: compute it again)"),
        Binding([.char("S")], .snapshot, "write a snapshot"),
        Binding([.char("A")], .apply, "apply a manifest from the clipboard (cluster sources)"),
        Binding([.char("D")], .diff, "diff the open proxy against istiod or another proxy"),
        Binding([.ctrl("z")], .suspend, "suspend (fg brings it back)"),
        Binding([.ctrl("c")], .quit, "quit"),
    ]

    /// The bindings in force for a screen's content, most specific first.
    static func forContent(_ c: Content?) -> [(String, [Binding])] {
        switch c {
        case .table: [("Table", table), ("Navigation", navigation), ("General", global)]
        case .json(let j) where j.yaml != nil: [("YAML", [yamlBack] + text), ("Navigation", navigation), ("General", global)]
        case .json: [("JSON", json), ("Navigation", navigation), ("General", global)]
        case .text: [("Text", text), ("Navigation", navigation), ("General", global)]
        case .tabs(let t): [("Tabs", tabs)] + forContent(t.current)
        case .diff: [("Diff", diff), ("Navigation", navigation), ("General", global)]
        case nil: [("General", global)]
        }
    }
}
