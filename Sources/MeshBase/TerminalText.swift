/// Text as a terminal shows it: how many columns a character takes, and how to make text
/// from the data inert before it reaches a terminal.
///
/// Everything meshscope prints can carry bytes a terminal obeys: an `ESC ] 0 ;` in a
/// cluster name retitles the window, `ESC [ 2 J` clears the screen, a U+202E turns the
/// rest of a line around (kubectl fixed the same class of bug, CVE-2021-25743). Every
/// terminal path (table cells, `-o wide`, error lines, text output) goes through
/// ``escaped(_:keepLayout:)``; `-o json|yaml` escape within their own syntax and so keep the
/// data exact. One vocabulary, JSON's: `\n`, `\r`, `\t`, and `\u001b` style for the rest.
///
/// ```swift
/// TerminalText.escaped("evil\u{1b}]0;PWNED\u{7}")   // "evil\\u001b]0;PWNED\\u0007"
/// TerminalText.width(of: "日本")                     // 4
/// TerminalText.cell(String(repeating: "x", count: 300), maxWidth: 8)   // "xxxxxxx…"
/// ```
public enum TerminalText {
    // MARK: What is unsafe

    /// Scalars a terminal would obey instead of showing: C0 controls, DEL, C1 controls
    /// (U+0080–U+009F; some terminals take U+009B as CSI), and the bidi embeddings,
    /// overrides and isolates (U+202A–U+202E, U+2066–U+2069) that reorder what follows.
    @inline(__always)
    public static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || (v >= 0x7F && v <= 0x9F) { return true }
        return (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }

    /// True when the UTF-8 bytes hold nothing ``isUnsafe(_:)`` would escape (`\n` and `\t`
    /// allowed when `keepLayout`). One pass over the bytes, no decoding.
    public static func isInert(_ bytes: some Collection<UInt8>, keepLayout: Bool) -> Bool {
        var prev1: UInt8 = 0, prev2: UInt8 = 0
        for b in bytes {
            if b < 0x20 {
                if !(keepLayout && (b == 0x0A || b == 0x09)) { return false }
            } else if b == 0x7F {
                return false
            } else if b >= 0x80 && b <= 0xBF {
                // Continuation byte: C1 is C2 80..9F; bidi is E2 80 AA..AE and E2 81 A6..A9.
                if prev1 == 0xC2 && b <= 0x9F { return false }
                if prev2 == 0xE2 && prev1 == 0x80 && b >= 0xAA && b <= 0xAE { return false }
                if prev2 == 0xE2 && prev1 == 0x81 && b >= 0xA6 && b <= 0xA9 { return false }
            }
            prev2 = prev1
            prev1 = b
        }
        return true
    }

    // MARK: Escaping

    /// `text` with every unsafe scalar written as an escape (`\n`, `\r`, `\t`, else `\u001b`
    /// style), so it shows as what it is and does nothing. With `keepLayout`, newlines and
    /// tabs stay (multi-line text output); without, the result is always one line.
    public static func escaped(_ text: String, keepLayout: Bool = false) -> String {
        if isInert(text.utf8, keepLayout: keepLayout) { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if isUnsafe(s), !(keepLayout && (s == "\n" || s == "\t")) {
                appendEscape(s, to: &out)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Text with colours of our own (a coloured diff): like ``escaped(_:keepLayout:)`` with
    /// newlines and tabs kept, except that SGR sequences (`ESC [ 0-9;… m`: colours and bold,
    /// nothing that moves the cursor, clears or retitles) pass. Printers that colour
    /// escape their data first (MeshModel's `DiffPrinter`), so an SGR from the data never gets here.
    public static func escapedKeepingColors(_ text: String) -> String {
        if isInert(text.utf8, keepLayout: true) { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "\u{1B}", i + 1 < scalars.count, scalars[i + 1] == "[" {
                var j = i + 2
                while j < scalars.count, (scalars[j] >= "0" && scalars[j] <= "9") || scalars[j] == ";" { j += 1 }
                if j < scalars.count, scalars[j] == "m" {
                    out.append(contentsOf: scalars[i...j])
                    i = j + 1
                    continue
                }
            }
            if isUnsafe(s), s != "\n", s != "\t" { appendEscape(s, to: &out) } else { out.append(s) }
            i += 1
        }
        return String(out)
    }

    /// Bytes made safe for a terminal: unchanged when already inert, else decoded as UTF-8
    /// (invalid sequences become U+FFFD) and escaped with newlines and tabs kept.
    public static func escaped(bytes: [UInt8]) -> [UInt8] {
        if isInert(bytes, keepLayout: true), String(validating: bytes, as: UTF8.self) != nil { return bytes }
        return Array(escaped(String(decoding: bytes, as: UTF8.self), keepLayout: true).utf8)
    }

    static func appendEscape(_ s: Unicode.Scalar, to out: inout String.UnicodeScalarView) {
        switch s {
        case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
        case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
        case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
        default:
            out.append(contentsOf: #"\u"#.unicodeScalars)
            for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((s.value >> UInt32(shift)) & 0xF)]) }
        }
    }

    private static let hex: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)

