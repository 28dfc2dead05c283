import Foundation
import MeshModel
import Testing
import Yams

/// Text bound for a terminal: escaping (no terminal injection), cell cutting (bounded
/// padding), widths by grapheme cluster.
@Suite struct TerminalTextTests {
    static let evil = "evil\u{1B}]0;PWNED\u{7}\u{1B}[2J"

    /// No byte a terminal obeys: nothing below 0x20 but `\n`, no DEL, no C1 (C2 80–9F),
    /// no bidi override or isolate.
    static func isInert(_ s: String) -> Bool {
        !s.unicodeScalars.contains { $0 != "\n" && TerminalText.isUnsafe($0) }
    }

    @Test func escapesControlsC1AndBidiInOneVocabulary() {
        #expect(TerminalText.escaped(Self.evil) == #"evil\u001b]0;PWNED\u0007\u001b[2J"#)
        #expect(TerminalText.escaped("a\nb\tc\r\u{7F}\u{85}\u{9B}") == #"a\nb\tc\r\u007f\u0085\u009b"#)
        #expect(TerminalText.escaped("x\u{202E}y\u{2066}z") == #"x\u202ey\u2066z"#)
        #expect(TerminalText.escaped("keep\nlines\tand tabs", keepLayout: true) == "keep\nlines\tand tabs")
        #expect(TerminalText.escaped("日本 ❤️ é ok") == "日本 ❤️ é ok")
        #expect(TerminalText.escapedKeepingColors("\u{1B}[31m-x\u{1B}[0m \u{1B}]0;t\u{7}") == "\u{1B}[31m-x\u{1B}[0m " + #"\u001b]0;t\u0007"#)
        #expect(TerminalText.escaped(bytes: [0x61, 0xFF, 0x1B]) == Array("a\u{FFFD}\\u001b".utf8))
    }

    @Test func tableCellsAreEscapedAndTheLayoutStaysAligned() {
        var t = Table(columns: [.init("NAME"), .init("TYPE")])
        t.rows = [[Self.evil, "EDS"], ["ok", "STATIC"]]
        let out = t.render()
        #expect(Self.isInert(out))
        let escaped = #"evil\u001b]0;PWNED\u0007\u001b[2J"#
        let pad = { (s: String) in s + String(repeating: " ", count: escaped.count + 3 - s.count) }
        #expect(out == pad("NAME") + "TYPE\n" + pad(escaped) + "EDS\n" + pad("ok") + "STATIC\n")
    }

    @Test func cellsAreCutAtTheLimitByGraphemeCluster() {
        let long = String(repeating: "a", count: 300)
        #expect(TerminalText.cell(long, maxWidth: 8) == "aaaaaaa…")
        #expect(TerminalText.cell("abc", maxWidth: 8) == "abc")
        // Wide clusters are never split: 日 is 2 columns, so 4 of them and … would be 9.
        #expect(TerminalText.cell("日本語日本語", maxWidth: 8) == "日本語…")
        #expect(TerminalText.cell(String(repeating: "🇩🇪", count: 10), maxWidth: 5) == "🇩🇪🇩🇪…")
        #expect(TerminalText.cell(String(repeating: "e\u{301}", count: 10), maxWidth: 4) == "e\u{301}e\u{301}e\u{301}…")
        // One cluster stacked with a million combining marks is cut whole.
        let zalgo = "x" + String(repeating: "\u{301}", count: 1_000_000)
        #expect(TerminalText.cell(zalgo + "y", maxWidth: 8) == "…")
        // An escape is never cut in its middle either.
        #expect(TerminalText.cell("ab\u{1B}cd", maxWidth: 6) == "ab…")
        #expect(TerminalText.width(of: TerminalText.cell(String(repeating: "界", count: 500), maxWidth: 256)) <= 256)
    }

    @Test func oneHugeCellNoLongerPadsEveryRow() {
        let huge = String(repeating: "x", count: 10_000_000)
        var t = Table(columns: [.init("NAME"), .init("VALUE")])
        t.rows = [[huge, "1"]] + (0..<1000).map { ["stat.\($0)", "\($0)"] }
        let start = Date()
        let out = t.render()
        let elapsed = Date().timeIntervalSince(start)
        let limit = InputLimits.current.maxCellWidth
        let widest = out.split(separator: "\n").map { TerminalText.width(of: String($0)) }.max() ?? 0
        // The cut cell, the padding of 3, then the last cell (at most "VALUE").
        #expect(widest == limit + 3 + 5, "widest line \(widest) columns")
        #expect(out.utf8.count < 1001 * (limit + 16))
        #expect(elapsed < 2, "rendering took \(elapsed) s")
    }

    /// Many long cells: time grows with the input, not with its square.
    @Test func manyLongCellsRenderInLinearTime() {
        func time(_ rows: Int) -> Double {
            var t = Table(columns: [.init("A"), .init("B")])
            t.rows = (0..<rows).map { i in [String(repeating: "é", count: 5_000) + "\(i)", String(repeating: "界", count: 3_000)] }
            let start = Date()
            _ = t.render()
            return Date().timeIntervalSince(start)
        }
        _ = time(50)
        let small = time(200)
        let big = time(800)
        #expect(big < small * 8 + 0.2, "200 rows \(small) s, 800 rows \(big) s")
    }

    /// A coloured diff escapes the data before its own colour codes go round it.
    @Test func colouredDiffLinesEscapeTheirData() {
        let out = DiffPrinter.colorize("-name: a\u{1B}]0;x\u{7}\n context \u{1B}[2J\n", DiffPrinter.Options(color: true))
        #expect(out == "\u{1B}[31m-name: a" + #"\u001b]0;x\u0007"# + "\u{1B}[0m\n" + #" context \u001b[2J"# + "\n")
        #expect(TerminalText.escapedKeepingColors(out) == out)
    }

    @Test func cellLimitComesFromInputLimits() {
        var limits = InputLimits.current
        limits.maxCellWidth = 10
        let out = InputLimits.withLimits(limits) {
            Table(columns: [.init("NAME")], rows: [[String(repeating: "n", count: 50)]]).render()
        }
        #expect(out == "NAME\nnnnnnnnnn…\n")
    }

    /// YAML double-quotes and escapes what a terminal would obey, and reads back the same.
    @Test func yamlIsInertAndRoundTrips() throws {
        let values = [Self.evil, "two\nlines\u{1B}[2J", "x\u{202E}y", "c1\u{85}\u{9B}", "del\u{7F}", "plain"]
        for v in values {
            let yaml = YAMLWriter.string(.object([("name", .string(v))]))
            #expect(Self.isInert(yaml), "\(yaml)")
            let back = try Yams.load(yaml: yaml) as? [String: Any]
            #expect(back?["name"] as? String == v, "\(yaml)")
        }
    }
}
