import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The one keymap: no key means two things in any view, every column sorts by key,
/// Shift+letter sorts (and never writes or applies), `keys.yaml` rebinds with file:line
/// errors, and docs/tui.md's key table is the keymap's.
@Suite struct KeymapTests {
    /// Every table view of both registries, built over data that fills it.
    static func views() throws -> [(spec: TableViewSpec, inTabs: Bool, data: SourceData)] {
        let live = try LiveDemoData.feed().data()
        let file = try FileSource(path: Fixtures.path("envoy/waypoint/config_dump.json")).load()
        var out: [(TableViewSpec, Bool, SourceData)] = []
        for (registry, data) in [(LiveViews.registry(), live), (AppViews.registry(), file)] {
            let grouped = Set(registry.groups.flatMap { $0.tables.map(\.name) })
            for spec in registry.views { out.append((spec, grouped.contains(spec.name), data)) }
            out.append((HelpScreen.viewsSpec(registry), false, data))
        }
        return out
    }

    @Test func theStandardKeymapHasNoClashes() {
        #expect(Keymap.standard.clashes() == [])
    }

    /// One check, ``Keymap/viewClashes(_:)``, over every view a user can open: the keymap's
    /// table keys with each view's row keys (what `keys.yaml` is held to as well).
    @Test func noKeyMeansTwoThingsInAnyView() throws {
        let views = Keymap.registeredViews
        #expect(views.count > 20)
        // Every view these tests build data for is among them.
        let names = Set(views.map(\.spec.name))
        for (spec, _, _) in try Self.views() { #expect(names.contains(spec.name), "\(spec.name) is not checked") }
        #expect(Keymap.standard.viewClashes() == [])
        // The check sees row keys: `p` is layers on a pods, listener or edge row.
        var flowsOnP = Keymap.standard
        for i in flowsOnP.table.indices where flowsOnP.table[i].name == "flows" { flowsOnP.table[i].keys = [.char("p")] }
        #expect(flowsOnP.clashes() == [])
        let clashes = flowsOnP.viewClashes()
        #expect(clashes.contains { $0.pane == ":pods" && $0.key == .char("p") && $0.names.first == "flows" }, "\(clashes)")
        #expect(clashes.contains { $0.pane == ":listeners" }, "\(clashes)")
        // A row key standing for an action moves with it: `diff: p` puts two row keys on `p`.
        var diffOnP = Keymap.standard
        for i in diffOnP.global.indices where diffOnP.global[i].name == "diff" { diffOnP.global[i].keys = [.char("p")] }
        #expect(diffOnP.viewClashes().contains { $0.pane == ":pods" && $0.names.contains("diff") })
    }

    @Test func everyColumnSortsByKey() throws {
        var checked = 0
        for (spec, _, data) in try Self.views() {
            var t = TableScreen(spec: spec, data: data)
            guard t.error == nil else { continue }
            let columns = t.table.visibleColumnIndices(wide: true)
            // `>` reaches every column, shown or not.
            var reached = Set<Int>()
            for _ in columns { t.moveSort(by: 1, visibleColumns: columns); reached.insert(t.sortColumn ?? -1) }
            #expect(reached == Set(columns), "\(spec.name): > reaches \(reached.sorted()) of \(columns)")
            // Shift+letter: the most important column whose header starts with it; again
            // reverses; a third press moves to the next column with that letter. Together
            // the letters reach every column whose header starts with one.
            var byLetter = Set<Int>()
            for letter in Set(columns.compactMap { t.table.columns[$0].name.uppercased().first }) where letter.isLetter && letter.isASCII {
                // (Which column comes first is written out in shiftLettersReachTheImportantColumnFirst.)
                let candidates = t.sortCandidates(letter: letter, visibleColumns: columns)
                // Start from another column (a table of only this letter's columns has none).
                guard let other = columns.first(where: { !candidates.contains($0) }) else { byLetter.formUnion(candidates); continue }
                t.sort(by: other, ascending: true)
                for c in candidates {
                    let found = t.sort(byLetter: letter, visibleColumns: columns)
                    #expect(found)
                    #expect(t.sortColumn == c && t.ascending, "\(spec.name): Shift+\(letter) sorts column \(t.sortColumn ?? -1), not \(t.table.columns[c].name)")
                    _ = t.sort(byLetter: letter, visibleColumns: columns)
                    #expect(t.sortColumn == c && !t.ascending, "\(spec.name): Shift+\(letter) again does not reverse")
                    byLetter.insert(c)
                }
                _ = t.sort(byLetter: letter, visibleColumns: columns)
                #expect(t.sortColumn == candidates.first && t.ascending, "\(spec.name): Shift+\(letter) does not cycle back")
            }
            let lettered = columns.filter { t.table.columns[$0].name.uppercased().first.map { $0.isLetter && $0.isASCII } ?? false }
            #expect(byLetter == Set(lettered), "\(spec.name): letters reach \(byLetter.sorted()) of \(lettered)")
            checked += 1
        }
        #expect(checked > 15)
    }

    /// Shift+letter's order among the columns with that letter, written out by hand for the
    /// views k9s users sort most: the identity and problem columns first (NAME before
    /// NAMESPACE, CDS before CLUSTER, SOURCE before SERVICE), then the rest in table order.
    @Test func shiftLettersReachTheImportantColumnFirst() throws {
        let expected: [(view: String, letter: Character, columns: [String])] = [
            ("pods", "N", ["NAME", "NAMESPACE", "NODE", "NOMINATED NODE"]),
            ("pods", "S", ["STATUS", "SYNC"]),
            ("pods", "R", ["READY", "RESTARTS", "READINESS GATES"]),
            ("proxies", "C", ["CDS", "CLUSTER"]),
            ("proxies", "E", ["EDS", "ECDS"]),
            ("proxies", "N", ["NAME"]),
            ("edges", "S", ["SOURCE", "SECURITY", "SERVICE", "SOURCE PRINCIPAL"]),
            ("edges", "D", ["DESTINATION", "DESTINATION PRINCIPAL"]),
            ("edges", "E", ["ERR%", "ERRORS", "ERRORS BY FLAG"]),
        ]
        let views = try Self.views()
        for (view, letter, names) in expected {
            let (spec, _, data) = try #require(views.first { $0.spec.name == view }, "no \(view)")
            var t = TableScreen(spec: spec, data: data)
            let columns = t.table.visibleColumnIndices(wide: true)
            #expect(t.sortCandidates(letter: letter, visibleColumns: columns).map { t.table.columns[$0].name } == names, "\(view) Shift+\(letter)")
            // The presses walk them in that order, each ascending then descending.
            var walked: [String] = []
            for _ in names {
                _ = t.sort(byLetter: letter, visibleColumns: columns)
                walked.append(t.table.columns[t.sortColumn ?? 0].name)
                _ = t.sort(byLetter: letter, visibleColumns: columns)
            }
            #expect(walked == names, "\(view) Shift+\(letter)")
        }
    }

    @Test func shiftLettersSortAndNeverWrite() throws {
        var h = try LiveDemoData.driver(width: 200, height: 40)
        h.d.state.source.supportsSnapshots = true
        try h.command("proxies")
        let name = try #require(h.d.table?.table.columns.firstIndex { $0.name == "NAME" })
        for letter in ["N", "S", "A", "D", "L", "I", "G"] { h.d.press(.char(Character(letter))) }
        #expect(h.d.effects.filter { $0 == .writeSnapshot || $0 == .applyFromClipboard }.isEmpty)
        h.d.press(.char("N"))
        #expect(h.d.table?.sortColumn == name)
        #expect(h.d.table?.ascending == true)
        let names = h.d.table!.order.map { h.d.table!.table.rows[$0][name] }
        #expect(names == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        h.d.press(.char("N"))
        #expect(h.d.table?.ascending == false)
        // The actions moved to lower case and Ctrl.
        h.d.press(.ctrl("s"))
        #expect(h.d.effects.contains(.writeSnapshot))
    }

    /// k9s users sort `:pods` by name with Shift+N: NAME, not NAMESPACE (which comes first in
    /// the table), and help says so; NAMESPACE is the third press.
    @Test func shiftNSortsPodsByNameNotNamespace() throws {
        var h = try LiveDemoData.driver(width: 200, height: 80)
        try h.command("pods")
        let t = try #require(h.d.table)
        let namespace = try #require(t.table.columns.firstIndex { $0.name == "NAMESPACE" })
        let name = try #require(t.table.columns.firstIndex { $0.name == "NAME" })
        #expect(namespace < name)
        h.d.press(.char("N"))
        #expect(h.d.table?.sortColumn == name && h.d.table?.ascending == true)
        h.d.press(.char("N"))
        #expect(h.d.table?.sortColumn == name && h.d.table?.ascending == false)
        h.d.press(.char("N"))
        #expect(h.d.table?.sortColumn == namespace && h.d.table?.ascending == true)
        // S: STATUS (a problem column, before SYNC); A: AGE.
        h.d.press(.char("S"))
        #expect(h.d.table.map { $0.table.columns[$0.sortColumn ?? 0].name } == "STATUS")
        h.d.press(.char("A"))
        #expect(h.d.table.map { $0.table.columns[$0.sortColumn ?? 0].name } == "AGE")
        h.d.press(.char("?"))
        guard case .text(let help)? = h.d.state.top?.content else { Issue.record("no help screen"); return }
        let lines = help.pane.lines.map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains { $0.hasPrefix("Shift-N sort by NAME (again: reverse; then NAMESPACE") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("Shift-S sort by STATUS (again: reverse; then SYNC)") }, "\(lines)")
    }

