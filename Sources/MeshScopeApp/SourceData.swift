import Foundation
import MeshClient
import MeshModel

/// The data the views read: an immutable snapshot of what the source delivered, decoded
/// once per load. A `--file` source may combine several files (a dump plus its `/clusters`
/// and `/stats`); each kind is decoded by the MeshModel decoder the CLI uses.
///
/// ```swift
/// let data = try FileSource(paths: ["config_dump.json", "clusters.txt"]).load()
/// data.envoy?.clusters.count     // the dump's clusters
/// data.hosts?.clusters.count     // /clusters: live host health
/// ```
public struct SourceData: Sendable {
    /// What the data came from, for the header (`dump.json`, `demo`, a context name).
    public var name: String
    /// The kind of source (set by the app from its ``SourceInfo``), so that an empty view
    /// gives advice that fits it (``EmptyStates``). Nil: a file when there is no live state.
    public var origin: SourceInfo.Kind?
    /// The first JSON document loaded (the raw config pane and the generic views).
    public var document: JSONDocument?
    /// Size of the raw input in bytes (all files).
    public var byteCount: Int
    /// When the source produced this data (newest file mtime, poll time).
    public var producedAt: Date?
    /// When the app took the data in: stamped by ``AppState`` from its own clock (its `now`
    /// at start, the `.loaded` event's time), never read from the wall clock.
    public var receivedAt: Date?
    /// What ages (`AGE`, certificate expiry, last sync) are measured against: when the
    /// source produced the data, else when the app received it. Views read this instead of
    /// `Date()`, so a frame is a function of the state alone.
    public var clock: Date { producedAt ?? receivedAt ?? Date(timeIntervalSince1970: 0) }
    /// The order in which a live runtime took this data (1, 2, …, never reused within a
    /// run, across context switches too); 0 for sources that post in order anyway (files).
    /// `App.update` drops a `.loaded` older than the data it shows, so a slow round that
    /// arrives late never replaces a newer one.
    public var sequence: UInt64 = 0

    /// Envoy `/config_dump`.
    public var envoy: EnvoyConfigDump?
    /// ztunnel `/config_dump`.
    public var ztunnel: ZtunnelIndex?
    /// istiod `/debug/syncz` or CSDS: per-proxy sync state.
    public var proxyStatus: [ProxySyncStatus]?
    /// Traffic edges from Prometheus metrics (with rates once the file changed between reads).
    public var edges: [TrafficEdge]?
    /// The metrics the edges came from (kept for the next read's rates).
    public var metrics: PrometheusText?
    /// Recent per-edge request (or bytes) rates, oldest first, keyed by ``edgeKey(_:)``.
    public var edgeHistory: [String: [Double]] = [:]
    /// Envoy `/clusters`: live per-host health and stats.
    public var hosts: EnvoyClusters?
    /// The previous `/clusters` read and the seconds between, for per-host rates.
    public var hostRates: EndpointHostsTable.Rates?
    /// Envoy `/stats` (any of its three formats).
    public var stats: StatsSnapshot?
    /// The previous `/stats` read and the seconds between, for counter rates.
    public var previousStats: StatsSnapshot?
    public var statsInterval: Double?
    /// Per file: what it was detected as.
    public var files: [LoadedFile] = []
    /// Problems with parts of the input (shown in the header flash; good parts still show).
    public var warnings: [String] = []

    /// Live sources: the Kubernetes objects as of the last read of the cluster.
    public var cluster: ClusterSnapshot?
    /// Live sources: the store's last published state (proxies, edges, upstreams, syncz).
    public var live: MeshState?
    /// Live sources: the proxy drilled into, whose config dump and stats fill the proxy tabs.
    public var focus: ProxyFocus?
    /// What the rules found, evaluated in the background after each load (nil until the first
    /// report; a load keeps the last one until its own arrives).
    public var findings: FindingsSnapshot?
    /// Live sources: the flows streamed from the access logs while `:flows` or `:top` is
    /// open. Kept by the state across loads (``AppState/receive(_:at:)``), not by the source.
    public var flows = FlowTail()

