import MeshModel
import TerminalUI

/// A table plus, optionally, the object behind each row (for `y`, `c` and the default drill-down).
public struct ViewTable: Sendable {
    public var table: Table
    /// Aligned with `table.rows`; `.json(value)` subtrees are shown without copying.
    public var rowValues: [JSONTree]?
    /// Aligned with `table.rows`: labels `/-l key=value` selects on (rows without: nil).
    public var rowLabels: [[String: String]]?

    public init(_ table: Table, rowValues: [JSONTree]? = nil) {
        self.table = table
        self.rowValues = rowValues
    }
}

/// A key a view adds beyond the common ones (shown in hints and `?` help).
public struct ViewKey: Sendable {
    public var key: Key
    public var label: String
    /// The keymap action this key performs for the selected row (`x` diff on a pod row): it
    /// then takes the keymap's key for that action, so rebinding `diff` moves it too.
    public var action: Action?
    /// Opens a screen for the selected row (nil: nothing to show for this row).
    public var open: @Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> Screen?

    /// Runs this `:` command for the selected row instead of opening a screen (nil: `open`).
    public var command: (@Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> AppCommand?)?

    public init(_ key: Key, _ label: String, open: @escaping @Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> Screen?) {
        self.key = key
        self.label = label
        self.open = open
    }

    /// A key that runs a `:` command for the row (e.g. `p` on an edge: `:layers FROM TO`).
    public init(_ key: Key, _ label: String, command: @escaping @Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> AppCommand?) {
        self.key = key
        self.label = label
        self.open = { _, _, _ in nil }
        self.command = command
    }

    /// The row's version of a keymap action (its key follows the keymap).
    public init(_ action: Action, _ key: Key, _ label: String, open: @escaping @Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> Screen?) {
        self.init(key, label, open: open)
        self.action = action
    }

    /// The row's version of a keymap action, as a `:` command (Enter on a finding: `:goto`).
    public init(_ action: Action, _ key: Key, _ label: String, command: @escaping @Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> AppCommand?) {
        self.init(key, label, command: command)
        self.action = action
    }
}

/// A table view bound to a MeshModel `Table` builder: this is all a new view needs.
///
/// ```swift
/// // In AppViews (or wherever views are registered):
/// TableViewSpec(name: "clusters", aliases: ["cl"], title: "Clusters") { data in
///     let dump = try data.requireDocument()
///     return ViewTable(try ClusterTable.build(dump), rowValues: nil)
/// }
/// ```
/// With `rowValues`, Enter opens the row's object in detail tabs (JSON tree with folding
/// and search, and YAML) and `y`/`c` show and copy it; give `drill` to go somewhere else
/// (another table, custom tabs).
public struct TableViewSpec: Sendable {
    /// The `:` command that opens the view.
    public var name: String
    public var aliases: [String]
    public var title: String
    public var build: @Sendable (SourceData) throws -> ViewTable
    /// Rows that depend on the `:ns` in effect in a view without a NAMESPACE column to filter
    /// on (`:istio` counts each kind in that namespace, nil: all): built with it, instead of
    /// ``build``, and rebuilt when `:ns` changes.
    public var buildInNamespace: (@Sendable (SourceData, _ namespace: String?) throws -> ViewTable)?
    public var drill: (@Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> Screen?)?
    public var keys: [ViewKey]
    /// Per-cell colouring (e.g. status words).
    public var cellRole: (@Sendable (_ column: String, _ value: String) -> Role?)?
    /// Which cells identify a row across refreshes (default: the first two).
    public var identityColumns: Int
    /// The column that names a row (breadcrumbs, detail titles).
    public var nameColumn: Int
    /// Columns (by header) that stay longest on a narrow screen, most important first; empty:
    /// the name column, then problem columns (``TableViewSpec/problemColumns``), then the
    /// other identity columns.
    public var keepColumns: [String] = []
    /// `d`: the selected resource's key facts as text (nil: the row's object as YAML).
    public var describe: (@Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> String?)?
    /// Enter runs this `:` command for the row instead of drilling in (`:ctx NAME` on a context).
    public var enterCommand: (@Sendable (_ row: [String]) -> AppCommand?)?
    /// Opened by a key, it starts filtered to the `:ns` namespace (the layers destination
    /// picker: a user in `:ns bookinfo` wants bookinfo's services first). Off for pickers
    /// whose rows must stay whole (the diff picker lists istiod from istio-system).
    public var followsNamespace = false
    /// How a row's object is shown (`y`, `c`, `d`, Enter), applied to the selected row only:
    /// Kubernetes objects lose managedFields and credentials (``KubeObject/displayed(_:)``).
    public var presentValue: (@Sendable (JSONTree) -> JSONTree)?
    /// A pane under the table with text about the selected row (the findings' evidence);
    /// nil: the table takes the whole screen.
    public var preview: (@Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> String?)?
    /// A line about the data after the title (`:flows`: `paused (37 new) · 120 dropped`).
    public var note: (@Sendable (SourceData) -> String?)?

