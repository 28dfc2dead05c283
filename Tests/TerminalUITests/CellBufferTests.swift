import Testing
@testable import TerminalUI

@Suite struct CellBufferTests {
    @Test func asciiAndWideCharacters() {
        var buf = CellBuffer(size: Size(width: 10, height: 2))
        #expect(buf.put("日本 ok", x: 0, y: 0) == 7)
        #expect(buf.lines == ["日本 ok", ""])
        #expect(buf[0, 0].width == 2)
        #expect(buf[1, 0].isContinuation)
        #expect(buf[4, 0].scalar == UInt32(Character(" ").asciiValue!))
    }

    @Test func truncatesWithEllipsis() {
        var buf = CellBuffer(size: Size(width: 10, height: 1))
        #expect(buf.put("a long line", x: 0, y: 0, maxWidth: 6, ellipsis: true) == 6)
        #expect(buf.line(0) == "a lon…")
        // A wide character that does not fit before the ellipsis is left out whole.
        var wide = CellBuffer(size: Size(width: 10, height: 1))
        wide.put("ab界界界", x: 0, y: 0, maxWidth: 5, ellipsis: true)
        #expect(wide.line(0) == "ab界…")
    }

    @Test func wideCharacterAtTheRightEdgeBecomesBlank() {
        var buf = CellBuffer(size: Size(width: 3, height: 1))
        buf.put("ab界", x: 0, y: 0)
        #expect(buf.line(0) == "ab")
        #expect(buf[2, 0].width == 1)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buf = CellBuffer(size: Size(width: 6, height: 1))
        buf.put("界界", x: 0, y: 0)
        buf.put("x", x: 1, y: 0)   // right half of the first 界
        #expect(buf.line(0) == " x界")
        buf.put("y", x: 2, y: 0)   // left half of the second 界
        #expect(buf.line(0) == " xy")
        #expect(buf[3, 0].width == 1)
    }

    @Test func combiningMarksStayWithTheirBase() {
        var buf = CellBuffer(size: Size(width: 6, height: 1))
        buf.put("e\u{301}x", x: 0, y: 0)
        #expect(buf[0, 0].tail == "\u{301}")
        #expect(buf[1, 0].scalar == 0x78)
        #expect(buf.line(0) == "e\u{301}x")
    }

    @Test func controlCharactersAreNeverWritten() {
        var buf = CellBuffer(size: Size(width: 6, height: 1))
        buf.put("a\u{1B}[b", x: 0, y: 0)
        #expect(buf.line(0) == "a?[b")
    }

    @Test func fillAndRestyleKeepWithinBounds() {
        var buf = CellBuffer(size: Size(width: 4, height: 2))
        buf.fill(Rect(x: -2, y: 1, width: 10, height: 5), char: "#", style: Style(fg: .red))
        #expect(buf.lines == ["", "####"])
        buf.restyle(Rect(x: 0, y: 1, width: 2, height: 1)) { $0.with(attrs: .bold) }
        #expect(buf[0, 1].style == Style(fg: .red, attrs: .bold))
        #expect(buf[2, 1].style == Style(fg: .red))
    }

    @Test func displayWidths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("界") == 2)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("ｱｲ") == 2)          // halfwidth katakana
        #expect(DisplayWidth.of("Ｆ") == 2)           // fullwidth Latin
        #expect(DisplayWidth.of("🚀") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("\u{200B}") == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x07)) == -1)
        #expect(DisplayWidth.truncate("日本語", to: 5) == "日本")
        #expect(DisplayWidth.truncateMiddle("productpage-v1.bookinfo-ambient", to: 17) == "productp…-ambient")
        #expect(DisplayWidth.truncateQualified("reviews-v1.bookinfo-ambient", to: 17) == "reviews-v1.bo…ent")
        #expect(DisplayWidth.truncateQualified("reviews-v1.bookinfo", to: 17) == "reviews-v1.bo…nfo")
        #expect(DisplayWidth.truncateQualified("istio-ingressgateway.istio-system", to: 17) == "istio-ingressgat…")
        #expect(DisplayWidth.truncateQualified("no-namespace-here-at-all", to: 10) == "no-namesp…")
        #expect(DisplayWidth.truncateMiddle("short", to: 17) == "short")
        #expect(DisplayWidth.truncateMiddle("日本語のなまえ", to: 8) == "日…まえ")
        #expect(DisplayWidth.truncateMiddle("abcdef", to: 2) == "ab")
    }
}
