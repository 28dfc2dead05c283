import Foundation
import MeshModel
import TerminalUI
@testable import MeshScopeApp

/// Drives the state machine the way the runtime does, without a terminal.
struct Driver {
    var state: AppState
    var effects: [Effect] = []

    init(_ fixture: String, width: Int = 100, height: Int = 30) throws {
        let data = try FileSource(path: Fixtures.path(fixture)).load()
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        state = AppState(registry: AppViews.registry(), data: data, source: SourceInfo(kind: .file, label: "file \(fixture)"),
                         home: "sections", size: Size(width: width, height: height), theme: .defaultDark, now: t0)
        state.loadedAt = t0
    }

    mutating func send(_ event: AppEvent) {
        let (s, fx) = App.update(state, event)
        state = s
        effects += fx
    }

    mutating func press(_ keys: Key...) { for k in keys { send(.input(.key(k))) } }

    mutating func type(_ text: String) { for c in text { send(.input(.key(.char(c)))) } }

    var screen: CellBuffer { App.view(state) }

    /// The lines inside the main frame (between the box borders), trailing blanks trimmed.
    var body: [String] {
        let lines = screen.lines
        let layout = state.layout
        return (layout.main.y + 1..<layout.main.maxY - 1).map { y -> String in
            var l = lines[y]
            if l.hasPrefix("│") { l.removeFirst() }
            if l.hasSuffix("│") { l.removeLast() }
            while l.last == " " { l.removeLast() }
            return l
        }.reversed().drop(while: { $0.isEmpty }).reversed()
    }

    var frameTitle: String { screen.lines[state.layout.main.y] }
    var crumbs: String { screen.lines[state.layout.crumbs.y].trimmingCharacters(in: .whitespaces) }
    var hints: String { screen.lines[state.layout.hints.y] }

    /// The whole text of the screen on top (help, a describe), scrolled or not.
    var helpText: String {
        if case .text(let t) = state.focused { return t.pane.lines.joined(separator: "\n") }
        return ""
    }

    var table: TableScreen? {
        if case .table(let t) = state.focused { return t }
        return nil
    }
}
