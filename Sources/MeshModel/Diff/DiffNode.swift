/// A normalized JSON value, ready to compare: object keys sorted (and respelled),
/// order-free lists sorted by their elements' identity, noise removed, key material
/// replaced by a digest that compares but never prints.
///
/// ```swift
/// let n = DiffNormalizer(rules: .envoy).node(doc.root)
/// n == DiffNormalizer(rules: .envoy).node(otherDoc.root)   // true when only noise differs
/// ```
public indirect enum DiffNode: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written (`1`, `1.5`); proto JSON's string-encoded 64-bit ints stay strings.
    case number(String)
    case string(String)
    /// Key material: a digest of the value, so a changed key is seen as changed, but the
    /// value itself is gone. Printed as `[redacted]`.
    case redacted(UInt64)
    /// `ids` is set for lists whose elements have an identity: paths name elements by it
    /// (`[name=default]`) and elements are matched by it. Lists whose order has no meaning
    /// are sorted by it; ordered ones (filters, routes) keep their order. Purely positional
    /// ids (`"0"`, `"1"`, …) mean "no identity".
    case array([DiffNode], ids: [String]?)
    /// Members sorted by key.
    case object([DiffMember])

    public static func == (lhs: DiffNode, rhs: DiffNode) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.redacted(let a), .redacted(let b)): return a == b
        case (.array(let a, let ia), .array(let b, let ib)): return ia == ib && a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public subscript(key: String) -> DiffNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A compact, deterministic text of the value; sort key of unnamed list elements.
    public var canonicalText: String {
        var out = ""
        writeCanonical(into: &out)
        return out
    }

    func writeCanonical(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): out += "\"" + s + "\""
        case .redacted(let d): out += "<redacted:\(d)>"
        case .array(let items, _):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                item.writeCanonical(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (n, m) in members.enumerated() {
                if n > 0 { out += "," }
                out += "\"" + m.key + "\":"
                m.value.writeCanonical(into: &out)
            }
            out += "}"
        }
    }

    /// The value to print (YAML or JSON). Key material prints as `[redacted]`;
    /// `changedSecrets` marks the ones that differ from the other side.
    public func outputNode(changedSecrets: Set<UInt64> = []) -> JSONTree {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n):
            if let i = Int(n) { return .int(i) }
            return .double(Double(n) ?? 0)
        case .string(let s): return .string(s)
        case .redacted(let d): return .string(changedSecrets.contains(d) ? "[redacted, changed]" : "[redacted]")
        case .array(let items, _): return .array(items.map { $0.outputNode(changedSecrets: changedSecrets) })
        case .object(let members): return .object(members.map { ($0.key, $0.value.outputNode(changedSecrets: changedSecrets)) })
        }
    }

    /// The digests of every redacted value inside.
    var redactedDigests: Set<UInt64> {
        var out = Set<UInt64>()
        collectDigests(into: &out)
        return out
    }

    private func collectDigests(into out: inout Set<UInt64>) {
        switch self {
        case .redacted(let d): out.insert(d)
        case .array(let items, _): for i in items { i.collectDigests(into: &out) }
        case .object(let members): for m in members { m.value.collectDigests(into: &out) }
        default: break
        }
    }
}

public struct DiffMember: Sendable, Equatable {
    public var key: String
    public var value: DiffNode

    public init(_ key: String, _ value: DiffNode) {
        self.key = key
        self.value = value
    }
}
