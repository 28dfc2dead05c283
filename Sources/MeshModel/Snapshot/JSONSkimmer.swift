/// Finds where JSON values start and end without parsing them: the snapshot reader uses it
/// to index a file's top-level members and its proxies (byte ranges), so a 1 GB snapshot is
/// opened by one pass over the bytes and only the parts a command asks for are parsed with
/// ``JSONDocument``.
///
/// It checks nesting, strings and escapes (enough to find boundaries and to report a file
/// cut short with its byte offset); values it skips are validated later, when parsed.
///
/// ```swift
/// let bytes = Array(#"{"a": [1, {"b": 2}], "c": "x"}"#.utf8)
/// let members = try JSONSkimmer.members(bytes, objectAt: 0)
/// members.map(\.key)                  // ["a", "c"]
/// bytes[members[0].value]             // [1, {"b": 2}]
/// ```
public enum JSONSkimmer {
    public struct Member: Sendable {
        public var key: String
        /// The value's bytes, from its first to its last character.
        public var value: Range<Int>
    }

    /// A boundary problem: what was expected and the byte offset.
    public struct SkimError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(message) at byte \(offset)" }
    }

    /// The first non-whitespace offset at or after `i`.
    public static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var i = i
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }

    /// One past the end of the value starting at `start` (whitespace already skipped).
    public static func valueEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) throws(SkimError) -> Int {
        guard start < b.count else { throw SkimError(message: "expected a value, found the end of the file", offset: start) }
        switch b[start] {
        case 0x22: return try stringEnd(b, start)
        case 0x7B, 0x5B:
            let maxDepth = InputLimits.current.maxJSONDepth
            var depth = 0
            var i = start
            while i < b.count {
                let c = b[i]
                if c == 0x22 {
                    i = try stringEnd(b, i)
                    continue
                }
                if c == 0x7B || c == 0x5B {
                    depth += 1
                    if depth > maxDepth {
                        throw SkimError(message: "JSON nested deeper than \(maxDepth) levels " + InputLimits.hint(String(maxDepth), flag: "--max-json-depth"), offset: i)
                    }
                } else if c == 0x7D || c == 0x5D {
                    depth -= 1
                    if depth == 0 { return i + 1 }
                }
                i += 1
            }
            throw SkimError(message: "the file ends inside \(b[start] == 0x7B ? "an object" : "an array") that starts", offset: start)
        default:
            var i = start
            while i < b.count {
                let c = b[i]
                if c == 0x2C || c == 0x7D || c == 0x5D || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { break }
                i += 1
            }
            if i == start { throw SkimError(message: "expected a value", offset: start) }
            return i
        }
    }

    /// One past the closing quote of the string starting at `start`.
    static func stringEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) throws(SkimError) -> Int {
        var i = start + 1
        while i < b.count {
            let c = b[i]
            if c == 0x5C {
                i += 2
                continue
            }
            if c == 0x22 { return i + 1 }
            i += 1
        }
        throw SkimError(message: "the file ends inside a string that starts", offset: start)
    }

    /// The members of the object starting at `start`, keys decoded, values as byte ranges.
    public static func members(_ b: UnsafeBufferPointer<UInt8>, objectAt start: Int) throws(SkimError) -> [Member] {
        var i = skipSpace(b, start)
        guard i < b.count, b[i] == 0x7B else { throw SkimError(message: "expected an object", offset: i) }
        i = skipSpace(b, i + 1)
        var out: [Member] = []
        if i < b.count, b[i] == 0x7D { return out }
        while true {
            guard i < b.count, b[i] == 0x22 else { throw SkimError(message: "expected a member name", offset: i) }
            let keyEnd = try stringEnd(b, i)
            let key = decodeKey(b, i, keyEnd)
            i = skipSpace(b, keyEnd)
            guard i < b.count, b[i] == 0x3A else { throw SkimError(message: "expected ':' after \"\(key)\"", offset: i) }
            let vStart = skipSpace(b, i + 1)
            let vEnd = try valueEnd(b, vStart)
            out.append(Member(key: key, value: vStart..<vEnd))
            i = skipSpace(b, vEnd)
            guard i < b.count else { throw SkimError(message: "the file ends inside an object that starts", offset: start) }
            if b[i] == 0x2C { i = skipSpace(b, i + 1); continue }
            if b[i] == 0x7D { return out }
            throw SkimError(message: "expected ',' or '}' after member \"\(key)\"", offset: i)
        }
    }

    /// The elements of the array starting at `start`, as byte ranges.
    public static func elements(_ b: UnsafeBufferPointer<UInt8>, arrayAt start: Int) throws(SkimError) -> [Range<Int>] {
        var i = skipSpace(b, start)
        guard i < b.count, b[i] == 0x5B else { throw SkimError(message: "expected an array", offset: i) }
        i = skipSpace(b, i + 1)
        var out: [Range<Int>] = []
        if i < b.count, b[i] == 0x5D { return out }
        while true {
            let end = try valueEnd(b, i)
            out.append(i..<end)
            i = skipSpace(b, end)
            guard i < b.count else { throw SkimError(message: "the file ends inside an array that starts", offset: start) }
            if b[i] == 0x2C { i = skipSpace(b, i + 1); continue }
            if b[i] == 0x5D { return out }
            throw SkimError(message: "expected ',' or ']' in an array", offset: i)
        }
    }

    /// Member names meshscope writes are plain; escaped ones are decoded through the tape parser.
    static func decodeKey(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let inner = UnsafeBufferPointer(rebasing: b[(start + 1)..<(end - 1)])
        if !inner.contains(0x5C) { return String(decoding: inner, as: UTF8.self) }
        let raw = Array(b[start..<end])
        return (try? JSONDocument(bytes: raw))?.root.string ?? String(decoding: inner, as: UTF8.self)
    }

    /// Convenience over arrays.
    public static func members(_ bytes: [UInt8], objectAt start: Int) throws(SkimError) -> [Member] {
        try withBuffer(bytes) { b throws(SkimError) in try members(b, objectAt: start) }
    }

    public static func elements(_ bytes: [UInt8], arrayAt start: Int) throws(SkimError) -> [Range<Int>] {
        try withBuffer(bytes) { b throws(SkimError) in try elements(b, arrayAt: start) }
    }

    static func withBuffer<T>(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws(SkimError) -> T) throws(SkimError) -> T {
        let r: Result<T, SkimError> = bytes.withUnsafeBufferPointer { b in
            do throws(SkimError) { return .success(try body(b)) } catch { return .failure(error) }
        }
        return try r.get()
    }
}
