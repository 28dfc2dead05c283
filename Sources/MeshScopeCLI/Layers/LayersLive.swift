import Foundation
import MeshClient
import MeshModel

/// `meshscope layers --from POD[.NS] --to HOST:PORT` on a source: the path is chained by
/// ``MeshPathSources/path(_:from:to:ingress:defaultNamespace:)`` (the TUI's Layers view
/// calls the same), which fetches only the dumps the path crosses.
enum LayersLive {
    struct Result {
        var hops: [HopLayers]
        var problems: [String]
    }

    static func run(source: SourceOptions, from: String?, to: String, ingress: Bool) async throws -> Result {
        try await source.withSource { s in
            let path: MeshPathSources.Result
            do {
                path = try await MeshPathSources.path(s, from: from, to: to, ingress: ingress, defaultNamespace: source.defaultNamespace(s))
            } catch let e as MeshPathSources.Failure {
                throw CLIError(e.kind == .usage ? .usage : .badInput, e.message)
            }
            // A dump that arrived but cannot be decoded fails the command, as with --file.
            if let bad = path.unreadable.first { throw CLIError.badInput(bad.name, bad.message) }
            return Result(hops: path.hops, problems: path.problems)
        }
    }
}
