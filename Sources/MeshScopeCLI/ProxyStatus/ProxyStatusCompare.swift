import Foundation
import MeshClient
import MeshModel

/// `meshscope proxy-status POD[.NS]`: istiod's `/debug/config_dump?proxyID=POD.NS` (what it
/// would send the proxy) against the proxy's `/config_dump` (what it has), printed as
/// istioctl prints it — Clusters, Listeners, Routes, each Match or Don't Match with the
/// differences — through the semantic diff, so versions, timestamps, ordering, listener
/// placement and type URL versions are not differences.
///
/// ```
/// $ meshscope proxy-status reviews-v2-5b667bcbf8-9zcq4.bookinfo
/// Clusters Don't Match
/// ...
/// Listeners Match
/// Routes Match (RDS last loaded at Fri, 20 Nov 2026 10:00:00 UTC)
/// ```
enum ProxyStatusCompare {
    /// Fetches both dumps, prints the comparison; returns whether anything differs.
    @discardableResult
    static func run(_ pod: String, source: SourceOptions, context: Int = 7, color: Bool? = nil, exitCode: Bool) async throws -> Bool {
        let (istiodBytes, envoyBytes, istiodName, proxyName) = try await source.withSource { s in
            let ref = PodReference(pod, defaultNamespace: source.defaultNamespace(s))
            let istiod = try await connectedIstiod(ref, s)
            async let a = s.admin(istiod, .istiodConfigDump(proxyID: ref.description))
            async let b = s.admin(ref, .configDump)
            return (try await a, try await b, istiod.description, ref.description)
        }
        let istiodDump = try ProxyConfigDump.decode(istiodBytes, source: "\(istiodName) (proxyID=\(proxyName))")
        let envoyDump = try ProxyConfigDump.decode(envoyBytes, source: proxyName)
        let console = Console.current
        let useColor = color ?? (console.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let text = IstiodEnvoyComparison.render(istiod: istiodDump.dump, envoy: envoyDump.dump, context: context, color: useColor)
        console.writeStyled(text)
        try istiodDump.finish(needed: [.clusters, .listeners, .routes])
        try envoyDump.finish(needed: [.clusters, .listeners, .routes])
        return text.contains("Don't Match")
    }

    /// The istiod the proxy is connected to (``ProxyDumps/connectedIstiod(name:namespace:in:)``).
    static func connectedIstiod(_ ref: PodReference, _ s: any MeshSource) async throws -> PodReference {
        do {
            let i = try await ProxyDumps.connectedIstiod(name: ref.name, namespace: ref.namespace, in: s)
            return PodReference(name: i.name, namespace: i.namespace)
        } catch where error.kind == .notFound {
            throw CLIError(.badInput, error.message)
        }
    }
}
