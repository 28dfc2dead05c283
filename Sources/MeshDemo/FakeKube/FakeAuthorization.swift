import Foundation
import MeshModel
import NIOHTTP1

/// RBAC as the fake API server does it: users bound to rules (``FakeAPIServer/grant(user:namespace:verbs:apiGroups:resources:)``)
/// may do what a rule allows and nothing else; the two review APIs of
/// authorization.k8s.io/v1 answer from the same rules, with the real shapes:
///
/// ```
/// POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews
/// {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"shop"}}
/// 201 {"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},
///      "spec":{"namespace":"shop"},"status":{"resourceRules":[…],"nonResourceRules":[…],"incomplete":false}}
/// POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews
/// {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"list","group":"","resource":"pods"}}}
/// 201 {…,"status":{"allowed":false}}
/// ```
extension FakeAPIServer {
    /// Whether `grants` (nil: an unrestricted user) allow the request.
    static func granted(_ grants: [FakeGrant]?, verb: String, group: String, resource: String, namespace: String?) -> Bool {
        guard let grants else { return true }
        return grants.contains { g in
            (g.namespace == nil || g.namespace == namespace) && g.rule.allows(verb: verb, group: group, resource: resource)
        }
    }

    /// The discovery paths every authenticated user may read (`system:discovery`).
    static let discoveryRule: JSONTree = .object(JSONObject([
        ("verbs", .array(["get"])),
        ("nonResourceURLs", .array(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])),
    ]))

    func review(_ req: DemoHTTPRequest, user: String) -> DemoHTTPResponse {
        guard let body = try? JSONTree(json: req.body), let spec = body["spec"] else {
            return status(KubeStatus(code: 400, reason: "BadRequest", message: "the body of the request is not a review"))
        }
        let (grants, denials) = knobs.withLock { k in (k.grants[user], k.denials.filter { $0.user == user }) }
        let kind = req.path == AccessReviews.rulesPath ? "SelfSubjectRulesReview" : "SelfSubjectAccessReview"
        let statusTree: JSONTree
        if kind == "SelfSubjectRulesReview" {
            guard let ns = spec["namespace"]?.string, !ns.isEmpty else {
                return status(KubeStatus(code: 400, reason: "BadRequest", message: "no namespace on request"))
            }
            let rules: [ResourceRule] = grants.map { $0.filter { $0.namespace == nil || $0.namespace == ns }.map(\.rule) }
                ?? [ResourceRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])]
            statusTree = .object(JSONObject([
                ("resourceRules", .array(rules.map(\.tree))), ("nonResourceRules", .array([FakeAPIServer.discoveryRule])),
                // Denials are not rules: a list that cannot show them is incomplete.
                ("incomplete", .bool(!denials.isEmpty)),
            ]))
        } else {
            guard let a = spec["resourceAttributes"] else {
                return status(KubeStatus(code: 400, reason: "BadRequest", message: "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified"))
            }
            let verb = a["verb"]?.string ?? ""
            let group = a["group"]?.string ?? ""
            var resource = a["resource"]?.string ?? ""
            if let sub = a["subresource"]?.string, !sub.isEmpty { resource += "/" + sub }
            let ns = a["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 }
            let refused = denials.contains { ($0.verb == verb || $0.verb == "*") && ($0.resource == resource || $0.resource == "*") }
            let allowed = !refused && FakeAPIServer.granted(grants, verb: verb, group: group, resource: resource, namespace: ns)
            var fields: [(String, JSONTree)] = [("allowed", .bool(allowed))]
            if allowed, grants != nil {
                fields.append(("reason", .string("RBAC: allowed by \(ns == nil ? "ClusterRoleBinding" : "RoleBinding") \"meshscope-fake\" to User \"\(user)\"")))
            }
            statusTree = .object(JSONObject(fields))
        }
        let answer: JSONTree = .object(JSONObject([
            ("kind", .string(kind)), ("apiVersion", "authorization.k8s.io/v1"),
            ("metadata", .object(JSONObject([("creationTimestamp", .null)]))),
            ("spec", spec), ("status", statusTree),
        ]))
        return .json(.created, answer.compactJSON())
    }
}