    // MARK: Cells

    /// A table cell for a terminal: escaped (one line), and cut to at most `maxWidth`
    /// display columns with `…` at a grapheme cluster boundary. A cell is also cut after
    /// `4 × maxWidth` scalars, so one cluster stacked with thousands of combining marks
    /// cannot pad a column either. Reads only as far as it keeps: linear in the cell, and
    /// a 10 MB cell costs only its first few hundred characters past the check.
    public static func cell(_ text: String, maxWidth: Int) -> String {
        let limit = max(1, maxWidth)
        let utf8 = text.utf8
        // Fast path: short printable ASCII (the common cell) is returned as is.
        if utf8.count <= limit, utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        let maxScalars = limit > Int.max / 4 ? Int.max : limit * 4
        var out = String.UnicodeScalarView()
        var columns = 0
        var scalars = 0  // also how many scalars `out` holds
        // Where each kept cluster ends (scalars in `out`, columns, scalars counted): the
        // ellipsis goes after the last one that leaves room for it.
        var ends: [(out: Int, columns: Int, scalars: Int)] = [(0, 0, 0)]
        var cut = false
        for ch in text {
            var n = 0
            var unsafe = false
            for s in ch.unicodeScalars {
                n += 1
                if isUnsafe(s) { unsafe = true }
                if n > maxScalars { break }
            }
            var piece = String.UnicodeScalarView()
            if unsafe {
                // Escapes are ASCII: count them as they will be printed.
                for s in ch.unicodeScalars {
                    if isUnsafe(s) { appendEscape(s, to: &piece) } else { piece.append(s) }
                }
                n = piece.count
            } else if n <= maxScalars {
                piece = ch.unicodeScalars
            }
            let w = unsafe ? width(of: String(piece)) : width(of: ch)
            if n > maxScalars || columns + w > limit || scalars + n > maxScalars {
                cut = true
                break
            }
            out.append(contentsOf: piece)
            columns += w
            scalars += n
            ends.append((scalars, columns, scalars))
        }
        guard cut else { return String(out) }
        let end = ends.last { $0.columns + 1 <= limit && $0.scalars + 1 <= maxScalars } ?? (0, 0, 0)
        var kept = String.UnicodeScalarView(out.prefix(end.out))
        kept.append("…")
        return String(kept)
    }

    /// ``cell(_:maxWidth:)`` appended to `out` as UTF-8, then spaces up to `paddedTo`
    /// columns (at least one when `paddedTo` > 0): a column of a table streamed row by row.
    /// A short printable ASCII cell (the common one) is copied as it is, in one pass.
    ///
    /// ```swift
    /// var row: [UInt8] = []
    /// TerminalText.appendCell("GET", maxWidth: 6, paddedTo: 8, to: &row)  // "GET     "
    /// ```
    public static func appendCell(_ text: String, maxWidth: Int, paddedTo: Int, to out: inout [UInt8]) {
        var text = text
        let limit = max(1, maxWidth)
        let copied: Int? = text.withUTF8 { b in
            guard b.count <= limit, b.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            out.append(contentsOf: b)
            return b.count
        }
        var used = copied ?? 0
        if copied == nil {
            let c = cell(text, maxWidth: limit)
            out.append(contentsOf: c.utf8)
            used = width(of: c)
        }
        if paddedTo > 0 { out.append(contentsOf: repeatElement(0x20, count: max(1, paddedTo - used))) }
    }

    // MARK: Widths

