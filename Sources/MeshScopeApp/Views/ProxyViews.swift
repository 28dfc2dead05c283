import Foundation
import MeshModel
import TerminalUI

/// One proxy's views, bound to the MeshModel table builders `meshscope proxy-config`,
/// `stats` and `pc endpoint --clusters-file` print (columns are defined only there).
/// Shown as tabs of the `:proxy` screen; each tab is also its own `:` command.
public enum ProxyViews {
    /// The `:proxy` group: Listeners, Clusters, Routes, Endpoints, Secrets, Stats,
    /// Bootstrap, raw config.
    public static let group = ViewGroup(name: "proxy", aliases: ["px"], title: "Proxy", tabs: [
        .table(listeners), .table(clusters), .table(routes), .table(endpoints), .table(secrets), .table(stats),
        .pane("Bootstrap", bootstrapPane), .pane("Raw config", rawPane),
    ])

    /// The JSON a detail pane shows: the dump's own bytes, or (only when it holds key
    /// material Envoy did not redact) a redacted re-rendering, as the CLI prints it.
    static func redacted(_ v: JSONValue) -> JSONTree {
        guard EnvoyRedaction.hasUnredactedKeyMaterial(v) else { return .json(v) }
        let bytes = ProxyConfigJSON(node: .json(v), style: .protojson).jsonBytes()
        return (try? JSONDocument(bytes: bytes)).map { .json($0.root) } ?? .string("[redacted]")
    }

    public static let listeners = TableViewSpec(
        name: "listeners", aliases: ["listener", "l"], title: "Listeners",
        keys: [ViewKey(.char("p"), "layers") { data, row, _ in LayersScreen.forListenerRow(data, row) }],
        identityColumns: 4, nameColumn: 0,
        build: { data in
            let dump = try data.requireEnvoy()
            let list = ListenerView.listeners(dump, includeAllStates: true)
            let table = ListenerView.table(list, verbose: true, options: .init(wide: true))
            let byName = Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let col = table.columns.firstIndex { $0.name == "LISTENER" }
            let values: [JSONTree] = table.rows.map { row in
                guard let col, let l = byName[row[col]] else { return .null }
                return redacted(l.json)
            }
            return ViewTable(table, rowValues: values)
        })

    public static let clusters = TableViewSpec(
        name: "clusters", aliases: ["cluster", "cl"], title: "Clusters",
        keys: [ViewKey(.char("p"), "layers") { data, row, _ in LayersScreen.forClusterRow(data, row) }],
        identityColumns: 4,
        describe: { data, row, index in Describe.cluster(data, row: row, index: index) },
        build: { data in
            let dump = try data.requireEnvoy()
            let list = ClusterView.clusters(dump, includeWarming: true)
            return ViewTable(ClusterView.table(list, options: .init(wide: true)), rowValues: list.map { redacted($0.json) })
        })

    public static let routes = TableViewSpec(
        name: "routes", aliases: ["route", "rt"], title: "Routes", identityColumns: 4,
        build: { data in
            let dump = try data.requireEnvoy()
            let list = RouteView.routeConfigs(dump)
            let table = RouteView.table(list, verbose: true, options: .init(wide: true))
            let byName = Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            return ViewTable(table, rowValues: table.rows.map { byName[$0[0]].map { redacted($0.json) } ?? .null })
        })

    /// Live hosts from `/clusters` when given (health, outlier check, per-host stats and
    /// rates), else the dump's EDS section.
    public static let endpoints = TableViewSpec(
        name: "endpoints", aliases: ["endpoint", "ep"], title: "Endpoints", cellRole: hostHealthRole, identityColumns: 4,
        build: { data in
            if let hosts = data.hosts {
                var table = EndpointHostsTable.build(hosts, envoyAddresses: false, rates: data.hostRates)
                // STATUS is the EDS status (istioctl's column): a host failing its active health
                // check still says HEALTHY there. Its flags must stay on screen, not only with room.
                if let flags = table.columns.firstIndex(where: { $0.name == "HEALTH FLAGS" }) { table.columns[flags].wideOnly = false }
                return ViewTable(table)
            }
            let dump = try data.requireEnvoy()
            guard dump.sectionValues[.endpoints] != nil else {
                throw SourceData.Unavailable(description: EmptyStates.endpoints(data))
            }
            return ViewTable(EndpointView.table(rows: EndpointView.rows(EndpointView.assignments(dump)), options: .init(wide: true)))
        })

    /// Any `/clusters` health flag (`/failed_active_hc`, `/failed_outlier_check`...) means the
    /// host takes no traffic: red, like UNHEALTHY.
    static let hostHealthRole: @Sendable (String, String) -> Role? = { column, value in
        if column == "HEALTH FLAGS" { return value == "healthy" ? .statusOK : .statusError }
        return StatusColors.role(column, value)
    }

    public static let secrets = TableViewSpec(
        name: "secrets", aliases: ["secret"], title: "Secrets", identityColumns: 1,
        build: { data in
            let dump = try data.requireEnvoy()
            guard SecretView.hasDynamicSecrets(dump) else { throw SourceData.Unavailable(description: SecretView.noSecretsMessage.trimmingCharacters(in: .newlines)) }
            let items = SecretView.items(dump, inlineStrings: true)
            let table = SecretView.table(items, now: data.clock, options: .init(wide: true))
            let byName = Dictionary(dump.secrets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            return ViewTable(table, rowValues: table.rows.map { row in
                byName[row[0]].map { redacted($0.json ?? $0.entry) } ?? .null
            })
        })

    /// `/stats`: NAME, TYPE, RATE/s (once the file changed between reads), VALUE.
    public static let stats = TableViewSpec(
        name: "stats", aliases: ["st"], title: "Stats", identityColumns: 1,
        build: { data in
            guard let s = data.stats else {
                if let f = data.focus { throw SourceData.Unavailable(description: f.problem ?? "fetching /stats of \(f.proxy.proxyID)…") }
                throw SourceData.Unavailable(description: "no /stats loaded (add --file stats.txt: Envoy /stats, ?format=json or /stats/prometheus)")
            }
            return ViewTable(StatsTable.build(s, previous: data.previousStats, interval: data.statsInterval))
        })

    static let bootstrapPane: @Sendable (SourceData) -> Content = { data in
        guard let dump = data.envoy, let section = dump.sectionValues[.bootstrap] else {
            return .text(TextScreen(title: "Bootstrap", pane: TextPaneState(text: "no bootstrap section in the dump")))
        }
        let bytes = ProxyConfigJSON.bootstrap(section).jsonBytes()
        let root = (try? JSONDocument(bytes: bytes))?.root ?? section
        return .json(JSONScreen(title: "Bootstrap", pane: JSONPaneState(root: root)))
    }

    static let rawPane: @Sendable (SourceData) -> Content = { data in
        guard let doc = data.envoy?.document ?? data.document else {
            return .text(TextScreen(title: "Raw config", pane: TextPaneState(text: "no JSON document loaded")))
        }
        let root: JSONValue
        if let dump = data.envoy, EnvoyRedaction.hasUnredactedKeyMaterial(doc.root) {
            root = (try? JSONDocument(bytes: ProxyConfigJSON.wholeDump(dump)))?.root ?? doc.root
        } else {
            root = doc.root
        }
        return .json(JSONScreen(title: "Raw config", pane: JSONPaneState(root: root)))
    }
}
