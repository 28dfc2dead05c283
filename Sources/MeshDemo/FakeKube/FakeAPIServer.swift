import AsyncHTTPClient
import Foundation
import MeshClient
import MeshModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// An in-process Kubernetes API server on loopback that speaks the real wire format:
/// discovery documents, `XList` pages with `metadata.continue`, chunked watch streams of
/// `{"type":…,"object":…}` lines with BOOKMARKs, `Status` objects for errors, 410 Expired
/// after compaction, server-side apply with managedFields and 409 conflicts, `dryRun=All`,
/// and the pod proxy subresource forwarding to local admin servers.
///
/// Test knobs: tokens and client-certificate users, per-user denials (403), throttling
/// (429 + Retry-After), injected failures, compaction.
///
/// ```swift
/// let server = try await FakeAPIServer.start()
/// server.addToken("s3cret", user: "alice")
/// try server.write(pod, manager: "kubelet")
/// // point a kubeconfig at server.url ...
/// await server.shutdown()
/// ```
public final class FakeAPIServer: Sendable {
    public struct Options: Sendable {
        /// Serve HTTPS with a generated CA; see ``FakeAPIServer/pki``.
        public var tls: Bool = false
        /// Reject requests without valid credentials (401).
        public var requireAuthentication: Bool = false
        /// How often watches get a BOOKMARK (when the client allows them).
        public var bookmarkInterval: Double = 1
        /// Watch length when the client does not send timeoutSeconds.
        public var defaultWatchTimeout: Double = 300
        /// Events kept for watch resumption; older versions get 410.
        public var historyLimit: Int = 20_000
        /// Extra names for the server certificate (for tls-server-name tests).
        public var extraServerNames: [String] = []
        /// Whether the server certificate also names 127.0.0.1 (off for tls-server-name tests).
        public var loopbackIPInCertificate = true
        /// Shut down by itself after this many seconds (a safety net for demos and tests).
        public var stopAfter: Double?
        public init() {}
    }

    public let options: Options
    let store: FakeStore
    let knobs = Knobs()
    let logs = FakeLogs()
    let http: LoopbackHTTPServer
    let forwarder: HTTPClient
    /// The generated CA, server and client certificates (TLS mode only).
    public let pki: TestPKI?

    public var url: String { http.baseURL }
    public var port: Int { http.port }

    private init(options: Options, store: FakeStore, http: LoopbackHTTPServer, forwarder: HTTPClient, pki: TestPKI?) {
        self.options = options
        self.store = store
        self.http = http
        self.forwarder = forwarder
        self.pki = pki
    }

