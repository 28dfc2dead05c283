import Foundation
import MeshClient
import MeshModel

/// An open live source and what the TUI may do with it: read (`source`), describe it in
/// the header (`info`, `cluster`), write (`applier`; nil for read-only sources such as
/// snapshots) and release it (`close`).
///
/// ```swift
/// let source = ClusterMeshSource(client: client, admin: admin, namespace: nil)
/// let conn = LiveConnection(source: source, info: source.info, cluster: "kind-dev", server: "https://127.0.0.1:6443",
///                           applier: Applier(client: client)) { await source.close(); await client.shutdown() }
/// ```
public struct LiveConnection: Sendable {
    public var source: any MeshSource
    public var info: MeshSourceInfo
    /// The cluster's kubeconfig name and its API server, for the header.
    public var cluster: String
    public var server: String
    public var applier: Applier?
    public var close: @Sendable () async -> Void

    public init(source: any MeshSource, info: MeshSourceInfo, cluster: String, server: String = "", applier: Applier?, close: @escaping @Sendable () async -> Void) {
        self.source = source
        self.info = info
        self.cluster = cluster
        self.server = server
        self.applier = applier
        self.close = close
    }
}

/// How the TUI runs on a live source.
public struct LiveTUIOptions: Sendable {
    public var ui: TUIOptions
    public var connection: LiveConnection
    /// `demo` for `meshscope --demo` (the header says so); nil for clusters and snapshots.
    public var label: String?
    /// `-n NS`: the namespace the views start filtered to (nil: all).
    public var namespace: String?
    /// The kubeconfig's contexts, for `:ctx`.
    public var contexts: [Kubeconfig.Context]
    /// Opens another context (`:ctx NAME`); nil: switching is not offered.
    public var connect: (@Sendable (_ context: String) async throws -> LiveConnection)?
    /// `S`: writes a snapshot of the source it is given (the current one: `:ctx` may have
    /// switched) and returns its path; nil: not offered.
    public var writeSnapshot: (@Sendable (_ source: any MeshSource) async throws -> String)?
    /// `--compare FILE`: a snapshot the source is compared with at start; the Diff view opens
    /// on top of the home view. Against a snapshot source the source is the old side (A → B);
    /// against a live source the snapshot is (then → now). Closed on exit.
    public var compare: (any MeshSource)?
    /// `--max-rps`: the store's request budget for proxies nobody is looking at (0: none).
    public var maxRequestsPerSecond: Double? = MeshStore.Options().maxRequestsPerSecond

    public init(ui: TUIOptions, connection: LiveConnection, label: String? = nil, namespace: String? = nil, contexts: [Kubeconfig.Context] = [],
                connect: (@Sendable (_ context: String) async throws -> LiveConnection)? = nil,
                writeSnapshot: (@Sendable (_ source: any MeshSource) async throws -> String)? = nil) {
        self.ui = ui
        self.connection = connection
        self.label = label
        self.namespace = namespace
        self.contexts = contexts
        self.connect = connect
        self.writeSnapshot = writeSnapshot
    }

    /// What the header shows for a connection.
    func sourceInfo(_ c: LiveConnection) -> SourceInfo {
        let kind: SourceInfo.Kind = c.info.kind == .snapshot ? .snapshot : label == "demo" ? .demo : .cluster
        let label: String
        switch kind {
        // The header adds when it was taken (``SourceInfo/takenAt``), and how long ago.
        case .snapshot: label = "snapshot \(c.info.name)"
        case .demo: label = "demo mesh (fake API server and proxies on loopback, \(c.server))"
        default: label = "cluster \(c.server.isEmpty ? c.cluster : c.server)"
        }
        var refusal: String?
        if kind == .snapshot || c.info.readOnly {
            refusal = kind == .snapshot ? "snapshot: read-only (apply needs a live cluster)" : "this source is read-only: apply needs a live cluster"
        } else if c.applier == nil {
            refusal = "this source cannot write: apply needs a live cluster"
        }
        return SourceInfo(kind: kind, label: label, context: c.info.context, refreshInterval: ui.refreshInterval,
                          supportsSnapshots: writeSnapshot != nil && kind != .snapshot, cluster: c.cluster,
                          applyRefusal: refusal, takenAt: c.info.takenAt)
    }
}
