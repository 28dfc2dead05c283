import MeshBase
import Testing
@testable import TerminalUI

/// Long text is never lost: panes wrap long lines at their width (clusters whole, wide
/// characters on one row), search and scrolling work on wrapped rows, and the prompt
/// scrolls so the cursor stays on screen.
@Suite struct TextWrapTests {
    let theme = Theme.defaultDark

    func rows(_ s: String, _ width: Int) -> [String] {
        TextWrap.rows(s, width: width).map { TextPaneWidget.slice(s, $0) }
    }

    @Test func linesWrapAtTheWidthByCellsAndClusters() {
        #expect(rows("abcdefghij", 4) == ["abcd", "efgh", "ij"])
        #expect(rows("abcdefghij", 10) == ["abcdefghij"])
        #expect(rows("abcdefghij", 3) == ["abc", "def", "ghi", "j"])
        #expect(rows("", 5) == [""])
        // 界 takes two cells: it does not fit after "ab" in 3, so it starts the next row.
        #expect(rows("ab界cd", 3) == ["ab", "界c", "d"])
        #expect(rows("界界界", 4) == ["界界", "界"])
        // e + U+0301 is one cluster of one cell; a flag is one of two.
        let accents = String(repeating: "e\u{301}", count: 5)
        #expect(rows(accents, 2) == ["e\u{301}e\u{301}", "e\u{301}e\u{301}", "e\u{301}"])
        #expect(rows("a🇩🇪b🇩🇪", 3) == ["a🇩🇪", "b🇩🇪"])
        // A control character is one cell (the buffer shows `?`).
        #expect(rows("ab\u{1b}cd", 3) == ["ab\u{1b}", "cd"])
    }

    func paint(_ pane: TextPaneState, width: Int, height: Int) -> CellBuffer {
        var buf = CellBuffer(size: Size(width: width, height: height))
        TextPaneWidget(state: pane).paint(into: &buf, Rect(x: 0, y: 0, width: width, height: height), theme: theme)
        return buf
    }

    static let text = "short\n" + "key: " + String(repeating: "0123456789", count: 3) + "\nend"

    @Test func wrapOnAndOffAtSeveralWidths() {
        var pane = TextPaneState(text: Self.text)
        #expect(paint(pane, width: 12, height: 3).lines == ["short", "key: 012345…", "end"])
        pane.setWrap(width: 12)
        #expect(pane.rowCount == 5)
        #expect(paint(pane, width: 12, height: 6).lines == ["short", "key: 0123456", "789012345678", "90123456789", "end", ""])
        pane.setWrap(width: 20)
        #expect(paint(pane, width: 20, height: 4).lines == ["short", "key: 012345678901234", "567890123456789", "end"])
        pane.setWrap(width: 35)
        #expect(pane.rowCount == 3)
        pane.toggleWrap(width: 35)
        #expect(pane.wrapWidth == nil && pane.rowCount == 3)
    }

    @Test func searchScrollingAndBottomWorkOnWrappedRows() {
        // 30 lines; line 20 holds a match past the first wrapped row.
        var lines = (0..<30).map { "line \($0)" }
        lines[20] = "long " + String(repeating: "x", count: 40) + "NEEDLE tail"
        var pane = TextPaneState(lines: lines)
        pane.setWrap(width: 10)
        // Lines 0–19 take a row each; line 20 takes 6 (56 cells); 21–29 one each.
        #expect(pane.rowCount == 20 + 6 + 9)
        #expect(pane.row(ofLine: 21) == 26)
        pane.search(try? TextMatcher("needle"))
        #expect(pane.matchLines == [20])
        #expect(pane.top == 18)
        // The match is highlighted on the row it falls on: "x" × 5 then "NEEDLE" starts at
        // column 5 of the line's fifth row (row 24), two rows under the top.
        let buf = paint(pane, width: 10, height: 8)
        #expect(buf.line(6) == "xxxxxNEEDL")
        #expect(buf.line(7) == "E tail")
        #expect(buf[5, 6].style == theme[.searchMatch])
        #expect(buf[0, 7].style == theme[.searchMatch])
        #expect(buf[4, 6].style != theme[.searchMatch])
        // G: the last row at the bottom.
        pane.scrollToBottom(height: 8)
        #expect(pane.top == pane.rowCount - 8)
        #expect(paint(pane, width: 10, height: 8).line(7) == "line 29")
        // Unwrapping keeps the line at the top.
        pane.scroll(by: -(pane.top - 22), height: 8)  // row 22: inside line 20
        pane.setWrap(width: nil)
        #expect(pane.top == 20)
    }

