import Foundation
import Testing
import Yams
@testable import MeshModel

enum EnvoyFixtures {
    static func dump(_ path: String) throws -> EnvoyConfigDump {
        try EnvoyConfigDump(bytes: try Fixtures.bytes(path))
    }

    /// A time at which the fixtures' long-lived roots are valid and the workload certs
    /// (which expired in 2023 and 2024) are not, as in istioctl's expected outputs.
    static let referenceNow = Timestamp.parse("2025-06-01T00:00:00Z")!
}

/// Structural comparison of JSON and YAML texts.
enum EnvoySemantic {
    /// A canonical rendering of a parsed JSON value: object members sorted, numbers by value.
    static func canonical(_ v: JSONValue) -> String {
        switch v.kind {
        case .object:
            let members = v.members.map { ($0.key, canonical($0.value)) }.sorted { $0.0 < $1.0 }
            return "{" + members.map { "\($0.0.debugDescription):\($0.1)" }.joined(separator: ",") + "}"
        case .array: return "[" + v.elements.map(canonical).joined(separator: ",") + "]"
        case .string: return (v.string ?? "").debugDescription
        case .number: return v.double.map { String($0) } ?? v.rawText
        default: return v.rawText
        }
    }

    static func json(_ text: String) throws -> String { canonical(try JSONDocument(text).root) }

    /// A canonical rendering of YAML loaded by Yams.
    static func yaml(_ text: String) throws -> String { canonical(any: try Yams.load(yaml: text)) }

    static func canonical(any: Any?) -> String {
        switch any {
        case nil: return "null"
        case let d as [String: Any]:
            return "{" + d.keys.sorted().map { "\($0.debugDescription):\(canonical(any: d[$0]))" }.joined(separator: ",") + "}"
        case let d as [AnyHashable: Any]:
            return "{" + d.keys.map { "\($0)" }.sorted().map { k in "\(k.debugDescription):\(canonical(any: d.first { "\($0.key)" == k }?.value))" }.joined(separator: ",") + "}"
        case let a as [Any]: return "[" + a.map { canonical(any: $0) }.joined(separator: ",") + "]"
        case let s as String: return s.debugDescription
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(Double(i))
        case let d as Double: return String(d)
        default: return "\(any!)"
        }
    }

    /// First differing line, for readable failures of byte comparisons.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let la = a.components(separatedBy: "\n")
        let lb = b.components(separatedBy: "\n")
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? la[i] : "<end>"
            let y = i < lb.count ? lb[i] : "<end>"
            if x != y { return "line \(i + 1): got \(x.debugDescription), expected \(y.debugDescription)" }
        }
        return "identical"
    }
}
