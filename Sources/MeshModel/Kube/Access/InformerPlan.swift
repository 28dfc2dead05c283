/// Which list/watch loops to run for the kinds meshscope caches, given what the user may
/// read: one cluster-wide loop per kind when the authorizer allows (or cannot say), else
/// one per readable namespace, and a ``ForbiddenAccess`` for every scope refused, so no loop
/// is ever started only to be refused (and retried) for ever.
///
/// ```swift
/// let plan = InformerPlan.plan([pods], scope: .all(fallback: ["shop", "istio-system"]), access: answers)
/// plan.watches     // [pods in shop]
/// plan.forbidden   // [list pods in all namespaces, list pods in istio-system]
/// ```
public struct InformerPlan: Sendable, Equatable {
    public struct Watch: Sendable, Equatable, Hashable {
        public var resource: APIResource
        /// nil: every namespace (or a cluster-scoped kind).
        public var namespace: String?
        public init(resource: APIResource, namespace: String?) {
            self.resource = resource
            self.namespace = namespace
        }
    }

    /// What the user asked to see.
    public enum Scope: Sendable, Equatable {
        /// Every namespace; when that is refused, these namespaces one by one (the context's
        /// namespace, istiod's), each only if readable. Empty: no fallback (`-A` asked for all).
        case all(fallback: [String])
        /// These namespaces only (`-n NS`).
        case namespaces([String])
    }

    public var watches: [Watch] = []
    public var forbidden: [ForbiddenAccess] = []

    public init(watches: [Watch] = [], forbidden: [ForbiddenAccess] = []) {
        self.watches = watches
        self.forbidden = forbidden
    }

    /// The cluster-wide questions and the namespaces whose rules the plan needs answered.
    /// Cluster-wide, only `list` is asked (one review per kind, not two): roles grant list
    /// and watch together, and a watch refused anyway stops its informer at the first 403.
    public static func questions(_ resources: [APIResource], scope: Scope) -> (checks: [AccessCheck], namespaces: [String]) {
        let checks = resources.filter { !$0.namespaced || scope.wantsAll }.map { AccessCheck(verb: "list", group: $0.group, resource: $0.name, namespace: nil) }
        return (checks, unique(scope.namespaces))
    }

    public static func plan(_ resources: [APIResource], scope: Scope, access: AccessAnswers) -> InformerPlan {
        var plan = InformerPlan()
        for r in resources {
            if !r.namespaced || scope.wantsAll {
                if let refused = refusal(r, namespace: nil, access) {
                    plan.forbidden.append(refused)
                } else {
                    plan.watches.append(Watch(resource: r, namespace: nil))
                    continue
                }
                // A cluster-scoped kind has no namespace to fall back to.
                guard r.namespaced else { continue }
            }
            for ns in unique(scope.namespaces) {
                if let refused = refusal(r, namespace: ns, access) {
                    plan.forbidden.append(refused)
                } else {
                    plan.watches.append(Watch(resource: r, namespace: ns))
                }
            }
        }
        return plan
    }

    /// The first of list and watch the answers refuse (unknown is not a refusal).
    static func refusal(_ r: APIResource, namespace: String?, _ access: AccessAnswers) -> ForbiddenAccess? {
        for verb in ["list", "watch"] {
            let check = AccessCheck(verb: verb, group: r.group, resource: r.name, namespace: namespace)
            if access.allows(check) == false {
                var refused = ForbiddenAccess(check)
                refused.kind = r.kind
                return refused
            }
        }
        return nil
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

extension InformerPlan.Scope {
    /// Whether every namespace was asked for.
    public var wantsAll: Bool {
        if case .all = self { return true }
        return false
    }

    /// The namespaces read one by one (the fallback, or the ones asked for).
    public var namespaces: [String] {
        switch self {
        case .all(let fallback): fallback
        case .namespaces(let list): list
        }
    }
}
