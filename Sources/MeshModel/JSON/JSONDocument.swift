/// A parsed JSON text kept as the original bytes plus a flat "tape" of tokens.
///
/// Envoy config dumps run to hundreds of megabytes. Decoding them into
/// `[String: Any]` costs ~46× the file size; decoding into Codable structs
/// loses the parts we do not model. The tape keeps every byte (so unknown
/// `@type`s and raw sections round-trip exactly) at 8 bytes per token, and
/// values are materialised only when a decoder asks for them.
///
/// ```swift
/// let doc = try JSONDocument(bytes: Array(#"{"a": [1, 2]}"#.utf8))
/// doc.root["a"]?[1]?.int   // 2
/// ```
public struct JSONDocument: Sendable {
    public let bytes: [UInt8]
    @usableFromInline let tape: [UInt64]

    public init(bytes: [UInt8]) throws(JSONParseError) {
        self.bytes = bytes
        self.tape = try JSONTapeBuilder.build(bytes)
    }

    init(bytes: [UInt8], tape: [UInt64]) {
        self.bytes = bytes
        self.tape = tape
    }

    public init(_ text: String) throws(JSONParseError) {
        try self.init(bytes: Array(text.utf8))
    }

    /// The top-level value.
    public var root: JSONValue { JSONValue(document: self, index: 0) }
}

/// Token kinds stored in the top 4 bits of a tape entry.
@usableFromInline enum TapeKind: UInt64 {
    case null = 0, `true` = 1, `false` = 2, number = 3, string = 4, object = 5, array = 6, end = 7
}

/// Tape entry layout (UInt64):
/// - bits 60-63: kind
/// - scalars: bits 0-31 byte offset of the content (after the quote for strings),
///   bits 32-58 length in bytes, bit 59 set when a string has escapes
/// - containers: bits 0-31 offset of the opening bracket, bits 32-59 tape index
///   one past the matching `end` entry (so siblings are skipped in O(1))
/// - end: bits 0-31 offset of the closing bracket
@usableFromInline enum Tape {
    @inlinable static func kind(_ e: UInt64) -> TapeKind { TapeKind(rawValue: e >> 60)! }
    @inlinable static func offset(_ e: UInt64) -> Int { Int(truncatingIfNeeded: e & 0xFFFF_FFFF) }
    @inlinable static func length(_ e: UInt64) -> Int { Int(truncatingIfNeeded: (e >> 32) & 0x7FF_FFFF) }
    @inlinable static func hasEscapes(_ e: UInt64) -> Bool { (e >> 59) & 1 == 1 }
    @inlinable static func next(_ e: UInt64) -> Int { Int(truncatingIfNeeded: (e >> 32) & 0xFFF_FFFF) }

    static func scalar(_ kind: TapeKind, offset: Int, length: Int, escapes: Bool = false) -> UInt64 {
        (kind.rawValue << 60) | (escapes ? 1 << 59 : 0) | (UInt64(length) << 32) | UInt64(offset)
    }
}
