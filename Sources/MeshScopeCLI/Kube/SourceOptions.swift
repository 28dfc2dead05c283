import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// The flags of every read command that works on a live cluster, the demo (`--demo` injects
/// its kubeconfig) or, offline, a snapshot: the connection flags plus the source choice.
///
/// ```
/// meshscope proxy-config cluster productpage-v1-7d4b9.bookinfo --context prod
/// meshscope --demo layers --from productpage-v1-0.bookinfo --to reviews.bookinfo:9080
/// ```
struct SourceOptions: ParsableArguments, Sendable {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Admin requests in flight at once.", valueName: "n"))
    var concurrency = 16

    @Option(help: ArgumentHelp("Read everything from this snapshot file (meshscope snapshot; .json or .json.gz) instead of a cluster.", valueName: "file"))
    var snapshot: String?

    init() {}

    mutating func validate() throws {
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if snapshot != nil, connection.context != nil || connection.adminURL != nil {
            throw ValidationError("--snapshot reads a file: it cannot be combined with --context or --admin-url")
        }
    }

    /// The namespace a `POD` without `.NS` lives in: `-n`, else the context's.
    func defaultNamespace(_ source: any MeshSource) -> String {
        connection.namespace ?? source.info.namespace
    }

    /// These flags as a command that covers the mesh (check, snapshot, connections,
    /// proxy-status) reads them: on a cluster, in the context's namespace unless `-n`/`-A`
    /// say otherwise (``ConnectionOptions/inContextNamespace(environment:)``); a snapshot file
    /// is read whole, as it was taken.
    func inContextNamespace() -> SourceOptions {
        guard snapshot == nil else { return self }
        var scoped = self
        scoped.connection = connection.inContextNamespace()
        return scoped
    }

    /// Opens the source, runs `body`, always closes it; source errors become one-line CLI errors.
    /// `adminTimeout` is the per-request default when `--request-timeout` is not given (30 s).
    /// `refresh` (polling commands only) attaches the Prometheus the flags name or discovery finds.
    /// `snapshotKeep`: a snapshot is opened keeping only what it names (`check`).
    func withSource<T: Sendable>(namespaceFilter: String? = nil, adminTimeout: Double? = nil, refresh: Double? = nil,
                                 snapshotKeep: SnapshotKeep? = nil, _ body: (any MeshSource) async throws -> T) async throws -> T {
        if let snapshot {
            let source: SnapshotMeshSource
            do {
                if let snapshotKeep {
                    source = try await SnapshotMeshSource.open(path: snapshot, keeping: snapshotKeep)
                } else {
                    source = try await SnapshotMeshSource.open(path: snapshot)
                }
            } catch { throw CLIError(.unavailable, error.message) }
            do {
                return try await body(source)
            } catch let e as MeshSourceError {
                throw CLIError(.unavailable, e.message)
            }
        }
        return try await connection.withClient { client in
            let mode: AdminClient.Mode = connection.adminURL.map { .direct($0) } ?? .apiServerProxy(client)
            let admin = AdminClient(mode, timeout: connection.timeoutSeconds ?? adminTimeout ?? 30, maxConcurrent: concurrency)
            var prometheus: PrometheusMetrics?
            var refused: [ForbiddenAccess] = []
            if let refresh {
                do {
                    let chosen = try await connection.prometheus.metrics(client: client, refresh: refresh, timeout: connection.timeoutSeconds)
                    prometheus = chosen.metrics
                    refused = chosen.refused.map { [$0] } ?? []
                    // A discovered Prometheus the user may not reach is not used: say so, or the
                    // edges would look scraped for no reason.
                    for r in refused { Console.current.error("meshscope: prometheus: \(r.message); scraping proxies instead") }
                } catch {
                    await admin.shutdown()
                    throw error
                }
            }
            let source = ClusterMeshSource(client: client, admin: admin, namespace: namespaceFilter, fallbackNamespaces: connection.allNamespaces ? [] : nil,
                                           syncTimeout: connection.timeoutSeconds ?? 60,
                                           prometheus: prometheus, forbidden: refused)
            do {
                let result = try await body(source)
                await source.close()
                await admin.shutdown()
                await prometheus?.client.shutdown()
                return result
            } catch let e as MeshSourceError {
                await source.close()
                await admin.shutdown()
                await prometheus?.client.shutdown()
                throw CLIError(.unavailable, e.message)
            } catch {
                await source.close()
                await admin.shutdown()
                await prometheus?.client.shutdown()
                throw error
            }
        }
    }
}

/// `POD[.NAMESPACE]` as istioctl takes it: the part after the last dot is the namespace.
struct PodReference: Sendable, Equatable, CustomStringConvertible {
    var name: String
    var namespace: String

    init(name: String, namespace: String) {
        self.name = name
        self.namespace = namespace
    }

    /// `web-0.shop` → web-0 in shop; `web-0` → web-0 in `defaultNamespace`.
    init(_ text: String, defaultNamespace: String) {
        if let dot = text.lastIndex(of: ".") {
            name = String(text[..<dot])
            namespace = String(text[text.index(after: dot)...])
        } else {
            name = text
            namespace = defaultNamespace
        }
    }

    var description: String { name + "." + namespace }
}
