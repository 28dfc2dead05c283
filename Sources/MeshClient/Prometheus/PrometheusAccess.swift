import Foundation
import MeshModel

extension PrometheusTarget {
    /// The grant a Prometheus reached through the API server's service proxy needs: `get` on
    /// `services/proxy` in the Service's namespace (nil for a URL, which the API server never
    /// sees). Asked with the other access questions before the first query, so a refusal is
    /// said up front rather than as a failing query every refresh.
    ///
    /// ```swift
    /// PrometheusTarget.service(namespace: "monitoring", name: "prometheus", port: "9090").accessCheck?.description
    /// // get services/proxy in monitoring
    /// ```
    public var accessCheck: AccessCheck? {
        guard case .service(let namespace, _, _) = self else { return nil }
        return AccessCheck(verb: "get", group: "", resource: "services/proxy", namespace: namespace)
    }

    /// The refusal of ``accessCheck`` by the authorizer (nil: a URL, allowed, or the review
    /// could not tell, in which case the queries say what the server answers).
    public func refusal(_ client: KubeClient) async -> ForbiddenAccess? {
        guard let check = accessCheck else { return nil }
        let answers = await AccessReviewer(client: client).answers(checks: [check], namespaces: [])
        return answers.allows(check) == false ? ForbiddenAccess(check) : nil
    }
}