    public init(name: String, document: JSONDocument? = nil, byteCount: Int = 0, producedAt: Date? = nil) {
        self.name = name
        self.document = document
        self.byteCount = byteCount == 0 ? (document?.bytes.count ?? 0) : byteCount
        self.producedAt = producedAt
    }

    public static let empty = SourceData(name: "")

    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public func requireDocument() throws(Unavailable) -> JSONDocument {
        guard let document else { throw Unavailable(description: "no document loaded (start with --file DUMP)") }
        return document
    }

    public func requireEnvoy() throws(Unavailable) -> EnvoyConfigDump {
        guard let envoy else {
            if let focus { throw Unavailable(description: focus.waiting) }
            if live != nil { throw Unavailable(description: "no proxy selected: open one with Enter in :proxies or :pods") }
            throw Unavailable(description: "no Envoy config dump loaded (give --file config_dump.json)")
        }
        return envoy
    }

    public func requireZtunnel() throws(Unavailable) -> ZtunnelIndex {
        guard let ztunnel else { throw Unavailable(description: EmptyStates.ztunnel(self)) }
        return ztunnel
    }

    /// What kinds of input are present, in a fixed order.
    public var kinds: [SourceKind] { SourceKind.allCases.filter { k in files.contains { $0.kind == k } } }

    /// The identity of an edge across reads (sparklines follow it).
    public static func edgeKey(_ e: TrafficEdge) -> String {
        PrometheusEdges.historyKey(source: e.source, destination: e.destination, service: e.service, reporter: e.reporter)
    }
}

/// One file of a `--file` source.
public struct LoadedFile: Sendable, Equatable {
    public var path: String
    public var kind: SourceKind
    public var modified: Date?
    public var byteCount: Int
}

/// Where data comes from and how fresh it is: what the header shows.
public struct SourceInfo: Sendable, Equatable {
    public enum Kind: String, Sendable { case file, snapshot, demo, cluster }
    public var kind: Kind
    /// `file config_dump.json`, a kube context...
    public var label: String
    public var context: String
    /// How often the runtime re-reads the source.
    public var refreshInterval: TimeInterval
    /// Snapshots and file dumps cannot be written back.
    public var supportsSnapshots: Bool
    /// The cluster the context points at (live sources): its kubeconfig name and server.
    public var cluster: String?
    /// Writes (apply) are refused: `--readonly`, or a snapshot. Nil reason: writes work
    /// (live sources); otherwise why not, for the status line.
    public var applyRefusal: String?
    /// When a snapshot's data was collected.
    public var takenAt: Date?

    public init(kind: Kind, label: String, context: String = "-", refreshInterval: TimeInterval = 2, supportsSnapshots: Bool = false,
                cluster: String? = nil, applyRefusal: String? = nil, takenAt: Date? = nil) {
        self.kind = kind
        self.label = label
        self.context = context
        self.refreshInterval = refreshInterval
        self.supportsSnapshots = supportsSnapshots
        self.cluster = cluster
        self.applyRefusal = applyRefusal ?? (kind == .file || kind == .snapshot
            ? "apply needs a cluster source: this \(kind.rawValue) source (\(label)) has no API server to apply to" : nil)
        self.takenAt = takenAt
    }

    /// Live sources write (apply); files and snapshots do not.
    public var canApply: Bool { applyRefusal == nil }
}

/// The proxy a live TUI drilled into: its config dump is fetched when it is opened (and
/// again when the store sees it change), its `/stats` every refresh while it is open.
public struct ProxyFocus: Sendable {
    public var proxy: MeshState.Proxy
    /// Why the dump is not there yet: "fetching …" or the fetch error.
    public var problem: String?

    public init(proxy: MeshState.Proxy, problem: String? = nil) {
        self.proxy = proxy
        self.problem = problem
    }

    /// What the proxy tabs say until the dump arrives.
    public var waiting: String { problem ?? "fetching the config dump of \(proxy.proxyID) (\(AdminRequest.configDump))…" }
}
