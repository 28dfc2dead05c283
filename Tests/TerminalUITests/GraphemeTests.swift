import MeshBase
import Testing
@testable import TerminalUI

/// Text editing and drawing by grapheme cluster. Keys arrive one Unicode scalar at a time
/// (that is how curses reads them), so each input is typed scalar by scalar.
@Suite struct GraphemeTests {
    /// The three inputs that trapped the prompts, with their display widths (Unicode: an
    /// emoji-presentation selector makes ❤ wide, a flag is two regional indicators drawn
    /// as one wide glyph, a combining accent takes no column).
    static let inputs: [(text: String, width: Int)] = [
        ("\u{2764}\u{FE0F}", 2),
        ("\u{1F1E9}\u{1F1EA}", 2),
        ("e\u{301}", 1),
    ]

    func type(_ s: String, into ed: inout LineEditor) {
        for scalar in s.unicodeScalars { _ = ed.handle(.char(Character(scalar))) }
    }

    @Test(arguments: 0..<3) func insertMoveAndBackspaceGoByCluster(_ i: Int) {
        let input = Self.inputs[i].text
        var ed = LineEditor(prefix: ":")
        type("a" + input + "b", into: &ed)
        #expect(ed.text == "a" + input + "b")
        #expect(ed.cursor == 3)
        // Left twice lands before the cluster; typing there inserts before it, whole.
        _ = ed.handle(.left)
        _ = ed.handle(.left)
        #expect(ed.cursor == 1)
        type("x", into: &ed)
        #expect(ed.text == "ax" + input + "b")
        #expect(ed.cursor == 2)
        // Delete removes the whole cluster after the cursor.
        _ = ed.handle(.delete)
        #expect(ed.text == "axb")
        // Type it again at the end, then Backspace removes it whole.
        _ = ed.handle(.end)
        type(input, into: &ed)
        #expect(ed.text == "axb" + input)
        #expect(ed.cursor == 4)
        _ = ed.handle(.backspace)
        #expect(ed.text == "axb")
        #expect(ed.cursor == 3)
        // Only the input, then Backspace to empty and once more cancels (no trap).
        var only = LineEditor(prefix: "/")
        type(input, into: &only)
        #expect(only.cursor == 1)
        #expect(only.handle(.backspace) == .editing)
        #expect(only.text == "" && only.cursor == 0)
        #expect(only.handle(.backspace) == .cancel)
    }

    @Test(arguments: 0..<3) func wordAndLineDeletesGoByCluster(_ i: Int) {
        let input = Self.inputs[i].text
        var ed = LineEditor(prefix: ":")
        type("ns " + input + input, into: &ed)
        _ = ed.handle(.ctrl("w"))
        #expect(ed.text == "ns ")
        #expect(ed.cursor == 3)
        type(input, into: &ed)
        _ = ed.handle(.left)
        _ = ed.handle(.ctrl("k"))
        #expect(ed.text == "ns ")
        type(input + "z", into: &ed)
        _ = ed.handle(.left)
        _ = ed.handle(.ctrl("u"))
        #expect(ed.text == "z" && ed.cursor == 0)
    }

    /// A scalar typed before a regional indicator pairs with it into a flag: the cursor
    /// goes after the flag, never inside it.
    @Test func scalarMergingWithTheNextClusterKeepsTheCursorOnABoundary() {
        var ed = LineEditor(prefix: ":", text: "\u{1F1EA}z")
        _ = ed.handle(.home)
        _ = ed.handle(.char("\u{1F1E9}"))
        #expect(ed.text == "\u{1F1E9}\u{1F1EA}z")
        #expect(ed.cursor == 1)
        _ = ed.handle(.backspace)
        #expect(ed.text == "z")
    }

    @Test(arguments: 0..<3) func promptDrawsTheClusterWholeAtItsWidth(_ i: Int) {
        let (input, width) = Self.inputs[i]
        var ed = LineEditor(prefix: ":")
        type(input + "|", into: &ed)
        var buf = CellBuffer(size: Size(width: 20, height: 1))
        ed.paint(into: &buf, Rect(x: 0, y: 0, width: 20, height: 1), theme: .defaultDark)
        #expect(buf.line(0) == ":" + input + "|")
        // The cluster sits in cell 1, whole; "|" lands after its width.
        #expect(buf[1, 0].text == input)
        #expect(Int(buf[1, 0].width) == width)
        #expect(buf[1 + width, 0].text == "|")
    }

    @Test func widthsByCluster() {
        #expect(DisplayWidth.of("\u{2764}\u{FE0F}") == 2)
        #expect(DisplayWidth.of("\u{2764}") == 1)
        #expect(DisplayWidth.of("\u{1F1E9}\u{1F1EA}") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        // Drawn as one `?` each.
        #expect(DisplayWidth.of("a\u{1B}b") == 3)
    }

    @Test func unsafeCharactersAreNeverDrawnRaw() {
        var buf = CellBuffer(size: Size(width: 20, height: 1))
        let n = buf.put("a\u{1B}]0;x\u{7}\u{9B}\u{202E}b\u{200B}c", x: 0, y: 0)
        #expect(buf.line(0) == "a?]0;x???bc")
        #expect(n == 11)
        for x in 0..<20 {
            let c = buf[x, 0]
            #expect(!c.text.unicodeScalars.contains { TerminalText.isUnsafe($0) })
        }
    }

    @Test func aFlagIsOneCellHoldingBothIndicators() {
        var buf = CellBuffer(size: Size(width: 6, height: 1))
        #expect(buf.put("\u{1F1E9}\u{1F1EA}x", x: 0, y: 0) == 3)
        #expect(buf[0, 0].scalar == 0x1F1E9 && buf[0, 0].tail == "\u{1F1EA}" && buf[0, 0].width == 2)
        #expect(buf[1, 0].isContinuation)
        #expect(buf[2, 0].text == "x")
        // The renderer writes the whole cluster as one run of two columns.
        let plan = Renderer.diff(nil, buf)
        let run = plan.runs.first { $0.tail != nil }
        #expect(run?.scalars == [0x1F1E9] && run?.tail == "\u{1F1EA}" && run?.columns == 2)
    }

    /// What the backend hands curses keeps curses' column count equal to the buffer's.
    @Test func backendClusterMatchesTheCLibraryWidths() {
        // glibc 2.36's wcwidth: ❤ 1, U+FE0F 0, regional indicators 1, U+0301 0.
        let wc: (UInt32) -> Int = { v in v == 0xFE0F || v == 0x301 ? 0 : v == 0xE000 ? -1 : 1 }
        #expect(CursesTerminal.cluster(0x2764, "\u{FE0F}", columns: 2, wcwidth: wc) == [0x2764, 0xFE0F, 0x20])
        #expect(CursesTerminal.cluster(0x1F1E9, "\u{1F1EA}", columns: 2, wcwidth: wc) == [0x1F1E9, 0x1F1EA])
        #expect(CursesTerminal.cluster(0x65, "\u{301}", columns: 1, wcwidth: wc) == [0x65, 0x301])
        #expect(CursesTerminal.cluster(0xE000, "\u{301}", columns: 1, wcwidth: wc) == [0x3F])
        #expect(CursesTerminal.cluster(0x61, "bcd", columns: 2, wcwidth: wc) == [0x3F, 0x20])
    }
}
