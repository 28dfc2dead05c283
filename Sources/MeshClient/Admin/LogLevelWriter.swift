import Foundation
import MeshModel
import NIOHTTP1

/// Reads and sets a proxy's log levels through its admin `/logging` (POST), for `meshscope
/// log-level` and the TUI's `v`: Envoy takes one `LOGGER=LEVEL` (or `level=LEVEL`) per
/// request, ztunnel one `level=` value.
///
/// A write changes a live proxy, so it is asked of the API server first: a
/// SelfSubjectAccessReview for `create` on `pods/proxy` in the pod's namespace (what the pod
/// proxy's POST needs). A "no" is said as `forbidden: …` instead of trying; a server that
/// does not answer reviews leaves it to the POST.
///
/// ```swift
/// let writer = LogLevelWriter(admin: AdminClient(.apiServerProxy(client)))
/// if let no = await LogLevelWriter.refusal(client: client, namespace: "bookinfo") { print(no) }
/// let levels = try await writer.apply(pod: "reviews-v2-abc", namespace: "bookinfo", level: "rbac:debug", reset: false)
/// ```
public struct LogLevelWriter: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let admin: AdminClient
    public var port: Int

    public init(admin: AdminClient, port: Int = AdminClient.Port.envoyAdmin) {
        self.admin = admin
        self.port = port
    }

    /// The question a write asks first.
    public static func accessCheck(namespace: String) -> AccessCheck {
        AccessCheck(verb: "create", group: "", resource: "pods/proxy", namespace: namespace)
    }

    /// `forbidden: …` when the API server says the user may not POST through the pod proxy
    /// in `namespace`; nil when it may, or will not say.
    public static func refusal(client: KubeClient, namespace: String) async -> String? {
        let check = accessCheck(namespace: namespace)
        guard await AccessReviewer(client: client).review(check) == false else { return nil }
        return "forbidden: \(client.connection.userName.isEmpty ? "this user" : client.connection.userName) may not \(check) (a SelfSubjectAccessReview said no; log levels are set through the pod proxy)"
    }

    /// The levels now; with `level` or `reset`, after changing them.
    public func apply(pod: String, namespace: String, level: String?, reset: Bool) async throws(Failure) -> ProxyLogLevels {
        var levels = try await post(pod, namespace, nil)
        if levels.loggers.isEmpty, levels.ztunnelLevel == nil {
            throw Failure(description: "\(pod.isEmpty ? "the admin URL" : pod + "." + namespace): /logging did not answer with log levels")
        }
        if reset { levels = try await post(pod, namespace, levels.isZtunnel ? "level=info" : "level=warning") }
        if let level {
            if levels.isZtunnel {
                let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
                levels = try await post(pod, namespace, "level=" + (level.addingPercentEncoding(withAllowedCharacters: allowed) ?? level))
            } else {
                let queries: [String]
                do { queries = try ProxyLogLevels.envoyQueries(level) } catch { throw Failure(description: error.description) }
                for q in queries { levels = try await post(pod, namespace, q) }
            }
        }
        return levels
    }

    private func post(_ pod: String, _ namespace: String, _ query: String?) async throws(Failure) -> ProxyLogLevels {
        do {
            let body = try await admin.fetch(pod: pod, namespace: namespace, port: port, path: "/logging" + (query.map { "?" + $0 } ?? ""), method: .POST)
            return ProxyLogLevels.parse(String(decoding: body, as: UTF8.self))
        } catch {
            throw Failure(description: error.message)
        }
    }
}
