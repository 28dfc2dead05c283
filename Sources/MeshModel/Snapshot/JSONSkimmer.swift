import Foundation

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
///
/// Strings are crossed with `memchr` (most of a snapshot's bytes are inside strings: recorded
/// Prometheus text, config dump values), so one pass over a 700 MB file costs little.
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
    /// `outerDepth` is how deep the value sits in what is being skimmed (0: it is the top),
    /// so the depth limit counts the same whether a value is skimmed whole or level by level.
    public static func valueEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, outerDepth: Int = 0) throws(SkimError) -> Int {
        guard start < b.count else { throw SkimError(message: "expected a value, found the end of the file", offset: start) }
        switch b[start] {
        case 0x22: return try stringEnd(b, start)
        case 0x7B, 0x5B:
            let maxDepth = InputLimits.current.maxJSONDepth
            var depth = outerDepth
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
                    if depth == outerDepth { return i + 1 }
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

    /// One past the closing quote of the string starting at `start`. A quote ends the string
    /// when an even number of backslashes precedes it (`\\"` ends, `\"` does not).
    static func stringEnd(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) throws(SkimError) -> Int {
        guard let base = b.baseAddress else { throw SkimError(message: "the file ends inside a string that starts", offset: start) }
        var i = start + 1
        while i < b.count {
            guard let q = nextByte(0x22, base, from: i, to: b.count) else { break }
            var k = q - 1
            while k > start && b[k] == 0x5C { k -= 1 }
            if (q - 1 - k) % 2 == 0 { return q + 1 }
            i = q + 1
        }
        throw SkimError(message: "the file ends inside a string that starts", offset: start)
    }

    /// The offset of the first `byte` in `from..<to`, or nil. The first 64 bytes are looked
    /// at a word at a time, the rest with `memchr`: in recorded Prometheus text an escaped
    /// quote comes every dozen bytes, and a `memchr` call per quote was most of the skim.
    @inline(__always) static func nextByte(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var i = from
        #if _endian(little)
        let near = min(end, from &+ 64)
        while i &+ 8 <= near {
            let z = WordBytes.equal(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self), byte)
            if z != 0 { return i &+ z.trailingZeroBitCount / 8 }
            i &+= 8
        }
        #endif
        guard i < end, let hit = memchr(base + i, Int32(byte), end - i) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The members of the object starting at `start`, keys decoded, values as byte ranges.
    /// `outerDepth` is the object's own depth (0: the top), for the depth limit.
    public static func members(_ b: UnsafeBufferPointer<UInt8>, objectAt start: Int, outerDepth: Int = 0) throws(SkimError) -> [Member] {
        var out: [Member] = []
        _ = try walkMembers(b, objectAt: start) { key, vStart throws(SkimError) in
            let vEnd = try valueEnd(b, vStart, outerDepth: outerDepth)
            out.append(Member(key: key, value: vStart..<vEnd))
            return vEnd
        }
        return out
    }

    /// Walks the members of the object starting at `start`: `value(key, valueStart)` crosses
    /// each value (skimming it, or reading into it) and returns one past its end. Returns one
    /// past the closing brace. What ``members(_:objectAt:outerDepth:)`` does, for a reader
    /// that goes deeper into some members in the same pass.
    public static func walkMembers(_ b: UnsafeBufferPointer<UInt8>, objectAt start: Int,
                                   _ value: (String, Int) throws(SkimError) -> Int) throws(SkimError) -> Int {
        var i = skipSpace(b, start)
        guard i < b.count, b[i] == 0x7B else { throw SkimError(message: "expected an object", offset: i) }
        i = skipSpace(b, i + 1)
        if i < b.count, b[i] == 0x7D { return i + 1 }
        while true {
            guard i < b.count, b[i] == 0x22 else { throw SkimError(message: "expected a member name", offset: i) }
            let keyEnd = try stringEnd(b, i)
            let key = decodeKey(b, i, keyEnd)
            i = skipSpace(b, keyEnd)
            guard i < b.count, b[i] == 0x3A else { throw SkimError(message: "expected ':' after \"\(key)\"", offset: i) }
            let vStart = skipSpace(b, i + 1)
            let vEnd = try value(key, vStart)
            i = skipSpace(b, vEnd)
            guard i < b.count else { throw SkimError(message: "the file ends inside an object that starts", offset: start) }
            if b[i] == 0x2C { i = skipSpace(b, i + 1); continue }
            if b[i] == 0x7D { return i + 1 }
            throw SkimError(message: "expected ',' or '}' after member \"\(key)\"", offset: i)
        }
    }

    /// The elements of the array starting at `start`, as byte ranges. `outerDepth` is the
    /// array's own depth (0: the top).
    public static func elements(_ b: UnsafeBufferPointer<UInt8>, arrayAt start: Int, outerDepth: Int = 0) throws(SkimError) -> [Range<Int>] {
        var out: [Range<Int>] = []
        _ = try walkElements(b, arrayAt: start) { i throws(SkimError) in
            let end = try valueEnd(b, i, outerDepth: outerDepth)
            out.append(i..<end)
            return end
        }
        return out
    }

    /// Walks the elements of the array starting at `start` as ``walkMembers(_:objectAt:_:)``
    /// walks members. Returns one past the closing bracket.
    public static func walkElements(_ b: UnsafeBufferPointer<UInt8>, arrayAt start: Int,
                                    _ value: (Int) throws(SkimError) -> Int) throws(SkimError) -> Int {
        var i = skipSpace(b, start)
        guard i < b.count, b[i] == 0x5B else { throw SkimError(message: "expected an array", offset: i) }
        i = skipSpace(b, i + 1)
        if i < b.count, b[i] == 0x5D { return i + 1 }
        while true {
            let end = try value(i)
            i = skipSpace(b, end)
            guard i < b.count else { throw SkimError(message: "the file ends inside an array that starts", offset: start) }
            if b[i] == 0x2C { i = skipSpace(b, i + 1); continue }
            if b[i] == 0x5D { return i + 1 }
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