    public static func start(_ options: Options = Options()) async throws -> FakeAPIServer {
        let store = FakeStore(resources: FakeResources.all, historyLimit: options.historyLimit)
        let pki = options.tls ? try TestPKI.generate(serverNames: ["localhost"] + options.extraServerNames, includeLoopbackIP: options.loopbackIPInCertificate) : nil
        var tls: TLSConfiguration?
        if let pki {
            var t = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.serverCertificatePEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.serverKeyPEM.utf8), format: .pem))
            )
            // Client certificates are optional (tokens work too) but verified when presented.
            t.certificateVerification = .optionalVerification
            t.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8)))
            tls = t
        }
        var forwarding = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: HTTPClient.Configuration.Timeout(connect: .seconds(5), read: nil), decompression: .disabled)
        // Every pod proxy request of a client polling thousands of proxies goes to the same
        // admin server: as many connections as clients send at once, not the default 8.
        forwarding.connectionPool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
        let forwarder = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: forwarding)
        let handlerBox = HandlerBox()
        let http = try await LoopbackHTTPServer.start(tls: tls) { request in
            await handlerBox.handle(request)
        }
        let server = FakeAPIServer(options: options, store: store, http: http, forwarder: forwarder, pki: pki)
        handlerBox.set(server)
        if let lifetime = options.stopAfter {
            Task { [weak server] in
                try? await Task.sleep(nanoseconds: UInt64(lifetime * 1_000_000_000))
                await server?.shutdown()
            }
        }
        // Every namespaced object needs a namespace; the usual ones exist from the start.
        for ns in ["default", "kube-system", "istio-system"] { try server.write(FakeObjects.namespace(ns), manager: "kube-apiserver") }
        return server
    }

    public func shutdown() async {
        store.stopAllWatches()
        await http.shutdown()
        try? await forwarder.shutdown()
    }

    // MARK: Knobs

    /// Accept `Authorization: Bearer TOKEN` as `user`.
    public func addToken(_ token: String, user: String) { knobs.withLock { $0.tokens[token] = user } }

    /// Accept HTTP basic auth with this user name and password.
    public func addBasicUser(_ user: String, password: String) { knobs.withLock { $0.basicUsers[user] = password } }

    /// Binds `user` to a rule, as a RoleBinding (`namespace`) or a ClusterRoleBinding (nil)
    /// does. A user with any grant is authorized by grants alone (everything else is 403, as
    /// RBAC does); users without grants may do anything (minus ``deny(user:verb:resource:)``).
    ///
    /// ```swift
    /// server.grant(user: "dev", namespace: "shop", verbs: ["get", "list", "watch"], apiGroups: ["*"], resources: ["*"])
    /// ```
    public func grant(user: String, namespace: String?, verbs: [String], apiGroups: [String], resources: [String]) {
        let rule = ResourceRule(verbs: verbs, apiGroups: apiGroups, resources: resources)
        knobs.withLock { $0.grants[user, default: []].append(FakeGrant(namespace: namespace, rule: rule)) }
    }

    /// The read-only mesh-debugging grant of docs/kubernetes.md, limited to one namespace
    /// (what `--demo-user NAMESPACE` gives its token): read every kind, reach proxies, read logs.
    public func grantNamespaceReader(user: String, namespace: String) {
        grant(user: user, namespace: namespace, verbs: ["get", "list", "watch"], apiGroups: ["*"], resources: ["*"])
        grant(user: user, namespace: namespace, verbs: ["get"], apiGroups: [""], resources: ["pods/proxy", "pods/log", "services/proxy"])
    }

    /// Refuse `verb` on `resource` (`pods`, `pods/proxy`, `*`) for `user` with 403.
    public func deny(user: String, verb: String, resource: String) { knobs.withLock { $0.denials.append((user, verb, resource)) } }

    /// Answer the next `count` requests with 429 and `Retry-After: seconds`.
    public func throttle(next count: Int, retryAfter seconds: Int) { knobs.withLock { $0.throttle = (count, seconds) } }

    /// Fail the next `count` requests whose method matches and whose path (with query)
    /// contains `pathContains` with `status` (dry runs are matched only when `dryRun` says so).
    public func failRequests(method: String? = nil, pathContains: String, dryRun: Bool? = nil, status: Int, message: String, count: Int = 1) {
        knobs.withLock { $0.failures.append(InjectedFailure(method: method, pathContains: pathContains, dryRun: dryRun, status: status, message: message, remaining: count)) }
    }

    /// Stops failing requests injected with ``failRequests(method:pathContains:dryRun:status:message:count:)``.
    public func clearInjectedFailures() { knobs.withLock { $0.failures.removeAll() } }

    /// Forget the event history: watches from older versions and old continue tokens get 410.
    public func compact() { store.compact() }

    /// Ends every open watch stream now, as an API server restart or a load balancer idle
    /// timeout does. Clients re-watch from their last resourceVersion; with `expire` the
    /// history is forgotten first, so that re-watch gets 410 Gone and the client must relist.
    public func dropWatches(expire: Bool = false) {
        if expire {
            // Move past every version a client has seen (bookmarks carry the current one), so
            // each re-watch is from before the compaction.
            _ = store.withLock { store.nextRVLocked() }
            store.compact()
        }
        store.stopAllWatches()
    }

    /// Watch streams open now.
    public var openWatches: Int { store.watcherCount }

    /// Serve `GET .../pods/POD:PORT/proxy/...` from `baseURL`.
    public func setAdminBackend(namespace: String, pod: String, port: Int, baseURL: String) {
        knobs.withLock { $0.adminBackends["\(namespace)/\(pod):\(port)"] = baseURL }
    }

    /// Requests received, as `METHOD /path?query` (for tests to inspect).
    public var requestLog: [String] { knobs.withLock { $0.log.map(\.line) } }
    /// Requests received with the user each was authenticated as.
    public var requests: [LoggedRequest] { knobs.withLock { $0.log } }
    public func clearRequestLog() { knobs.withLock { $0.log.removeAll() } }

    /// The current resourceVersion.
    public var resourceVersion: Int { store.currentRV }

    // MARK: Direct object access (no HTTP)

    /// Creates or updates an object as an Update by `manager` (like a controller or `kubectl edit`).
    @discardableResult
    public func write(_ object: JSONTree, manager: String) throws -> JSONTree {
        guard let resource = FakeAPIServer.resource(for: object) else {
            throw FakeServerError("no resource for \(object["apiVersion"]?.string ?? "?") \(object["kind"]?.string ?? "?")")
        }
        let ns = object["metadata"]?["namespace"]?.string
        return try store.withLock { () throws -> JSONTree in
            let existing = store.getLocked(resource, namespace: ns, name: object["metadata"]?["name"]?.string ?? "").flatMap { try? JSONTree(json: $0.bytes) }
            var new = FakeDefaults.apply(resource, object, existing: existing)
            new = FieldOwnership.update(new, previous: existing, manager: manager, now: Timestamp.rfc3339(Date()))
            let stored = FakeMutations.stamp(new, existing: existing, rv: store.nextRVLocked())
            store.putLocked(resource, object: stored, type: existing == nil ? .added : .modified)
            return stored
        }
    }

    /// Loads many objects at once without events (before clients connect): the generated
    /// pods and services of benchmarks and demos.
    public func seed(_ objects: [JSONTree]) throws {
        try store.withLock {
            for object in objects {
                guard let resource = FakeAPIServer.resource(for: object) else {
                    throw FakeServerError("no resource for \(object["apiVersion"]?.string ?? "?") \(object["kind"]?.string ?? "?")")
                }
                let stamped = FakeMutations.stamp(FakeDefaults.apply(resource, object, existing: nil), existing: nil, rv: store.nextRVLocked())
                store.seedLocked(resource, object: stamped)
            }
        }
    }

    /// Deletes an object (a watch DELETED event follows).
    public func delete(apiVersion: String, kind: String, namespace: String?, name: String) {
        guard let resource = FakeResources.all.first(where: { $0.apiVersion == apiVersion && $0.kind == kind }) else { return }
        store.withLock {
            guard let entry = store.getLocked(resource, namespace: namespace, name: name), var tree = try? JSONTree(json: entry.bytes) else { return }
            tree.setValue(.string(String(store.nextRVLocked())), at: ["metadata", "resourceVersion"])
            store.deleteLocked(resource, namespace: namespace, name: name, finalObject: tree)
        }
    }

    /// The stored object, if any.
    public func object(apiVersion: String, kind: String, namespace: String?, name: String) -> JSONTree? {
        guard let resource = FakeResources.all.first(where: { $0.apiVersion == apiVersion && $0.kind == kind }) else { return nil }
        return store.withLock { store.getLocked(resource, namespace: namespace, name: name).flatMap { try? JSONTree(json: $0.bytes) } }
    }

    static func resource(for object: JSONTree) -> APIResource? {
        let apiVersion = object["apiVersion"]?.string ?? ""
        let kind = object["kind"]?.string ?? ""
        return FakeResources.all.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }
}

