import Foundation
import MeshClient
import MeshModel

extension LiveDriver {
    /// `.computeLayers`: chains the path through the source (the CLI's `layers --from/--to`
    /// does the same), fetching only the dumps on it; the answer is posted as an event.
    func computeLayers(_ request: LayersRequest) {
        let (conn, post) = current()
        spawn {
            do {
                let path = try await MeshPathSources.path(conn.source, from: request.from, to: request.to, ingress: request.viaIngress,
                                                          defaultNamespace: conn.info.namespace)
                post(.layersReady(request, path))
            } catch {
                let why = (error as? MeshPathSources.Failure)?.message ?? LiveDriver.message(error)
                post(.layersFailed("layers \(request.from ?? "(ingress gateway)") → \(request.to): \(why)"))
            }
        }
    }
}
