import TerminalUI
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

@Suite struct NumericKeyTests {
    @Test func compactRatesAndUnitsSortByValue() {
        #expect(TableScreen.numericKey("1.2k") == 1_200)
        #expect(TableScreen.numericKey("12.5KiB") == 12_800)
        #expect(TableScreen.numericKey("3MiB") == 3_145_728)
        #expect(TableScreen.numericKey("128Mi") == 134_217_728)
        #expect(TableScreen.numericKey("512B") == 512)
        #expect(TableScreen.numericKey("2 (reset)") == 2)
        #expect(TableScreen.numericKey("3.5ms") == 3.5)
        #expect(TableScreen.numericKey("0.3") == 0.3)
        #expect(TableScreen.numericKey("-4.25") == -4.25)
        #expect(TableScreen.numericKey("1e3") == 1_000)
        #expect(TableScreen.numericKey("12345678901234567890123") == 1.2345678901234567890123e22)
        #expect(TableScreen.numericKey("-") == -Double.infinity)
        #expect(TableScreen.numericKey("") == -Double.infinity)
        let below = TableScreen.numericKey("<0.01")
        #expect(below > 0 && below < 0.01)
        let t = Table(columns: [Table.Column("RQ/S", numeric: true)], rows: [["12k"], ["500"], ["-"], ["<0.01"], ["1.2k"], ["0"], ["0.5"]].map { $0 })
        #expect(TableScreen.sortedOrder(t, column: 0, ascending: true).map { t.rows[$0][0] } == ["-", "0", "<0.01", "0.5", "500", "1.2k", "12k"])
    }
}

/// The radix path (runs over 256 rows) against a plain comparison sort.
@Suite struct RadixSortTests {
    static func table(rows: Int) -> Table {
        var g = SystemRandomNumberGenerator()
        let prefixes = ["reviews-v", "ratings-v", "details-", "productpage-", "reviews-v1-long-common-prefix-", ""]
        let numbers = ["-", "0", "<0.01", "0.5", "1.2k", "12k", "500", "3 (reset)", "-2.5", "12.5KiB"]
        return Table(columns: [Table.Column("NAME"), Table.Column("RATE", numeric: true)], rows: (0..<rows).map { _ in
            let p = prefixes[Int.random(in: 0..<prefixes.count, using: &g)]
            let name = p + String(Int.random(in: 0..<(rows / 3), using: &g))
            let n = Bool.random(using: &g) ? numbers[Int.random(in: 0..<numbers.count, using: &g)] : String(Double(Int.random(in: -50...5000, using: &g)) / 10)
            return [name, n]
        })
    }

    @Test func textMatchesAComparisonSortBothWays() {
        let t = Self.table(rows: 5_000)
        for ascending in [true, false] {
            let expected = t.rows.indices.sorted { a, b in
                let x = Array(t.rows[a][0].utf8), y = Array(t.rows[b][0].utf8)
                if x != y { return ascending ? x.lexicographicallyPrecedes(y) : y.lexicographicallyPrecedes(x) }
                return a < b
            }
            #expect(TableScreen.sortedOrder(t, column: 0, ascending: ascending) == expected)
        }
    }

    @Test func numbersMatchAComparisonSortBothWays() {
        let t = Self.table(rows: 5_000)
        let keys = t.rows.map { TableScreen.numericKey($0[1]) }
        for ascending in [true, false] {
            let expected = t.rows.indices.sorted { a, b in
                keys[a] != keys[b] ? (ascending ? keys[a] < keys[b] : keys[a] > keys[b]) : a < b
            }
            #expect(TableScreen.sortedOrder(t, column: 1, ascending: ascending) == expected)
        }
    }

    @Test func radixOrderIsStableAndUsesTheSecondaryKey() {
        #expect(RadixOrder.order(keys: [30, 10, 20, 10]) == [1, 3, 2, 0])
        #expect(RadixOrder.order(keys: [5, 5, 1], then: [2, 1, 0]) == [2, 1, 0])
        #expect(RadixOrder.order(keys: []) == [])
        let doubles: [Double] = [3, -1, 0, -Double.infinity, 2.5, -0.5, 1e300]
        let order = RadixOrder.order(keys: doubles.map(RadixOrder.key)).map { doubles[Int($0)] }
        #expect(order == doubles.sorted())
    }
}

@Suite struct IncrementalFilterTests {
    /// Each keystroke that extends the text scans only the rows kept so far; the result is
    /// the same as filtering the whole table at once, in the sorted order.
    @Test func typingOnMatchesAFreshFilter() throws {
        let table = RadixSortTests.table(rows: 3_000)
        let spec = TableViewSpec(name: "t", title: "T") { _ in ViewTable(table) }
        var typed = TableScreen(spec: spec, data: SourceData(name: "test"))
        typed.sort(by: 1, ascending: false)
        var fresh = typed
        let text = "reviews-v1"
        for n in 1...text.count { typed.setFilter(try TextMatcher(String(text.prefix(n)))) }
        fresh.setFilter(try TextMatcher(text))
        #expect(!typed.order.isEmpty && typed.order.count < table.rows.count)
        #expect(typed.order == fresh.order)
        // A shorter text (Backspace) or an inverted one scans the whole table again.
        typed.setFilter(try TextMatcher("reviews-v"))
        fresh.setFilter(try TextMatcher("reviews-v"))
        #expect(typed.order == fresh.order && typed.order.count > 0)
        typed.setFilter(try TextMatcher("!reviews-v1"))
        #expect(typed.order.count == table.rows.filter { !$0[0].contains("reviews-v1") }.count)
        // A refresh builds a new table with its own index, which nothing builds on the
        // refresh unless a filter is kept (the runtime prepares it in the background).
        typed.setFilter(nil)
        let refreshed = TableScreen(spec: spec, data: SourceData(name: "test")).carrying(typed)
        #expect(refreshed.rowIndex.count == table.rows.count && !refreshed.rowIndex.started)
        typed.setFilter(try TextMatcher("reviews"))
        let refiltered = TableScreen(spec: spec, data: SourceData(name: "test")).carrying(typed)
        #expect(refiltered.rowIndex.ready != nil && refiltered.order == typed.order)
    }
}
