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
        let names = t.widget.allColumns.map { t.table.columns[$0].name }
        let shown = t.widget.layout(width: h.d.state.layout.content.width - 2).map { t.table.columns[$0.column].name }
        // A name of several words (P50 MS) is found by its first.
        for name in shown { #expect(header.split(separator: " ").contains { $0.hasPrefix(name.split(separator: " ").first ?? "") }, "\(width): \(name) not in \(header)") }
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
            let all = t.widget.allColumns.count
            #expect(shown.count + hidden.right == all, "\(view) at \(width): \(shown) of \(all)")
            if hidden.right > 0 {
                #expect(bottom.contains("+\(hidden.right) col\(hidden.right == 1 ? "" : "s") →"), "\(view) at \(width): \(bottom)")
            } else {
                #expect(!bottom.contains("→"), "\(view) at \(width): \(bottom)")
            }
        }
    }

    /// At 120 columns `:proxies` shows every proxy's NAME whole (the demo's longest is a
    /// gateway's, 49 characters): the columns outside its priority list (ECDS's neighbours
    /// the ambient types, ISTIOD, VERSION) make room and are announced, where NAME used to be
    /// cut to 18 characters beside a mostly empty ISTIOD column.
    @Test func proxiesShowTheLongestNameWholeAt120Columns() throws {
        var h = try LiveDemoData.driver(width: 120, height: 40)
        try h.command("proxies")
        let t = try #require(h.d.table)
        // The longest name among the proxies istiod lists: the input, not the table.
        let names = try #require(h.d.state.data.proxyStatus).map { "\($0.proxyID)" }
        let longest = try #require(names.max { $0.count < $1.count })
        #expect(longest.count > 40)
        #expect(h.d.screen.lines.contains { $0.contains("│ \(longest) ") }, "\(longest) cut")
        // What made room is announced, and none of it is a column :proxies keeps.
        let inner = h.d.state.layout.content.width - 2
        let shown = Set(t.widget.layout(width: inner).map { t.table.columns[$0.column].name })
        let hidden = t.widget.hiddenColumns(width: inner).right
        #expect(hidden > 0 && Self.frame(h).bottom.contains("+\(hidden) cols →"))
        for name in MeshViews.proxyColumns where t.table.columns.contains(where: { $0.name == name }) {
            #expect(shown.contains(name), "\(name) hidden")
        }
        // At 100 columns the name cannot be whole even beside the kept columns alone: the
        // others are not hidden for a name that is cut anyway.
        var narrow = try LiveDemoData.driver(width: 100, height: 40)
        try narrow.command("proxies")
        let n = try #require(narrow.d.table)
        let nShown = n.widget.layout(width: narrow.d.state.layout.content.width - 2).map { n.table.columns[$0.column].name }
        #expect(nShown.contains("ECDS") && !narrow.d.screen.lines.contains { $0.contains("│ \(longest) ") }, "\(nShown)")
    }

    /// A column shown at some width is never dropped silently at a narrower one. Wide-only
    /// columns go first when space is short (is160's Listeners LISTENER, CHAIN and STATE at
    /// 60 columns; its Clusters STATE and TLS at 140; `:pods`' IP, NODE, NOMINATED NODE and
    /// READINESS GATES at 160, sorted by IP or not), but they are counted in `+N cols →` and
    /// `→` reaches each of them, without Ctrl-W.
    @Test(arguments: [60, 80, 100, 140, 160, 200])
    func wideOnlyColumnsAreAnnouncedAndScrolledTo(width: Int) throws {
        let is160 = ["config_dump.json", "clusters.txt", "stats.txt"].map { "envoy-admin/is160/\($0)" }
        var cases: [(name: String, d: Driver)] = []
        for view in ["listeners", "clusters"] {
            var d = try BoundViewTests.driver(is160, width: width, height: 15)
            d.press(.char(":"))
            d.type(view)
            d.press(.enter)
            cases.append(("is160 \(view)", d))
        }
        for sortByIP in [false, true] {
            var h = try LiveDemoData.driver(width: width, height: 15)
            try h.command("pods")
            if sortByIP {
                let ip = try #require(h.d.table?.table.columns.firstIndex { $0.name == "IP" })
                h.d.press(.char("I"))
                #expect(h.d.table?.sortColumn == ip)
            }
            cases.append(("pods\(sortByIP ? " by IP" : "")", h.d))
        }
        for (name, var d) in cases {
            let t = try #require(d.table, "\(name): no table")
            let wideOnly = t.table.columns.indices.filter { t.table.columns[$0].wideOnly }
            #expect(!wideOnly.isEmpty, "\(name) has no wide-only column")
            let inner = d.state.layout.content.width - 2
            let shown = t.widget.layout(width: inner).map(\.column)
            let hidden = t.widget.hiddenColumns(width: inner)
            #expect(hidden.left == 0 && shown.count + hidden.right == t.table.columns.count, "\(name) at \(width): \(shown.count) shown, \(hidden.right) announced of \(t.table.columns.count)")
            let bottom = d.screen.lines[d.state.layout.main.maxY - 1]
            if hidden.right > 0 {
                #expect(bottom.contains("+\(hidden.right) col\(hidden.right == 1 ? "" : "s") →"), "\(name) at \(width): \(bottom)")
            } else {
                #expect(!bottom.contains("→"), "\(name) at \(width): \(bottom)")
            }
            // → walks to every column, the wide-only ones included, and no further.
            var seen = Set(shown)
            for _ in 0..<40 {
                d.press(.right)
                seen.formUnion(d.table!.widget.layout(width: inner).map(\.column))
            }
            #expect(seen == Set(t.table.columns.indices), "\(name) at \(width): → never reaches \(Set(t.table.columns.indices).subtracting(seen).map { t.table.columns[$0].name })")
            #expect(d.table!.widget.hiddenColumns(width: inner).right == 0)
            #expect(d.table?.wide == false)
        }
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
        // Every column, the wide-only ones too: a column dropped for room is scrolled to.
        let all = Set(h.d.table!.table.visibleColumnIndices(wide: true))
        #expect(all.count > h.d.table!.table.visibleColumnIndices(wide: false).count)
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
        // On screen: `:edges` at 60 columns cuts the selected row's cells.
        var h = try LiveDemoData.driver(width: 60, height: 30)
        try h.command("edges")
        let t = try #require(h.d.table)
        let row = try #require(t.selectedRow)
        let width = h.d.state.layout.content.width - 2
        let cut = t.widget.layout(width: width).filter { $0.column < row.count && DisplayWidth.of(row[$0.column]) > $0.width }
        let first = try #require(cut.first, "nothing is cut at 60 columns")
        let expected = "\(t.table.columns[first.column].name): \(row[first.column])"
        #expect(Self.frame(h).bottom.contains(String(expected.prefix(24))), "\(Self.frame(h).bottom)")
        #expect(App.cutCells(t, width: width) == cut.map { "\(t.table.columns[$0.column].name): \(row[$0.column])" })
    }

    /// Every cut cell of the selected row, in screen order, as many whole as fit, the rest
    /// announced by `…`; the first alone (for the painter to cut) when not even it fits.
    @Test func everyCutCellIsListed() throws {
        let long = (1...3).map { String(repeating: "\($0)", count: 50) }
        let spec = TableViewSpec(name: "cut", title: "Cut", cellRole: nil, identityColumns: 1) { _ in
            ViewTable(Table(columns: [.init("A"), .init("B"), .init("C")], rows: [long, ["a", "b", "c"]]))
        }
        let t = TableScreen(spec: spec, data: .empty)
        #expect(t.widget.layout(width: 80).count == 3)
        let pairs = ["A: " + long[0], "B: " + long[1], "C: " + long[2]]
        #expect(App.cutCells(t, width: 80) == pairs)
        #expect(App.cutCell(t, width: 80, room: 1_000) == pairs.joined(separator: " · "))
        #expect(App.cutCell(t, width: 80, room: 53 + 3 + 53) == pairs[0] + " · " + pairs[1])
        #expect(App.cutCell(t, width: 80, room: 53 + 3 + 53 + 2) == pairs[0] + " · " + pairs[1] + " …")
        #expect(App.cutCell(t, width: 80, room: 55) == pairs[0] + " …")
        #expect(App.cutCell(t, width: 80, room: 5) == pairs[0])
        // A wide enough screen cuts nothing.
        #expect(App.cutCell(t, width: 200, room: 1_000) == nil)
    }

    @Test func defaultPriorityIsNameThenProblemsThenIdentity() {
        let spec = TableViewSpec(name: "x", title: "X", identityColumns: 2, nameColumn: 1) { _ in ViewTable(Table(columns: [])) }
        let table = Table(columns: [.init("NAMESPACE"), .init("NAME"), .init("AGE"), .init("STATUS"), .init("NODE")])
        #expect(spec.columnPriority(table) == [1, 3, 0])
        #expect(spec.keeping(["NODE", "NOPE", "NAME"]).columnPriority(table) == [4, 1])
    }
}
