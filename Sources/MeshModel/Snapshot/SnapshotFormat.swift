import Foundation

/// The snapshot file format, version 1 (docs/snapshot-format.md describes every field):
///
/// ```json
/// {
///   "meshscopeSnapshot": 1,
///   "metadata": { "takenAt": "…", "meshscopeVersion": "…", "source": {…}, "serverVersion": {…},
///                 "namespaces": null, "options": {…} },
///   "kubernetes": { "apiResources": […], "objects": { "pods": […], "services": […], … } },
///   "proxies": [ { "name": …, "namespace": …, "kind": "sidecar", "node": …, "ip": …,
///                  "admin": { "configDump": { "fetchedAt": "…", "json": {…} }, … },
///                  "earlier": { "statsPrometheus": {…} }, "summary": {…} } ],
///   "collection": { "completedAt": "…", "failures": […], "redactions": {…} },
///   "summary": { "proxies": {…}, "edges": […] }
/// }
/// ```
///
/// `collection` comes last because failures are only known once every proxy was asked;
/// the file is streamed, so nothing before it is ever rewritten.
public enum SnapshotFormat {
    /// The version this meshscope writes and the newest it reads.
    public static let version = 1
    /// The member that marks a meshscope snapshot and holds its format version.
    public static let versionKey = "meshscopeSnapshot"
    /// meshscope's own version (the one `meshscope --version` prints), recorded in every
    /// snapshot. Bumped with each release.
    public static let meshscopeVersion = "0.15.0"

    /// Admin responses a snapshot keeps per proxy, by the key they are stored under (the
    /// `AdminRequest` case names) and whether the endpoint answers JSON. `istiodConfigDump`
    /// is istiod's view of an Envoy (`/debug/config_dump?proxyID=`), kept with the proxy it
    /// is about so the Diff view (`D`) works on a snapshot.
    public static let responseKinds: [String: Bool] = [
        "configDump": true, "clusters": true, "statsJSON": true, "statsPrometheus": false, "serverInfo": true,
        "certs": true, "ztunnelConfigDump": true, "ztunnelMetrics": false, "syncz": true, "connections": true,
        "istiodConfigDump": true,
    ]

    /// RFC 3339 with milliseconds (rates need sub-second sample times).
    public static func time(_ date: Date) -> String {
        let base = Timestamp.rfc3339(date)
        let ms = Int((date.timeIntervalSince1970 - floor(date.timeIntervalSince1970)) * 1000)
        return String(base.dropLast()) + String(format: ".%03dZ", min(999, max(0, ms)))
    }
}

/// Why a file could not be read as a snapshot: one line naming the file and, where it
/// applies, the byte offset or JSON path.
public struct SnapshotFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a snapshot says about itself (the `metadata` member).
public struct SnapshotMetadata: Sendable, Equatable {
    public struct Options: Sendable, Equatable {
        /// `--proxies` label selector, as typed.
        public var proxySelector: String?
        /// Stats and metrics were collected (`--no-stats` turns this off).
        public var stats: Bool
        /// Seconds between the two metrics samples rates are computed from (nil: one sample).
        public var rateInterval: Double?
        public var concurrency: Int

        public init(proxySelector: String? = nil, stats: Bool = true, rateInterval: Double? = 1, concurrency: Int = 16) {
            self.proxySelector = proxySelector
            self.stats = stats
            self.rateInterval = rateInterval
            self.concurrency = concurrency
        }
    }

    public var takenAt: Date
    public var meshscopeVersion: String
    /// `cluster` or `snapshot` (a snapshot of a snapshot).
    public var sourceKind: String
    /// The context name (or the path of the snapshot it was taken from).
    public var sourceName: String
    public var context: String
    /// The namespace reads defaulted to in the source (`-n` else the context's).
    public var defaultNamespace: String
    /// The API server's `/version` answer, verbatim (nil when it could not be read).
    public var serverVersion: JSONValue?
    /// Namespaces covered; nil means all.
    public var namespaces: [String]?
    public var options: Options

    public init(takenAt: Date, meshscopeVersion: String = SnapshotFormat.meshscopeVersion, sourceKind: String, sourceName: String, context: String,
                defaultNamespace: String, serverVersion: JSONValue? = nil, namespaces: [String]? = nil, options: Options = Options()) {
        self.takenAt = takenAt
        self.meshscopeVersion = meshscopeVersion
        self.sourceKind = sourceKind
        self.sourceName = sourceName
        self.context = context
        self.defaultNamespace = defaultNamespace
        self.serverVersion = serverVersion
        self.namespaces = namespaces
        self.options = options
    }

    /// `gitVersion` of the server version, e.g. `v1.30.2`.
    public var serverGitVersion: String? { serverVersion?["gitVersion"]?.string }

    public static func == (a: SnapshotMetadata, b: SnapshotMetadata) -> Bool {
        a.takenAt == b.takenAt && a.meshscopeVersion == b.meshscopeVersion && a.sourceKind == b.sourceKind && a.sourceName == b.sourceName
            && a.context == b.context && a.defaultNamespace == b.defaultNamespace && a.serverVersion?.rawText == b.serverVersion?.rawText
            && a.namespaces == b.namespaces && a.options == b.options
    }

