/// A mutable JSON value for the few places that must build or rewrite documents:
/// Kubernetes manifests, server-side apply merges, kubeconfig files.
///
/// Large read-only inputs (list responses, admin dumps) stay on the ``JSONDocument`` tape;
/// a `JSONTree` is for objects small enough to edit. Numbers keep their original spelling
/// so integers round-trip exactly; object members keep their order.
///
/// ```swift
/// var pod = JSONTree.object([("kind", "Pod"), ("metadata", .object([("name", "web-0")]))])
/// pod["metadata"]?["namespace"] = "shop"
/// String(decoding: pod.compactJSON(), as: UTF8.self)
/// // {"kind":"Pod","metadata":{"name":"web-0","namespace":"shop"}}
/// ```
public enum JSONTree: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    case null
    case bool(Bool)
    /// A number, spelled as in the source (`1`, `1.5`, `1e3`).
    case number(String)
    case string(String)
    case array([JSONTree])
    case object(JSONObject)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }

    public static func object(_ pairs: [(String, JSONTree)]) -> JSONTree { .object(JSONObject(pairs)) }

    /// Copies a parsed value off the tape.
    public init(_ v: JSONValue) {
        switch v.kind {
        case .null: self = .null
        case .bool: self = .bool(v.bool ?? false)
        case .number: self = .number(v.rawText)
        case .string: self = .string(v.string ?? "")
        case .array: self = .array(v.elements.map(JSONTree.init))
        case .object:
            var o = JSONObject()
            for (k, child) in v.members { o[k] = JSONTree(child) }
            self = .object(o)
        }
    }

    /// Parses JSON text into a tree.
    public init(json bytes: [UInt8]) throws(JSONParseError) {
        self = JSONTree(try JSONDocument(bytes: bytes).root)
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var int: Int? {
        switch self {
        case .number(let n): Int(n) ?? Double(n).flatMap { $0.rounded() == $0 ? Int(exactly: $0) : nil }
        default: nil
        }
    }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var arrayValue: [JSONTree]? { if case .array(let a) = self { a } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The JSON type name used in error messages ("string", "object", ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Member access on objects; `nil` for missing members and non-objects.
    /// Setting on a non-object turns it into an object; setting `nil` removes the member.
    public subscript(key: String) -> JSONTree? {
        get { if case .object(let o) = self { o[key] } else { nil } }
        set {
            var o = objectValue ?? JSONObject()
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Value at a path of member names.
    public func value(at path: [String]) -> JSONTree? {
        var current: JSONTree? = self
        for key in path { current = current?[key] }
        return current
    }

    /// Sets (or with `nil`, removes) the value at a path, creating objects on the way.
    public mutating func setValue(_ value: JSONTree?, at path: [String]) { setValue(value, atSlice: path[...]) }

    private mutating func setValue(_ value: JSONTree?, atSlice path: ArraySlice<String>) {
        guard let first = path.first else {
            if let value { self = value }
            return
        }
        if path.count == 1 {
            self[first] = value
            return
        }
        var child = self[first] ?? .object(JSONObject())
        if value == nil && self[first] == nil { return }
        child.setValue(value, atSlice: path.dropFirst())
        self[first] = child
    }

    /// Structural equality that ignores member order (how Kubernetes compares objects).
    public func semanticallyEquals(_ other: JSONTree) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b || (Double(a) != nil && Double(a) == Double(b))
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.semanticallyEquals($1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a {
                guard let w = b[k], v.semanticallyEquals(w) else { return false }
            }
            return true
        default: return false
        }
    }

    /// The value as an ``OutputNode`` for the JSON and YAML writers.
    public var outputNode: OutputNode {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n):
            if let i = Int(n) { return .int(i) }
            return .double(Double(n) ?? 0)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(\.outputNode))
        case .object(let o): return .object(o.map { ($0.key, $0.value.outputNode) })
        }
    }

    /// Compact JSON (no whitespace), as sent on the wire.
    public func compactJSON() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        writeCompact(into: &out)
        return out
    }

    public func writeCompact(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): JSONWriter.appendString(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                v.writeCompact(into: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            var first = true
            for (k, v) in o {
                if !first { out.append(0x2C) }
                first = false
                JSONWriter.appendString(k, to: &out)
                out.append(0x3A)
                v.writeCompact(into: &out)
            }
            out.append(0x7D)
        }
    }

}

/// An insertion-ordered JSON object. Kubernetes objects are small (tens of members per
/// level), so members live in one array and lookups scan it.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var pairs: [(key: String, value: JSONTree)]

    public init() { pairs = [] }
    public init(_ pairs: [(String, JSONTree)]) {
        self.pairs = []
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }
    public var keys: [String] { pairs.map(\.key) }

    public subscript(key: String) -> JSONTree? {
        get {
            for p in pairs where p.key == key { return p.value }
            return nil
        }
        set {
            if let i = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONTree)]> { pairs.makeIterator() }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pairs.count)
        for p in pairs {
            hasher.combine(p.key)
            hasher.combine(p.value)
        }
    }
}
