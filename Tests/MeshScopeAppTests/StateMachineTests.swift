import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

@Suite struct StateMachineTests {
    static let waypoint = "envoy/waypoint/config_dump.json"

    @Test func startsOnTheSectionsOfTheDump() throws {
        let d = try Driver(Self.waypoint)
        #expect(d.body == [
            "  #  SECTION        RESOURCES  VERSION                  BYTES",
            "  1  Bootstrap              1                             732",
            "  2  Clusters               3  2023-12-26T05:56:10Z/3    3729",
            "  3  Endpoints              2                            2568",
            "  4  Listeners              2  2023-12-26T05:57:39Z/1   42110",
            "  5  ScopedRoutes           0                              82",
            "  6  Routes                 1                            1309",
            "  7  Secrets                2                            5542",
        ])
        #expect(d.frameTitle.contains(" Sections[7] "))
        #expect(d.crumbs == "sections")
        #expect(d.hints == " enter view  / filter  <> sort  ←→ cols  y yaml  d describe  : cmd  esc back  ? help  ! findings")
        #expect(d.screen.lines[1].contains("Source:   file envoy/waypoint/config_dump.json (54.8 KiB)"))
        #expect(d.screen.lines[1].contains("Rows:     7"))
    }

    @Test func wideTerminalShowsWideOnlyColumns() throws {
        let d = try Driver(Self.waypoint, width: 120)
        #expect(d.body[0] == "  #  SECTION        RESOURCES  VERSION                  BYTES  TYPE")
        #expect(d.body[4] == "  4  Listeners              2  2023-12-26T05:57:39Z/1   42110  envoy.admin.v3.ListenersConfigDump")
    }

    @Test func navigationMovesAndClampsTheSelection() throws {
        var d = try Driver(Self.waypoint)
        #expect(d.table?.selected == 0)
        d.press(.char("j"), .down, .char("j"))
        #expect(d.table?.selectedRow?[1] == "Listeners")
        d.press(.char("k"))
        #expect(d.table?.selectedRow?[1] == "Endpoints")
        d.press(.end)   // G sorts in tables (k9s); End is the last row
        #expect(d.table?.selectedRow?[1] == "Secrets")
        d.press(.char("j"))
        #expect(d.table?.selectedRow?[1] == "Secrets")
        d.press(.char("g"))
        #expect(d.table?.selectedRow?[1] == "Bootstrap")
        d.press(.pageDown)
        #expect(d.table?.selectedRow?[1] == "Secrets")
        d.press(.pageUp, .end, .home)
        #expect(d.table?.selected == 0)
        // The selection bar is painted on the selected row.
        d.press(.down)
        let screen = d.screen
        let y = d.state.layout.content.y + 2
        #expect(screen[5, y].style == Theme.defaultDark[.tableSelected])
        #expect(screen[5, y - 1].style != Theme.defaultDark[.tableSelected])
    }

    @Test func filterAppliesAsYouTypeInvertsAndClears() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char("/"))
        d.type("route")
        #expect(d.table?.order.count == 2)   // Routes, ScopedRoutes
        #expect(d.screen.lines[3] == "/route")
        d.press(.enter)
        #expect(d.state.mode.isNormal)
        #expect(d.body.count == 3)
        #expect(d.body[1].contains("ScopedRoutes"))
        #expect(d.body[2].contains("Routes"))
        #expect(d.frameTitle.contains(" Sections[2/7] </route> "))
        // Regex, inverted.
        d.press(.char("/"), .ctrl("u"))
        d.type("!^[0-9]+ (c|e|l)")
        d.press(.enter)
        #expect(d.table?.order.map { d.table!.table.rows[$0][1] } == ["Bootstrap", "ScopedRoutes", "Routes", "Secrets"])
        // Esc clears the filter (and does not leave the view).
        d.press(.escape)
        #expect(d.table?.order.count == 7)
        #expect(d.state.stack.count == 1)
    }

    @Test func badRegexKeepsTheLastGoodFilterAndSaysWhy() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char("/"))
        d.type("sec")
        d.type("(")
        #expect(d.table?.order.count == 1)        // "sec" still applied
        #expect(d.screen.lines[3].contains("invalid regex"))
        d.press(.enter)
        #expect(d.state.flash?.level == .error)
        // A pattern longer than the line still shows why it is refused, beside its end.
        var long = try Driver(Self.waypoint, width: 80)
        long.press(.char("/"))
        long.type("(" + String(repeating: "x", count: 300))
        let line = long.screen.lines[3]
        #expect(line.contains("invalid regex") && line.contains("xxxx"), "\(line)")
    }

    @Test func sortByColumnAndInvert() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char(">"))   // first shown column: #
        #expect(d.table?.sortColumn == 0)
        d.press(.char(">"), .char(">"))   // SECTION, RESOURCES
        #expect(d.table?.sortColumn == 2)
        #expect(d.table?.order.map { d.table!.table.rows[$0][2] } == ["0", "1", "1", "2", "2", "2", "3"])
        d.press(.char("R"))   // Shift+R again: RESOURCES reversed
        #expect(d.table?.order.map { d.table!.table.rows[$0][2] } == ["3", "2", "2", "2", "1", "1", "0"])
        #expect(d.body[0].contains("RESOURCES↓"))
        d.press(.char(">"), .char(">"))   // VERSION, BYTES (numeric)
        #expect(d.table?.order.map { d.table!.table.rows[$0][4] } == ["82", "732", "1309", "2568", "3729", "5542", "42110"])
        d.press(.char("<"), .char("<"))
        #expect(d.table?.sortColumn == 2)
        d.press(.char("<"), .char("<"), .char("<"))   // wraps past # to the last column (shown or not)
        #expect(d.table?.sortColumn == 5)
        #expect(d.screen.lines[2].contains("Sort:     TYPE ↑"))
    }

    @Test func sortKeepsTheSelectedRow() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char("j"), .char("j"), .char("j"))   // Listeners
        d.press(.char("B"), .char("B"))  // Shift+B twice: BYTES, descending
        #expect(d.table?.selected == 0)
        #expect(d.table?.selectedRow?[1] == "Listeners")
    }

    @Test func drillIntoSectionsAndResourcesThenBack() throws {
        var d = try Driver(Self.waypoint)
        d.press(.down, .enter)   // Clusters
        #expect(d.crumbs == "sections   Clusters")
        // NAME and GROUP (the row's identity) keep their width before LAST UPDATED gives its own.
        #expect(d.body == [
            " NAME                                 GROUP                    VERSION   LAST UPDATED       BYTES",
            " agent                                static_clusters                    2023-12-26T05:5…     840",
            " prometheus_stats                     static_clusters                    2023-12-26T05:5…     862",
            " inbound-vip|8000|http|httpbin.defa…  dynamic_active_clusters            2023-12-26T05:5…    1793",
        ])
        d.press(.end, .enter)
        #expect(d.crumbs == "sections   Clusters   inbound-vip|8000|http|httpbin.default.…")
        // Detail tabs: the JSON tree first.
        #expect(d.screen.lines[d.state.layout.tabs!.y].hasPrefix("│ 1 JSON   2 YAML"))
        #expect(d.body[1] == " ▾ {")
        #expect(d.body[2] == "   ▾ \"cluster\": {")
        d.press(.tab)
        #expect(d.body[1] == " cluster:")
        #expect(d.body.contains("   name: inbound-vip|8000|http|httpbin.default.svc.cluster.local"))
        d.press(.backTab)
        d.press(.escape)
        #expect(d.crumbs == "sections   Clusters")
        #expect(d.table?.selectedRow?[0] == "inbound-vip|8000|http|httpbin.default.svc.cluster.local")
        d.press(.escape, .escape)
        #expect(d.crumbs == "sections")
        #expect(d.table?.selectedRow?[1] == "Clusters")
    }

    @Test func helpListsEveryKeyOfTheCurrentView() throws {
        var d = try Driver(Self.waypoint, width: 120, height: 60)
        d.press(.char("?"))
        #expect(d.crumbs == "sections   help")
        let text = d.helpText
        for b in Keymap.standard.table + Keymap.standard.global {
            #expect(text.contains(b.keyLabel), "help lacks \(b.keyLabel)")
            #expect(text.contains(b.help), "help lacks \(b.help)")
        }
        // Tables: G sorts, so navigation lists End alone for the last line.
        #expect(text.contains("  End "))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("  Shift-S ") && $0.hasSuffix("sort by SECTION (again: reverse)") })
        #expect(text.contains(":sections (:sec :dump)"))
        d.press(.escape)
        #expect(d.crumbs == "sections")
        // In a JSON pane, help lists the pane's keys instead of the table's.
        d.press(.down, .enter, .enter, .char("?"))
        let jsonHelp = d.helpText
        #expect(jsonHelp.contains("fold/unfold"))
        #expect(jsonHelp.contains("search keys and values (regex)"))
        #expect(!jsonHelp.contains("filter rows"))
        d.press(.char("?"))
        #expect(!d.crumbs.hasSuffix("help"))
    }

    @Test func commandModeCompletesAndSwitchesViews() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char(":"))
        d.type("re")
        // The first candidate is suggested (greyed) and Tab takes it.
        #expect(d.screen.lines[3] == ":resources")
        d.press(.tab)
        guard case .command(let ed) = d.state.mode else { Issue.record("not in command mode"); return }
        #expect(ed.text == "resources")
        d.press(.enter)
        #expect(d.crumbs == "resources")
        #expect(d.table?.table.rows.count == 11)
        #expect(d.frameTitle.contains(" Resources[11] "))
        // :sec with a filter argument.
        d.press(.char(":"))
        d.type("sec list")
        d.press(.enter)
        #expect(d.crumbs == "sections")
        #expect(d.table?.order.count == 1)
        // Unknown commands say so.
        d.press(.char(":"))
        d.type("pods")
        d.press(.enter)
        #expect(d.state.flash?.text.hasPrefix("unknown command \"pods\"") == true)
    }

    @Test func quitByCommandAndCtrlC() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char(":"), .char("q"), .enter)
        #expect(d.effects == [.quit])
        #expect(d.state.quitting)
        var d2 = try Driver(Self.waypoint)
        d2.press(.char("/"), .ctrl("c"))
        #expect(d2.effects == [.quit])
    }

    @Test func yamlOfSelectionAndCopy() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char(":"))
        d.type("resources")
        d.press(.enter)
        d.press(.char("/"))
        d.type("prometheus")
        d.press(.enter, .char("c"))
        guard case .copyToClipboard(let text) = d.effects.last else { Issue.record("no copy effect"); return }
        let doc = try JSONDocument(text)
        #expect(doc.root["cluster"]?["name"]?.string == "prometheus_stats")
        #expect(doc.root["cluster"]?["type"]?.string == "STATIC")
        #expect(doc.root["last_updated"]?.string == "2023-12-26T05:57:09.898Z")
        d.press(.char("y"))   // YAML first (k9s)
        #expect(d.frameTitle.contains(" prometheus_stats (yaml) "))
        #expect(d.body.contains("   name: prometheus_stats"))
        #expect(d.body.first == " cluster:")
        #expect(d.hints.hasPrefix(" y json  / search  c copy"))
        d.press(.char("y"))   // toggles to the JSON tree
        #expect(d.frameTitle.contains(" prometheus_stats "))
        #expect(d.body.contains("       \"name\": \"prometheus_stats\","))
    }

    @Test func jsonPaneSearchFindsFoldedValues() throws {
        var d = try Driver(Self.waypoint, width: 120, height: 40)
        d.press(.char("j"), .char("j"), .char("j"), .enter)   // Listeners
        d.press(.enter)                                       // the static listener
        d.press(.char("-"))                                   // fold everything
        #expect(d.body == [" 1 JSON   2 YAML", " ▾ {", "   ▸ \"listener\": {…} 3 keys,", "     \"last_updated\": \"2023-12-26T05:57:09.902Z\"", "   }"])
        d.press(.char("/"))
        d.type("15021")
        d.press(.enter)
        #expect(d.state.flash?.text == "1 match for 15021 (n/N)")
        guard case .json(let j)? = d.state.focused else { Issue.record("not a JSON pane"); return }
        #expect(j.pane.currentLine?.value.rawText == "15021")
        #expect(d.body.contains { $0.hasSuffix("\"port_value\": 15021") })
        let hits = j.pane.hits.count
        #expect(hits >= 1)
        d.press(.char("n"))
        guard case .json(let j2)? = d.state.focused else { return }
        #expect(j2.pane.currentHit == (hits > 1 ? 1 : 0))
    }

    @Test func spacePausesAndResizeRelayouts() throws {
        var d = try Driver(Self.waypoint)
        d.press(.char(" "))
        #expect(d.state.paused)
        #expect(d.screen.lines[0].contains("Refresh:  paused"))
        d.press(.char(" "))
        #expect(!d.state.paused)
        d.send(.input(.resize(Size(width: 60, height: 12))))
        #expect(d.screen.size == Size(width: 60, height: 12))
        #expect(d.body.count == 5)   // 12 rows: 3 header, 2 borders, crumbs, hints → 5 inside
        d.send(.input(.resize(Size(width: 30, height: 5))))
        #expect(d.screen.lines[0].hasPrefix("terminal too small (30x5)"))
    }

    @Test func reloadKeepsPlaceAndShowsFailures() throws {
        var d = try Driver(Self.waypoint)
        d.press(.down, .enter, .end)
        let data = try FileSource(path: Fixtures.path(Self.waypoint)).load()
        d.send(.loaded(data, at: Date(timeIntervalSince1970: 1_700_000_005)))
        #expect(d.crumbs == "sections   Clusters")
        #expect(d.table?.selectedRow?[0] == "inbound-vip|8000|http|httpbin.default.svc.cluster.local")
        d.send(.loadFailed("dump.json: unexpected end of input at byte 10", at: Date(timeIntervalSince1970: 1_700_000_006)))
        #expect(d.state.flash?.level == .error)
        #expect(d.table?.table.rows.count == 3)
    }

    @Test func snapshotIsUnavailableForFiles() throws {
        var d = try Driver(Self.waypoint)
        d.press(.ctrl("s"))
        #expect(d.effects.isEmpty)
        #expect(d.state.flash?.text.contains("snapshots are written from a live source") == true)
        d.press(.ctrl("r"))
        #expect(d.effects == [.reload])
    }

    @Test func mouseSelectsAndDoubleClickOpens() throws {
        var d = try Driver(Self.waypoint)
        let r = d.state.layout.content
        d.send(.input(.mouse(MouseEvent(.click, x: 10, y: r.y + 3))))
        #expect(d.table?.selectedRow?[1] == "Endpoints")
        d.send(.input(.mouse(MouseEvent(.doubleClick, x: 10, y: r.y + 2))))
        #expect(d.crumbs == "sections   Clusters")
    }

    @Test func genericJSONFilesWorkToo() throws {
        var d = try Driver("ztunnel/config_dump.json", width: 120)
        #expect(d.table?.table.rows.map { $0[1] } == ["workloads", "services", "certificates", "policies", "workloadState"])
        d.press(.enter)
        #expect(d.crumbs == "sections   workloads")
        #expect((d.table?.table.rows.count ?? 0) > 0)
    }

    @Test func confirmDialogRunsEffectsOnYes() throws {
        var d = try Driver(Self.waypoint)
        d.state.mode = .confirm(Confirm(dialog: Dialog(title: " Reload ", message: ["Reload the dump?"]), onYes: [.reload], quitOnYes: false))
        #expect(d.screen.text.contains("Reload the dump?"))
        #expect(d.hints.contains("y yes  n no"))
        d.press(.char("n"))
        #expect(d.effects.isEmpty)
        d.state.mode = .confirm(Confirm(dialog: Dialog(title: " Reload ", message: ["Reload the dump?"]), onYes: [.reload], quitOnYes: false))
        d.press(.char("y"))
        #expect(d.effects == [.reload])
    }

    @Test func themeCommandCompletesAndAsksTheRuntime() throws {
        var d = try Driver(Self.waypoint)
        d.state.themeNames = ["default-dark", "light", "monochrome"]
        d.press(.char(":"))
        d.type("theme l")
        d.press(.tab, .enter)
        #expect(d.effects == [.loadTheme("light")])
        let light = try ThemeParser.parse("name: light\nstyles:\n  table.selected: { attrs: [reverse] }\n", file: "light.yaml")
        d.send(.themeLoaded(light, warnings: []))
        #expect(d.state.theme.name == "light")
        #expect(d.state.flash?.text == "theme light")
        let y = d.state.layout.content.y + 1
        #expect(d.screen[5, y].style == Style(attrs: .reverse))
        d.send(.themeLoaded(.defaultDark, warnings: ["mine.yaml:3: styles.text.fg: unknown colour \"nope\"; using default-dark"]))
        #expect(d.state.flash?.level == .warn)
    }
}
