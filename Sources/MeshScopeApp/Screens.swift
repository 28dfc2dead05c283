import MeshModel
import TerminalUI

/// One level of the navigation stack (a breadcrumb).
public struct Screen: Sendable {
    /// Breadcrumb text.
    public var crumb: String
    public var content: Content
    /// Rebuilds the content from fresh data (nil: the screen is a fixed picture).
    public var reload: (@Sendable (SourceData) -> Content?)?
    /// Live sources: the proxy (`namespace/name`) this screen shows; the innermost one on
    /// the stack is the runtime's focus (its dump and stats are fetched).
    public var proxyKey: String?
    /// A screen computed once from fetched dumps (a proxy diff, a layers path): what Ctrl-R
    /// asks for again; the answer replaces this screen instead of stacking on it.
    public var recompute: Effect?

    /// A group's tabs rebuild themselves page by page on refresh (no `reload` needed).
    var rebuildsItself: Bool {
        if case .tabs(let t) = content { return !t.pages.isEmpty && t.pages.allSatisfy { $0.rebuild != nil } }
        return false
    }

    public init(crumb: String, content: Content, reload: (@Sendable (SourceData) -> Content?)? = nil) {
        self.crumb = crumb
        self.content = content
        self.reload = reload
    }

    /// A table view, built now from `data`; it rebuilds itself on every refresh.
    public static func table(_ spec: TableViewSpec, data: SourceData, crumb: String? = nil) -> Screen {
        Screen(crumb: crumb ?? spec.name, content: .table(TableScreen(spec: spec, data: data)), reload: nil)
    }

    /// A JSON pane over a value (raw config): folding and search.
    public static func json(_ title: String, _ value: JSONValue, crumb: String? = nil) -> Screen {
        Screen(crumb: crumb ?? title, content: .json(JSONScreen(title: title, pane: JSONPaneState(root: value))))
    }

    /// A JSON pane over a constructed value (serialised once, then shown like raw JSON).
    public static func json(_ title: String, node: JSONTree, crumb: String? = nil) -> Screen {
        Screen(crumb: crumb ?? title, content: .json(JSONScreen(title: title, pane: JSONPaneState(root: JSONScreen.value(of: node)))))
    }

    /// An object in tabs: its JSON tree (folding, search) and its YAML. What Enter opens
    /// on a row that has an object behind it.
    public static func detail(_ title: String, node: JSONTree) -> Screen {
        let v = JSONScreen.value(of: node)
        return Screen.tabs(title, [
            TabPage("JSON") { .json(JSONScreen(title: title, pane: JSONPaneState(root: v))) },
            TabPage("YAML") { .text(TextScreen(title: title, pane: TextPaneState(text: YAMLWriter.string(.json(v))))) },
        ])
    }

    /// A read-only text pane with search.
    public static func text(_ title: String, _ text: String, crumb: String? = nil) -> Screen {
        Screen(crumb: crumb ?? title, content: .text(TextScreen(title: title, pane: TextPaneState(text: text))))
    }

    /// A group's tabs, built from `data`; each tab rebuilds itself on refresh.
    public static func group(_ g: ViewGroup, data: SourceData, active: Int = 0) -> Screen {
        let pages = g.tabs.map { tab -> TabPage in
            let build: @Sendable (SourceData) -> Content
            switch tab {
            case .table(let spec): build = { .table(TableScreen(spec: spec, data: $0)) }
            case .pane(_, let make): build = make
            }
            var p = TabPage(tab.title) { build(data) }
            p.rebuild = build
            return p
        }
        var t = TabsScreen(pages: pages, active: min(active, max(0, pages.count - 1)))
        t.buildActive()
        return Screen(crumb: g.name, content: .tabs(t))
    }

    /// A detail screen with tabs (Tab / Shift-Tab switch), each built when first shown.
    public static func tabs(_ crumb: String, _ pages: [TabPage]) -> Screen {
        var t = TabsScreen(pages: pages, active: 0)
        t.buildActive()
        return Screen(crumb: crumb, content: .tabs(t))
    }
}

public indirect enum Content: Sendable {
    case table(TableScreen)
    case json(JSONScreen)
    case text(TextScreen)
    case tabs(TabsScreen)
    /// What differs on the left, the selected row's diff on the right.
    case diff(DiffScreen)
}

/// A tab of a detail screen; its content is built the first time it is shown.
public struct TabPage: Sendable {
    public var title: String
    public var make: @Sendable () -> Content
    public var built: Content?
    /// Builds the page from fresh data (group tabs); nil for fixed pictures.
    public var rebuild: (@Sendable (SourceData) -> Content)?

    public init(_ title: String, make: @escaping @Sendable () -> Content) {
        self.title = title
        self.make = make
    }
}

public struct TabsScreen: Sendable {
    public var pages: [TabPage]
    public var active: Int

    mutating func buildActive() {
        guard pages.indices.contains(active), pages[active].built == nil else { return }
        pages[active].built = pages[active].make()
    }

    public var current: Content? { pages.indices.contains(active) ? pages[active].built : nil }
}

public struct JSONScreen: Sendable {
    public var title: String
    public var pane: JSONPaneState
    /// `y` switches between the JSON tree and YAML text of the same value.
    public var yaml: TextPaneState?

    static func value(of node: JSONTree) -> JSONValue {
        if case .json(let v) = node { return v }
        let bytes = JSONWriter.bytes(node, indent: 0)
        // JSONWriter output always parses; fall back to `null` rather than trap.
        return (try? JSONDocument(bytes: bytes))?.root ?? (try! JSONDocument("null")).root
    }
}

public struct TextScreen: Sendable {
    public var title: String
    public var pane: TextPaneState
    /// A second pane on the right (the layers view's evidence).
    public var side: TextPaneState?

    public init(title: String, pane: TextPaneState, side: TextPaneState? = nil) {
        self.title = title
        self.pane = pane
        self.side = side
    }
}
