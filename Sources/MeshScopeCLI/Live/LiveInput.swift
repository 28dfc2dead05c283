import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// Reads the bytes a read command works on from a pod, through a ``MeshSource``: the live
/// forms of `proxy-config`, `stats`, `certs`, `ztunnel-config` and `proxy-status` take these
/// bytes where their file forms read a file, then share every step after (decode, view, table).
///
/// ```swift
/// let (bytes, name) = try await source.fetch("productpage-v1-7d4b9.bookinfo", .configDump)
/// let loaded = try ProxyConfigDump.decode(bytes, source: name)
/// ```
extension SourceOptions {
    /// One admin endpoint of `POD[.NS]`; `name` (`POD.NS`) is what messages call it.
    func fetch(_ pod: String, _ request: AdminRequest) async throws -> (bytes: [UInt8], name: String) {
        try await withSource { source in
            let ref = PodReference(pod, defaultNamespace: defaultNamespace(source))
            return (try await source.admin(ref, request), ref.description)
        }
    }
}

extension MeshSource {
    /// `admin(pod:namespace:request:)` with errors that name the pod and the endpoint.
    func admin(_ ref: PodReference, _ request: AdminRequest) async throws(MeshSourceError) -> [UInt8] {
        do {
            return try await admin(pod: ref.name, namespace: ref.namespace, request: request)
        } catch {
            if error.message.contains(ref.name) { throw error }
            throw MeshSourceError(error.kind, "\(ref) \(request): \(error.message)")
        }
    }

    /// The pods of one proxy kind, in a stable order (namespace, name).
    func proxies(_ kind: MeshState.ProxyKind) async throws(MeshSourceError) -> [MeshState.Proxy] {
        try await proxies().filter { $0.kind == kind }
    }
}

/// Shared validation of the `--file` / `POD` choice.
enum LiveOrFile {
    static func validate(file: String?, pod: String?, what: String) throws {
        if file != nil && pod != nil { throw ValidationError("give either POD[.NAMESPACE] or --file, not both") }
        if file == nil && pod == nil { throw ValidationError("give POD[.NAMESPACE] to read \(what) live, or --file PATH") }
    }
}
