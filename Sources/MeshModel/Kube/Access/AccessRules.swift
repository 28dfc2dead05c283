/// One RBAC-style grant as a SelfSubjectRulesReview reports it (`status.resourceRules[]`):
/// verbs on resources (`pods`, `pods/proxy`, `*`) in API groups (`""` is core, `*` any).
///
/// ```swift
/// let r = ResourceRule(verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"])
/// r.allows(verb: "list", group: "", resource: "pods")        // true
/// r.allows(verb: "get", group: "", resource: "pods/proxy")   // false: a subresource is its own resource
/// ```
public struct ResourceRule: Sendable, Equatable, Hashable {
    public var verbs: [String]
    public var apiGroups: [String]
    public var resources: [String]
    /// Non-empty: the rule covers only these objects, never a list.
    public var resourceNames: [String]

    public init(verbs: [String], apiGroups: [String], resources: [String], resourceNames: [String] = []) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
    }

    /// Whether the rule grants `verb` on every object of `resource` (a rule limited to named
    /// objects grants no list, so it does not count). `*/proxy` matches any resource's `proxy`.
    public func allows(verb: String, group: String, resource: String) -> Bool {
        guard resourceNames.isEmpty else { return false }
        guard verbs.contains("*") || verbs.contains(verb) else { return false }
        guard apiGroups.contains("*") || apiGroups.contains(group) else { return false }
        return resources.contains { r in
            if r == "*" || r == resource { return true }
            // `*/proxy`: the subresource of any resource; `pods/*`: every subresource of pods.
            let want = resource.split(separator: "/", maxSplits: 1).map(String.init)
            let have = r.split(separator: "/", maxSplits: 1).map(String.init)
            guard want.count == 2, have.count == 2 else { return false }
            return (have[0] == "*" || have[0] == want[0]) && (have[1] == "*" || have[1] == want[1])
        }
    }

    /// `status.resourceRules[]` of a SelfSubjectRulesReview.
    public init(_ v: JSONValue) {
        func strings(_ key: String) -> [String] { v[key].map { $0.elements.compactMap(\.string) } ?? [] }
        self.init(verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"), resourceNames: strings("resourceNames"))
    }

    public var tree: JSONTree {
        var o: [(String, JSONTree)] = [
            ("verbs", .array(verbs.map { .string($0) })), ("apiGroups", .array(apiGroups.map { .string($0) })),
            ("resources", .array(resources.map { .string($0) })),
        ]
        if !resourceNames.isEmpty { o.append(("resourceNames", .array(resourceNames.map { .string($0) }))) }
        return .object(JSONObject(o))
    }
}

/// One question for the authorizer: may I `verb` `resource` (with its subresource, as
/// `pods/proxy`) in `group`, in `namespace` (nil: cluster-wide, every namespace)?
public struct AccessCheck: Sendable, Hashable, CustomStringConvertible {
    public var verb: String
    public var group: String
    /// `pods`, or `pods/proxy` for a subresource.
    public var resource: String
    public var namespace: String?

    public init(verb: String, group: String, resource: String, namespace: String?) {
        self.verb = verb
        self.group = group
        self.resource = resource
        self.namespace = namespace
    }

    /// `list pods in all namespaces`, `get pods/proxy in shop`.
    public var description: String {
        "\(verb) \(AccessCheck.qualified(resource, group)) \(namespace.map { "in \($0)" } ?? "in all namespaces")"
    }

    static func qualified(_ resource: String, _ group: String) -> String {
        guard !group.isEmpty else { return resource }
        let parts = resource.split(separator: "/", maxSplits: 1)
        return parts.count == 2 ? "\(parts[0]).\(group)/\(parts[1])" : "\(resource).\(group)"
    }
}

/// The request bodies of the two review APIs (authorization.k8s.io/v1), as kubectl
/// `auth can-i` sends them; both are `POST`ed and answered `201 Created` with `status` filled.
///
/// ```swift
/// AccessReviews.rulesRequest(namespace: "shop").compactJSON()
/// // {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"shop"}}
/// ```
public enum AccessReviews {
    public static let rulesPath = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
    public static let accessPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"

    public static func rulesRequest(namespace: String) -> JSONTree {
        .object(JSONObject([
            ("apiVersion", "authorization.k8s.io/v1"), ("kind", "SelfSubjectRulesReview"),
            ("spec", .object(JSONObject([("namespace", .string(namespace))]))),
        ]))
    }

    public static func accessRequest(_ check: AccessCheck) -> JSONTree {
        let parts = check.resource.split(separator: "/", maxSplits: 1).map(String.init)
        var attributes: [(String, JSONTree)] = []
        if let ns = check.namespace { attributes.append(("namespace", .string(ns))) }
        attributes += [("verb", .string(check.verb)), ("group", .string(check.group)), ("resource", .string(parts[0]))]
        if parts.count == 2 { attributes.append(("subresource", .string(parts[1]))) }
        return .object(JSONObject([
            ("apiVersion", "authorization.k8s.io/v1"), ("kind", "SelfSubjectAccessReview"),
            ("spec", .object(JSONObject([("resourceAttributes", .object(JSONObject(attributes)))]))),
        ]))
    }

    /// `status.resourceRules` of a SelfSubjectRulesReview answer, and whether the list is
    /// `incomplete` (an authorizer that cannot enumerate rules, or an `evaluationError`):
    /// then a missing rule is no proof of a refusal.
    public static func rules(_ answer: JSONValue) -> NamespaceRules {
        let status = answer["status"]
        let rules = status?["resourceRules"].map { $0.elements.map(ResourceRule.init) } ?? []
        let error = status?["evaluationError"]?.string ?? ""
        return NamespaceRules(rules: rules, incomplete: status?["incomplete"]?.bool == true || !error.isEmpty)
    }

    /// `status.allowed` of a SelfSubjectAccessReview answer (nil when the answer has none).
    public static func allowed(_ answer: JSONValue) -> Bool? {
        guard let status = answer["status"] else { return nil }
        if status["denied"]?.bool == true { return false }
        return status["allowed"]?.bool ?? false
    }
}

/// What a SelfSubjectRulesReview said about one namespace.
public struct NamespaceRules: Sendable, Equatable {
    public var rules: [ResourceRule]
    public var incomplete: Bool

    public init(rules: [ResourceRule], incomplete: Bool = false) {
        self.rules = rules
        self.incomplete = incomplete
    }

    /// true: granted; false: refused; nil: the list is incomplete and has no grant.
    public func allows(verb: String, group: String, resource: String) -> Bool? {
        if rules.contains(where: { $0.allows(verb: verb, group: group, resource: resource) }) { return true }
        return incomplete ? nil : false
    }
}
