/// What the authorizer said, as far as it was asked: SelfSubjectAccessReview answers by
/// question and SelfSubjectRulesReview rules by namespace. Anything not asked (or a review
/// API the server refused) is unknown, and unknown is tried rather than assumed refused.
///
/// ```swift
/// var a = AccessAnswers()
/// a.checks[AccessCheck(verb: "list", group: "", resource: "pods", namespace: nil)] = false
/// a.namespaces["shop"] = NamespaceRules(rules: [ResourceRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])])
/// a.allows(AccessCheck(verb: "list", group: "", resource: "pods", namespace: "shop"))   // true
/// ```
public struct AccessAnswers: Sendable, Equatable {
    public var checks: [AccessCheck: Bool] = [:]
    public var namespaces: [String: NamespaceRules] = [:]

    public init(checks: [AccessCheck: Bool] = [:], namespaces: [String: NamespaceRules] = [:]) {
        self.checks = checks
        self.namespaces = namespaces
    }

    /// true: allowed; false: refused; nil: nobody asked (or the answer could not tell).
    /// A cluster-wide grant covers every namespace.
    public func allows(_ check: AccessCheck) -> Bool? {
        if let answer = checks[check] { return answer }
        guard let ns = check.namespace else { return nil }
        if let rules = namespaces[ns], let answer = rules.allows(verb: check.verb, group: check.group, resource: check.resource) {
            return answer
        }
        if checks[AccessCheck(verb: check.verb, group: check.group, resource: check.resource, namespace: nil)] == true { return true }
        return nil
    }

    /// Both answers, the newer winning (a cache filled by several rounds of questions).
    public func merging(_ newer: AccessAnswers) -> AccessAnswers {
        AccessAnswers(checks: checks.merging(newer.checks) { _, b in b }, namespaces: namespaces.merging(newer.namespaces) { _, b in b })
    }
}
