/// Identity of one object in a manifest or on the server.
public struct ObjectRef: Sendable, Hashable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: String
    public var name: String
    /// nil for cluster-scoped kinds.
    public var namespace: String?

    public init(apiVersion: String, kind: String, name: String, namespace: String?) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// `Deployment shop/web`, `Namespace shop`.
    public var description: String { "\(kind) \(namespace.map { "\($0)/" } ?? "")\(name)" }
}

/// One document of a manifest, with where it came from (for error messages).
public struct ManifestDocument: Sendable {
    /// File label: a path, `<stdin>` or `clipboard (wl-paste)`.
    public var source: String
    /// 1-based position among the documents of the source (empty documents count, as in kubectl).
    public var index: Int
    /// 1-based line where the document starts.
    public var line: Int
    public var object: JSONTree

    public init(source: String, index: Int, line: Int, object: JSONTree) {
        self.source = source
        self.index = index
        self.line = line
        self.object = object
    }

    /// `manifest.yaml document 3 (line 41)`.
    public var location: String { "\(source) document \(index) (line \(line))" }
}

/// Why one object could not be applied.
public struct ApplyFailure: Sendable, Equatable, Error, CustomStringConvertible {
    public var summary: String
    /// Extra lines: conflicting managers and fields, invalid fields.
    public var details: [String]

    public init(_ summary: String, details: [String] = []) {
        self.summary = summary
        self.details = details
    }

    public var description: String { ([summary] + details.map { "  " + $0 }).joined(separator: "\n") }

    /// A failure from the API server's Status, with 409 conflicts grouped by manager:
    /// `conflict with "kubectl-edit" (apps/v1): .spec.replicas, .spec.template.spec.containers`.
    public init(status: KubeStatus) {
        if status.code == 409, status.causes.contains(where: { $0.type == "FieldManagerConflict" }) {
            var order: [String] = []
            var fields: [String: [String]] = [:]
            for c in status.causes where c.type == "FieldManagerConflict" {
                let manager = c.message.hasPrefix("conflict with ") ? String(c.message.dropFirst("conflict with ".count)) : c.message
                if fields[manager] == nil { order.append(manager) }
                fields[manager, default: []].append(c.field)
            }
            let n = status.causes.count
            self.init(
                "conflict: \(n) field\(n == 1 ? "" : "s") managed by \(order.count == 1 ? "another manager" : "other managers") (re-run with --force-conflicts to take ownership)",
                details: order.map { "\($0): \(fields[$0]!.joined(separator: ", "))" }
            )
            return
        }
        let detail = status.causes.filter { !$0.field.isEmpty || !$0.message.isEmpty }.map { c in
            c.field.isEmpty ? c.message : "\(c.field): \(c.message)"
        }
        self.init("\(status.code) \(status.reason): \(status.message)", details: status.message.isEmpty ? detail : [])
    }
}

/// What a dry run says will happen to one object.
public enum ApplyPreview: Sendable, Equatable {
    case create
    /// Unified diff of the live object against the dry-run result (both stripped).
    case change(diff: String)
    case unchanged
    case failed(ApplyFailure)

    public var label: String {
        switch self {
        case .create: "create"
        case .change: "change"
        case .unchanged: "unchanged"
        case .failed: "error"
        }
    }
}

/// What actually happened to one object.
public enum ApplyOutcome: Sendable, Equatable {
    case created, configured, unchanged
    case failed(ApplyFailure)
    /// Not sent: its preview failed, or the user declined.
    case skipped(String)

    public var label: String {
        switch self {
        case .created: "created"
        case .configured: "configured"
        case .unchanged: "unchanged"
        case .failed: "failed"
        case .skipped: "skipped"
        }
    }

    public var isFailure: Bool {
        switch self {
        case .failed, .skipped: true
        default: false
        }
    }
}

