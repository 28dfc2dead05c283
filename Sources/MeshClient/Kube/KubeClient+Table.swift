import MeshModel

/// What a list or get asked for as a table came back as: the server's `Table`, or plain
/// objects from a server that does not render tables (kubectl falls back the same way).
public enum TableAnswer: Sendable {
    case table(ServerTable)
    case objects([JSONValue])
}

extension KubeClient {
    /// Every page of a list, rendered by the server as `kubectl get` asks for it
    /// (``ServerTable/acceptHeader``); rows carry their object's metadata for `-A`.
    public func listTable(_ resource: APIResource, namespace: String?, labelSelector: String? = nil, pageSize: Int = 500) async throws(KubeClientError) -> TableAnswer {
        var table: ServerTable?
        var objects: [JSONValue] = []
        var token: String?
        repeat {
            var query: [(String, String)] = [("limit", String(pageSize))]
            if let token { query.append(("continue", token)) }
            if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
            let req = KubeRequest(path: resource.collectionPath(namespace: namespace), query: query, accept: ServerTable.acceptHeader,
                                  verb: "list", target: describe(resource, name: nil, namespace: namespace))
            let doc = try await getJSON(req)
            if ServerTable.isTable(doc.root) {
                let page = ServerTable(doc.root)
                if table == nil { table = page } else { table?.append(page) }
                token = page.continueToken
            } else {
                let page = ListPage(document: doc, resource: resource)
                objects += page.items
                token = page.continueToken
            }
        } while token != nil
        return table.map { .table($0) } ?? .objects(objects)
    }

    /// One object as a one-row table; nil when it does not exist.
    public func getTable(_ resource: APIResource, name: String, namespace: String?) async throws(KubeClientError) -> TableAnswer? {
        let req = KubeRequest(path: resource.objectPath(name: name, namespace: namespace), accept: ServerTable.acceptHeader,
                              verb: "get", target: describe(resource, name: name, namespace: namespace))
        let doc: JSONDocument
        do {
            doc = try await getJSON(req)
        } catch where error.kind == .notFound {
            return nil
        }
        return ServerTable.isTable(doc.root) ? .table(ServerTable(doc.root)) : .objects([doc.root])
    }
}