    // MARK: Prompt

    /// 500 clusters mixing ASCII, a wide character, a combining accent and a flag.
    static let long: String = {
        let units = ["a", "界", "e\u{301}", "b", "🇩🇪", "c", "d"]
        return (0..<500).map { units[$0 % units.count] + ($0 % 50 == 49 ? "|" : "") }.joined()
    }()

    func promptLine(_ ed: LineEditor, width: Int = 20) -> (line: String, cursorX: Int?, cursorText: String, buf: CellBuffer) {
        var buf = CellBuffer(size: Size(width: width, height: 1))
        ed.paint(into: &buf, Rect(x: 0, y: 0, width: width, height: 1), theme: theme)
        var cursorX: Int?
        var text = ""
        for x in 0..<width where buf[x, 0].width != 0 && buf[x, 0].style.attrs.contains(.reverse) {
            #expect(cursorX == nil, "one cursor cell")
            cursorX = x
            text = buf[x, 0].text
            #expect(x + Int(buf[x, 0].width) <= width, "the cursor's cluster is whole on screen")
        }
        return (buf.line(0), cursorX, text, buf)
    }

    @Test func aLongPromptScrollsSoTheCursorIsAlwaysOnScreen() {
        var ed = LineEditor(prefix: "/", text: Self.long)
        let clusters = Array(Self.long)
        // At the end: the last clusters, hidden text marked on the left, the cursor after them.
        var p = promptLine(ed)
        #expect(p.line.hasPrefix("/«"))
        #expect(p.cursorX != nil && p.cursorText == " ")
        #expect(Self.long.hasSuffix(String(p.line.dropFirst(2))))
        // Every position from the end to the start, one Left at a time.
        for pos in stride(from: clusters.count - 1, through: 0, by: -1) {
            _ = ed.handle(.left)
            #expect(ed.cursor == pos)
            p = promptLine(ed)
            #expect(p.cursorX != nil, "cursor on screen at \(pos)")
            #expect(p.cursorText == String(clusters[pos]), "cursor on cluster \(pos)")
            var shown = Substring(p.line.dropFirst())
            if shown.hasPrefix("«") { shown = shown.dropFirst() }
            // A wide cluster that does not fit before `»` leaves a blank cell.
            if shown.hasSuffix("»") { shown = shown.dropLast() }
            while shown.hasSuffix(" ") { shown = shown.dropLast() }
            #expect(Self.long.contains(shown), "what shows is a piece of the line at \(pos)")
            // The first 14 clusters take 18 cells: with the cursor's, the 19 after "/" are full.
            #expect(p.line.hasPrefix("/«") == (pos >= 14), "left sign at \(pos)")
        }
        // At the start: no left sign, the right one, the line from its beginning.
        #expect(p.line.hasPrefix("/a界"))
        #expect(p.line.hasSuffix("»"))
        // Home / End jump, and the cursor shows at both.
        _ = ed.handle(.end)
        #expect(promptLine(ed).cursorText == " ")
        _ = ed.handle(.home)
        #expect(promptLine(ed).cursorX == 1)
    }

    @Test func aShortPromptIsDrawnAsBefore() {
        let ed = LineEditor(prefix: ":", text: "e\u{301}界")
        let p = promptLine(ed)
        #expect(p.line == ":e\u{301}界")
        #expect(p.cursorX == 4)
        let w = LineEditor.window(widths: Array(repeating: 1, count: 30), cursor: 30, columns: 10)
        #expect(w.lo == 22 && w.hi == 30 && w.left && !w.right)
    }
}
