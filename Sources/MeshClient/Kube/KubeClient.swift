import AsyncHTTPClient
import Foundation
import MeshModel
import NIOCore
import NIOHTTP1

/// A Kubernetes API client: discovery, get, paginated list, watch and server-side apply.
///
/// ```swift
/// try await KubeClient.with(connection) { client in
///     let pods = try await client.resource("pods")
///     let page = try await client.list(pods, namespace: "shop")
///     print(page.items.count)
/// }
/// ```
public final class KubeClient: Sendable {
    public let transport: KubeTransport
    private let discoveryCache = DiscoveryCache()

    public var connection: ClusterConnection { transport.connection }

    public init(connection: ClusterConnection, options: TransportOptions = TransportOptions()) throws(KubeClientError) {
        self.transport = try KubeTransport(connection: connection, options: options)
    }

    public init(transport: KubeTransport) { self.transport = transport }

    /// Runs `body` with a client and always shuts it down.
    public static func with<T: Sendable>(_ connection: ClusterConnection, options: TransportOptions = TransportOptions(), _ body: (KubeClient) async throws -> T) async throws -> T {
        let client = try KubeClient(connection: connection, options: options)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    public func shutdown() async { await transport.shutdown() }

    // MARK: Discovery

    /// All resource types the server serves (cached after the first call).
    ///
    /// Reads `/api`, `/api/v1`, `/apis` and each group's preferred version, the same
    /// documents kubectl reads. Group versions that fail (an aggregated API server that is
    /// down) are skipped, as kubectl does, and reported in `ResourceCatalogResult.failedGroups`.
    public func discover() async throws(KubeClientError) -> ResourceCatalog {
        if let cached = await discoveryCache.catalog { return cached }
        let core = try await getJSON(KubeRequest(path: "/api/v1", verb: "discover", target: "the core API (/api/v1)"))
        var catalog = ResourceCatalog()
        do {
            for r in try ResourceCatalog.decodeResourceList(core.root) { catalog.add(r) }
        } catch {
            throw KubeClientError(.badResponse, "/api/v1: \(error)")
        }
        let groups = try await getJSON(KubeRequest(path: "/apis", verb: "discover", target: "API groups (/apis)"))
        let groupVersions = ResourceCatalog.decodeGroupList(groups.root)
        // Fetch group versions concurrently, then add in discovery order (the order decides
        // which group an ambiguous short name resolves to).
        var lists: [Int: [APIResource]] = [:]
        await withTaskGroup(of: (Int, [APIResource]?).self) { group in
            for (i, gv) in groupVersions.enumerated() {
                group.addTask {
                    guard let doc = try? await self.getJSON(KubeRequest(path: "/apis/\(gv)", verb: "discover", target: "/apis/\(gv)")) else { return (i, nil) }
                    return (i, try? ResourceCatalog.decodeResourceList(doc.root))
                }
            }
            for await (i, list) in group { if let list { lists[i] = list } }
        }
        for i in groupVersions.indices { for r in lists[i] ?? [] { catalog.add(r) } }
        await discoveryCache.store(catalog)
        return catalog
    }

    /// Resolves a name typed by a user (`pods`, `po`, `vs`, `httproutes.gateway.networking.k8s.io`).
    public func resource(_ typed: String) async throws(KubeClientError) -> APIResource {
        let catalog = try await discover()
        guard let r = catalog.lookup(typed) else {
            throw KubeClientError(.notFound, "the server doesn't have a resource type \"\(typed)\"; it offers: \(catalog.offeredKinds())")
        }
        return r
    }

    // MARK: Reading

    /// GET one object; nil when it does not exist.
    public func get(_ resource: APIResource, name: String, namespace: String?) async throws(KubeClientError) -> JSONDocument? {
        let req = KubeRequest(path: resource.objectPath(name: name, namespace: namespace), verb: "get", target: describe(resource, name: name, namespace: namespace))
        do {
            return try await getJSON(req)
        } catch where error.kind == .notFound {
            return nil
        }
    }

    /// One page of a list.
    public func list(_ resource: APIResource, namespace: String?, labelSelector: String? = nil, fieldSelector: String? = nil,
                     limit: Int? = 500, continueToken: String? = nil) async throws(KubeClientError) -> ListPage {
        var query: [(String, String)] = []
        if let limit { query.append(("limit", String(limit))) }
        if let continueToken { query.append(("continue", continueToken)) }
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        let req = KubeRequest(path: resource.collectionPath(namespace: namespace), query: query, verb: "list", target: describe(resource, name: nil, namespace: namespace))
        let doc = try await getJSON(req)
        return ListPage(document: doc, resource: resource)
    }

    /// Every page of a list, in order; the returned version is the last page's.
    public func listAll(_ resource: APIResource, namespace: String?, labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500) async throws(KubeClientError) -> (items: [JSONValue], resourceVersion: String) {
        var items: [JSONValue] = []
        var token: String?
        while true {
            let page = try await list(resource, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector, limit: pageSize, continueToken: token)
            items.append(contentsOf: page.items)
            guard let next = page.continueToken else { return (items, page.resourceVersion) }
            token = next
        }
    }

    /// A raw GET of any API path (`get --raw`).
    public func raw(_ path: String, verb: String = "get") async throws(KubeClientError) -> [UInt8] {
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var request = KubeRequest(path: String(parts[0]), accept: "*/*", verb: verb, target: path)
        request.rawQuery = parts.count > 1 ? String(parts[1]) : nil
        return try await transport.send(request).body
    }

    // MARK: Watching

    /// Watches a collection from `resourceVersion`, with bookmarks. The stream ends when the
    /// server ends the watch (its timeout); it throws ``KubeClientError`` with kind
    /// `.expired` for `410 Gone` (HTTP or an ERROR event), so the caller can relist.
    public func watch(_ resource: APIResource, namespace: String?, resourceVersion: String, labelSelector: String? = nil,
                      timeoutSeconds: Int = 300) -> AsyncThrowingStream<WatchEvent, any Error> {
        var query: [(String, String)] = [("watch", "true"), ("resourceVersion", resourceVersion), ("allowWatchBookmarks", "true"), ("timeoutSeconds", String(timeoutSeconds))]
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        let req = KubeRequest(path: resource.collectionPath(namespace: namespace), query: query, verb: "watch", target: describe(resource, name: nil, namespace: namespace))
        let transport = self.transport
        return AsyncThrowingStream { continuation in
            let task = Task {
                // The server ends the watch after timeoutSeconds; a connection still open 30 s
                // later is dead (or the server is broken): give up on it so the informer
                // re-watches instead of waiting for ever on a silent socket.
                let bound = Double(max(0, timeoutSeconds)) + 30
                do {
                    try await TimeBound.run(seconds: bound) {
                        let response = try await transport.open(req, deadline: TimeBound.deadline(bound))
                        var splitter = LineSplitter()
                        func emit(_ line: [UInt8]) throws {
                            let event = try WatchEvent(line: line)
                            if event.type == .error, let status = event.status {
                                throw KubeClientError(KubeClientError.kind(forCode: status.code), "watch \(req.target): \(status.code) \(status.reason): \(status.message)", status: status)
                            }
                            continuation.yield(event)
                        }
                        for try await chunk in response.body {
                            for line in splitter.feed(chunk.readableBytesView) { try emit(line) }
                        }
                        if let rest = splitter.finish() { try emit(rest) }
                    }
                    continuation.finish()
                } catch let error as TimeBound.Exceeded {
                    continuation.finish(throwing: KubeClientError(.timeout, "watch \(req.target): still open after \(KubeTransport.seconds(error.seconds)), past its \(timeoutSeconds)s server timeout; the connection to \(transport.connection.server) is presumed dead"))
                } catch let error as KubeClientError {
                    continuation.finish(throwing: error)
                } catch let error as JSONShapeError {
                    continuation.finish(throwing: KubeClientError(.badResponse, "watch \(req.target): \(error)"))
                } catch {
                    continuation.finish(throwing: transport.mapTransportError(error, req, timeout: nil))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: Writing

    /// Server-side apply of one object (`PATCH` with `application/apply-patch+yaml`).
    ///
    /// - Parameters:
    ///   - dryRun: `dryRun=All`: the server computes the result but stores nothing.
    ///   - force: take ownership of fields other managers own (`force=true`); only when asked.
    public func apply(_ object: JSONTree, resource: APIResource, namespace: String?, fieldManager: String = "meshscope",
                      dryRun: Bool, force: Bool) async throws(KubeClientError) -> (status: Int, object: JSONTree) {
        let name = object["metadata"]?["name"]?.string ?? ""
        var query: [(String, String)] = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        if dryRun { query.append(("dryRun", "All")) }
        let req = KubeRequest(
            method: .PATCH, path: resource.objectPath(name: name, namespace: namespace), query: query,
            body: object.compactJSON(), contentType: "application/apply-patch+yaml",
            verb: dryRun ? "apply (dry run)" : "apply", target: describe(resource, name: name, namespace: namespace)
        )
        let response = try await transport.send(req)
        do {
            return (response.status, try JSONTree(json: response.body))
        } catch {
            throw KubeClientError(.badResponse, "apply \(req.target): the server's answer is not JSON: \(error)")
        }
    }

    // MARK: Helpers

    func getJSON(_ request: KubeRequest) async throws(KubeClientError) -> JSONDocument {
        let response = try await transport.send(request)
        do {
            return try JSONDocument(bytes: response.body)
        } catch {
            throw KubeClientError(.badResponse, "\(request.verb) \(request.target): the server's answer is not JSON: \(error)")
        }
    }

    /// `pods in namespace "shop"`, `pod "web-0" in namespace "shop"`, `namespaces`.
    public func describe(_ r: APIResource, name: String?, namespace: String?) -> String {
        var s = r.qualifiedName
        if let name { s += " \"\(name)\"" }
        if r.namespaced { s += namespace.map { " in namespace \"\($0)\"" } ?? " in all namespaces" }
        return s
    }
}

/// One page of a list response, items still on the tape.
public struct ListPage: Sendable {
    public var document: JSONDocument
    public var resource: APIResource
    public var items: [JSONValue]
    public var continueToken: String?
    public var resourceVersion: String
    /// `metadata.remainingItemCount`, when the server sends it.
    public var remainingItemCount: Int?

    init(document: JSONDocument, resource: APIResource) {
        self.document = document
        self.resource = resource
        let root = document.root
        items = root["items"].map { Array($0.elements) } ?? []
        let meta = root["metadata"]
        continueToken = meta?["continue"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        resourceVersion = meta?["resourceVersion"]?.string ?? ""
        remainingItemCount = meta?["remainingItemCount"]?.int
    }
}

actor DiscoveryCache {
    var catalog: ResourceCatalog?
    func store(_ c: ResourceCatalog) { catalog = c }
}
