import Foundation
import MeshModel

/// Asks the authorizer what the plan needs and plans the reads: the one way the informer
/// cache (``ClusterCache``) and the one-shot lists of `flows`/`top` decide where to list,
/// so both ask the same questions and record refusals in the same words.
///
/// ```swift
/// let (plan, access) = await AccessPlanner.plan(client, [pods, services], scope: .all(fallback: ["shop", "istio-system"]))
/// plan.watches     // where to list (cluster-wide, or namespace by namespace)
/// plan.forbidden   // what the authorizer refused, never tried
/// ```
public enum AccessPlanner {
    /// ``InformerPlan/questions(_:scope:)`` plus `checks` and `namespaces` of the caller's
    /// own (`pods/proxy`, `pods/log`, a pod's namespace), asked at once (the answers are
    /// cached per context), then ``InformerPlan/plan(_:scope:access:)``.
    public static func plan(_ client: KubeClient, _ resources: [APIResource], scope: InformerPlan.Scope,
                            checks: [AccessCheck] = [], namespaces: [String] = []) async -> (plan: InformerPlan, access: AccessAnswers) {
        let questions = InformerPlan.questions(resources, scope: scope)
        var asked = questions.namespaces
        for ns in namespaces where !asked.contains(ns) { asked.append(ns) }
        let access = await AccessReviewer(client: client).answers(checks: questions.checks + checks, namespaces: asked)
        return (InformerPlan.plan(resources, scope: scope, access: access), access)
    }
}

extension ForbiddenAccess {
    /// A list the plan allowed (or could not rule out) that the server refused anyway (403):
    /// the server's own words, else the client's message.
    public init(listing resource: APIResource, namespace: String?, refused error: KubeClientError) {
        self.init(verb: "list", group: resource.group, resource: resource.name, namespace: namespace, serverMessage: error.status?.message ?? error.message)
    }
}
