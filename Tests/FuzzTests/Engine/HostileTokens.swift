/// The values that broke (or could break) readers and printers: boundary numbers, terminal
/// control sequences, invalid UTF-8, multi-scalar graphemes. Shared by every mutator.
enum HostileTokens {
    /// Numbers at or past the edges of Int64, UInt64, Double and port ranges, and non-numbers
    /// where a number belongs. `huge` ones are those that trip ``KnownIssue/rateFormatTraps``.
    static let numbers = ["0", "-1", "-0", "1", "65535", "65536", "4294967296", "80.5", "1e-300", "0.0001",
                          "2147483648", "-9223372036854775809", "99999999999"]
    static let hugeNumbers = ["1e300", "1e40", "-1e300", "18446744073709551615", "18446744073709551616",
                              "9223372036854775808", "9223372036854775807", "99999999999999999999", "1.7976931348623157e308"]
    /// Not JSON, but what a broken writer might emit.
    static let nonNumbers = ["NaN", "Infinity", "-Infinity", "1e", "--1", "0x10", "1_000", "+1"]

    /// Raw bytes that must never reach a terminal as they are.
    static let controlSequences: [[UInt8]] = [
        Array("\u{1B}]0;PWNED\u{07}".utf8), Array("\u{1B}[2J".utf8), Array("\u{1B}[31m".utf8),
        [0x07], [0x08], [0x0D], [0x00], [0x7F], [0x1B], Array("\u{9B}31m".utf8), Array("\u{85}".utf8), [0x09],
    ]
    /// The same as JSON string escapes (how they arrive inside real JSON).
    static let jsonEscapes = [#"\u001b]0;PWNED\u0007"#, #"\u001b[2J"#, #"\u0000"#, #"\u009b31m"#, #"\r"#, #"\u0085"#,
                              #"\b"#, #"\ud800"#, #"\udfff\ud800"#, #"\t"#]
    static let invalidUTF8: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]]
    /// Graphemes of several scalars: a variation selector, a flag, a combining accent, a ZWJ family.
    static let graphemes = ["❤️", "🇩🇪", "e\u{301}", "👨‍👩‍👧", "한", "\u{1100}\u{1161}", "字", "\u{200B}", "\u{FEFF}"]

    static func longString(_ rng: inout FuzzRandom) -> String {
        String(repeating: rng.pick(["A", "é", "字", "|", "."]), count: rng.pick([300, 4_000, 70_000]))
    }
}
