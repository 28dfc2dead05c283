/// An insertion-ordered JSON object. Objects are small (tens of members per level), so
/// members live in one array and lookups scan it.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var pairs: [(key: String, value: JSONTree)]

    public init() { pairs = [] }

    /// Members in the order given; a repeated key keeps its first place and its last value.
    public init(_ pairs: [(String, JSONTree)]) {
        self.pairs = []
        self.pairs.reserveCapacity(pairs.count)
        if pairs.count <= 8 {
            for (k, v) in pairs { self[k] = v }
            return
        }
        // Large objects (maps in command output) are checked once with a set, not scanned per member.
        var seen = Set<String>(minimumCapacity: pairs.count)
        for (k, v) in pairs {
            if seen.insert(k).inserted { self.pairs.append((k, v)) } else { self[k] = v }
        }
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