    // MARK: keys.yaml

    static func load(_ yaml: String) throws -> Result<Keymap, KeyFileError> {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("meshscope"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try yaml.write(to: dir.appendingPathComponent("meshscope/keys.yaml"), atomically: true, encoding: .utf8)
        return Result { () throws(KeyFileError) in try Keymap.load(environment: ["XDG_CONFIG_HOME": dir.path, "HOME": "/nonexistent"]) }
    }

    @Test func keysFileRebindsByName() throws {
        let map = try Self.load("# mine\nsnapshot: ctrl-t\napply: [ctrl-a, f5]\n").get()
        #expect(map.global.first { $0.name == "snapshot" }?.keys == [.ctrl("t")])
        #expect(map.global.first { $0.name == "apply" }?.keys == [.ctrl("a"), .function(5)])
        var d = try Driver("envoy/waypoint/config_dump.json")
        d.state.keymap = map
        d.press(.ctrl("s"))
        #expect(d.state.flash == nil)
        d.press(.ctrl("t"))
        #expect(d.state.flash?.text.contains("snapshots are written from a live source") == true)
        // No file: the standard keymap.
        let none = try Keymap.load(environment: ["XDG_CONFIG_HOME": "/nonexistent-\(UUID().uuidString)"])
        #expect(none.global.map(\.keys) == Keymap.standard.global.map(\.keys))
        #expect(Keymap.filePath(environment: ["HOME": "/home/u"]) == "/home/u/.config/meshscope/keys.yaml")
        #expect(Keymap.filePath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/x"]) == "/x/meshscope/keys.yaml")
    }

    @Test func keysFileErrorsNameTheLine() throws {
        func error(_ yaml: String) throws -> String {
            guard case .failure(let e) = try Self.load(yaml) else { Issue.record("accepted: \(yaml)"); return "" }
            #expect(e.file.hasSuffix("/meshscope/keys.yaml"))
            return "\(e.line.map(String.init) ?? "-"): \(e.message)"
        }
        #expect(try error("snapshot: ctrl-t\nsnapshoot: x\n").hasPrefix("2: unknown binding \"snapshoot\""))
        #expect(try error("\n\napply: ctrl-ss\n").hasPrefix("3: apply: unknown key \"ctrl-ss\""))
        #expect(try error("copy: y\n") == "1: y means yaml and copy in table panes")
        // A view's row key counts: `p` is layers on a pod, listener, cluster or edge row.
        #expect(try error("snapshot: ctrl-t\nflows: p\n").hasPrefix("2: p means flows and layers"))
        #expect(try error("diff: [p]\n").hasPrefix("1: p means "))
        #expect(try error("flows: [l, p]\n").contains(" in :"))
        #expect(try error("apply: A\n").hasPrefix("1: A in tables: capitals sort tables"))
        #expect(try error("apply: [a\n").hasPrefix("2: not valid YAML") || error("apply: [a\n").contains("not valid YAML"))
        #expect(try error("- a\n- b\n").hasPrefix("1: expected a mapping"))
    }

    @Test func keyNamesReadTheirOwnDescriptions() {
        let keys: [Key] = [.char("a"), .char("N"), .char("/"), .ctrl("s"), .enter, .tab, .backTab, .escape, .backspace, .delete,
                           .insert, .up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .function(5), .char(" ")]
        for k in keys { #expect(Key(name: k.description) == k, "\(k.description)") }
        #expect(Key(name: "shift-n") == .char("N"))
        #expect(Key(name: "C-x") == .ctrl("x"))
        #expect(Key(name: "ctrl-1") == nil)
        #expect(Key(name: "\u{1B}") == nil)
        #expect(Key(name: "") == nil)
    }

    // MARK: docs/tui.md

    /// The key table docs/tui.md carries, generated from the keymap.
    static func markdown(_ map: Keymap) -> String {
        var lines = ["| keys | name (keys.yaml) | where | does |", "| --- | --- | --- | --- |"]
        for (title, bindings) in map.scopes {
            for b in bindings {
                let keys = b.keys.map { $0 == .char("|") ? "`\\|`" : "`\($0.description)`" }.joined(separator: " ")
                lines.append("| \(keys) | `\(b.name)` | \(title.lowercased()) | \(b.help.replacingOccurrences(of: "|", with: "\\|")) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func docsKeyTableIsTheKeymap() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/tui.md"), encoding: .utf8)
        let table = Self.markdown(.standard)
        #expect(doc.contains(table), "docs/tui.md's key table differs from the keymap; it should read:\n\(table)")
    }
}