    var output: JSONTree {
        .object([
            ("takenAt", .string(SnapshotFormat.time(takenAt))),
            ("meshscopeVersion", .string(meshscopeVersion)),
            ("source", .object([("kind", .string(sourceKind)), ("name", .string(sourceName)), ("context", .string(context)), ("namespace", .string(defaultNamespace))])),
            ("serverVersion", serverVersion.map { .json($0) } ?? .null),
            ("namespaces", namespaces.map { .array($0.map { .string($0) }) } ?? .null),
            ("options", .object([
                ("proxySelector", options.proxySelector.map { .string($0) } ?? .null),
                ("stats", .bool(options.stats)),
                ("rateInterval", options.rateInterval.map { .double($0) } ?? .null),
                ("concurrency", .int(options.concurrency)),
            ])),
        ])
    }

    /// Reads `metadata`; missing optional fields get defaults, a missing `takenAt` is an error.
    static func decode(_ v: JSONValue) throws(SnapshotFormatError) -> SnapshotMetadata {
        guard let t = v.member(exactly: "takenAt")?.string, let takenAt = Timestamp.parse(t) else {
            throw SnapshotFormatError("metadata.takenAt is missing or not an RFC 3339 time")
        }
        let source = v.member(exactly: "source")
        let o = v.member(exactly: "options")
        var options = Options()
        options.proxySelector = o?.member(exactly: "proxySelector")?.string
        options.stats = o?.member(exactly: "stats")?.bool ?? true
        options.rateInterval = o?.member(exactly: "rateInterval")?.double
        options.concurrency = o?.member(exactly: "concurrency")?.int ?? 16
        let sv = v.member(exactly: "serverVersion")
        return SnapshotMetadata(
            takenAt: takenAt,
            meshscopeVersion: v.member(exactly: "meshscopeVersion")?.string ?? "unknown",
            sourceKind: source?.member(exactly: "kind")?.string ?? "cluster",
            sourceName: source?.member(exactly: "name")?.string ?? "",
            context: source?.member(exactly: "context")?.string ?? "",
            defaultNamespace: source?.member(exactly: "namespace")?.string ?? "default",
            serverVersion: (sv?.isNull ?? true) ? nil : sv,
            namespaces: v.member(exactly: "namespaces")?.array?.compactMap(\.string),
            options: options)
    }
}

/// One thing that could not be collected, and why.
public struct SnapshotFailure: Sendable, Equatable, CustomStringConvertible {
    /// `namespace/pod` of the proxy; nil for cluster-wide reads (objects, `/version`).
    public var proxy: String?
    /// The response key (`certs`, `configDump`, …) when it was an admin read.
    public var request: String?
    /// What was read: `:15000/certs`, `/version`, `pods`.
    public var target: String
    public var reason: String

    public init(proxy: String? = nil, request: String? = nil, target: String, reason: String) {
        self.proxy = proxy
        self.request = request
        self.target = target
        self.reason = reason
    }

    /// `bookinfo/details-v1-0 :15000/certs: HTTP 500 …`
    public var description: String { (proxy.map { $0 + " " } ?? "") + target + ": " + reason }

    var output: JSONTree {
        .object([
            ("proxy", proxy.map { .string($0) } ?? .null), ("request", request.map { .string($0) } ?? .null),
            ("target", .string(target)), ("reason", .string(reason)),
        ])
    }

    static func decode(_ v: JSONValue) -> SnapshotFailure {
        SnapshotFailure(proxy: v.member(exactly: "proxy")?.string, request: v.member(exactly: "request")?.string,
                        target: v.member(exactly: "target")?.string ?? "", reason: v.member(exactly: "reason")?.string ?? "")
    }
}

/// How much was redacted while writing (counts, never the values).
public struct SnapshotRedactions: Sendable, Equatable {
    /// Envoy sensitive fields (`private_key`, `password`, …) and PEM private key blocks.
    public var keyMaterial = 0
    /// `kubectl.kubernetes.io/last-applied-configuration` annotations that mentioned a sensitive field.
    public var lastAppliedAnnotations = 0
    /// Container environment values whose names look like credentials.
    public var environmentValues = 0
    /// Objects of kind Secret that reached the writer (never written).
    public var secrets = 0
    /// `managedFields` lists dropped (bulk, not secrets; counted for the record).
    public var managedFields = 0

    public init() {}

    var output: JSONTree {
        .object([("keyMaterial", .int(keyMaterial)), ("lastAppliedAnnotations", .int(lastAppliedAnnotations)),
                 ("environmentValues", .int(environmentValues)), ("secrets", .int(secrets)), ("managedFields", .int(managedFields))])
    }

    static func decode(_ v: JSONValue?) -> SnapshotRedactions {
        var r = SnapshotRedactions()
        r.keyMaterial = v?.member(exactly: "keyMaterial")?.int ?? 0
        r.lastAppliedAnnotations = v?.member(exactly: "lastAppliedAnnotations")?.int ?? 0
        r.environmentValues = v?.member(exactly: "environmentValues")?.int ?? 0
        r.secrets = v?.member(exactly: "secrets")?.int ?? 0
        r.managedFields = v?.member(exactly: "managedFields")?.int ?? 0
        return r
    }
}

/// One admin response as collected: when, and the bytes the proxy sent.
public struct SnapshotResponse: Sendable {
    public var fetchedAt: Date
    public var body: [UInt8]

    public init(fetchedAt: Date, body: [UInt8]) {
        self.fetchedAt = fetchedAt
        self.body = body
    }
}
