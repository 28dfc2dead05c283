/// A cursor to one value inside a ``JSONDocument``. Cheap to copy; reads lazily.
///
/// Member lookup is tolerant of the two spellings proto JSON comes in:
/// `v["dynamic_active_clusters"]` finds `dynamicActiveClusters` too, because
/// Envoy prints snake_case while Go tools (istioctl, protojson) print camelCase.
public struct JSONValue: Sendable {
    public let document: JSONDocument
    public let index: Int

    @inlinable init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    public enum Kind: Sendable, Equatable { case null, bool, number, string, object, array }

    @usableFromInline var entry: UInt64 { document.tape[index] }

    public var kind: Kind {
        switch Tape.kind(entry) {
        case .null: .null
        case .true, .false: .bool
        case .number: .number
        case .string: .string
        case .object: .object
        case .array, .end: .array
        }
    }

    public var isNull: Bool { Tape.kind(entry) == .null }
    public var isObject: Bool { Tape.kind(entry) == .object }
    public var isArray: Bool { Tape.kind(entry) == .array }

    /// Byte offset of the value in the document (the opening quote for strings).
    public var byteOffset: Int {
        let e = entry
        return Tape.kind(e) == .string ? Tape.offset(e) - 1 : Tape.offset(e)
    }

    /// Index of the first tape entry after this value.
    @usableFromInline var nextIndex: Int {
        let e = entry
        switch Tape.kind(e) {
        case .object, .array: return Tape.next(e)
        default: return index + 1
        }
    }

    // MARK: Scalars

    public var string: String? {
        let e = entry
        guard Tape.kind(e) == .string else { return nil }
        return JSONValue.decodeString(document.bytes, Tape.offset(e), Tape.length(e), Tape.hasEscapes(e))
    }

    public var bool: Bool? {
        switch Tape.kind(entry) {
        case .true: true
        case .false: false
        default: nil
        }
    }

    /// The number as Int. Proto JSON prints 64-bit integers as strings, so a
    /// string holding an integer is accepted too. A value Int cannot hold is nil, never
    /// wrapped; `80.0` and `8e1` are 80, but only below 2^53, where a Double is still exact
    /// (`-9223372036854775809` would otherwise round to Int.min).
    public var int: Int? {
        let e = entry
        switch Tape.kind(e) {
        case .number, .string:
            return JSONValue.parseInt(document.bytes, Tape.offset(e), Tape.length(e))
                ?? (Tape.kind(e) == .number ? double.flatMap { $0.rounded() == $0 && abs($0) < 9_007_199_254_740_992 ? Int(exactly: $0) : nil } : nil)
        default: return nil
        }
    }

    public var uint64: UInt64? {
        let e = entry
        guard Tape.kind(e) == .number || Tape.kind(e) == .string else { return nil }
        return UInt64(rawText)
    }

    public var double: Double? {
        let e = entry
        switch Tape.kind(e) {
        case .number, .string: return Double(rawText)
        default: return nil
        }
    }

    /// The unparsed text of a scalar (without quotes for strings), or the raw JSON of a container.
    public var rawText: String {
        let e = entry
        switch Tape.kind(e) {
        case .string, .number, .true, .false, .null:
            return String(decoding: document.bytes[Tape.offset(e)..<(Tape.offset(e) + Tape.length(e))], as: UTF8.self)
        default:
            return String(decoding: rawBytes, as: UTF8.self)
        }
    }

    /// The exact bytes of this value as they appear in the document.
    public var rawBytes: ArraySlice<UInt8> {
        let e = entry
        switch Tape.kind(e) {
        case .string:
            return document.bytes[(Tape.offset(e) - 1)..<(Tape.offset(e) + Tape.length(e) + 1)]
        case .object, .array:
            let end = Tape.offset(document.tape[Tape.next(e) - 1])
            return document.bytes[Tape.offset(e)...end]
        default:
            return document.bytes[Tape.offset(e)..<(Tape.offset(e) + Tape.length(e))]
        }
    }

    // MARK: Containers

    /// Number of elements (arrays) or members (objects); 0 for scalars.
    public var count: Int {
        var n = 0
        var j = index + 1
        let end = containerEnd
        let isObject = self.isObject
        while j < end {
            j = JSONValue(document: document, index: j).nextIndex
            if isObject { j = JSONValue(document: document, index: j).nextIndex }
            n += 1
        }
        return n
    }

    @usableFromInline var containerEnd: Int {
        let e = entry
        switch Tape.kind(e) {
        case .object, .array: return Tape.next(e) - 1
        default: return index + 1
        }
    }

    public var isEmpty: Bool { (isObject || isArray) ? index + 1 == containerEnd : true }

    /// Array elements in order; empty for non-arrays.
    public var elements: JSONElements { JSONElements(document: document, start: isArray ? index + 1 : 0, end: isArray ? containerEnd : 0) }

    /// Object members in document order; empty for non-objects.
    public var members: JSONMembers { JSONMembers(document: document, start: isObject ? index + 1 : 0, end: isObject ? containerEnd : 0) }

    public var array: [JSONValue]? { isArray ? Array(elements) : nil }

    public subscript(position: Int) -> JSONValue? {
        guard isArray, position >= 0 else { return nil }
        var k = 0
        for v in elements {
            if k == position { return v }
            k += 1
        }
        return nil
    }

    /// Member lookup that treats `snake_case`, `camelCase` and case differences alike.
    public subscript(key: String) -> JSONValue? { firstMember(key, loose: true) }

    /// Exact-spelling member lookup (for map keys, where `a_b` and `aB` differ).
    ///
    /// Keys are compared as bytes, without making a String of each (an access-log line looks
    /// up 30 keys among 25 members).
    public func member(exactly key: String) -> JSONValue? { firstMember(key, loose: false) }

