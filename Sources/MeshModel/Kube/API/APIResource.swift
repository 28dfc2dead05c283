/// One resource type the API server serves, from discovery (`/api/v1`, `/apis/GROUP/VERSION`).
///
/// ```swift
/// let pods = APIResource(group: "", version: "v1", name: "pods", kind: "Pod", namespaced: true)
/// pods.collectionPath(namespace: "shop")   // "/api/v1/namespaces/shop/pods"
/// ```
public struct APIResource: Sendable, Hashable {
    /// API group; "" for the core group.
    public var group: String
    public var version: String
    /// The plural resource name used in URLs (`pods`, `virtualservices`).
    public var name: String
    public var singularName: String
    public var kind: String
    public var namespaced: Bool
    public var verbs: [String]
    public var shortNames: [String]
    public var categories: [String]

    public init(group: String, version: String, name: String, singularName: String = "", kind: String, namespaced: Bool,
                verbs: [String] = ["get", "list", "watch", "create", "update", "patch", "delete"], shortNames: [String] = [], categories: [String] = []) {
        self.group = group
        self.version = version
        self.name = name
        self.singularName = singularName.isEmpty ? kind.lowercased() : singularName
        self.kind = kind
        self.namespaced = namespaced
        self.verbs = verbs
        self.shortNames = shortNames
        self.categories = categories
    }

    /// `v1` or `networking.istio.io/v1`, as written in manifests.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `pods` or `virtualservices.networking.istio.io`: kubectl's fully qualified name.
    public var qualifiedName: String { group.isEmpty ? name : "\(name).\(group)" }

    /// `/api/v1` or `/apis/GROUP/VERSION`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// URL path of the collection, in a namespace or across all of them (`namespace == nil`).
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let namespace { return "\(groupVersionPath)/namespaces/\(namespace)/\(name)" }
        return "\(groupVersionPath)/\(name)"
    }

    /// URL path of one object.
    public func objectPath(name objectName: String, namespace: String?) -> String {
        collectionPath(namespace: namespaced ? (namespace ?? "default") : nil) + "/" + APIResource.escapePathSegment(objectName)
    }

    static func escapePathSegment(_ s: String) -> String {
        s.addingPercentEncodingForPath()
    }
}

extension String {
    fileprivate func addingPercentEncodingForPath() -> String {
        var out = ""
        for b in utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E, 0x3A, 0x40:
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    fileprivate func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
