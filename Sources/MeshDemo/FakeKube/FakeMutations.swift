import Foundation
import MeshModel

/// What the API server writes into every stored object.
enum FakeMutations {
    /// Sets resourceVersion, and on create uid, creationTimestamp and generation 1; on
    /// update keeps identity and bumps generation when anything but metadata/status changed.
    static func stamp(_ object: JSONTree, existing: JSONTree?, rv: Int?) -> JSONTree {
        var o = object
        if let rv { o.setValue(.string(String(rv)), at: ["metadata", "resourceVersion"]) } else { o.setValue(nil, at: ["metadata", "resourceVersion"]) }
        if let existing {
            for k in ["uid", "creationTimestamp"] {
                o.setValue(existing["metadata"]?[k], at: ["metadata", k])
            }
            let gen = existing["metadata"]?["generation"]?.int ?? 1
            o.setValue(.number(String(specChanged(existing, o) ? gen + 1 : gen)), at: ["metadata", "generation"])
        } else {
            if o["metadata"]?["uid"] == nil { o.setValue(.string(UUID().uuidString.lowercased()), at: ["metadata", "uid"]) }
            if o["metadata"]?["creationTimestamp"] == nil { o.setValue(.string(Timestamp.rfc3339(Date())), at: ["metadata", "creationTimestamp"]) }
            o.setValue(1, at: ["metadata", "generation"])
        }
        return o
    }

    static func specChanged(_ a: JSONTree, _ b: JSONTree) -> Bool {
        var x = a, y = b
        for k in ["metadata", "status"] { x[k] = nil; y[k] = nil }
        return !x.semanticallyEquals(y)
    }

    /// Same object except for resourceVersion (for "unchanged" detection).
    static func sameContent(_ a: JSONTree, _ b: JSONTree) -> Bool {
        var x = a, y = b
        x.setValue(nil, at: ["metadata", "resourceVersion"])
        y.setValue(nil, at: ["metadata", "resourceVersion"])
        return x.semanticallyEquals(y)
    }
}

/// The few defaults the real API server adds that matter for diffs: re-applying a
/// manifest must come out unchanged even though the live object has more fields.
enum FakeDefaults {
    static func apply(_ resource: APIResource, _ object: JSONTree, existing: JSONTree?) -> JSONTree {
        var o = object
        switch (resource.group, resource.kind) {
        case ("", "Namespace"):
            let name = o["metadata"]?["name"]?.string ?? ""
            o.setValue(.string(name), at: ["metadata", "labels", "kubernetes.io/metadata.name"])
            if o["spec"]?["finalizers"] == nil { o.setValue(.array(["kubernetes"]), at: ["spec", "finalizers"]) }
            if o["status"]?["phase"] == nil { o.setValue("Active", at: ["status", "phase"]) }
        case ("", "Service"):
            let type = o["spec"]?["type"]?.string ?? "ClusterIP"
            o.setValue(.string(type), at: ["spec", "type"])
            if type != "ExternalName" {
                if o["spec"]?["clusterIP"] == nil {
                    let ip = existing?["spec"]?["clusterIP"] ?? .string(allocateIP(o))
                    o.setValue(ip, at: ["spec", "clusterIP"])
                }
                if o["spec"]?["clusterIPs"] == nil, let ip = o["spec"]?["clusterIP"] { o.setValue(.array([ip]), at: ["spec", "clusterIPs"]) }
                if o["spec"]?["ipFamilies"] == nil { o.setValue(.array(["IPv4"]), at: ["spec", "ipFamilies"]) }
                if o["spec"]?["ipFamilyPolicy"] == nil { o.setValue("SingleStack", at: ["spec", "ipFamilyPolicy"]) }
                if o["spec"]?["internalTrafficPolicy"] == nil { o.setValue("Cluster", at: ["spec", "internalTrafficPolicy"]) }
            }
            if o["spec"]?["sessionAffinity"] == nil { o.setValue("None", at: ["spec", "sessionAffinity"]) }
            if var ports = o["spec"]?["ports"]?.arrayValue {
                for i in ports.indices {
                    if ports[i]["protocol"] == nil { ports[i]["protocol"] = "TCP" }
                    if ports[i]["targetPort"] == nil, let p = ports[i]["port"] { ports[i]["targetPort"] = p }
                }
                o.setValue(.array(ports), at: ["spec", "ports"])
            }
            if o["status"] == nil { o.setValue(.object([("loadBalancer", .object(JSONObject()))]), at: ["status"]) }
        case ("", "Pod"):
            if o["status"]?["phase"] == nil { o.setValue("Pending", at: ["status", "phase"]) }
        default:
            break
        }
        return o
    }

    /// A stable cluster IP from the name (10.96.0.0/12 like kubeadm's default).
    static func allocateIP(_ o: JSONTree) -> String {
        let key = "\(o["metadata"]?["namespace"]?.string ?? "")/\(o["metadata"]?["name"]?.string ?? "")"
        let h = UInt32(truncatingIfNeeded: FNV1a.hash(key.utf8))
        return "10.\(96 + Int(h >> 28))" + ".\(Int((h >> 8) & 0xFF)).\(max(1, Int(h & 0xFF) % 254))"
    }
}

/// Name rules the API server enforces (422 Invalid).
enum FakeValidation {
    /// The Status for an invalid name, or nil.
    static func checkName(_ resource: APIResource, _ name: String) -> KubeStatus? {
        let label1035 = resource.group.isEmpty && resource.kind == "Service"
        let label1123 = resource.group.isEmpty && resource.kind == "Namespace"
        let valid: Bool
        let rule: String
        let chars = Array(name.utf8)
        func alnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        if label1035 {
            valid = !chars.isEmpty && chars.count <= 63 && (chars[0] >= 0x61 && chars[0] <= 0x7A) && alnum(chars.last!) && chars.allSatisfy { alnum($0) || $0 == 0x2D }
            rule = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        } else if label1123 {
            valid = !chars.isEmpty && chars.count <= 63 && alnum(chars[0]) && alnum(chars.last!) && chars.allSatisfy { alnum($0) || $0 == 0x2D }
            rule = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        } else {
            valid = !chars.isEmpty && chars.count <= 253 && alnum(chars[0]) && alnum(chars.last!) && chars.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x2E }
            rule = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        }
        guard !valid else { return nil }
        let detail = "Invalid value: \"\(name)\": \(rule)"
        var s = KubeStatus(code: 422, reason: "Invalid", message: "\(resource.kind) \"\(name)\" is invalid: metadata.name: \(detail)",
                           causes: [KubeStatus.Cause(type: "FieldValueInvalid", message: detail, field: "metadata.name")])
        s.kind = resource.kind
        s.name = name
        s.group = resource.group
        return s
    }
}
