import Foundation
import MeshModel
import Testing

/// The pure half of least privilege: reading review answers and planning informers from them.
/// Expected values come from the Kubernetes RBAC semantics the inputs state, not from our output.
@Suite struct AccessPlanTests {
    static let namespaces = APIResource(group: "", version: "v1", name: "namespaces", kind: "Namespace", namespaced: false)
    static let pods = APIResource(group: "", version: "v1", name: "pods", kind: "Pod", namespaced: true)
    static let vs = APIResource(group: "networking.istio.io", version: "v1", name: "virtualservices", kind: "VirtualService", namespaced: true)

    /// A SelfSubjectRulesReview answer as the API server writes it for a Role on one namespace.
    static let rulesAnswer = #"""
    {"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},
     "spec":{"namespace":"shop"},
     "status":{"resourceRules":[
        {"verbs":["create"],"apiGroups":["authorization.k8s.io"],"resources":["selfsubjectaccessreviews","selfsubjectrulesreviews"]},
        {"verbs":["get","list","watch"],"apiGroups":["","networking.istio.io"],"resources":["pods","services","virtualservices"]},
        {"verbs":["get"],"apiGroups":[""],"resources":["pods/proxy"]},
        {"verbs":["get"],"apiGroups":[""],"resources":["configmaps"],"resourceNames":["only-this-one"]}],
      "nonResourceRules":[{"verbs":["get"],"nonResourceURLs":["/api","/api/*","/apis","/apis/*","/version"]}],
      "incomplete":false}}
    """#

    static func check(_ verb: String, _ resource: String, group: String = "", _ ns: String?) -> AccessCheck {
        AccessCheck(verb: verb, group: group, resource: resource, namespace: ns)
    }

    @Test func rulesReviewDecodesAndMatches() throws {
        let rules = AccessReviews.rules(try JSONDocument(Self.rulesAnswer).root)
        #expect(!rules.incomplete)
        #expect(rules.rules.count == 4)
        #expect(rules.allows(verb: "list", group: "", resource: "pods") == true)
        #expect(rules.allows(verb: "watch", group: "networking.istio.io", resource: "virtualservices") == true)
        #expect(rules.allows(verb: "get", group: "", resource: "pods/proxy") == true)
        #expect(rules.allows(verb: "get", group: "", resource: "pods/log") == false)
        #expect(rules.allows(verb: "delete", group: "", resource: "pods") == false)
        // A rule naming objects grants no list.
        #expect(rules.allows(verb: "get", group: "", resource: "configmaps") == false)
    }

    @Test func wildcardsAndSubresources() {
        let all = ResourceRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])
        #expect(all.allows(verb: "patch", group: "networking.istio.io", resource: "virtualservices"))
        #expect(all.allows(verb: "get", group: "", resource: "pods/proxy"))
        let anyProxy = ResourceRule(verbs: ["get"], apiGroups: [""], resources: ["*/proxy"])
        #expect(anyProxy.allows(verb: "get", group: "", resource: "services/proxy"))
        #expect(!anyProxy.allows(verb: "get", group: "", resource: "pods/log"))
        #expect(!anyProxy.allows(verb: "get", group: "", resource: "pods"))
    }

    @Test func incompleteRulesAreUnknownNotRefused() throws {
        let answer = #"{"status":{"resourceRules":[],"incomplete":true,"evaluationError":"webhook authorizer does not support user rule resolution"}}"#
        let rules = AccessReviews.rules(try JSONDocument(answer).root)
        #expect(rules.incomplete)
        #expect(rules.allows(verb: "list", group: "", resource: "pods") == nil)
    }

    @Test func accessReviewRequestAndAnswer() throws {
        let body = AccessReviews.accessRequest(Self.check("get", "pods/proxy", "shop")).compactJSON()
        #expect(String(decoding: body, as: UTF8.self) == #"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"shop","verb":"get","group":"","resource":"pods","subresource":"proxy"}}}"#)
        let cluster = String(decoding: AccessReviews.accessRequest(Self.check("list", "pods", nil)).compactJSON(), as: UTF8.self)
        #expect(!cluster.contains("namespace"))
        #expect(AccessReviews.allowed(try JSONDocument(#"{"status":{"allowed":true,"reason":"RBAC: allowed"}}"#).root) == true)
        #expect(AccessReviews.allowed(try JSONDocument(#"{"status":{"allowed":false}}"#).root) == false)
        #expect(AccessReviews.allowed(try JSONDocument(#"{"status":{"allowed":true,"denied":true}}"#).root) == false)
        #expect(AccessReviews.allowed(try JSONDocument(#"{"kind":"Status"}"#).root) == nil)
        #expect(String(decoding: AccessReviews.rulesRequest(namespace: "shop").compactJSON(), as: UTF8.self)
                == #"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"shop"}}"#)
    }

    /// A Role in `shop`, nothing cluster-wide: namespaces refused, pods and virtual services
    /// read in shop, istio-system refused; the cluster-wide refusals are listed.
    @Test func namespaceScopedUserFallsBackPerNamespace() throws {
        var answers = AccessAnswers()
        for r in [Self.namespaces, Self.pods, Self.vs] {
            answers.checks[Self.check("list", r.name, group: r.group, nil)] = false
            answers.checks[Self.check("watch", r.name, group: r.group, nil)] = false
        }
        answers.namespaces["shop"] = AccessReviews.rules(try JSONDocument(Self.rulesAnswer).root)
        answers.namespaces["istio-system"] = NamespaceRules(rules: [])
        let plan = InformerPlan.plan([Self.namespaces, Self.pods, Self.vs], scope: .all(fallback: ["shop", "istio-system", "shop"]), access: answers)
        #expect(plan.watches == [.init(resource: Self.pods, namespace: "shop"), .init(resource: Self.vs, namespace: "shop")])
        #expect(plan.forbidden.map(\.message) == [
            "forbidden: cannot list namespaces (needs get/list on namespaces)",
            "forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)",
            "forbidden: cannot list pods in istio-system (needs get/list on pods)",
            "forbidden: cannot list virtualservices.networking.istio.io in all namespaces (needs get/list on virtualservices.networking.istio.io cluster-wide)",
            "forbidden: cannot list virtualservices.networking.istio.io in istio-system (needs get/list on virtualservices.networking.istio.io)",
        ])
    }

    @Test func allowedOrUnknownIsClusterWide() {
        var answers = AccessAnswers()
        answers.checks[Self.check("list", "pods", nil)] = true
        answers.checks[Self.check("watch", "pods", nil)] = true
        // Nothing known about namespaces or virtual services: try them cluster-wide.
        let plan = InformerPlan.plan([Self.namespaces, Self.pods, Self.vs], scope: .all(fallback: ["shop"]), access: answers)
        #expect(plan.watches.map(\.namespace) == [nil, nil, nil])
        #expect(plan.forbidden.isEmpty)
    }

    /// `-A`: no fallback, the refusal is the answer.
    @Test func allNamespacesWithoutFallback() {
        let answers = AccessAnswers(checks: [Self.check("list", "pods", nil): false])
        let plan = InformerPlan.plan([Self.pods], scope: .all(fallback: []), access: answers)
        #expect(plan.watches.isEmpty)
        #expect(plan.forbidden == [ForbiddenAccess(verb: "list", group: "", resource: "pods", namespace: nil)])
    }

    /// List allowed but not watch: an informer would fail on its watch, so it is not started.
    @Test func watchRefusedIsNamed() {
        let answers = AccessAnswers(namespaces: ["shop": NamespaceRules(rules: [ResourceRule(verbs: ["get", "list"], apiGroups: [""], resources: ["pods"])])])
        let plan = InformerPlan.plan([Self.pods], scope: .namespaces(["shop"]), access: answers)
        #expect(plan.watches.isEmpty)
        #expect(plan.forbidden.map(\.message) == ["forbidden: cannot watch pods in shop (needs watch on pods)"])
    }

    @Test func questionsAskOnlyWhatThePlanNeeds() {
        let (checks, namespaces) = InformerPlan.questions([Self.namespaces, Self.pods], scope: .namespaces(["shop"]))
        // One namespace asked for: only the cluster-scoped kind needs a cluster-wide answer.
        #expect(checks == [Self.check("list", "namespaces", nil)])
        #expect(namespaces == ["shop"])
    }

    @Test func clusterWideGrantCoversNamespaces() {
        let answers = AccessAnswers(checks: [Self.check("list", "pods", nil): true])
        #expect(answers.allows(Self.check("list", "pods", "shop")) == true)
        #expect(answers.allows(Self.check("watch", "pods", "shop")) == nil)
    }

    @Test func forbiddenRoundTripsThroughTheSnapshotForm() throws {
        let f = ForbiddenAccess(verb: "get", group: "", resource: "pods/proxy", namespace: "shop", serverMessage: "pods \"a\" is forbidden")
        let back = ForbiddenAccess(try JSONDocument(bytes: f.tree.compactJSON()).root)
        #expect(back == f)
        #expect(f.message == "forbidden: cannot get pods/proxy in shop (needs get on pods/proxy)")
        let list = [f, ForbiddenAccess(verb: "list", group: "", resource: "pods", namespace: nil)]
        #expect(list.hiding("pods", in: "istio-system").count == 1)
        #expect(list.hiding("services", in: nil).isEmpty)
    }
}

extension AccessPlanTests {
    /// A refusal planned over a discovered kind names it (`:istio`'s KIND), and keeps it
    /// through the snapshot's form; the kind does not make it another refusal.
    @Test func plannedRefusalNamesItsKind() throws {
        var access = AccessAnswers()
        access.namespaces["shop"] = NamespaceRules(rules: [])
        let plan = InformerPlan.plan([Self.vs], scope: .namespaces(["shop"]), access: access)
        let refused = try #require(plan.forbidden.first)
        #expect(refused.kind == "VirtualService")
        #expect(refused == ForbiddenAccess(verb: "list", group: "networking.istio.io", resource: "virtualservices", namespace: "shop"))
        let back = try #require(ForbiddenAccess(try JSONDocument(bytes: refused.tree.compactJSON()).root))
        #expect(back.kind == "VirtualService")
        #expect(back == refused)
    }
}