    /// Columns one scalar takes: -1 for control characters (never printed as-is), 0 for
    /// combining marks and zero-width characters, 2 for East Asian wide and emoji, else 1.
    ///
    /// The table follows Unicode's East Asian Width and emoji presentation properties the
    /// way glibc's `wcwidth` does in a UTF-8 locale.
    public static func width(of s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x7F { return v >= 0x20 ? 1 : -1 }
        if v < 0xA0 { return -1 }
        if v == 0xAD { return 1 }
        if v == 0x200B || (v >= 0x1160 && v <= 0x11FF) || v == 0x200D || (v >= 0xFE00 && v <= 0xFE0F) { return 0 }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isWide(v) { return 2 }
        return 1
    }

    /// Columns one grapheme cluster takes: what its scalars take side by side (so a flag,
    /// two regional indicators, is 2, and `e` + U+0301 is 1), and 2 for a narrow base made
    /// an emoji by U+FE0F (`❤️`). A cluster starting with an unsafe scalar counts 1: it is
    /// shown as one `?` (TUI) or escaped (CLI, measured after escaping).
    public static func width(of c: Character) -> Int {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F, first.value >= 0x20, scalars.count == 1 { return 1 }
        if isUnsafe(first) { return 1 }
        var w = max(0, width(of: first))
        var emoji = false
        for s in scalars.dropFirst() {
            if s.value == 0xFE0F { emoji = true }
            w += max(0, width(of: s))
        }
        if emoji, w == 1 { w = 2 }
        return w
    }

    /// Columns a string takes, cluster by cluster (see ``width(of:)-(Character)``).
    /// Printable ASCII is measured by its byte count.
    public static func width(of text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var w = 0
        for c in text { w += width(of: c) }
        return w
    }

    static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        // Sorted, inclusive ranges of East Asian Wide/Fullwidth and emoji-presentation blocks.
        var lo = 0
        var hi = wideRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = wideRanges[mid]
            if v < r.0 { hi = mid - 1 } else if v > r.1 { lo = mid + 1 } else { return true }
        }
        return false
    }
    static let wideRanges: [(UInt32, UInt32)] = [
        (0x1100, 0x115F), (0x231A, 0x231B), (0x2329, 0x232A), (0x23E9, 0x23EC), (0x23F0, 0x23F0),
        (0x23F3, 0x23F3), (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
        (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5),
        (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5),
        (0x26FA, 0x26FA), (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728),
        (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
        (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
        (0x2E80, 0x303E), (0x3041, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA000, 0xA4CF),
        (0xA960, 0xA97F), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE10, 0xFE19), (0xFE30, 0xFE6F),
        (0xFF00, 0xFF60), (0xFFE0, 0xFFE6), (0x16FE0, 0x16FE4), (0x17000, 0x18CFF), (0x1B000, 0x1B2FF),
        (0x1F004, 0x1F004), (0x1F0CF, 0x1F0CF), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A),
        (0x1F200, 0x1F202), (0x1F210, 0x1F23B), (0x1F240, 0x1F248), (0x1F250, 0x1F251),
        (0x1F260, 0x1F265), (0x1F300, 0x1F320), (0x1F32D, 0x1F335), (0x1F337, 0x1F37C),
        (0x1F37E, 0x1F393), (0x1F3A0, 0x1F3CA), (0x1F3CF, 0x1F3D3), (0x1F3E0, 0x1F3F0),
        (0x1F3F4, 0x1F3F4), (0x1F3F8, 0x1F43E), (0x1F440, 0x1F440), (0x1F442, 0x1F4FC),
        (0x1F4FF, 0x1F53D), (0x1F54B, 0x1F54E), (0x1F550, 0x1F567), (0x1F57A, 0x1F57A),
        (0x1F595, 0x1F596), (0x1F5A4, 0x1F5A4), (0x1F5FB, 0x1F64F), (0x1F680, 0x1F6C5),
        (0x1F6CC, 0x1F6CC), (0x1F6D0, 0x1F6D2), (0x1F6D5, 0x1F6D7), (0x1F6DC, 0x1F6DF),
        (0x1F6EB, 0x1F6EC), (0x1F6F4, 0x1F6FC), (0x1F7E0, 0x1F7EB), (0x1F7F0, 0x1F7F0),
        (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1F9FF), (0x1FA70, 0x1FAFF),
        (0x20000, 0x2FFFD), (0x30000, 0x3FFFD),
    ]
}
