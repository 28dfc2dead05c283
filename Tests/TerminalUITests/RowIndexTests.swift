import Testing
@testable import TerminalUI

/// The filter index: one lowercased buffer, rows separated by newlines, cells by spaces.
@Suite struct RowIndexTests {
    @Test func textIsLowercasedJoinedAndSafe() {
        let rows = [["Reviews-V1", "BookInfo"], ["multi\nline", "日本語", ""], [], ["x"]]
        let index = RowIndex(rows: rows)
        #expect(index.count == 4)
        #expect(index.text(of: 0) == "reviews-v1 bookinfo")
        // A newline inside a cell is a space (never a row separator); UTF-8 is kept as is.
        #expect(index.text(of: 1) == "multi line 日本語 ")
        #expect(index.text(of: 2) == "")
        #expect(index.text(of: 3) == "x")
        #expect(index.rows(containing: Array("line".utf8)) == [1])
        #expect(index.rows(containing: Array("reviews-v1 book".utf8)) == [0])
        #expect(index.rows(containing: Array("日本".utf8)) == [1])
        // Candidates in any order come back in that order, non-matches dropped.
        #expect(index.rows([3, 1, 0], containing: Array("i".utf8)) == [1, 0])
        #expect(index.rows([], containing: Array("i".utf8)) == [])
        #expect(RowIndex(rows: []).count == 0)
    }
}
