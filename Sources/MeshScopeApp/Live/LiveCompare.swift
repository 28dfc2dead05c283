import Foundation
import MeshClient
import MeshModel

extension LiveDriver {
    /// Reads what a Diff view compares and builds it; a dump that cannot be read says whose and why.
    static func compare(_ request: DiffRequest, in source: any MeshSource) async -> AppEvent {
        func split(_ key: String) -> (name: String, namespace: String) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[1], parts[0]) : (key, source.info.namespace)
        }
        do {
            switch request {
            case .istiod(let key):
                let p = split(key)
                let (a, b, istiod) = try await ProxyDumps.istiodAndEnvoy(name: p.name, namespace: p.namespace, in: source)
                return .diffReady(DiffScreen.istiod(IstiodEnvoyComparison.sections(istiod: a, envoy: b), proxy: "\(p.name).\(p.namespace)", istiod: istiod.name))
            case .proxies(let x, let y):
                let (p, q) = (split(x), split(y))
                async let a = ProxyDumps.attempt { () async throws(MeshSourceError) in try await ProxyDumps.envoy(name: p.name, namespace: p.namespace, in: source) }
                async let b = ProxyDumps.attempt { () async throws(MeshSourceError) in try await ProxyDumps.envoy(name: q.name, namespace: q.namespace, in: source) }
                let (da, db) = (try await a.get(), try await b.get())
                var result = ConfigDiff.compare(EnvoyDiffSource.resources(da), EnvoyDiffSource.resources(db))
                let (ida, idb) = ("\(p.name).\(p.namespace)", "\(q.name).\(q.namespace)")
                result.labels = (ida, idb)
                let heading = "A: \(ida) (/config_dump)\nB: \(idb) (/config_dump)\nVersions, timestamps, ordering and type URL versions\nare not differences."
                return .diffReady(DiffScreen.config(result, title: "Diff \(ida) → \(idb)", heading: heading))
            }
        } catch {
            return .diffFailed(error.message)
        }
    }
}
