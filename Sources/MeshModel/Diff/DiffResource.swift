/// One named resource to compare: where it sits (type and name) and its JSON.
///
/// `value` is the resource itself (a `Cluster`); `entry` is what the dump wraps it in
/// (`{version_info, last_updated, cluster}`), compared instead with `--include-noise`.
///
/// ```swift
/// let rs = EnvoyDiffSource.resources(dump)   // clusters, listeners, routes, …
/// rs.first?.key                               // "cluster/BlackHoleCluster"
/// ```
public struct DiffResource: Sendable {
    /// `cluster`, `listener`, `route`, `endpoint`, `secret`, `ecds`, `bootstrap`,
    /// `scopedroute`, `workload`, `service`, `policy`, or a Kubernetes `group/version/Kind`.
    public var type: String
    public var name: String
    public var value: JSONValue
    public var entry: JSONValue?
    public var rules: DiffNormalizer.Rules
    /// Whole top-level members holding secrets (a Kubernetes Secret's `data`).
    public var sensitiveTopLevel: Set<String> = []

    public init(type: String, name: String, value: JSONValue, entry: JSONValue? = nil, rules: DiffNormalizer.Rules) {
        self.type = type
        self.name = name
        self.value = value
        self.entry = entry
        self.rules = rules
    }

    public var key: String { type + "/" + name }

    func normalized(includeNoise: Bool) -> DiffNode {
        var n = DiffNormalizer(rules: rules, includeNoise: includeNoise)
        n.sensitiveTopLevel = sensitiveTopLevel
        return n.node(includeNoise ? (entry ?? value) : value)
    }

    /// The bytes compared before anything is normalized: equal bytes are equal resources.
    func rawBytes(includeNoise: Bool) -> ArraySlice<UInt8> { (includeNoise ? (entry ?? value) : value).rawBytes }
}

/// What happened to one resource between A and B.
public struct ResourceDiff: Sendable {
    public enum Change: String, Sendable, Equatable { case added, removed, changed }

    public var type: String
    public var name: String
    /// Set when a removed and an added resource were paired as one renamed resource.
    public var previousName: String?
    public var change: Change
    /// Changed field paths (changed resources); empty for added and removed ones.
    public var paths: [String]
    /// Unified hunks of the normalized YAML (`@@ … @@` onwards, no file headers).
    public var unified: String
    /// ``paths`` with what happened at each (added, removed, changed, moved): what the
    /// printer groups and counts when the paths do not fit on a line.
    public var changes: [FieldChange] = []

    /// `type/name`, as ``DiffResource/key``.
    public var key: String { type + "/" + name }
}

/// Added, removed, changed and unchanged counts of one resource type.
public struct DiffTypeSummary: Sendable, Equatable {
    public var type: String
    public var added = 0
    public var removed = 0
    public var changed = 0
    public var unchanged = 0

    public init(type: String) { self.type = type }

    public var hasDifferences: Bool { added + removed + changed > 0 }
}

/// The result of comparing two sets of resources.
public struct ConfigDiffResult: Sendable {
    public var summaries: [DiffTypeSummary]
    public var resources: [ResourceDiff]
    /// What A and B are called in headers (`--- A/cluster/x`).
    public var labels: (old: String, new: String) = ("a", "b")

    public var hasDifferences: Bool { !resources.isEmpty }
}

/// Options of a diff (`--include-noise`, `--context`, `--type`).
public struct DiffOptions: Sendable {
    public var includeNoise = false
    /// Lines of context around each change in the unified diffs.
    public var context = 3
    /// Only these types (as in ``DiffResource/type``); nil for all.
    public var types: Set<String>?
    /// Pair a removed and an added resource whose names differ in one part (a port,
    /// a version) and whose content mostly agrees, and show them as one renamed resource.
    public var detectRenames = true

    public init(includeNoise: Bool = false, context: Int = 3, types: Set<String>? = nil) {
        self.includeNoise = includeNoise
        self.context = context
        self.types = types
    }
}
