import Foundation
import MeshModel
import Testing
@testable import TerminalUI
@testable import MeshScopeApp

/// Problem states stand out in every theme: a plaintext edge, a pod's `EDS STALE`, a service
/// with no ready endpoint, an edge failing at the findings' error ratio are drawn in the
/// warning or error role (never the plain row colour), and an error never looks like a warning.
@Suite struct ProblemCellColourTests {
    static let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path

    /// Every bundled theme file, parsed.
    static func themes() throws -> [Theme] {
        let files = try FileManager.default.contentsOfDirectory(atPath: themesDir).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 5)
        return try files.map { f in
            let path = themesDir + "/" + f
            return try ThemeParser.parse(try String(contentsOfFile: path, encoding: .utf8), file: path, fallback: nil)
        }
    }

    /// (view, column, cell, the role it must be drawn in; nil: plain).
    static let cases: [(spec: TableViewSpec, column: String, value: String, role: Role?)] = [
        (LiveViews.edges, "SECURITY", "plaintext", .statusWarn),
        (LiveViews.edges, "SECURITY", "mTLS", nil),
        (MeshViews.edges, "SECURITY", "plaintext", .statusWarn),
        (LiveViews.pods, "SYNC", "EDS STALE", .statusError),
        (LiveViews.pods, "SYNC", "CDS STALE,EDS ERROR", .statusError),
        (LiveViews.pods, "SYNC", "RDS ERROR", .statusError),
        (LiveViews.pods, "SYNC", "NOT IN SYNCZ", .statusWarn),
        (LiveViews.pods, "SYNC", "CDS NOT SENT", .statusWarn),
        (LiveViews.pods, "SYNC", "CDS NOT SENT,EDS STALE", .statusError),
        (LiveViews.pods, "SYNC", "SYNCED", .statusOK),
        (LiveViews.pods, "SYNC", "-", nil),
        (LiveViews.services, "ENDPOINTS", "0/3", .statusError),
        (LiveViews.services, "ENDPOINTS", "0/1", .statusError),
        (LiveViews.services, "ENDPOINTS", "1/3", .statusWarn),
        (LiveViews.services, "ENDPOINTS", "3/3", nil),
        (LiveViews.services, "ENDPOINTS", "<none>", nil),
        (LiveViews.edges, "ERR%", "100", .statusError),
        (LiveViews.edges, "ERR%", "12", .statusWarn),
        (LiveViews.edges, "ERR%", "10.5", .statusWarn),
        (LiveViews.edges, "ERR%", "4.5", nil),
        (LiveViews.edges, "ERR%", "-", nil),
        (LiveViews.proxies, "EDS", "STALE (5m)", .statusError),
        (LiveViews.proxies, "CDS", "ERROR", .statusError),
    ]

    @Test func problemCellsUseTheirRoleInEveryTheme() throws {
        for theme in try Self.themes() {
            let base = theme[.tableRow]
            #expect(theme[.statusError].over(base) != theme[.statusWarn].over(base), "\(theme.name): error looks like warning")
            for (spec, column, value, role) in Self.cases {
                // The pure view: the spec's colouring painted by the table widget, the cell on a
                // row that is not selected.
                let table = Table(columns: [.init("NAME"), .init(column)], rows: [["a", value], ["b", "x"]])
                var w = TableWidget(table: table)
                w.cellRole = spec.cellRole
                w.selected = 1
                var buf = CellBuffer(size: Size(width: 40, height: 3))
                w.paint(into: &buf, Rect(x: 0, y: 0, width: 40, height: 3), theme: theme)
                let layout = w.layout(width: 40)
                try #require(layout.count == 2)
                let x = layout[0].width + w.gap
                let style = buf[x, 1].style
                let what = "\(theme.name) \(spec.name) \(column) \(value)"
                if let role {
                    #expect(style == theme[role].over(base), "\(what)")
                    if role != .statusOK { #expect(style != base, "\(what) is drawn as a plain row") }
                } else {
                    #expect(style == base, "\(what) is coloured")
                }
            }
        }
    }

    /// The demo's plaintext edge (curl-legacy → details) on screen, not only in the pure view.
    @Test func theDemosPlaintextEdgeStandsOut() throws {
        var h = try LiveDemoData.driver(width: 200, height: 40)
        try h.command("edges")
        // The cell on a row that is not the selected one (which has the selection's colours).
        if h.d.table?.selectedRow?.contains("plaintext") == true { h.d.press(.down) }
        #expect(h.d.table?.selectedRow?.contains("plaintext") == false)
        let lines = h.d.screen.lines
        let y = try #require(lines.indices.first { lines[$0].contains("curl-legacy") && lines[$0].contains("plaintext") }, "\(lines)")
        let x = try #require(lines[y].range(of: "plaintext")).lowerBound
        let column = lines[y].distance(from: lines[y].startIndex, to: x)
        #expect(h.d.screen[column, y].style == Theme.defaultDark[.statusWarn].over(Theme.defaultDark[.tableRow]))
    }

    @Test func errorPercentFollowsTheFindingsRatio() {
        // docs/findings.md, Thresholds: `--error-ratio RATIO` defaults to 0.1 (10 %).
        #expect(LiveTables.highErrorPercent == 10)
        #expect(FindingOptions().errorRatio == 0.1)
        #expect(StatusColors.role("ERR%", "9.9") == nil)
        // MS0404 fires above the ratio, not at it; so does the colour.
        #expect(StatusColors.role("ERR%", "10") == nil)
        #expect(StatusColors.role("ERR%", "10.0") == nil)
        #expect(StatusColors.role("ERR%", "10.1") == .statusWarn)
        // How the model writes 10.04 % (LiveTables.errorPercentCell) and 99.97 %.
        #expect(StatusColors.role("ERR%", "10.04") == .statusWarn)
        #expect(StatusColors.role("ERR%", "99.97") == .statusWarn)
        // A refused list and a sync state istiod could not give are problems, not plain rows.
        #expect(StatusColors.role("COUNT", "forbidden") == .statusWarn)
        #expect(StatusColors.role("SYNC", "unavailable") == .statusWarn)
        #expect(StatusColors.role("ERR%", "99") == .statusWarn)
        #expect(StatusColors.role("ERR%", "nan") == nil)
        #expect(StatusColors.role("ENDPOINTS", "3/1") == nil)
        #expect(StatusColors.role("ENDPOINTS", "0/0") == .statusWarn)
    }
}