    public init(
        name: String, aliases: [String] = [], title: String,
        keys: [ViewKey] = [],
        cellRole: (@Sendable (_ column: String, _ value: String) -> Role?)? = StatusColors.role,
        identityColumns: Int = 2,
        nameColumn: Int = 0,
        describe: (@Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> String?)? = nil,
        drill: (@Sendable (_ data: SourceData, _ row: [String], _ index: Int) -> Screen?)? = nil,
        presentValue: (@Sendable (JSONTree) -> JSONTree)? = nil,
        note: (@Sendable (SourceData) -> String?)? = nil,
        build: @escaping @Sendable (SourceData) throws -> ViewTable
    ) {
        self.name = name
        self.aliases = aliases
        self.title = title
        self.build = build
        self.drill = drill
        self.keys = keys
        self.cellRole = cellRole
        self.identityColumns = identityColumns
        self.nameColumn = nameColumn
        self.describe = describe
        self.presentValue = presentValue
        self.note = note
    }

    /// Headers that say something is wrong: hiding them would hide the problem.
    public static let problemColumns: Set<String> = ["SECURITY", "STATUS", "SYNC", "ERR%", "READY", "HEALTH", "HEALTH FLAGS", "ENDPOINTS"]

    /// This view with ``keepColumns`` set: `.keeping(["SOURCE", "DESTINATION", "SECURITY"])`.
    public func keeping(_ columns: [String]) -> TableViewSpec {
        var spec = self
        spec.keepColumns = columns
        return spec
    }

    /// ``keepColumns`` as column indices of `table`, most important first.
    public func columnPriority(_ table: Table) -> [Int] {
        var out: [Int] = []
        func add(_ i: Int?) { if let i, table.columns.indices.contains(i), !out.contains(i) { out.append(i) } }
        if keepColumns.isEmpty {
            add(nameColumn)
            for (i, c) in table.columns.enumerated() where TableViewSpec.problemColumns.contains(c.name) { add(i) }
            for i in 0..<max(0, identityColumns) { add(i) }
        } else {
            for name in keepColumns { add(table.columns.firstIndex { $0.name == name }) }
        }
        return out
    }
}

/// Views shown together as tabs (a proxy's Listeners, Clusters, ...). `:name` opens the
/// group; a tab's own `:name` opens the group at that tab.
public struct ViewGroup: Sendable {
    public enum Tab: Sendable {
        case table(TableViewSpec)
        /// A pane built from the data (JSON tree, text).
        case pane(String, @Sendable (SourceData) -> Content)

        public var title: String {
            switch self {
            case .table(let s): s.title
            case .pane(let t, _): t
            }
        }
    }

    public var name: String
    public var aliases: [String]
    public var title: String
    public var tabs: [Tab]

    public init(name: String, aliases: [String] = [], title: String, tabs: [Tab]) {
        self.name = name
        self.aliases = aliases
        self.title = title
        self.tabs = tabs
    }

    public var tables: [TableViewSpec] { tabs.compactMap { if case .table(let s) = $0 { s } else { nil } } }

    func matches(_ command: String) -> Bool { name == command || aliases.contains(command) }
}

