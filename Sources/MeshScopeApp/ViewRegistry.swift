import Foundation

/// The views reachable with `:name`, in the order `:` completion lists them.
///
/// Views are code (a spec holds its builder), state is data: a registry is stored once per
/// process when it is built, and the value passed around (and kept in ``AppState``) is a
/// handle to it, so states stay plain data. Build a registry once (a `static let`), not
/// per event: each one built is kept for the life of the process.
///
/// ```swift
/// static let registry = ViewRegistry([pods, services], groups: [ProxyViews.group])
/// registry.spec(.named("pods")).title   // "Workloads"
/// ```
public struct ViewRegistry: Sendable, Hashable {
    let id: Int

    public init(_ views: [TableViewSpec] = [], groups: [ViewGroup] = []) {
        id = ViewCatalog.store(ViewCatalog(views: views + groups.flatMap(\.tables), groups: groups))
    }

    var catalog: ViewCatalog { ViewCatalog.lookup(id) }

    /// Every table, groups' tabs last.
    public var views: [TableViewSpec] { catalog.views }
    public var groups: [ViewGroup] { catalog.groups }

    public func find(_ command: String) -> TableViewSpec? {
        views.first { $0.name == command || $0.aliases.contains(command) }
    }

    /// The group `command` names, or the group (and tab) of the table it names.
    public func group(_ command: String) -> (ViewGroup, tab: Int)? {
        let groups = groups
        if let g = groups.first(where: { $0.matches(command) }) { return (g, 0) }
        for g in groups {
            if let i = g.tabs.firstIndex(where: { if case .table(let s) = $0 { s.name == command || s.aliases.contains(command) } else { false } }) {
                return (g, i)
            }
        }
        return nil
    }

    /// Every `:` name (groups first).
    public var commandNames: [String] { groups.flatMap { [$0.name] + $0.aliases } + views.flatMap { [$0.name] + $0.aliases } }

    /// The spec a screen names. A name the registry lacks (a state from another registry)
    /// gives a view that says so instead of rows.
    public func spec(_ view: ViewID) -> TableViewSpec {
        if let spec = view.spec { return spec }
        if case .viewList = view { return HelpScreen.viewsSpec(self) }
        guard case .named(let name) = view else { return Self.missing("?") }
        let views = views
        return views.first { $0.name == name } ?? views.first { $0.aliases.contains(name) } ?? Self.missing(name)
    }

    /// Tab `tab` of group `name` (nil: no such group or tab).
    func tab(group name: String, _ tab: Int) -> ViewGroup.Tab? {
        guard let g = groups.first(where: { $0.name == name }), g.tabs.indices.contains(tab) else { return nil }
        return g.tabs[tab]
    }

    static func missing(_ name: String) -> TableViewSpec {
        TableViewSpec(name: name, title: name) { _ in throw SourceData.Unavailable(description: "no view \(name) here") }
    }
}

/// The registries' specs and groups, stored once each; ``ViewRegistry`` is the key.
final class ViewCatalog: Sendable {
    let views: [TableViewSpec]
    let groups: [ViewGroup]

    init(views: [TableViewSpec], groups: [ViewGroup]) {
        self.views = views
        self.groups = groups
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var all: [ViewCatalog] = []
    private static let empty = ViewCatalog(views: [], groups: [])

    static func store(_ catalog: ViewCatalog) -> Int {
        lock.withLock {
            all.append(catalog)
            return all.count - 1
        }
    }

    static func lookup(_ id: Int) -> ViewCatalog {
        lock.withLock { all.indices.contains(id) ? all[id] : empty }
    }
}

extension ViewRegistry {
    /// No views of its own: the handle for parametrised views (``ViewID/spec``), which
    /// need no registry.
    public static let parametrised = ViewRegistry()
}
