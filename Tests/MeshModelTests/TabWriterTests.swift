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
}
