import Testing
@testable import MeshModel

@Suite struct TabWriterTests {
    @Test func padsLikeGoTabwriter() {
        let t = TabWriter(padding: 5).format([["NAME", "TYPE", "DR"], ["cluster/agent", "STATIC", ""]])
        #expect(t == "NAME              TYPE       DR\ncluster/agent     STATIC     \n")
    }

    @Test func columnBlocksEndAtShorterLines() {
        let t = TabWriter(padding: 1).format([["a", "b"], ["long-cell", "c"], ["x"], ["y", "z"]])
        #expect(t == "a         b\nlong-cell c\nx\ny z\n")
    }

    @Test func wideColumnsOnlyWithWide() {
        var table = Table(columns: [.init("NAME"), .init("NODE", wideOnly: true), .init("PORT")], layout: TabWriter(padding: 1))
        table.rows = [["web", "n1", "80"]]
        #expect(table.render() == "NAME PORT\nweb  80\n")
        #expect(table.render(wide: true) == "NAME NODE PORT\nweb  n1   80\n")
    }

    /// A column that qualifies the narrow ones goes before the wide-only ones, a cell per row.
    @Test func insertBeforeWideOnly() {
        var table = Table(columns: [.init("NAME"), .init("NODE", wideOnly: true)], layout: TabWriter(padding: 1))
        table.rows = [["web", "n1"], ["db", "n2"]]
        table.insertBeforeWideOnly(.init("P50", numeric: true), cells: ["12", "7"])
        table.insertBeforeWideOnly(.init("P99", numeric: true), cells: ["40"])
        #expect(table.columns.map(\.name) == ["NAME", "P50", "P99", "NODE"])
        #expect(table.render(wide: true) == "NAME P50 P99 NODE\nweb  12  40  n1\ndb   7       n2\n")
        var narrow = Table(columns: [.init("NAME")])
        narrow.rows = [["web"]]
        narrow.insertBeforeWideOnly(.init("TREND"), cells: ["▁█"])
        #expect(narrow.rows == [["web", "▁█"]])
    }
}