    /// The value of the first member whose key matches the wanted bytes. The tape and the
    /// bytes are borrowed once for the whole walk: taking them per member (and a cursor per
    /// value stepped over) was most of a `/clusters` decode, in reference counting.
    private func firstMember(_ key: String, loose: Bool) -> JSONValue? {
        guard isObject else { return nil }
        var key = key
        let start = index + 1, end = containerEnd
        let found: Int? = key.withUTF8 { wanted in
            document.tape.withUnsafeBufferPointer { tape in
                document.bytes.withUnsafeBufferPointer { bytes in
                    var j = start
                    while j < end {
                        let k = tape[j]
                        if loose ? JSONValue.keyMatches(k, wanted, bytes) : JSONValue.keyEquals(k, wanted, bytes) { return j + 1 }
                        let v = tape[j + 1]
                        switch Tape.kind(v) {
                        case .object, .array: j = Tape.next(v)
                        default: j += 2
                        }
                    }
                    return nil
                }
            }
        }
        return found.map { JSONValue(document: document, index: $0) }
    }

    private static func keyEquals(_ k: UInt64, _ wanted: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let off = Tape.offset(k)
        let len = Tape.length(k)
        if Tape.hasEscapes(k) {
            return JSONValue.decodeString(Array(b[off..<(off + len)]), 0, len, true).utf8.elementsEqual(wanted)
        }
        guard len == wanted.count else { return false }
        return b[off..<(off + len)].elementsEqual(wanted)
    }

    private static func keyMatches(_ k: UInt64, _ wanted: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let off = Tape.offset(k)
        let len = Tape.length(k)
        if Tape.hasEscapes(k) {
            let decoded = JSONValue.decodeString(Array(b[off..<(off + len)]), 0, len, true)
            return JSONValue.looseEqual(Array(decoded.utf8)[...], wanted)
        }
        return JSONValue.looseEqual(b[off..<(off + len)], wanted)
    }

    @inline(__always)
    static func looseEqual<C: Collection>(_ a: C, _ b: UnsafeBufferPointer<UInt8>) -> Bool where C.Element == UInt8 {
        var i = a.startIndex
        var j = 0
        while true {
            while i != a.endIndex, a[i] == 0x5F { i = a.index(after: i) }
            while j < b.count, b[j] == 0x5F { j += 1 }
            if i == a.endIndex || j == b.count { return i == a.endIndex && j == b.count }
            var x = a[i]
            var y = b[j]
            if x >= 0x41 && x <= 0x5A { x |= 0x20 }
            if y >= 0x41 && y <= 0x5A { y |= 0x20 }
            if x != y { return false }
            i = a.index(after: i)
            j += 1
        }
    }

    /// The proto `Any` type name, e.g. `envoy.config.cluster.v3.Cluster` for
    /// `"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster"`.
    public var typeName: String? {
        guard let t = member(exactly: "@type")?.string else { return nil }
        if let slash = t.lastIndex(of: "/") { return String(t[t.index(after: slash)...]) }
        return t
    }

    /// JSON path of this value from the document root, e.g. `$.configs[1].bootstrap`.
    /// Walks from the root, so it is meant for error messages, not hot loops.
    public var path: String {
        var path: [String] = []
        var current = document.root
        while current.index != index {
            var found = false
            if current.isObject {
                for (k, v) in current.members where v.index <= index && index < v.nextIndex {
                    path.append(JSONPath.member(k))
                    current = v
                    found = true
                    break
                }
            } else if current.isArray {
                var n = 0
                for v in current.elements {
                    if v.index <= index && index < v.nextIndex {
                        path.append("[\(n)]")
                        current = v
                        found = true
                        break
                    }
                    n += 1
                }
            }
            if !found { break }
        }
        return JSONPath.joined(path)
    }

    // MARK: Decoding helpers

    static func parseInt(_ bytes: [UInt8], _ off: Int, _ len: Int) -> Int? {
        // A value beyond Int is nil, never wrapped (9223372036854775808 used to come out negative).
        guard off >= 0, len >= 0, off + len <= bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { ByteText.jsonInt($0, off, off + len) }
    }

    static func decodeString(_ bytes: [UInt8], _ off: Int, _ len: Int, _ escapes: Bool) -> String {
        if !escapes { return String(decoding: bytes[off..<(off + len)], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(len)
        var i = off
        let end = off + len
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = bytes[at + k]
                let d: UInt32 = c <= 0x39 ? UInt32(c - 0x30) : UInt32((c | 0x20) - 0x61 + 10)
                v = v << 4 | d
            }
            return v
        }
        while i < end {
            let c = bytes[i]
            guard c == 0x5C else {
                out.append(c)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= end, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                    let low = hex4(i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                let us = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(us)).utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public struct JSONElements: Sequence, Sendable {
    let document: JSONDocument
    let start: Int
    let end: Int

    public struct Iterator: IteratorProtocol {
        let document: JSONDocument
        var j: Int
        let end: Int
        public mutating func next() -> JSONValue? {
            guard j < end else { return nil }
            let v = JSONValue(document: document, index: j)
            j = v.nextIndex
            return v
        }
    }

    public func makeIterator() -> Iterator { Iterator(document: document, j: start, end: end) }
}

public struct JSONMembers: Sequence, Sendable {
    let document: JSONDocument
    let start: Int
    let end: Int

    public struct Iterator: IteratorProtocol {
        let document: JSONDocument
        var j: Int
        let end: Int
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard j < end else { return nil }
            let k = JSONValue(document: document, index: j)
            let v = JSONValue(document: document, index: j + 1)
            j = v.nextIndex
            return (k.string ?? "", v)
        }
    }

    public func makeIterator() -> Iterator { Iterator(document: document, j: start, end: end) }
}