/// One request as the fake server saw it.
public struct LoggedRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String
    /// The authenticated user (token or client certificate CN), nil for anonymous.
    public var user: String?
    public var line: String { "\(method) \(path)\(query.isEmpty ? "" : "?" + query)" }
}

public struct FakeServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

struct InjectedFailure {
    var method: String?
    var pathContains: String
    var dryRun: Bool?
    var status: Int
    var message: String
    var remaining: Int
}

/// One rule bound to a user in a namespace (nil: cluster-wide).
struct FakeGrant {
    var namespace: String?
    var rule: ResourceRule
}

/// Mutable knob state behind a lock.
final class Knobs: @unchecked Sendable {
    struct State {
        var tokens: [String: String] = [:]
        var basicUsers: [String: String] = [:]
        var denials: [(user: String, verb: String, resource: String)] = []
        var grants: [String: [FakeGrant]] = [:]
        var throttle: (count: Int, seconds: Int) = (0, 0)
        var failures: [InjectedFailure] = []
        var adminBackends: [String: String] = [:]
        /// Endpoint `IP:PORT` → base URL, for the service proxy.
        var endpointBackends: [String: String] = [:]
        var log: [LoggedRequest] = []

        /// Keeps the newest ``logLimit`` requests: a demo polling thousands of proxies would
        /// otherwise grow the log without bound.
        mutating func record(_ r: LoggedRequest) {
            log.append(r)
            if log.count > 2 * Knobs.logLimit { log.removeFirst(log.count - Knobs.logLimit) }
        }
    }

    static let logLimit = 20_000

    private let lock = NSLock()
    private var state = State()

    func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}

/// Breaks the init cycle between the HTTP server (needs a handler) and the API server.
final class HandlerBox: @unchecked Sendable {
    private let lock = NSLock()
    private weak var server: FakeAPIServer?

    func set(_ s: FakeAPIServer) { lock.withLock { server = s } }

    func handle(_ request: DemoHTTPRequest) async -> DemoHTTPResponse {
        guard let server = lock.withLock({ server }) else { return .text(.serviceUnavailable, "starting") }
        return await server.handle(request)
    }
}
