import Foundation
import MeshModel

extension MeshSource {
    /// Why no `kind` pod (istiod, ztunnel) was found, to throw when a command needs one:
    /// istio-system's pods were refused (`istiod not found: forbidden: cannot list pods in
    /// istio-system (…)`, ``MeshSourceError/Kind/unavailable``), else none runs (`no running
    /// istiod pod found (label app=istiod)`, ``MeshSourceError/Kind/notFound``). One wording
    /// for `proxy-status`, `ztunnel-config` and the istiod comparisons.
    ///
    /// ```swift
    /// guard let istiod = try await source.proxies().first(where: { $0.kind == .istiod }) else {
    ///     throw await source.controlPlaneMissing(.istiod)
    /// }
    /// ```
    public func controlPlaneMissing(_ kind: MeshState.ProxyKind) async -> MeshSourceError {
        if let refused = try? await cluster().controlPlaneRefusal(kind.rawValue) { return MeshSourceError(.unavailable, refused) }
        return MeshSourceError(.notFound, "no running \(kind.rawValue) pod found (label app=\(kind.rawValue))")
    }
}
