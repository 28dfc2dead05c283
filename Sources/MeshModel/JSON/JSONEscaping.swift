/// How a writer escapes strings: the three dialects our outputs must match byte for byte.
/// All are valid JSON and agree on `\"`, `\\`, `\n`, `\r`, `\t` and `\u00XX` for other
/// control characters; they differ in what else they escape.
///
/// ```swift
/// var out: [UInt8] = []
/// JSONEscaping.goJSON.append("a<b\u{8}", to: &out)   // "a\u003cb\b"
/// ```
public enum JSONEscaping: Sendable, Equatable {
    /// JSON's minimum (kubectl-style output, snapshots, the wire); `\b` and `\f` as `\u0008`, `\u000c`.
    case plain
    /// Go's protojson: plain, with `\b` and `\f`.
    case protojson
    /// Go's `encoding/json` (HTML-safe): protojson, plus `<`, `>`, `&` as `\u003c`, `\u003e`,
    /// `\u0026` and U+2028, U+2029 as `\u2028`, `\u2029`.
    case goJSON

    /// Appends `s` as a quoted JSON string.
    public func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { append(utf8: $0, to: &out) }
    }

    /// Appends valid UTF-8 `bytes` as a quoted JSON string: one table lookup per byte,
    /// unescaped runs copied whole.
    public func append(utf8 b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let table: [UInt8]
        switch self {
        case .plain: table = JSONEscaping.plainTable
        case .protojson: table = JSONEscaping.protojsonTable
        case .goJSON: table = JSONEscaping.goTable
        }
        out.append(0x22)
        let n = b.count
        var run = 0
        var i = 0
        while i < n {
            let c = b[i]
            let action = table[Int(c)]
            if action == 0 {
                i += 1
                continue
            }
            if action == JSONEscaping.lineSeparator {
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                guard i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 else {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
                out.append(contentsOf: [0x5C, 0x75, 0x32, 0x30, 0x32, b[i + 2] == 0xA8 ? 0x38 : 0x39])
                i += 3
                run = i
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<i]))
            if action == JSONEscaping.hexEscape {
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, JSONEscaping.hexDigits[Int(c >> 4)], JSONEscaping.hexDigits[Int(c & 0xF)]])
            } else {
                out.append(0x5C)
                out.append(action)
            }
            i += 1
            run = i
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<n]))
        out.append(0x22)
    }

    /// Whether a string token copied from a parsed document (`raw`, quotes included) could
    /// be printed differently in this dialect, so must be decoded and escaped again.
    /// Plain output keeps the source's escapes.
    func mayRespell(_ raw: ArraySlice<UInt8>) -> Bool {
        switch self {
        case .plain: return false
        case .protojson, .goJSON:
            let html = self == .goJSON
            for c in raw where c == 0x5C || c == 0xE2 || (html && (c == 0x3C || c == 0x3E || c == 0x26)) { return true }
            return false
        }
    }

    // Table entries: 0 copies the byte; a letter is written after a backslash.
    private static let hexEscape: UInt8 = 1
    private static let lineSeparator: UInt8 = 2

    private static func table(_ dialect: JSONEscaping) -> [UInt8] {
        var t = [UInt8](repeating: 0, count: 256)
        for c in 0..<0x20 { t[c] = hexEscape }
        t[0x22] = 0x22
        t[0x5C] = 0x5C
        t[0x0A] = 0x6E
        t[0x0D] = 0x72
        t[0x09] = 0x74
        if dialect != .plain {
            t[0x08] = 0x62
            t[0x0C] = 0x66
        }
        if dialect == .goJSON {
            t[0x3C] = hexEscape
            t[0x3E] = hexEscape
            t[0x26] = hexEscape
            t[0xE2] = lineSeparator
        }
        return t
    }

    private static let plainTable = table(.plain)
    private static let protojsonTable = table(.protojson)
    private static let goTable = table(.goJSON)
    static let hexDigits = Array("0123456789abcdef".utf8)
}
