import MeshModel
import Testing
@testable import MeshScopeApp

@Suite struct TableSortTests {
    let table = Table(columns: [Table.Column("NAME"), Table.Column("RPS", numeric: true)], rows: [
        ["reviews-v2", "3.5"], ["details", "-"], ["reviews-v10-long-name", "12"], ["ratings", "3.5"],
        ["reviews-v1", "0"], ["productpage", "12"], ["reviews-v10-long-name", "1"], ["é-unicode", "2"],
    ])

    @Test func textSortUsesBytesAndKeepsTableOrderOnTies() {
        let up = TableScreen.sortedOrder(table, column: 0, ascending: true).map { table.rows[$0][0] }
        #expect(up == ["details", "productpage", "ratings", "reviews-v1", "reviews-v10-long-name", "reviews-v10-long-name", "reviews-v2", "é-unicode"])
        let upIdx = TableScreen.sortedOrder(table, column: 0, ascending: true)
        #expect(upIdx[4] == 2 && upIdx[5] == 6)
        let downIdx = TableScreen.sortedOrder(table, column: 0, ascending: false)
        #expect(downIdx.map { table.rows[$0][0] } == up.reversed())
        // Ties keep table order descending too (not the reverse of ascending).
        #expect(downIdx[2] == 2 && downIdx[3] == 6)
    }

    @Test func numericSortOrdersByValueWithDashesFirst() {
        let up = TableScreen.sortedOrder(table, column: 1, ascending: true).map { table.rows[$0][1] }
        #expect(up == ["-", "0", "1", "2", "3.5", "3.5", "12", "12"])
        let down = TableScreen.sortedOrder(table, column: 1, ascending: false)
        #expect(down.prefix(2) == [2, 5])
    }
}
