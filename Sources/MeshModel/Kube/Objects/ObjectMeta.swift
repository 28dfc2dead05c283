import Foundation

/// The parts of `metadata` meshscope reads from every object.
public struct ObjectMeta: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int?
    public var creationTimestamp: Date?
    public var deletionTimestamp: Date?
    public var labels: [String: String]
    public var annotations: [String: String]
    /// `Kind/name` of each owner, e.g. `ReplicaSet/web-7d4b9`.
    public var owners: [String]

    public init(name: String, namespace: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.owners = []
    }

    /// Reads `metadata` from an object on the tape.
    public init(_ meta: JSONValue?) {
        self.init(name: meta?["name"]?.string ?? "")
        guard let meta else { return }
        namespace = meta["namespace"]?.string
        uid = meta["uid"]?.string
        resourceVersion = meta["resourceVersion"]?.string
        generation = meta["generation"]?.int
        creationTimestamp = meta["creationTimestamp"]?.string.flatMap(Timestamp.parse)
        deletionTimestamp = meta["deletionTimestamp"]?.string.flatMap(Timestamp.parse)
        labels = ObjectMeta.stringMap(meta.member(exactly: "labels"))
        annotations = ObjectMeta.stringMap(meta.member(exactly: "annotations"))
        if let refs = meta["ownerReferences"] {
            owners = refs.elements.compactMap { r in
                guard let k = r["kind"]?.string, let n = r["name"]?.string else { return nil }
                return "\(k)/\(n)"
            }
        }
    }

    /// Map keys are data (`app.kubernetes.io/name`), so they are read with exact spelling.
    static func stringMap(_ v: JSONValue?) -> [String: String] {
        guard let v, v.isObject else { return [:] }
        var out: [String: String] = [:]
        for (k, value) in v.members { out[k] = value.string ?? value.rawText }
        return out
    }
}

/// Any Kubernetes object: its identity plus the raw JSON, for kinds meshscope does not type.
///
/// ```swift
/// let obj = KubeObject(doc.root)
/// obj.kind        // "VirtualService"
/// obj.raw         // the full object, for -o json/yaml
/// ```
public struct KubeObject: Sendable {
    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var raw: JSONValue

    public init(_ v: JSONValue, defaultKind: String = "", defaultAPIVersion: String = "") {
        apiVersion = v["apiVersion"]?.string ?? defaultAPIVersion
        kind = v["kind"]?.string ?? defaultKind
        metadata = ObjectMeta(v["metadata"])
        raw = v
    }

    /// `namespace/name`, or `name` for cluster-scoped objects: the cache key.
    public var key: String { metadata.namespace.map { "\($0)/\(metadata.name)" } ?? metadata.name }
}
