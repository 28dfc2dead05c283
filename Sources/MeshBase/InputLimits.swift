import Foundation

/// Bounds on what meshscope accepts from a cluster, a file or a terminal.
///
/// Everything meshscope reads may be broken or hostile (an alias bomb in a manifest, a gzip
/// bomb as a snapshot, a megabyte-long cluster name, JSON nested ten thousand deep). Each
/// reader checks its bound and fails with a one-line error naming the limit and the flag
/// that raises it, instead of growing without end. The defaults are far above anything real
/// Envoy, istiod or Kubernetes data needs; docs/cli.md lists them with their flags.
///
/// The process sets ``current`` once from the command line (`MeshScopeMain`) before any
/// reader runs; tests that need other bounds pass an explicit value where a reader takes
/// one, or run inside ``withLimits(_:_:)`` (task-local, so parallel tests do not mix).
///
/// ```swift
/// var limits = InputLimits.current
/// limits.maxJSONDepth = 64
/// InputLimits.current = limits
/// ```
public struct InputLimits: Sendable, Equatable {
    /// Deepest JSON or YAML nesting accepted. Envoy and Kubernetes data stay under a few
    /// hundred levels; Go's encoding/json stops at 10,000.
    public var maxJSONDepth: Int = 1_000
    /// YAML: how many nodes a document may expand to once aliases are followed (an alias
    /// counts as every node of its anchor, again at each use).
    public var maxYAMLNodes: Int = 1_000_000
    /// Largest single document (YAML or JSON file, manifest, kubeconfig) read, in bytes.
    public var maxDocumentBytes: Int = 1 << 30
    /// gzip: the most bytes a compressed input may expand to.
    public var maxDecompressedBytes: Int = 4 << 30
    /// gzip: the largest ratio of expanded to compressed size accepted once the output
    /// passes 64 MiB (real snapshots compress 10–30×; a bomb compresses 1000×).
    public var maxDecompressionRatio: Int = 200
    /// Widest cell, in terminal columns, that a table prints; longer cells are cut with `…`.
    /// `-o json|yaml` keep every value whole.
    public var maxCellWidth: Int = 256
    /// Seconds an exec credential plugin may run before it is killed.
    public var execTimeout: Double = 60
    /// Seconds to establish a TCP connection (and its TLS handshake) to a server.
    public var connectTimeout: Double = 10

    public init() {}

    private static let lock = NSLock()
    nonisolated(unsafe) private static var _current = InputLimits()
    /// Limits for one task tree (``withLimits(_:_:)``): tests and in-process runs running
    /// side by side each see their own bounds without touching the process-wide value.
    @TaskLocal private static var scoped: InputLimits?

    /// The limits in force: those of the enclosing ``withLimits(_:_:)``, else the
    /// process-wide ones. Setting changes the process-wide ones.
    public static var current: InputLimits {
        get { scoped ?? lock.withLock { _current } }
        set { lock.withLock { _current = newValue } }
    }

    /// Runs `body` with `limits` in force for this task and the tasks it starts.
    public static func withLimits<T>(_ limits: InputLimits, _ body: () throws -> T) rethrows -> T {
        try $scoped.withValue(limits, operation: body)
    }

    /// Runs `body` with `limits` in force for this task and the tasks it starts.
    public static func withLimits<T>(
        _ limits: InputLimits, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        try await $scoped.withValue(limits, operation: body, isolation: isolation)
    }
}
