import MeshModel
import TerminalUI

/// One level of the navigation stack (a breadcrumb). A value: what it shows (`content`)
/// and how it is built again from fresh data (`source`); no closures, so a state can be
/// compared, copied and rebuilt by ``AppState/reloadScreens()`` alone.
public struct Screen: Sendable {
    /// Breadcrumb text.
    public var crumb: String
    public var content: Content
    /// How the content is rebuilt when new data arrives.
    public var source: ScreenSource
    /// Live sources: the proxy (`namespace/name`) this screen shows; the innermost one on
    /// the stack is the runtime's focus (its dump and stats are fetched).
    public var proxyKey: String?
    /// A screen computed once from fetched dumps (a proxy diff, a layers path): what Ctrl-R
    /// asks for again; the answer replaces this screen instead of stacking on it.
    public var recompute: Effect?

    /// A group's tabs rebuild themselves page by page on refresh (no ``ScreenSource/drill(_:identity:)`` needed).
    var rebuildsItself: Bool {
        if case .tabs(let t) = content { return !t.pages.isEmpty && t.pages.allSatisfy(\.source.followsData) }
        return false
    }

    public init(crumb: String, content: Content, source: ScreenSource = .content) {
        self.crumb = crumb
        self.content = content
        self.source = source
    }

    /// A table view, built now from `data`; it rebuilds itself on every refresh. A
    /// parametrised view (a picker) needs no registry; a `.named` one is looked up in `registry`.
    public static func table(_ id: ViewID, in registry: ViewRegistry = .parametrised, data: SourceData, crumb: String? = nil) -> Screen {
        let t = TableScreen(ViewRef(id, in: registry), data: data)
        return Screen(crumb: crumb ?? t.spec.name, content: .table(t))
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
        return Screen.tabs(title, [TabPage("JSON", .json(title: title, v)), TabPage("YAML", .yaml(title: title, v))])
    }

    /// A read-only text pane with search.
    public static func text(_ title: String, _ text: String, crumb: String? = nil) -> Screen {
        Screen(crumb: crumb ?? title, content: .text(TextScreen(title: title, pane: TextPaneState(text: text))))
    }

    /// A group of `registry`, its tabs built from `data`; each tab rebuilds itself on refresh.
    public static func group(_ g: ViewGroup, in registry: ViewRegistry, data: SourceData, active: Int = 0) -> Screen {
        let pages = g.tabs.indices.map { TabPage(g.tabs[$0].title, .tab(registry, group: g.name, index: $0)) }
        var t = TabsScreen(pages: pages, active: min(active, max(0, pages.count - 1)), data: data)
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

/// How a screen's content is built again when new data arrives; a value, so that the
/// navigation stack is plain data. ``AppState/reloadScreens()`` is the function that
/// rebuilds: tables reload from their spec, group tabs page by page, a drilled-into
/// screen by finding its row again.
public enum ScreenSource: Sendable {
    /// The content rebuilds itself (a table, a group's tabs) or is a fixed picture (a
    /// describe, a diff, an apply result: kept as it is).
    case content
    /// What Enter opened on a row of `view`: the row, found again in a table built from
    /// the new data by its identity (``TableViewSpec/identityColumns``), is opened again
    /// (a row that is gone keeps the last picture).
    case drill(ViewRef, identity: [String])
}

public indirect enum Content: Sendable {
    case table(TableScreen)
    case json(JSONScreen)
    case text(TextScreen)
    case tabs(TabsScreen)
    /// What differs on the left, the selected row's diff on the right.
    case diff(DiffScreen)
}

/// A tab of a tabs screen; its content is built the first time it is shown.
public struct TabPage: Sendable {
    public var title: String
    /// What the page shows, built by ``Source/build(_:)``.
    public var source: Source
    public var built: Content?

    /// What a tab shows, as a value.
    public enum Source: Sendable {
        /// Tab `index` of a registry's group: built from the data, and again from each refresh's.
        case tab(ViewRegistry, group: String, index: Int)
        /// An object's JSON tree (detail tabs): built once.
        case json(title: String, JSONValue)
        /// The same object as YAML text: built once, when first shown (YAML of a large
        /// object takes a moment).
        case yaml(title: String, JSONValue)

        /// Whether the page is built again from each refresh's data.
        var followsData: Bool { if case .tab = self { true } else { false } }

        func build(_ data: SourceData) -> Content {
            switch self {
            case .tab(let registry, let group, let index):
                switch registry.tab(group: group, index) {
                case .table(let spec)?: .table(TableScreen(ViewRef(.named(spec.name), in: registry), data: data))
                case .pane(_, let make)?: make(data)
                case nil: .text(TextScreen(title: group, pane: TextPaneState(text: "no tab \(index) in \(group)")))
                }
            case .json(let title, let v): .json(JSONScreen(title: title, pane: JSONPaneState(root: v)))
            case .yaml(let title, let v): .text(TextScreen(title: title, pane: TextPaneState(text: YAMLWriter.string(.json(v)))))
            }
        }
    }

    public init(_ title: String, _ source: Source) {
        self.title = title
        self.source = source
    }
}

public struct TabsScreen: Sendable {
    public var pages: [TabPage]
    public var active: Int
    /// The data group tabs are built from (the last refresh's); nil when no page follows data.
    var data: SourceData?

    init(pages: [TabPage], active: Int, data: SourceData? = nil) {
        self.pages = pages
        self.active = active
        self.data = data
    }

    mutating func buildActive() {
        guard pages.indices.contains(active), pages[active].built == nil else { return }
        pages[active].built = pages[active].source.build(data ?? .empty)
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
