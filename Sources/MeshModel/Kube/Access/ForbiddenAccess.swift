/// Something meshscope was not allowed to do: read a kind in a namespace (or in all of
/// them), reach proxies through `pods/proxy`, write an object. Views print ``message`` where
/// the data would have been; snapshots record the list (`forbidden` in the file) so a
/// findings engine can mark what it could not evaluate.
///
/// ```swift
/// ForbiddenAccess(verb: "list", group: "", resource: "pods", namespace: "istio-system").message
/// // forbidden: cannot list pods in istio-system (needs get/list on pods)
/// ```
public struct ForbiddenAccess: Sendable, Hashable, CustomStringConvertible {
    public var verb: String
    public var group: String
    /// `pods`, `pods/proxy`, `virtualservices`.
    public var resource: String
    /// nil: cluster-wide (a cluster-scoped kind, or every namespace).
    public var namespace: String?
    /// The server's own words, when a request (not a review) was refused.
    public var serverMessage: String?
    /// The kind as discovery names it (`VirtualService`), when the refusal came from a plan
    /// over discovered kinds: `:istio` names a kind it could not list.
    public var kind: String?

    public init(verb: String, group: String, resource: String, namespace: String?, serverMessage: String? = nil) {
        self.verb = verb
        self.group = group
        self.resource = resource
        self.namespace = namespace
        self.serverMessage = serverMessage
    }

    public init(_ check: AccessCheck, serverMessage: String? = nil) {
        self.init(verb: check.verb, group: check.group, resource: check.resource, namespace: check.namespace, serverMessage: serverMessage)
    }

    /// `pods`, `virtualservices.networking.istio.io`, `pods/proxy`.
    public var qualifiedResource: String { AccessCheck.qualified(resource, group) }

    /// The verbs to grant: reading a kind needs get/list (and watch, which ``verb`` names
    /// when it alone was refused); a subresource (`pods/proxy`) and writes need the verb itself.
    public var needs: String {
        (verb == "list" || verb == "get") && !resource.contains("/") ? "get/list" : verb
    }

    /// `forbidden: cannot list pods in istio-system (needs get/list on pods)`.
    public var message: String {
        let scope: String
        if let namespace { scope = " in \(namespace)" } else if clusterScoped { scope = "" } else { scope = " in all namespaces" }
        let wide = namespace == nil && !clusterScoped ? " cluster-wide" : ""
        return "forbidden: cannot \(verb) \(qualifiedResource)\(scope) (needs \(needs) on \(qualifiedResource)\(wide))"
    }

    public var description: String { message }

    /// One refusal whether or not it names its kind (``kind`` labels ``resource``, which says it).
    public static func == (a: ForbiddenAccess, b: ForbiddenAccess) -> Bool {
        (a.verb, a.group, a.resource, a.namespace, a.serverMessage) == (b.verb, b.group, b.resource, b.namespace, b.serverMessage)
    }

    public func hash(into h: inout Hasher) {
        h.combine(verb)
        h.combine(group)
        h.combine(resource)
        h.combine(namespace)
        h.combine(serverMessage)
    }

    /// Kinds that live outside namespaces among those meshscope reads.
    var clusterScoped: Bool { group.isEmpty && (resource == "namespaces" || resource == "nodes") }

    /// The snapshot file's form: `{"verb":"list","group":"","resource":"pods","namespace":"istio-system"}`.
    public var tree: JSONTree {
        var o: [(String, JSONTree)] = [("verb", .string(verb)), ("group", .string(group)), ("resource", .string(resource))]
        if let namespace { o.append(("namespace", .string(namespace))) }
        if let serverMessage { o.append(("message", .string(serverMessage))) }
        if let kind { o.append(("kind", .string(kind))) }
        return .object(JSONObject(o))
    }

    /// Reads ``tree``'s form back (nil when `verb` or `resource` is missing).
    public init?(_ v: JSONValue) {
        guard let verb = v["verb"]?.string, let resource = v["resource"]?.string else { return nil }
        self.init(verb: verb, group: v["group"]?.string ?? "", resource: resource, namespace: v["namespace"]?.string, serverMessage: v["message"]?.string)
        kind = v["kind"]?.string
    }
}

extension Array where Element == ForbiddenAccess {
    /// The refusals as one line, the first two whole and the rest counted (`forbidden: cannot
    /// list pods in all namespaces (…); forbidden: cannot …; and 3 more`): how a command that
    /// stops on them (`flows`, `top`, `connections`) and a view that is empty because of them
    /// say them. Bounded, so a user refused in many namespaces still gets one readable line.
    public var said: String {
        let shown = prefix(2).map(\.message).joined(separator: "; ")
        return count > 2 ? "\(shown); and \(count - 2) more" : shown
    }

    /// The refusals that hide `resource` (a plain name such as `pods`, or a qualified one
    /// such as `virtualservices.networking.istio.io`) from a view of `namespace` (nil: all):
    /// a refusal in that namespace, or cluster-wide when the view shows every namespace.
    public func hiding(_ qualifiedResource: String, in namespace: String?) -> [ForbiddenAccess] {
        filter { f in
            guard f.verb == "list" || f.verb == "watch", f.qualifiedResource == qualifiedResource else { return false }
            guard let namespace else { return true }
            return f.namespace == namespace || f.namespace == nil
        }
    }
}
