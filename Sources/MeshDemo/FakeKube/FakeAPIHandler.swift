import AsyncHTTPClient
import Foundation
import MeshClient
import MeshModel
import NIOCore
import NIOHTTP1

/// Request handling: authentication, knobs, routing, and the verbs.
extension FakeAPIServer {
    /// Where a request goes after the path is parsed.
    enum Route {
        case discovery(JSONTree)
        case collection(APIResource, namespace: String?)
        case object(APIResource, namespace: String?, name: String)
        case podProxy(namespace: String, pod: String, port: Int, rest: String)
        /// `services/[SCHEME:]NAME[:PORT]/proxy/REST`; `id` is the name segment as sent.
        case serviceProxy(namespace: String, service: String, port: String, id: String, rest: String)
        case podLog(namespace: String, pod: String)
        case notFound
    }

    func handle(_ req: DemoHTTPRequest) async -> DemoHTTPResponse {
        // Authentication.
        var user: String?
        if let auth = req.headers.first(name: "Authorization") {
            guard let u = authenticate(auth) else {
                knobs.withLock { $0.record(LoggedRequest(method: req.method.rawValue, path: req.rawPath, query: req.rawQuery, user: nil)) }
                return status(KubeStatus(code: 401, reason: "Unauthorized", message: "Unauthorized"))
            }
            user = u
        } else if let cn = req.clientCommonName {
            user = cn
        }
        if user == nil && options.requireAuthentication {
            return status(KubeStatus(code: 401, reason: "Unauthorized", message: "Unauthorized"))
        }
        let who = user ?? "system:anonymous"
        knobs.withLock { $0.record(LoggedRequest(method: req.method.rawValue, path: req.rawPath, query: req.rawQuery, user: user)) }

        // Throttling.
        let retryAfter: Int? = knobs.withLock { k in
            guard k.throttle.count > 0 else { return nil }
            k.throttle.count -= 1
            return k.throttle.seconds
        }
        if let retryAfter {
            var s = KubeStatus(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.")
            s.retryAfterSeconds = retryAfter
            var r = status(s)
            r.headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter))
            return r
        }

        if req.method == .POST, req.path == AccessReviews.rulesPath || req.path == AccessReviews.accessPath {
            if let f = takeInjectedFailure(req) { return status(KubeStatus(code: f.status, reason: KubeStatus.reasonForCode(f.status), message: f.message)) }
            return review(req, user: who)
        }
        let route = self.route(req.path)
        if case .discovery(let doc) = route { return .json(.ok, doc.compactJSON()) }
        if case .notFound = route { return status(KubeStatus(code: 404, reason: "NotFound", message: "the server could not find the requested resource")) }

        // Authorization.
        let (verb, resourceName, namespace) = describe(route, req)
        let group = groupOf(route)
        let denied = knobs.withLock { k in
            k.denials.contains { $0.user == who && ($0.verb == verb || $0.verb == "*") && ($0.resource == resourceName || $0.resource == "*") }
                || !FakeAPIServer.granted(k.grants[who], verb: verb, group: group, resource: resourceName, namespace: namespace)
        }
        if denied { return forbidden(who: who, verb: verb, group: group, resource: resourceName, namespace: namespace, name: objectName(route)) }

        if let f = takeInjectedFailure(req) { return status(KubeStatus(code: f.status, reason: KubeStatus.reasonForCode(f.status), message: f.message)) }

        // Content negotiation for reads: a Table (kubectl get) or plain JSON.
        let negotiated = FakeTables.negotiate(req.headers.first(name: "Accept"))
        if req.method == .GET, negotiated == .notAcceptable {
            switch route {
            case .collection, .object: return notAcceptable()
            default: break
            }
        }
        let table: String? = if case .table(let v) = negotiated, req.method == .GET, req.query["watch"] != "true" && req.query["watch"] != "1" { v } else { nil }

