import Foundation
import MeshModel

/// Config dumps read through a ``MeshSource`` for comparisons: a proxy's own `/config_dump`
/// and what its istiod would send it (`/debug/config_dump?proxyID=`), from the istiod it is
/// connected to. `proxy-status POD`, `diff --istiod --proxy POD` and the TUI's Diff view
/// (`D` on a proxy) read through here.
///
/// ```swift
/// let istiod = try await ProxyDumps.connectedIstiod(name: "reviews-v2-5b6", namespace: "bookinfo", in: source)
/// let (a, b, _) = try await ProxyDumps.istiodAndEnvoy(name: "reviews-v2-5b6", namespace: "bookinfo", in: source)
/// IstiodEnvoyComparison.sections(istiod: a, envoy: b)
/// ```
public enum ProxyDumps {
    /// The istiod the proxy is connected to: the only one, or the one whose `/debug/syncz`
    /// lists the proxy (istioctl asks each istiod in turn).
    public static func connectedIstiod(name: String, namespace: String, in s: any MeshSource) async throws(MeshSourceError) -> MeshState.Proxy {
        let istiods = try await s.proxies().filter { $0.kind == .istiod }
        guard let first = istiods.first else { throw await s.controlPlaneMissing(.istiod) }
        if istiods.count == 1 { return first }
        let proxyID = "\(name).\(namespace)"
        for i in istiods {
            guard let bytes = try? await s.admin(pod: i.name, namespace: i.namespace, request: .syncz),
                  let doc = try? JSONDocument(bytes: bytes) else { continue }
            if IstiodSyncz.decode(doc, istiod: i.name).proxies.contains(where: { $0.proxyID == proxyID }) { return i }
        }
        throw MeshSourceError(.notFound, "\(proxyID) is not connected to any of the \(istiods.count) istiods (\(istiods.map(\.name).joined(separator: ", ")))")
    }

    /// A proxy's `/config_dump`, decoded; a dump that does not parse says which proxy and where.
    public static func envoy(name: String, namespace: String, in s: any MeshSource) async throws(MeshSourceError) -> EnvoyConfigDump {
        let bytes = try await s.admin(pod: name, namespace: namespace, request: .configDump)
        return try decode(bytes, what: "the config dump of \(name).\(namespace) (\(AdminRequest.configDump))")
    }

    /// istiod's view of a proxy (A) and the proxy's own dump (B), read at once, and which istiod answered.
    public static func istiodAndEnvoy(name: String, namespace: String, in s: any MeshSource) async throws(MeshSourceError)
        -> (istiod: EnvoyConfigDump, envoy: EnvoyConfigDump, from: MeshState.Proxy) {
        let istiod = try await connectedIstiod(name: name, namespace: namespace, in: s)
        let proxyID = "\(name).\(namespace)"
        let request = AdminRequest.istiodConfigDump(proxyID: proxyID)
        async let a = attempt { () async throws(MeshSourceError) in try await s.admin(pod: istiod.name, namespace: istiod.namespace, request: request) }
        async let b = attempt { () async throws(MeshSourceError) in try await envoy(name: name, namespace: namespace, in: s) }
        let istiodDump = try decode(try await a.get(), what: "\(istiod.name)'s view of \(proxyID) (\(request))")
        return (istiodDump, try await b.get(), istiod)
    }

    public static func attempt<T: Sendable>(_ body: @Sendable () async throws(MeshSourceError) -> T) async -> Result<T, MeshSourceError> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    static func decode(_ bytes: [UInt8], what: String) throws(MeshSourceError) -> EnvoyConfigDump {
        do {
            return try EnvoyConfigDump(document: try JSONDocument(bytes: bytes))
        } catch {
            throw MeshSourceError(.failed, "\(what): \(error)")
        }
    }
}
