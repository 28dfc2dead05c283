import Testing
@testable import MeshModel

/// ``WordBytes`` against the byte-at-a-time answer: every byte value at every position of a
/// word, beside neighbours that would carry a borrow into it (0x00, 0x01, 0xFF).
@Suite struct WordBytesTests {
    static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    static func mask(_ bytes: [UInt8], _ test: (UInt8) -> Bool) -> UInt64 {
        bytes.enumerated().reduce(0) { test($1.element) ? $0 | 0x80 << (8 * UInt64($1.offset)) : $0 }
    }

    @Test func everyByteAtEveryPlaceIsAnsweredExactly() {
        for filler: UInt8 in [0x00, 0x01, 0x20, 0x5C, 0xFF] {
            for place in 0..<8 {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[place] = UInt8(value)
                    let w = Self.word(bytes)
                    #expect(WordBytes.zero(w) == Self.mask(bytes) { $0 == 0 })
                    #expect(WordBytes.equal(w, 0x22) == Self.mask(bytes) { $0 == 0x22 })
                    #expect(WordBytes.equal(w, 0x5C) == Self.mask(bytes) { $0 == 0x5C })
                    #expect(WordBytes.below(w, 0x20) == Self.mask(bytes) { $0 < 0x20 })
                    #expect(WordBytes.below(w, 0x80) == Self.mask(bytes) { $0 < 0x80 })
                    #expect(WordBytes.nonASCII(w) == Self.mask(bytes) { $0 >= 0x80 })
                }
            }
        }
    }
}