/// One object's way through apply: where it came from, what the dry run said, what happened.
public struct ApplyEntry: Sendable {
    public var document: ManifestDocument
    public var ref: ObjectRef
    /// The resource the kind maps to (nil when discovery does not know the kind).
    public var resource: APIResource?
    /// Set when the namespace came from the context rather than the manifest.
    public var defaultedNamespace: String?
    public var preview: ApplyPreview?
    /// `resourceVersion` of the live object at preview time (nil: it did not exist).
    public var liveResourceVersion: String?
    public var outcome: ApplyOutcome?

    public init(document: ManifestDocument, ref: ObjectRef, resource: APIResource? = nil, defaultedNamespace: String? = nil) {
        self.document = document
        self.ref = ref
        self.resource = resource
        self.defaultedNamespace = defaultedNamespace
    }
}

/// Canonical forms for comparing objects before and after apply.
public enum ApplyComparison {
    /// Metadata the server owns and that changes on every write; without these a diff
    /// shows what the user's manifest changes.
    public static let strippedMetadata = ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"]

    public static func stripped(_ object: JSONTree) -> JSONTree {
        var o = object
        o["status"] = nil
        if var meta = o["metadata"] {
            for key in strippedMetadata { meta[key] = nil }
            o["metadata"] = meta
        }
        return o
    }

    /// The preview for a live object (nil when it does not exist) and the dry-run result.
    public static func preview(live: JSONTree?, result: JSONTree, ref: ObjectRef) -> ApplyPreview {
        guard let live else { return .create }
        let a = stripped(live), b = stripped(result)
        if a.semanticallyEquals(b) { return .unchanged }
        // Through the semantic diff every other diff uses: the same noise rules, and a
        // Secret's data shows as "[redacted, changed]", never as its bytes.
        guard let da = try? JSONDocument(bytes: JSONWriter.bytes(a.respellingNumbers())),
              let db = try? JSONDocument(bytes: JSONWriter.bytes(b.respellingNumbers())) else { return .unchanged }
        var options = DiffOptions()
        options.detectRenames = false
        let result = ConfigDiff.compare(KubernetesDiffSource.resources([da.root]), KubernetesDiffSource.resources([db.root]), options: options)
        guard let d = result.resources.first, d.change == .changed else { return .unchanged }
        return .change(diff: DiffPrinter.changedLine(d) + "--- \(ref) (live)\n+++ \(ref) (after apply)\n" + d.unified)
    }
}

/// Tables for apply's preview and results.
public enum ApplyTables {
    public static func preview(_ entries: [ApplyEntry]) -> Table {
        table(entries, statusColumn: "ACTION", status: { $0.preview?.label ?? "?" }) { e in
            switch e.preview {
            case .failed(let f)?: f.summary
            case .change(let diff)?: changeSummary(diff)
            default: e.defaultedNamespace.map { "namespace \($0) from context" } ?? ""
            }
        }
    }

    public static func results(_ entries: [ApplyEntry]) -> Table {
        table(entries, statusColumn: "RESULT", status: { $0.outcome?.label ?? "not sent" }) { e in
            switch e.outcome {
            case .failed(let f)?: f.summary
            case .skipped(let why)?: why
            default: ""
            }
        }
    }

    /// One row per object: `# KIND NAMESPACE NAME`, then its status and DETAIL.
    private static func table(_ entries: [ApplyEntry], statusColumn: String, status: (ApplyEntry) -> String,
                              detail: (ApplyEntry) -> String) -> Table {
        Table(
            columns: [Table.Column("#"), Table.Column("KIND"), Table.Column("NAMESPACE"), Table.Column("NAME"), Table.Column(statusColumn), Table.Column("DETAIL")],
            rows: entries.map { e in [String(e.document.index), e.ref.kind, e.ref.namespace ?? "", e.ref.name, status(e), detail(e)] },
            layout: KubeTables.layout
        )
    }

    /// `+3 -1 lines`.
    static func changeSummary(_ diff: String) -> String {
        var plus = 0, minus = 0
        for line in diff.split(separator: "\n") {
            if line.hasPrefix("+++") || line.hasPrefix("---") { continue }
            if line.hasPrefix("+") { plus += 1 } else if line.hasPrefix("-") { minus += 1 }
        }
        return "+\(plus) -\(minus) lines"
    }
}
