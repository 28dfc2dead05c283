/// The one JSON value we build, edit and print: command output (`-o json|yaml`), Kubernetes
/// manifests, server-side apply merges, kubeconfig files.
///
/// A subtree of a parsed document can sit in the tree as `.json(JSONValue)`: the writers
/// stream it from the tape without materialising it, so a view of a 100 MB dump costs no
/// copy. Editing reads through it and turns the edited level into a plain object. Numbers
/// keep their spelling so integers round-trip exactly; object members keep their order.
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
    /// A number, spelled as it is printed (`1`, `1.5`, `1e3`).
    case number(String)
    case string(String)
    case array([JSONTree])
    case object(JSONObject)
    /// A subtree of a parsed document, printed from the tape.
    case json(JSONValue)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }

    public static func object(_ pairs: [(String, JSONTree)]) -> JSONTree { .object(JSONObject(pairs)) }

    public static func object(_ pairs: KeyValuePairs<String, JSONTree>) -> JSONTree {
        .object(JSONObject(pairs.map { ($0.key, $0.value) }))
    }

    /// Leaves out members whose value is nil, the way `omitempty` does.
    public static func compact(_ pairs: [(String, JSONTree?)]) -> JSONTree {
        .object(JSONObject(pairs.compactMap { k, v in v.map { (k, $0) } }))
    }

    public static func int(_ i: Int) -> JSONTree { .number(String(i)) }

    /// Shortest round-tripping text, integral values without a fraction (as Go prints
    /// them); NaN and infinities, which JSON cannot spell, as `null`.
    public static func double(_ d: Double) -> JSONTree { .number(JSONTree.format(d)) }

    static func format(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }

    /// Copies a parsed value off the tape (``json(_:)`` keeps it there instead).
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

    /// The same value with any `.json` subtree at this level copied off the tape.
    var materialized: JSONTree { if case .json(let v) = self { JSONTree(v) } else { self } }

    public var string: String? {
        switch self {
        case .string(let s): s
        case .json(let v): v.kind == .string ? v.string : nil
        default: nil
        }
    }
    public var boolValue: Bool? {
        switch self {
        case .bool(let b): b
        case .json(let v): v.kind == .bool ? v.bool : nil
        default: nil
        }
    }
    public var int: Int? {
        switch self {
        case .number(let n): Int(n) ?? Double(n).flatMap { $0.rounded() == $0 ? Int(exactly: $0) : nil }
        case .json(let v): v.kind == .number ? JSONTree.number(v.rawText).int : nil
        default: nil
        }
    }
    public var objectValue: JSONObject? { if case .object(let o) = materialized { o } else { nil } }
    public var arrayValue: [JSONTree]? { if case .array(let a) = materialized { a } else { nil } }
    public var isNull: Bool {
        switch self {
        case .null: true
        case .json(let v): v.isNull
        default: false
        }
    }

    /// The JSON type name used in error messages ("string", "object", ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .json: materialized.typeName
        }
    }

    /// Member access on objects; `nil` for missing members and non-objects.
    /// Setting on a non-object turns it into an object; setting `nil` removes the member.
    public subscript(key: String) -> JSONTree? {
        get {
            switch self {
            case .object(let o): o[key]
            case .json(let v): v.isObject ? v.member(exactly: key).map(JSONTree.json) : nil
            default: nil
            }
        }
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
        case (.json, _), (_, .json): return materialized.semanticallyEquals(other.materialized)
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

    /// Equal when they print the same members in the same order; a `.json` subtree equals
    /// its copy off the tape.
    public static func == (a: JSONTree, b: JSONTree) -> Bool {
        switch (a, b) {
        case (.json(let x), .json(let y)) where x.rawBytes.elementsEqual(y.rawBytes): return true
        case (.json, _), (_, .json): return a.materialized.equalsMaterialized(b.materialized)
        default: return a.equalsMaterialized(b)
        }
    }

    private func equalsMaterialized(_ other: JSONTree) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number(let n): hasher.combine(2); hasher.combine(n)
        case .string(let s): hasher.combine(3); hasher.combine(s)
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .object(let o): hasher.combine(5); hasher.combine(o)
        case .json: materialized.hash(into: &hasher)
        }
    }

    /// The same tree with numbers respelled as Go prints the `int64`/`float64` it decoded
    /// (`1e3` → `1000`, `1.50` → `1.5`), as kubectl prints a manifest it read.
    public func respellingNumbers() -> JSONTree {
        switch self {
        case .null, .bool, .string, .json: return self
        case .number(let n):
            if let i = Int(n) { return .int(i) }
            return .double(Double(n) ?? 0)
        case .array(let a): return .array(a.map { $0.respellingNumbers() })
        case .object(let o): return .object(o.map { ($0.key, $0.value.respellingNumbers()) })
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
        var w = JSONWriter(style: .compact)
        swap(&w.out, &out)
        w.write(self)
        out = w.take()
    }
}