        switch route {
        case .collection(let r, let ns):
            switch req.method {
            case .GET:
                if req.query["watch"] == "true" || req.query["watch"] == "1" { return watch(r, namespace: ns, req) }
                return list(r, namespace: ns, req, table: table)
            case .POST: return create(r, namespace: ns, req)
            default: return methodNotAllowed(req)
            }
        case .object(let r, let ns, let name):
            switch req.method {
            case .GET: return get(r, namespace: ns, name: name, req, table: table)
            case .PATCH: return patch(r, namespace: ns, name: name, req)
            case .PUT: return put(r, namespace: ns, name: name, req)
            case .DELETE: return deleteObject(r, namespace: ns, name: name)
            default: return methodNotAllowed(req)
            }
        case .podProxy(let ns, let pod, let port, let rest):
            return await proxy(namespace: ns, pod: pod, port: port, rest: rest, req)
        case .serviceProxy(let ns, let service, let port, let id, _):
            return await serviceProxy(namespace: ns, service: service, port: port, id: id, req)
        case .podLog(let ns, let pod):
            return req.method == .GET ? podLog(namespace: ns, pod: pod, req) : methodNotAllowed(req)
        case .discovery, .notFound:
            return status(KubeStatus(code: 404, reason: "NotFound", message: "the server could not find the requested resource"))
        }
    }

    /// The first injected failure matching the request, counted down (nil: none).
    func takeInjectedFailure(_ req: DemoHTTPRequest) -> InjectedFailure? {
        let isDryRun = req.query["dryRun"] != nil
        return knobs.withLock { k in
            guard let i = k.failures.firstIndex(where: { f in
                (f.method == nil || f.method == req.method.rawValue) && (req.path + "?" + req.rawQuery).contains(f.pathContains) && (f.dryRun == nil || f.dryRun == isDryRun) && f.remaining > 0
            }) else { return nil }
            k.failures[i].remaining -= 1
            let f = k.failures[i]
            if k.failures[i].remaining == 0 { k.failures.remove(at: i) }
            return f
        }
    }

    /// The user for a Bearer token or Basic credentials, nil when unknown.
    func authenticate(_ header: String) -> String? {
        if header.hasPrefix("Bearer ") { return knobs.withLock { $0.tokens[String(header.dropFirst(7))] } }
        if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))) {
            let pair = String(decoding: data, as: UTF8.self).split(separator: ":", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return nil }
            return knobs.withLock { $0.basicUsers[pair[0]] == pair[1] ? pair[0] : nil }
        }
        return nil
    }

    // MARK: Routing

    func route(_ path: String) -> Route {
        let parts = path.split(separator: "/").map(String.init)
        switch parts.count {
        case 0: return .notFound
        case 1 where parts[0] == "api": return .discovery(FakeResources.apiVersions(serverAddress: "127.0.0.1:\(port)"))
        case 1 where parts[0] == "apis": return .discovery(FakeResources.groupList())
        case 1 where parts[0] == "version": return .discovery(FakeResources.version)
        default: break
        }
        let groupVersion: String
        var rest: ArraySlice<String>
        if parts[0] == "api", parts.count >= 2 {
            groupVersion = parts[1]
            rest = parts[2...]
        } else if parts[0] == "apis", parts.count >= 3 {
            groupVersion = parts[1] + "/" + parts[2]
            rest = parts[3...]
        } else {
            return .notFound
        }
        if rest.isEmpty {
            return FakeResources.resourceList(groupVersion: groupVersion).map { .discovery($0) } ?? .notFound
        }
        func resource(_ name: String) -> APIResource? { FakeResources.all.first { $0.apiVersion == groupVersion && $0.name == name } }
        var namespace: String?
        if rest.first == "namespaces", rest.count >= 3, let r = resource(rest[rest.startIndex + 2]), r.namespaced {
            namespace = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        guard let r = resource(rest[rest.startIndex]) else { return .notFound }
        if r.namespaced == false { namespace = nil }
        rest = rest.dropFirst()
        if rest.isEmpty { return .collection(r, namespace: namespace) }
        let name = rest[rest.startIndex]
        rest = rest.dropFirst()
        if rest.isEmpty { return .object(r, namespace: namespace, name: name) }
        // pods/NAME[:PORT]/proxy/PATH (also scheme:NAME:PORT).
        if r.kind == "Pod", r.group.isEmpty, rest.first == "proxy", let ns = namespace {
            var nameParts = name.split(separator: ":").map(String.init)
            if nameParts.count == 3 { nameParts.removeFirst() }
            let pod = nameParts[0]
            let port = nameParts.count > 1 ? Int(nameParts[1]) ?? 0 : 80
            return .podProxy(namespace: ns, pod: pod, port: port, rest: "/" + rest.dropFirst().joined(separator: "/"))
        }
        // services/[SCHEME:]NAME[:PORT]/proxy/PATH: the port by name or number.
        if r.kind == "Service", r.group.isEmpty, rest.first == "proxy", let ns = namespace {
            var nameParts = name.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if nameParts.count == 3 { nameParts.removeFirst() }
            guard nameParts.count <= 2, !nameParts[0].isEmpty else { return .notFound }
            return .serviceProxy(namespace: ns, service: nameParts[0], port: nameParts.count > 1 ? nameParts[1] : "", id: name,
                                 rest: "/" + rest.dropFirst().joined(separator: "/"))
        }
        if r.kind == "Pod", r.group.isEmpty, rest.count == 1, rest.first == "log", let ns = namespace { return .podLog(namespace: ns, pod: name) }
        return .notFound
    }

    func describe(_ route: Route, _ req: DemoHTTPRequest) -> (verb: String, resource: String, namespace: String?) {
        switch route {
        case .collection(let r, let ns):
            let verb = req.method == .POST ? "create" : (req.query["watch"] == "true" || req.query["watch"] == "1") ? "watch" : "list"
            return (verb, r.name, ns)
        case .object(let r, let ns, _):
            let verb: String
            switch req.method {
            case .GET: verb = "get"
            case .PATCH: verb = "patch"
            case .PUT: verb = "update"
            case .DELETE: verb = "delete"
            default: verb = req.method.rawValue.lowercased()
            }
            return (verb, r.name, ns)
        case .podProxy(let ns, _, _, _), .serviceProxy(let ns, _, _, _, _):
            // As Kubernetes' RequestInfo names them: a POST through the pod proxy is `create`.
            let verb: String
            switch req.method {
            case .GET, .HEAD: verb = "get"
            case .POST: verb = "create"
            case .PUT: verb = "update"
            case .PATCH: verb = "patch"
            case .DELETE: verb = "delete"
            default: verb = req.method.rawValue.lowercased()
            }
            if case .serviceProxy = route { return (verb, "services/proxy", ns) }
            return (verb, "pods/proxy", ns)
        case .podLog(let ns, _):
            return ("get", "pods/log", ns)
        default:
            return ("get", "", nil)
        }
    }

    func groupOf(_ route: Route) -> String {
        switch route {
        case .collection(let r, _), .object(let r, _, _): r.group
        default: ""
        }
    }

    func objectName(_ route: Route) -> String? {
        switch route {
        case .object(_, _, let name): name
        case .podProxy(_, let pod, _, _), .podLog(_, let pod): pod
        case .serviceProxy(_, _, _, let id, _): id
        default: nil
        }
    }

    // MARK: Reads

    /// One object, or (`table`: the Table's apiVersion) its one-row Table.
    func get(_ r: APIResource, namespace: String?, name: String, _ req: DemoHTTPRequest, table: String? = nil) -> DemoHTTPResponse {
        guard let entry = store.withLock({ store.getLocked(r, namespace: namespace, name: name) }) else { return notFound(r, name) }
        guard let table else { return .json(.ok, entry.bytes) }
        let rv = (try? JSONTree(json: entry.bytes))?["metadata"]?["resourceVersion"] ?? .string("")
        return .json(.ok, FakeTables.render(r, objects: [entry.bytes], apiVersion: table, includeObject: req.query["includeObject"], metadata: .object([("resourceVersion", rv)])))
    }

    /// A page of a list; with `table` (the Table's apiVersion), the same page as a Table with the same metadata.
    func list(_ r: APIResource, namespace: String?, _ req: DemoHTTPRequest, table: String? = nil) -> DemoHTTPResponse {
        let selector: LabelSelector
        do { selector = try LabelSelector.parse(req.query["labelSelector"] ?? "") } catch {
            return status(KubeStatus(code: 400, reason: "BadRequest", message: "unable to parse requirement: \(error.message)"))
        }
        let fieldSelector = FakeAPIServer.parseFieldSelector(req.query["fieldSelector"] ?? "")
        let limit = req.query["limit"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        var start = ""
        var listRV: Int?
        if let token = req.query["continue"], !token.isEmpty {
            guard let decoded = FakeAPIServer.decodeContinue(token) else {
                return status(KubeStatus(code: 400, reason: "BadRequest", message: "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"))
            }
            (listRV, start) = decoded
        }
        return store.withLock { () -> DemoHTTPResponse in
            if let listRV, listRV < store.compactedLocked() {
                return status(KubeStatus(code: 410, reason: "Expired", message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."))
            }
            let rv = listRV ?? store.rvLocked()
            let keys = store.sortedKeysLocked(r)
            let prefix = namespace.map { $0 + "/" }
            // Binary search to the continue position.
            // Keys are sorted "namespace/name": jump to the first key after the continue
            // position (or the namespace's first key) and stop after the namespace's last.
            let floor = max(start, prefix ?? "")
            var lo = 0, hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keys[mid] < floor || (!start.isEmpty && keys[mid] == start) { lo = mid + 1 } else { hi = mid }
            }
            var tableObjects: [[UInt8]] = []
            var body = Array(#"{"kind":"\#(r.kind)List","apiVersion":"\#(r.apiVersion)","metadata":{"resourceVersion":"\#(rv)""#.utf8)
            var items: [UInt8] = []
            items.reserveCapacity(min(limit ?? 500, 500) * 2048)
            var count = 0
            var lastKey: String?
            var i = lo
            var more = false
            while i < keys.count {
                let key = keys[i]
                i += 1
                if let prefix, !key.hasPrefix(prefix) { break }
                guard let e = store.entryLocked(r, key: key), selector.matches(e.labels), FakeStore.fieldsMatch(fieldSelector, e.fields) else { continue }
                if let limit, count == limit {
                    more = true
                    break
                }
                if table != nil {
                    tableObjects.append(e.bytes)
                } else {
                    if count > 0 { items.append(0x2C) }
                    items += e.bytes
                }
                count += 1
                lastKey = key
            }
            if more, let lastKey {
                body += Array(#","continue":""#.utf8) + Array(FakeAPIServer.encodeContinue(rv: rv, start: lastKey).utf8) + [0x22]
                if selector.requirements.isEmpty && fieldSelector.isEmpty {
                    var remaining = 0
                    var j = i - 1
                    while j < keys.count, prefix == nil || keys[j].hasPrefix(prefix!) {
                        remaining += 1
                        j += 1
                    }
                    body += Array(#","remainingItemCount":\#(remaining)"#.utf8)
                }
            }
            if let table {
                // The list's metadata (resourceVersion, continue, remainingItemCount) as is.
                let metadata = (try? JSONTree(json: body + Array("}}".utf8)))?["metadata"] ?? .object(JSONObject([]))
                return .json(.ok, FakeTables.render(r, objects: tableObjects, apiVersion: table, includeObject: req.query["includeObject"], metadata: metadata))
            }
            body += Array(#"},"items":["#.utf8) + items + Array("]}".utf8)
            return .json(.ok, body)
        }
    }

    /// `continue` tokens in the API server's format: base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"KEY\u0000"}`.
    static func encodeContinue(rv: Int, start: String) -> String {
        let json = JSONTree.object([("v", "meta.k8s.io/v1"), ("rv", .number(String(rv))), ("start", .string(start + "\u{0}"))]).compactJSON()
        return Data(json).base64EncodedString()
    }

    static func decodeContinue(_ token: String) -> (Int, String)? {
        guard let data = Data(base64Encoded: token), let tree = try? JSONTree(json: [UInt8](data)),
              let rv = tree["rv"]?.int, var start = tree["start"]?.string else { return nil }
        if start.hasSuffix("\u{0}") { start.removeLast() }
        return (rv, start)
    }

    static func parseFieldSelector(_ s: String) -> [(String, String, Bool)] {
        s.split(separator: ",").compactMap { part in
            if let r = part.range(of: "!=") { return (String(part[..<r.lowerBound]), String(part[r.upperBound...]), false) }
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2 else { return nil }
            return (String(kv[0]), String(kv[1].hasPrefix("=") ? kv[1].dropFirst() : kv[1]), true)
        }
    }

    // MARK: Watch

    func watch(_ r: APIResource, namespace: String?, _ req: DemoHTTPRequest) -> DemoHTTPResponse {
        let selector = (try? LabelSelector.parse(req.query["labelSelector"] ?? "")) ?? .everything
        let fieldSelector = FakeAPIServer.parseFieldSelector(req.query["fieldSelector"] ?? "")
        let from = Int(req.query["resourceVersion"] ?? "") ?? 0
        let bookmarks = req.query["allowWatchBookmarks"] == "true"
        let timeout = req.query["timeoutSeconds"].flatMap(Double.init) ?? options.defaultWatchTimeout
        switch store.watch(r, namespace: namespace, selector: selector, fieldSelector: fieldSelector, fromRV: from) {
        case .expired(let oldest):
            // The real server answers 200 and reports the expiry as an ERROR event.
            let s = KubeStatus(code: 410, reason: "Expired", message: "too old resource version: \(from) (\(oldest))")
            let line = Array(#"{"type":"ERROR","object":"#.utf8) + s.tree.compactJSON() + Array("}\n".utf8)
            return DemoHTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: .bytes(line))
        case .stream(let events, let id):
            let store = self.store
            let interval = options.bookmarkInterval
            let (out, continuation) = AsyncStream<[UInt8]>.makeStream()
            let pump = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await line in events { continuation.yield(line) }
                    }
                    if bookmarks {
                        group.addTask {
                            while !Task.isCancelled {
                                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                                if Task.isCancelled { break }
                                store.bookmark(id, kind: r.kind, apiVersion: r.apiVersion)
                            }
                        }
                    }
                    group.addTask {
                        try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
                    }
                    // The first task to finish (timeout, or the store ending the watch) ends it.
                    await group.next()
                    group.cancelAll()
                    store.stopWatch(id)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in
                pump.cancel()
                store.stopWatch(id)
            }
            return DemoHTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: .stream(out))
        }
    }

    // MARK: Writes

    func patch(_ r: APIResource, namespace: String?, name: String, _ req: DemoHTTPRequest) -> DemoHTTPResponse {
        let contentType = req.headers.first(name: "Content-Type") ?? ""
        guard contentType.hasPrefix("application/apply-patch+yaml") else {
            return status(KubeStatus(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml"))
        }
        let manager = req.query["fieldManager"] ?? ""
        guard !manager.isEmpty else {
            return status(KubeStatus(code: 400, reason: "BadRequest", message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"))
        }
        let applied: JSONTree
        do {
            let text = String(decoding: req.body, as: UTF8.self)
            applied = try YAMLTree.single(text, source: "request body")
        } catch {
            return status(KubeStatus(code: 400, reason: "BadRequest", message: "error decoding YAML: \(error.message)"))
        }
        if let bad = checkIdentity(applied, r, namespace: namespace, name: name) { return status(bad) }
        if let invalid = FakeValidation.checkName(r, name) { return status(invalid) }
        let force = req.query["force"] == "true"
        let dryRun = req.query["dryRun"] == "All"
        return store.withLock { () -> DemoHTTPResponse in
            if let ns = namespace, r.namespaced, store.getLocked(FakeResources.core[0], namespace: nil, name: ns) == nil {
                return namespaceNotFound(ns)
            }
            let existing = store.getLocked(r, namespace: namespace, name: name).flatMap { try? JSONTree(json: $0.bytes) }
            var config = applied
            if r.namespaced, let namespace { config.setValue(.string(namespace), at: ["metadata", "namespace"]) }
            switch FieldOwnership.apply(config, onto: existing, manager: manager, force: force, now: Timestamp.rfc3339(Date())) {
            case .conflicts(let conflicts):
                return status(conflictStatus(conflicts, r, name))
            case .merged(let merged):
                let defaulted = FakeDefaults.apply(r, merged, existing: existing)
                if let existing, FakeMutations.sameContent(existing, defaulted) {
                    return .json(.ok, existing.compactJSON())
                }
                if dryRun {
                    return .json(existing == nil ? .created : .ok, FakeMutations.stamp(defaulted, existing: existing, rv: existing?["metadata"]?["resourceVersion"]?.string.flatMap(Int.init)).compactJSON())
                }
                let stored = FakeMutations.stamp(defaulted, existing: existing, rv: store.nextRVLocked())
                store.putLocked(r, object: stored, type: existing == nil ? .added : .modified)
                return .json(existing == nil ? .created : .ok, stored.compactJSON())
            }
        }
    }

    func create(_ r: APIResource, namespace: String?, _ req: DemoHTTPRequest) -> DemoHTTPResponse {
        guard var object = try? JSONTree(json: req.body) else {
            return status(KubeStatus(code: 400, reason: "BadRequest", message: "the body of the request is not JSON"))
        }
        let name = object["metadata"]?["name"]?.string ?? ""
        if r.namespaced, let namespace { object.setValue(.string(namespace), at: ["metadata", "namespace"]) }
        if let invalid = FakeValidation.checkName(r, name) { return status(invalid) }
        let manager = req.query["fieldManager"] ?? FakeAPIServer.managerFromUserAgent(req)
        let dryRun = req.query["dryRun"] == "All"
        return store.withLock { () -> DemoHTTPResponse in
            if let ns = namespace, r.namespaced, store.getLocked(FakeResources.core[0], namespace: nil, name: ns) == nil { return namespaceNotFound(ns) }
            if store.getLocked(r, namespace: namespace, name: name) != nil {
                var s = KubeStatus(code: 409, reason: "AlreadyExists", message: "\(r.qualifiedName) \"\(name)\" already exists")
                s.kind = r.name
                s.name = name
                return status(s)
            }
            var new = FakeDefaults.apply(r, object, existing: nil)
            new = FieldOwnership.update(new, previous: nil, manager: manager, now: Timestamp.rfc3339(Date()))
            let stored = FakeMutations.stamp(new, existing: nil, rv: dryRun ? nil : store.nextRVLocked())
            if !dryRun { store.putLocked(r, object: stored, type: .added) }
            return .json(.created, stored.compactJSON())
        }
    }

    func put(_ r: APIResource, namespace: String?, name: String, _ req: DemoHTTPRequest) -> DemoHTTPResponse {
        guard var object = try? JSONTree(json: req.body) else {
            return status(KubeStatus(code: 400, reason: "BadRequest", message: "the body of the request is not JSON"))
        }
        if r.namespaced, let namespace { object.setValue(.string(namespace), at: ["metadata", "namespace"]) }
        let manager = req.query["fieldManager"] ?? FakeAPIServer.managerFromUserAgent(req)
        return store.withLock { () -> DemoHTTPResponse in
            guard let existing = store.getLocked(r, namespace: namespace, name: name).flatMap({ try? JSONTree(json: $0.bytes) }) else { return notFound(r, name) }
            if let sent = object["metadata"]?["resourceVersion"]?.string, sent != existing["metadata"]?["resourceVersion"]?.string {
                return status(KubeStatus(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(r.qualifiedName) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again"))
            }
            var new = FakeDefaults.apply(r, object, existing: existing)
            new.setValue(existing["metadata"]?["managedFields"], at: ["metadata", "managedFields"])
            new = FieldOwnership.update(new, previous: existing, manager: manager, now: Timestamp.rfc3339(Date()))
            let stored = FakeMutations.stamp(new, existing: existing, rv: store.nextRVLocked())
            store.putLocked(r, object: stored, type: .modified)
            return .json(.ok, stored.compactJSON())
        }
    }

    func deleteObject(_ r: APIResource, namespace: String?, name: String) -> DemoHTTPResponse {
        store.withLock { () -> DemoHTTPResponse in
            guard let entry = store.getLocked(r, namespace: namespace, name: name), var tree = try? JSONTree(json: entry.bytes) else { return notFound(r, name) }
            tree.setValue(.string(String(store.nextRVLocked())), at: ["metadata", "resourceVersion"])
            store.deleteLocked(r, namespace: namespace, name: name, finalObject: tree)
            return .json(.ok, tree.compactJSON())
        }
    }

    /// kubectl's default field manager is the user agent's program name.
    static func managerFromUserAgent(_ req: DemoHTTPRequest) -> String {
        let ua = req.headers.first(name: "User-Agent") ?? "unknown"
        return String(ua.split(separator: "/").first ?? "unknown")
    }

    func checkIdentity(_ applied: JSONTree, _ r: APIResource, namespace: String?, name: String) -> KubeStatus? {
        guard case .object = applied else { return KubeStatus(code: 400, reason: "BadRequest", message: "apply patch must be an object") }
        let apiVersion = applied["apiVersion"]?.string ?? ""
        let kind = applied["kind"]?.string ?? ""
        if apiVersion != r.apiVersion || kind != r.kind {
            return KubeStatus(code: 400, reason: "BadRequest", message: "the apiVersion and kind in the body (\(apiVersion), \(kind)) do not match the request (\(r.apiVersion), \(r.kind))")
        }
        if let n = applied["metadata"]?["name"]?.string, n != name {
            return KubeStatus(code: 400, reason: "BadRequest", message: "the name of the object (\(n)) does not match the name on the URL (\(name))")
        }
        if r.namespaced, let ns = applied["metadata"]?["namespace"]?.string, !ns.isEmpty, ns != namespace {
            return KubeStatus(code: 400, reason: "BadRequest", message: "the namespace of the provided object does not match the namespace sent on the request")
        }
        return nil
    }

    func conflictStatus(_ conflicts: [FieldOwnership.Conflict], _ r: APIResource, _ name: String) -> KubeStatus {
        let causes = conflicts.map { c in
            KubeStatus.Cause(type: "FieldManagerConflict", message: "conflict with \"\(c.manager)\" using \(c.apiVersion)", field: FieldOwnership.fieldString(c.path))
        }
        let message: String
        if conflicts.count == 1 {
            message = "Apply failed with 1 conflict: \(causes[0].message): \(causes[0].field)"
        } else {
            var byManager: [(String, [String])] = []
            for c in causes {
                if let i = byManager.firstIndex(where: { $0.0 == c.message }) { byManager[i].1.append(c.field) } else { byManager.append((c.message, [c.field])) }
            }
            message = "Apply failed with \(conflicts.count) conflicts: " + byManager.map { m, fields in
                m.replacingOccurrences(of: "conflict with", with: "conflicts with") + ":\n" + fields.map { "- \($0)" }.joined(separator: "\n")
            }.joined(separator: "\n")
        }
        var s = KubeStatus(code: 409, reason: "Conflict", message: message, causes: causes)
        s.kind = r.name
        s.name = name
        s.group = r.group
        return s
    }

    // MARK: Pod proxy

    func proxy(namespace: String, pod: String, port: Int, rest: String, _ req: DemoHTTPRequest) async -> DemoHTTPResponse {
        let podResource = FakeResources.core[1]
        guard let entry = store.withLock({ store.getLocked(podResource, namespace: namespace, name: pod) }) else { return notFound(podResource, pod) }
        guard let backend = knobs.withLock({ $0.adminBackends["\(namespace)/\(pod):\(port)"] }) else {
            let ip = (try? JSONTree(json: entry.bytes))?["status"]?["podIP"]?.string ?? "<none>"
            return status(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "error trying to reach service: dial tcp \(ip):\(port): connect: connection refused"))
        }
        // Forward the raw path below /proxy and the query, as the API server does.
        let marker = "/proxy"
        let rawRest = req.rawPath.range(of: marker).map { String(req.rawPath[$0.upperBound...]) } ?? rest
        return await forward(to: backend, rawRest: rawRest, req)
    }

    /// Sends the request's method, `rawRest` and query to `backend` and passes its status,
    /// Content-Type and body back (error bodies included), as the API server's proxies do.
    func forward(to backend: String, rawRest: String, _ req: DemoHTTPRequest) async -> DemoHTTPResponse {
        var request = HTTPClientRequest(url: backend + (rawRest.isEmpty ? "/" : rawRest) + (req.rawQuery.isEmpty ? "" : "?" + req.rawQuery))
        request.method = req.method
        do {
            let response = try await forwarder.execute(request, timeout: .seconds(60))
            let body = Array(try await response.body.collect(upTo: 1 << 30).readableBytesView)
            var headers = HTTPHeaders()
            if let ct = response.headers.first(name: "Content-Type") { headers.add(name: "Content-Type", value: ct) }
            return DemoHTTPResponse(status: response.status, headers: headers, body: .bytes(body))
        } catch {
            return status(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "error trying to reach service: \(error)"))
        }
    }

    // MARK: Responses

    /// 403 as the API server writes it (`NewForbidden`): the qualified resource (and the
    /// object's name) "is forbidden", then the authorizer's sentence; details name the
    /// resource without its subresource, its group when it has one, and the object.
    ///
    /// `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"pods"},"code":403}`
    func forbidden(who: String, verb: String, group: String, resource: String, namespace: String?, name: String?) -> DemoHTTPResponse {
        let base = String(resource.split(separator: "/")[0])
        let qualified = group.isEmpty ? base : "\(base).\(group)"
        let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        let what = name.map { "\(qualified) \"\($0)\" is forbidden" } ?? "\(qualified) is forbidden"
        var s = KubeStatus(code: 403, reason: "Forbidden", message: "\(what): User \"\(who)\" cannot \(verb) resource \"\(resource)\" in API group \"\(group)\" \(scope)")
        s.kind = base
        s.name = name
        if !group.isEmpty { s.group = group }
        return status(s)
    }

    func status(_ s: KubeStatus) -> DemoHTTPResponse {
        .json(HTTPResponseStatus(statusCode: s.code), s.tree.compactJSON())
    }

    func notFound(_ r: APIResource, _ name: String) -> DemoHTTPResponse {
        var s = KubeStatus(code: 404, reason: "NotFound", message: "\(r.qualifiedName) \"\(name)\" not found")
        s.kind = r.name
        s.name = name
        s.group = r.group
        return status(s)
    }

    func namespaceNotFound(_ ns: String) -> DemoHTTPResponse {
        var s = KubeStatus(code: 404, reason: "NotFound", message: "namespaces \"\(ns)\" not found")
        s.kind = "namespaces"
        s.name = ns
        return status(s)
    }

    func notAcceptable() -> DemoHTTPResponse {
        status(KubeStatus(code: 406, reason: "NotAcceptable", message: "only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io"))
    }

    func methodNotAllowed(_ req: DemoHTTPRequest) -> DemoHTTPResponse {
        status(KubeStatus(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource"))
    }
}
