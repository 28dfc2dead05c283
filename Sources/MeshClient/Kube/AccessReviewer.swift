import Foundation
import MeshModel

/// Asks the API server what the current user may do, the way `kubectl auth can-i` does:
/// a SelfSubjectRulesReview per namespace of interest, a SelfSubjectAccessReview per
/// cluster-wide question. Answers are cached per context (server, context and user), so a
/// TUI reopening a context, or a command after a command in one process, asks once.
///
/// A review the server refuses or does not serve leaves the question unknown (nil): the
/// caller then tries the read and records a 403 if one comes, once.
///
/// ```swift
/// let answers = await AccessReviewer(client: client).answers(checks: checks, namespaces: ["shop"])
/// answers.allows(AccessCheck(verb: "list", group: "", resource: "pods", namespace: "shop"))
/// ```
public struct AccessReviewer: Sendable {
    public let client: KubeClient
    /// How many reviews are in flight at once.
    public var concurrency: Int

    public init(client: KubeClient, concurrency: Int = 16) {
        self.client = client
        self.concurrency = concurrency
    }

    /// Answers for these questions, from the cache where it has them.
    public func answers(checks: [AccessCheck], namespaces: [String]) async -> AccessAnswers {
        let key = AccessReviewer.cacheKey(client.connection)
        let known = await AccessReviewer.cache.get(key)
        let missingChecks = checks.filter { known.checks[$0] == nil }
        let missingNamespaces = namespaces.filter { known.namespaces[$0] == nil }
        if missingChecks.isEmpty && missingNamespaces.isEmpty { return known }
        var fresh = AccessAnswers()
        await withTaskGroup(of: (AccessCheck?, String?, Bool?, NamespaceRules?).self) { group in
            var pending: [(AccessCheck?, String?)] = missingChecks.map { ($0, nil) } + missingNamespaces.map { (nil, $0) }
            func addNext() {
                guard !pending.isEmpty else { return }
                let (check, ns) = pending.removeFirst()
                group.addTask {
                    if let check { return (check, nil, await self.review(check), nil) }
                    return (nil, ns, nil, await self.rules(namespace: ns ?? ""))
                }
            }
            for _ in 0..<max(1, concurrency) { addNext() }
            for await (check, ns, allowed, rules) in group {
                if let check, let allowed { fresh.checks[check] = allowed }
                if let ns, let rules { fresh.namespaces[ns] = rules }
                addNext()
            }
        }
        return await AccessReviewer.cache.merge(key, fresh)
    }

    /// One SelfSubjectAccessReview; nil when the server would not answer it.
    public func review(_ check: AccessCheck) async -> Bool? {
        guard let answer = await post(AccessReviews.accessPath, AccessReviews.accessRequest(check), what: "selfsubjectaccessreview (\(check))") else { return nil }
        return AccessReviews.allowed(answer.root)
    }

    /// One SelfSubjectRulesReview; nil when the server would not answer it.
    public func rules(namespace: String) async -> NamespaceRules? {
        guard let answer = await post(AccessReviews.rulesPath, AccessReviews.rulesRequest(namespace: namespace), what: "selfsubjectrulesreview in \(namespace)") else { return nil }
        return AccessReviews.rules(answer.root)
    }

    func post(_ path: String, _ body: JSONTree, what: String) async -> JSONDocument? {
        let request = KubeRequest(method: .POST, path: path, body: body.compactJSON(), contentType: "application/json", verb: "create", target: what)
        return try? await client.getJSON(request)
    }

    /// Forgets every cached answer (a test changing a user's rules, `:ctx` after a role change).
    public static func forgetAll() async { await cache.clear() }

    /// Two tokens for one user name are two identities: the credentials take part, hashed
    /// by value (their descriptions are redacted, so every token would describe alike), and
    /// so does the client certificate, which is the identity when it authenticates.
    static func cacheKey(_ c: ClusterConnection) -> String {
        var h = Hasher()
        h.combine(c.auth)
        h.combine(c.tls.clientCertificate)
        return "\(c.server)|\(c.contextName)|\(c.userName)|\(h.finalize())"
    }

    static let cache = AnswerCache()

    actor AnswerCache {
        var byContext: [String: AccessAnswers] = [:]
        func get(_ key: String) -> AccessAnswers { byContext[key] ?? AccessAnswers() }
        func merge(_ key: String, _ fresh: AccessAnswers) -> AccessAnswers {
            let merged = (byContext[key] ?? AccessAnswers()).merging(fresh)
            byContext[key] = merged
            return merged
        }
        func clear() { byContext = [:] }
    }
}
