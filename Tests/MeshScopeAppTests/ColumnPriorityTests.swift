import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// Columns never vanish silently: the identity and problem columns stay longest, the frame
/// says how many are off screen, ←/→ scroll a column at a time, Ctrl-W shows every column
/// whole, and the selected row's cut cell is written whole on the frame's edge.
@Suite struct ColumnPriorityTests {
    /// The header line of the table on screen and the frame's bottom edge.
    static func frame(_ h: LiveDriverHarness) -> (header: String, bottom: String) {
        let lines = h.d.screen.lines
        let layout = h.d.state.layout
        return (lines[layout.content.y], lines[layout.main.maxY - 1])
    }

    @Test(arguments: [60, 80, 100, 120, 200])
    func edgesKeepSourceDestinationAndSecurity(width: Int) throws {
        var h = try LiveDemoData.driver(width: width, height: 30)
        try h.command("edges")
        let t = try #require(h.d.table)
        let (header, bottom) = Self.frame(h)
        let names = t.widget.candidateColumns(width: h.d.state.layout.content.width - 2).map { t.table.columns[$0].name }
        // A name of several words (P50 MS) is found by its first.
        let shown = names.filter { n in header.split(separator: " ").contains { $0.hasPrefix(n.split(separator: " ").first ?? "") } }
        for name in ["SOURCE", "DESTINATION", "SECURITY"] { #expect(shown.contains(name), "\(width): \(header)") }
        let hidden = t.widget.hiddenColumns(width: h.d.state.layout.content.width - 2)
        #expect(hidden.left == 0)
        #expect(shown.count + hidden.right == names.count, "\(width): \(shown) of \(names)")
        if hidden.right > 0 {
            #expect(bottom.contains("+\(hidden.right) col\(hidden.right == 1 ? "" : "s") →"), "\(width): \(bottom)")
        } else {
            #expect(!bottom.contains("→"))
        }
        if width <= 100 { #expect(hidden.right > 0) }
    }

    /// The views k9s users open first keep the row's name and its problem column at every
    /// width, and say how many columns are off screen.
    @Test(arguments: [60, 80, 100, 120, 200])
    func podsProxiesAndServicesKeepNameAndTheirProblemColumns(width: Int) throws {
        for (view, keep) in [("pods", ["NAME", "STATUS", "SYNC"]), ("proxies", ["NAME", "CDS", "LDS"]), ("svc", ["NAME", "ENDPOINTS"])] {
            var h = try LiveDemoData.driver(width: width, height: 30)
            try h.command(view)
            let t = try #require(h.d.table)
            let (header, bottom) = Self.frame(h)
            let inner = h.d.state.layout.content.width - 2
            let shown = t.widget.layout(width: inner).map { t.table.columns[$0.column].name }
            let words = header.split(separator: " ").map(String.init)
            for name in keep {
                #expect(shown.contains(name) && words.contains { $0.hasPrefix(name) }, "\(view) at \(width): \(name) not in \(header)")
            }
            let hidden = t.widget.hiddenColumns(width: inner)
            let all = t.widget.candidateColumns(width: inner).count
            #expect(shown.count + hidden.right == all, "\(view) at \(width): \(shown) of \(all)")
            if hidden.right > 0 {
                #expect(bottom.contains("+\(hidden.right) col\(hidden.right == 1 ? "" : "s") →"), "\(view) at \(width): \(bottom)")
            } else {
                #expect(!bottom.contains("→"), "\(view) at \(width): \(bottom)")
            }
        }
    }

    /// At 120 columns `:proxies` draws NAME whole: the mostly empty ISTIOD and VERSION columns
    /// (lower priority) give their width first.
    @Test func proxiesNameIsWholeAt120Columns() throws {
        var h = try LiveDemoData.driver(width: 120, height: 30)
        try h.command("proxies")
        let t = try #require(h.d.table)
        let w = t.widget
        let name = try #require(t.table.columns.firstIndex { $0.name == "NAME" })
        let drawn = try #require(w.layout(width: h.d.state.layout.content.width - 2).first { $0.column == name })
        #expect(drawn.width == w.widths[name], "NAME drawn \(drawn.width) of \(w.widths[name])")
        let longest = t.table.rows.map { $0[name] }.max { $0.count < $1.count } ?? ""
        #expect(h.d.screen.lines.contains { $0.contains(longest) } || !t.order.prefix(20).contains { t.table.rows[$0][name] == longest })
    }

    @Test func scrollAndWideShowEveryColumn() throws {
        var h = try LiveDemoData.driver(width: 80, height: 30)
        try h.command("edges")
        let width = h.d.state.layout.content.width - 2
        let before = try #require(h.d.table?.widget.hiddenColumns(width: width))
        #expect(before.right > 0)
        var seen = Set(h.d.table!.widget.layout(width: width).map(\.column))
        for _ in 0..<20 {
            h.d.press(.right)
            seen.formUnion(h.d.table!.widget.layout(width: width).map(\.column))
        }
        // Every column but the wide-only ones (Ctrl-W brings those).
        let all = Set(h.d.table!.table.visibleColumnIndices(wide: false))
        #expect(seen == all)
        let end = h.d.table!.widget.hiddenColumns(width: width)
        #expect(end.right == 0 && end.left > 0)
        #expect(Self.frame(h).bottom.contains("← \(end.left) ·"))
        // The first column (SOURCE) stays while scrolling.
        #expect(Self.frame(h).header.hasPrefix("│ SOURCE"))
        for _ in 0..<20 { h.d.press(.left) }
        #expect(h.d.table?.firstColumn == 0)
        // Wide: no cell is cut; the rest is scrolled to.
        h.d.press(.ctrl("w"))
        #expect(h.d.table?.wide == true)
        let w = h.d.table!.widget
        for (c, cw) in w.layout(width: width) { #expect(cw == w.widths[c], "column \(c) cut in wide mode") }
        #expect(Self.frame(h).bottom.contains("wide ·"))
        var wideSeen = Set<Int>()
        for _ in 0..<30 {
            wideSeen.formUnion(h.d.table!.widget.layout(width: width).map(\.column))
            h.d.press(.right)
        }
        #expect(wideSeen == Set(h.d.table!.table.visibleColumnIndices(wide: true)))
        h.d.press(.ctrl("w"))
        #expect(h.d.table?.wide == false)
    }

    @Test func theSelectedRowsCutCellsAreShownWhole() throws {
        var h = try LiveDemoData.driver(width: 80, height: 30)
        try h.command("edges")
        let t = try #require(h.d.table)
        let row = try #require(t.selectedRow)
        let width = h.d.state.layout.content.width - 2
        let cut = t.widget.layout(width: width).filter { $0.column < row.count && DisplayWidth.of(row[$0.column]) > $0.width }
        #expect(cut.count >= 2, "fewer than two cells cut at 80 columns")
        let pairs = cut.map { "\(t.table.columns[$0.column].name): \(row[$0.column])" }
        let bottom = Self.frame(h).bottom
        #expect(bottom.contains(String(pairs[0].prefix(30))), "\(bottom)")
        // Every cut cell, in screen order, as many as fit; the rest announced by `…`.
        #expect(App.cutCells(t, width: width) == pairs)
        let all = App.cutCell(t, width: width, room: 10_000)
        #expect(all == pairs.joined(separator: " · "))
        let two = DisplayWidth.of(pairs[0]) + 3 + DisplayWidth.of(pairs[1])
        #expect(App.cutCell(t, width: width, room: two) == pairs[0] + " · " + pairs[1])
        if pairs.count > 2 { #expect(App.cutCell(t, width: width, room: two + 2) == pairs[0] + " · " + pairs[1] + " …") }
        #expect(App.cutCell(t, width: width, room: DisplayWidth.of(pairs[0]) + 2) == pairs[0] + " …")
        // Not even the first fits: it alone, for the painter to cut.
        #expect(App.cutCell(t, width: width, room: 5) == pairs[0])
        if DisplayWidth.of(pairs[0]) + 3 + DisplayWidth.of(pairs[1]) < width - 30 {
            #expect(bottom.contains(pairs[0] + " · " + String(pairs[1].prefix(5))), "\(bottom)")
        }
    }

    @Test func defaultPriorityIsNameThenProblemsThenIdentity() {
        let spec = TableViewSpec(name: "x", title: "X", identityColumns: 2, nameColumn: 1) { _ in ViewTable(Table(columns: [])) }
        let table = Table(columns: [.init("NAMESPACE"), .init("NAME"), .init("AGE"), .init("STATUS"), .init("NODE")])
        #expect(spec.columnPriority(table) == [1, 3, 0])
        #expect(spec.keeping(["NODE", "NOPE", "NAME"]).columnPriority(table) == [4, 1])
    }
}
