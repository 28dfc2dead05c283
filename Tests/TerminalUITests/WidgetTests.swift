import MeshBase
import Testing
@testable import TerminalUI

@Suite struct WidgetTests {
    let theme = Theme.defaultDark

    func table() -> Table {
        Table(columns: [.init("NAME"), .init("PORT", numeric: true), .init("NODE", wideOnly: true)],
              rows: [["web", "80", "node-1"], ["api-gateway", "8080", "node-2"], ["db", "5432", "node-3"]])
    }

    func render(_ paint: (inout CellBuffer) -> Void, width: Int, height: Int) -> CellBuffer {
        var buf = CellBuffer(size: Size(width: width, height: height))
        paint(&buf)
        return buf
    }

    @Test func tableWithRoomShowsWideColumnsAndRightAlignsNumbers() {
        var w = TableWidget(table: table())
        w.selected = 1
        w.sortColumn = 1
        w.ascending = false
        let buf = render({ w.paint(into: &$0, Rect(x: 0, y: 0, width: 30, height: 5), theme: theme) }, width: 30, height: 5)
        #expect(buf.lines == [
            "NAME         PORT↓  NODE",
            "web             80  node-1",
            "api-gateway   8080  node-2",
            "db            5432  node-3",
            "",
        ])
        // The selected row is painted in the selection style across the whole width.
        #expect(buf[0, 2].style == theme[.tableSelected])
        #expect(buf[29, 2].style == theme[.tableSelected])
        #expect(buf[0, 1].style == theme[.tableRow])
        #expect(buf[17, 0].style == theme[.tableSortMarker])
        #expect(buf[13, 0].style == theme[.tableHeader])
    }

    @Test func narrowTerminalDropsColumnsFromTheRightBeforeCuttingNamesToStubs() {
        let long = Table(columns: [Table.Column("SERVICE FQDN"), Table.Column("SUBSET"), Table.Column("DESTINATION RULE"), Table.Column("PORT", numeric: true)], rows: [
            ["outbound|9080||reviews.bookinfo.svc.cluster.local", "v1", "reviews.bookinfo", "9080"],
            ["outbound|9080||ratings.bookinfo.svc.cluster.local", "-", "-", "9080"],
        ])
        let w = TableWidget(table: long)
        // 80 columns hold all four (names shrink, but not below 16 cells).
        #expect(w.layout(width: 80).map(\.column) == [0, 1, 2, 3])
        #expect(w.layout(width: 80).allSatisfy { $0.width >= min(w.widths[$0.column], 12) })
        // 44 columns cannot hold four readable columns: the rightmost go, the name stays readable.
        let narrow = w.layout(width: 44)
        #expect(narrow.map(\.column) == [0, 1, 2])
        #expect(narrow[0].width >= 13)
        #expect(narrow[2].width == 17)
        #expect(narrow.reduce(0) { $0 + $1.width } + w.gap * (narrow.count - 1) <= 44)
    }

    @Test func narrowTableDropsWideOnlyColumnsThenTruncates() {
        let w = TableWidget(table: table())
        let buf = render({ w.paint(into: &$0, Rect(x: 0, y: 0, width: 14, height: 4), theme: theme) }, width: 14, height: 4)
        #expect(buf.lines == [
            "NAME      PORT",
            "web         80",
            "api-ga…   8080",
            "db        5432",
        ])
    }

    @Test func tableScrollsToKeepTheSelectionVisible() {
        let rows = (0..<50).map { ["row-\($0)", "\($0)"] }
        var w = TableWidget(table: Table(columns: [.init("NAME"), .init("N", numeric: true)], rows: rows))
        w.selected = 30
        let buf = render({ w.paint(into: &$0, Rect(x: 0, y: 0, width: 20, height: 6), theme: theme) }, width: 20, height: 6)
        #expect(buf.line(1) == "row-26  26")
        #expect(buf.line(5) == "row-30  30")
    }

    @Test func filterMatchesAreHighlighted() throws {
        var w = TableWidget(table: table())
        w.highlight = try TextMatcher("gate")
        w.selected = 0
        let buf = render({ w.paint(into: &$0, Rect(x: 0, y: 0, width: 30, height: 4), theme: theme) }, width: 30, height: 4)
        #expect(buf[4, 2].style == theme[.tableMatch])   // "api-[gate]way"
        #expect(buf[7, 2].style == theme[.tableMatch])
        #expect(buf[8, 2].style == theme[.tableRow])
        #expect(buf[3, 2].style == theme[.tableRow])
    }

    @Test func wideCharactersInCellsKeepColumnsAligned() {
        let t = Table(columns: [.init("NAME"), .init("X")], rows: [["日本", "1"], ["ab", "2"]])
        let w = TableWidget(table: t)
        let buf = render({ w.paint(into: &$0, Rect(x: 0, y: 0, width: 12, height: 3), theme: theme) }, width: 12, height: 3)
        #expect(buf.lines == ["NAME   X", "日本   1", "ab     2"])
    }

    @Test func tabsHintsAndSparkline() {
        let buf = render({ b in
            TabsBar(titles: ["JSON", "YAML"], active: 1).paint(into: &b, Rect(x: 0, y: 0, width: 30, height: 1), theme: theme)
            HintsBar([("enter", "view"), ("/", "filter"), ("?", "help")]).paint(into: &b, Rect(x: 0, y: 1, width: 30, height: 1), theme: theme)
        }, width: 30, height: 2)
        #expect(buf.lines == [" 1 JSON   2 YAML", "enter view  / filter  ? help"])
        #expect(buf[10, 0].style == theme[.tabActive])
        #expect(buf[1, 0].style == theme[.tabInactive])
        #expect(Sparkline.text([0, 1, 2, 4, 8], width: 5) == "▁▂▃▅█")
        // Bars start at zero: a steady rate is a full bar, silence is the lowest.
        #expect(Sparkline.text([3, 3, 3], width: 5) == "███")
        #expect(Sparkline.text([0, 0], width: 5) == "▁▁")
        #expect(Sparkline.text([1, 2, 3, 4, 5, 6, 7, 8], width: 3) == "▆▇█")
    }

    @Test func boxDialogAndHelp() {
        let buf = render({ b in
            Dialog(title: " Quit ", message: ["Leave meshscope?"]).paint(into: &b, Rect(x: 0, y: 0, width: 30, height: 9), theme: theme)
        }, width: 30, height: 9)
        #expect(buf.lines == [
            "",
            "    ┌─────── Quit ───────┐",
            "    │                    │",
            "    │  Leave meshscope?  │",
            "    │                    │",
            "    │  <y> yes   <n> no  │",
            "    └────────────────────┘",
            "",
            "",
        ])
        let help = HelpOverlay(sections: [("Navigation", [("j/↓", "down"), ("k/↑", "up")]), ("General", [("?", "help")])])
        let hb = render({ help.paint(into: &$0, Rect(x: 0, y: 0, width: 40, height: 12), theme: theme) }, width: 40, height: 12)
        #expect(hb.text.contains("│ Navigation"))
        #expect(hb.text.contains("│ j/↓  down"))
        #expect(hb.text.contains("│ ?    help"))
    }

    @Test func lineEditorEditsAndCompletes() {
        var ed = LineEditor(prefix: ":")
        ed.completions = ["sections", "resources", "res", "quit"]
        _ = ed.handle(.char("s"))
        #expect(ed.suggestion == "sections")
        _ = ed.handle(.tab)
        #expect(ed.text == "sections")
        _ = ed.handle(.ctrl("u"))
        #expect(ed.text == "")
        for c in "re" { _ = ed.handle(.char(c)) }
        #expect(ed.suggestion == "resources")
        #expect(ed.matchingCompletions == ["resources", "res"])
        _ = ed.handle(.tab)   // what is shown is what Tab gives
        #expect(ed.text == "resources")
        _ = ed.handle(.left)
        _ = ed.handle(.backspace)
        #expect(ed.text == "resourcs")
        _ = ed.handle(.ctrl("w"))
        #expect(ed.text == "s")
        #expect(ed.handle(.enter) == .submit("s"))
        #expect(ed.handle(.escape) == .cancel)
        var buf = CellBuffer(size: Size(width: 20, height: 1))
        var ed2 = LineEditor(prefix: ":")
        ed2.completions = ["sections"]
        _ = ed2.handle(.char("s"))
        ed2.paint(into: &buf, Rect(x: 0, y: 0, width: 20, height: 1), theme: theme)
        #expect(buf.line(0) == ":sections")
        #expect(buf[2, 0].style == theme[.promptCompletion].with(attrs: .reverse))
        #expect(buf[3, 0].style == theme[.promptCompletion])
    }

    @Test func textPaneSearch() throws {
        var pane = TextPaneState(text: (0..<40).map { "line \($0)" }.joined(separator: "\n"))
        pane.search(try TextMatcher("line 3\\d"))
        #expect(pane.matchLines == Array(30...39))
        #expect(pane.top == 28)
        pane.nextMatch()
        #expect(pane.top == 29)
        pane.nextMatch(forward: false)
        pane.nextMatch(forward: false)
        #expect(pane.top == 37)  // wrapped to the last match (39)
        let buf = {
            var b = CellBuffer(size: Size(width: 12, height: 3))
            TextPaneWidget(state: pane).paint(into: &b, Rect(x: 0, y: 0, width: 12, height: 3), theme: theme)
            return b
        }()
        #expect(buf.lines == ["line 37", "line 38", "line 39"])
        #expect(buf[0, 2].style == theme[.searchMatch])
    }

    @Test func textMatcher() throws {
        let m = try TextMatcher("Outbound")
        #expect(m.accepts("OUTBOUND|80||x"))
        #expect(!m.accepts("inbound"))
        let inv = try TextMatcher("!outbound")
        #expect(inv.accepts("inbound|8080"))
        #expect(!inv.accepts("outbound|80"))
        let re = try TextMatcher("^10\\.[0-9]+")
        #expect(re.ranges(in: "10.44.0.1").count == 1)
        #expect(throws: TextMatcher.InvalidPattern.self) { try TextMatcher("a(b") }
    }
}
