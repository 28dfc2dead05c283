import Foundation
import MeshModel
import TerminalUI

extension App {
    /// What a bound key does (the ``Keymap`` maps keys to these actions).
    static func perform(_ action: Action, _ s: inout AppState, _ fx: inout [Effect]) {
        let page = s.pageHeight
        switch action {
        case .down: s.move(by: 1)
        case .up: s.move(by: -1)
        case .pageDown: s.move(by: page)
        case .pageUp: s.move(by: -page)
        case .halfPageDown: s.move(by: max(1, page / 2))
        case .halfPageUp: s.move(by: -max(1, page / 2))
        case .top: s.move(by: Int.min / 2)
        case .bottom: s.move(by: Int.max / 2)
        case .drill:
            if case .table(let t) = s.focused, let row = t.selectedRow, let command = t.spec.enterCommand?(row) {
                run(command, &s, &fx)
            } else {
                s.drill()
            }
        case .back: s.back()
        case .nextTab, .prevTab, .tab:
            guard var screen = s.stack.popLast() else { return }
            if case .tabs(var t) = screen.content, !t.pages.isEmpty {
                switch action {
                case .nextTab: t.active = (t.active + 1) % t.pages.count
                case .prevTab: t.active = (t.active - 1 + t.pages.count) % t.pages.count
                case .tab(let n): t.active = n
                default: break
                }
                t.buildActive()
                if case .table(var ts)? = t.pages[t.active].built, ts.namespace != s.namespace {
                    ts.setNamespace(s.namespace, data: s.data)
                    t.pages[t.active].built = .table(ts)
                }
                screen.content = .tabs(t)
            }
            s.stack.append(screen)
        case .sortLeft, .sortRight:
            // Every column, shown or not: each one is reachable by key.
            s.updateFocused { c in
                guard case .table(var t) = c else { return }
                t.moveSort(by: action == .sortLeft ? -1 : 1, visibleColumns: t.table.visibleColumnIndices(wide: true))
                c = .table(t)
            }
            s.clampScroll()
        case .columnLeft, .columnRight, .toggleWide:
            let width = s.layout.content.width - 2
            s.updateFocused { c in
                guard case .table(var t) = c else { return }
                switch action {
                case .toggleWide:
                    t.wide.toggle()
                    t.firstColumn = 0
                default: t.scrollColumns(by: action == .columnLeft ? -1 : 1, width: width)
                }
                c = .table(t)
            }
        case .help: s.toggleHelp()
        case .command:
            var ed = LineEditor(prefix: ":")
            ed.completions = s.commandCompletions
            s.mode = .command(ed)
        case .filter:
            if case .diff(let d) = s.focused {
                // The list filters its rows; the diff pane searches its lines.
                s.mode = d.focusRight ? .search(LineEditor(prefix: "/")) : .filter(LineEditor(prefix: "/", text: d.filter?.pattern ?? ""))
                return
            }
            var current = ""
            if case .table(let t) = s.focused { current = t.filter?.pattern ?? "" }
            s.mode = .filter(LineEditor(prefix: "/", text: current))
        case .search: s.mode = .search(LineEditor(prefix: "/"))
        case .nextMatch, .prevMatch:
            let forward = action == .nextMatch
            s.updateFocused { c in
                switch c {
                case .json(var j):
                    if j.yaml != nil { j.yaml!.nextMatch(forward: forward) } else { j.pane.nextHit(forward: forward, height: page) }
                    c = .json(j)
                case .text(var t):
                    t.pane.nextMatch(forward: forward)
                    c = .text(t)
                case .diff(var d):
                    d.nextMatch(forward: forward)
                    c = .diff(d)
                default: break
                }
            }
        case .pause:
            s.paused.toggle()
            s.flash = Flash(s.paused ? "live updates paused (Space resumes)" : "live updates resumed", .info, at: s.now)
        case .showYAML: s.showSelection()
        case .describe: s.describe()
        case .apply:
            s.startApply(&fx)
        case .paneRight, .paneLeft:
            s.updateFocused { c in
                guard case .diff(var d) = c else { return }
                d.focusRight = action == .paneRight
                c = .diff(d)
            }
        case .diff:
            s.startDiff()
        case .findings:
            s.open(view: FindingsView.name, filter: nil)
        case .flows: s.openFlowsOfSelection()
        case .wrap: s.toggleWrap()
        case .messages: s.openMessages()
        case .logLevel: s.promptLogLevel()
        case .copy:
            if s.readonly {
                s.flash = Flash("--readonly: copying to the clipboard is disabled", .warn, at: s.now)
            } else if let text = s.copyText() {
                fx.append(.copyToClipboard(text))
                // The runtime says how it went ("copied … via xclip"): nothing is claimed yet.
                s.flash = Flash("copying \(text.utf8.count) bytes…", .info, at: s.now)
            }
        case .snapshot:
            // The source's own reason first: a snapshot or a file is already on disk.
            if s.source.kind == .snapshot || s.source.kind == .file {
                s.flash = Flash("snapshots are written from a live source; this \(s.source.kind.rawValue) source is already on disk", .warn, at: s.now)
            } else if s.readonly {
                s.flash = Flash("--readonly: writing snapshots is disabled", .warn, at: s.now)
            } else if s.source.supportsSnapshots {
                fx.append(.writeSnapshot)
                s.flash = Flash("writing a snapshot of \(s.source.context)…", .info, at: s.now)
            } else {
                s.flash = Flash("writing snapshots is not available in this build", .warn, at: s.now)
            }
        case .reload:
            if let again = s.stack.last?.recompute {
                fx.append(again)
                s.flash = Flash("computing \(s.stack.last?.crumb ?? "it") again…", .info, at: s.now)
            } else {
                fx.append(.reload)
                s.flash = Flash("reloading \(s.source.label)", .info, at: s.now)
            }
        case .quit:
            s.quitting = true
            fx.append(.quit)
        case .suspend:
            fx.append(.suspend)
        case .toggleFold, .expand, .collapse, .expandAll, .collapseAll:
            s.updateFocused { c in
                guard case .json(var j) = c else { return }
                switch action {
                case .toggleFold: j.pane.toggle()
                case .expand: j.pane.expand()
                case .collapse: j.pane.collapse()
                case .expandAll: j.pane.expandAll()
                default: j.pane.collapseAll()
                }
                j.pane.moveCursor(by: 0, height: page)
                c = .json(j)
            }
        case .toggleYAML:
            s.updateFocused { c in
                guard case .json(var j) = c else { return }
                j.yaml = j.yaml == nil ? TextPaneState(text: YAMLWriter.string(.json(j.pane.root))) : nil
                c = .json(j)
            }
        }
    }
}