/// Colours for the status words the mesh tables print, and for the cells whose column says
/// what their value means: one truth for problem states, in every view that prints them.
///
/// ```swift
/// StatusColors.role("SECURITY", "plaintext")   // .statusWarn (as finding MS0401)
/// StatusColors.role("SYNC", "EDS STALE")        // .statusError (as STALE in :proxies)
/// StatusColors.role("ENDPOINTS", "0/3")         // .statusError; "1/3": .statusWarn
/// StatusColors.role("ERR%", "12")               // .statusWarn (≥ the findings' 10 %); "100": .statusError
/// ```
public enum StatusColors {
    public static let role: @Sendable (String, String) -> Role? = { column, value in
        switch column {
        case "SECURITY": return value == TrafficEdge.Security.plaintext.rawValue ? .statusWarn : nil
        case "SYNC": if let r = syncCell(value) { return r }
        case "ENDPOINTS": return endpoints(value)
        case "ERR%": return errorPercent(value)
        default: break
        }
        switch value {
        case "SYNCED", "HEALTHY", "ACTIVE", "Available", "Running", "True", "OK", "ready": return .statusOK
        case "WARMING", "Initializing", "Pending", "DRAINING", "forbidden", "unavailable": return .statusWarn
        case "STALE", "ERROR", "UNHEALTHY", "Unavailable", "Failed", "CrashLoopBackOff", "False", "NACKED", "ERRORED": return .statusError
        default: return nil
        }
    }

    /// One xDS type's state (`STALE (5m)` under CDS) as a colour: behind istiod or refusing its
    /// config is an error; NOT SENT is a warning for the types every Envoy must receive (CDS,
    /// LDS) and plain for the optional ones (ECDS, …), which every proxy shows; SYNCED is calm.
    /// The one mapping for `:proxies`' type columns and the SYNC cells of `:pods` and `:xds`.
    ///
    /// ```swift
    /// StatusColors.xdsState(.notSent, type: "LDS")    // .statusWarn
    /// StatusColors.xdsState(.notSent, type: "ECDS")   // nil
    /// ```
    static func xdsState(_ state: XdsTypeStatus.State?, type: String) -> Role? {
        switch state {
        case .stale?, .error?: return .statusError
        case .notSent?: return type == "CDS" || type == "LDS" ? .statusWarn : nil
        case .synced?: return .statusOK
        case .unknown?, nil: return nil
        }
    }

    /// A pod's SYNC cell (`EDS STALE`, `CDS STALE,EDS ERROR`, `NOT IN SYNCZ`): the worst of its
    /// types' colours (``xdsState(_:type:)``, read with the words of :proxies' cells); a proxy
    /// istiod does not list, a warning.
    static func syncCell(_ value: String) -> Role? {
        if value == ProxySyncStatus.notInSyncz { return .statusWarn }
        var roles: [Role] = []
        for part in value.split(separator: ",") {
            // `EDS STALE`: the state follows the type; `SYNCED` stands alone.
            let words = part.split(separator: " ", maxSplits: 1)
            let (type, cell) = words.count == 2 ? (String(words[0]), String(words[1])) : ("", String(part))
            if let role = xdsState(XdsTypeStatus.State(cell: cell), type: type) { roles.append(role) }
        }
        return [Role.statusError, .statusWarn, .statusOK].first { roles.contains($0) }
    }

    /// `ready/total` endpoints: none ready of some is an error (the service answers nothing),
    /// some not ready a warning, none at all (`0/0`: the selector matches no pod) a warning.
    static func endpoints(_ value: String) -> Role? {
        guard let slash = value.firstIndex(of: "/"), let ready = Int(value[..<slash]),
              let total = Int(value[value.index(after: slash)...]), ready >= 0, total >= ready else { return nil }
        if total == 0 { return .statusWarn }
        return ready == 0 ? .statusError : ready < total ? .statusWarn : nil
    }

    /// An edge's ERR%: above the ratio the findings call high (``LiveTables/highErrorPercent``)
    /// a warning, every request failing an error.
    static func errorPercent(_ value: String) -> Role? {
        guard let p = Double(value), p.isFinite else { return nil }
        if p >= 100 { return .statusError }
        return p > LiveTables.highErrorPercent ? .statusWarn : nil
    }
}
