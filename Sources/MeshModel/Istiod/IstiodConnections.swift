import Foundation

/// istiod's `/debug/connections`: the xDS clients connected to one istiod.
///
/// ```swift
/// let c = IstiodConnections.decode(try JSONDocument(bytes: bytes))
/// c.clients.first?.proxyID    // "productpage-v1-675fc69cf-kkrm2.default"
/// ```
public struct IstiodConnections: Sendable {
    public struct Client: Sendable, Equatable {
        /// `<proxy id>-<counter>`, as istiod numbers connections.
        public var connectionID: String
        public var connectedAt: Date?
        /// Peer `ip:port`.
        public var address: String

        /// The connection ID without istiod's `-N` counter suffix.
        public var proxyID: String {
            guard let dash = connectionID.lastIndex(of: "-"),
                  connectionID[connectionID.index(after: dash)...].allSatisfy(\.isNumber),
                  dash != connectionID.index(before: connectionID.endIndex) else { return connectionID }
            return String(connectionID[..<dash])
        }
    }

    public var total: Int = 0
    public var clients: [Client] = []
    public var issues: [JSONShapeError] = []

    public init() {}

    public static func decode(_ document: JSONDocument) -> IstiodConnections {
        var out = IstiodConnections()
        var r = ShapeReader()
        let root = document.root
        if r.expectObject(root, "connections document") {
            out.total = root["total_clients"]?.int ?? 0
            if let clients = root["clients"], !clients.isNull {
                if clients.isArray {
                    for c in clients.elements where r.expectObject(c, "client") {
                        out.clients.append(Client(
                            connectionID: r.string(c["connection_id"]),
                            connectedAt: c["connected_at"]?.string.flatMap(Timestamp.parse),
                            address: r.string(c["address"])))
                    }
                } else {
                    r.fail(clients, "expected an array of clients, found \(clients.describedKind)")
                }
            }
        }
        out.issues = r.issues
        return out
    }

    /// Clients by proxy ID (the latest connection wins when a proxy reconnected).
    public var byProxyID: [String: Client] {
        var out: [String: Client] = [:]
        for c in clients {
            if let existing = out[c.proxyID], let a = existing.connectedAt, let b = c.connectedAt, a > b { continue }
            out[c.proxyID] = c
        }
        return out
    }
}
