import Foundation
import MeshModel
import TerminalUI

extension App {
    /// A key, read according to the mode: the `:` line, the `/` filter or search, the
    /// confirm dialog take keys first; in normal mode a view's own keys
    /// (``TableViewSpec/keys``), then the bindings of what is on screen (``Keymap``).
    ///
    /// A new key: a case in ``Action``, a ``Binding`` row in ``Keymap`` (so hints and `?`
    /// help list it), and what it does in ``perform(_:_:_:)`` (`Update/KeyActions.swift`).
    static func handleKey(_ key: Key, _ s: inout AppState, _ fx: inout [Effect]) {
        if key == .ctrl("c") {
            s.quitting = true
            fx.append(.quit)
            return
        }
        switch s.mode {
        case .confirm(let c):
            switch key {
            case .char("y"), .char("Y"), .enter:
                s.mode = .normal
                fx += c.onYes
                if c.quitOnYes { s.quitting = true }
            case .char("n"), .char("N"), .escape:
                s.mode = .normal
                if s.pendingApply != nil {
                    s.pendingApply = nil
                    s.flash = Flash("not applied", .info, at: s.now)
                }
            default:
                // The question stays; the screen under it (an apply preview) still scrolls,
                // and Tab / Shift-Tab move between its list and the selected diff.
                let panes = s.keymap.diff.filter { $0.action == .paneRight || $0.action == .paneLeft }
                if let b = (s.keymap.navigation + panes).first(where: { $0.keys.contains(key) && $0.keys.first != .enter }) { perform(b.action, &s, &fx) }
            }
        case .command(var ed):
            switch ed.handle(key) {
            case .editing: s.mode = .command(ed)
            case .cancel: s.mode = .normal
            case .submit(let text):
                s.mode = .normal
                if let command = AppCommand.parse(text) { run(command, &s, &fx) }
            }
        case .filter(var ed):
            let outcome = ed.handle(key)
            let isSelector = ed.text.hasPrefix("-l")
            switch outcome {
            case .cancel:
                s.mode = .normal
                s.setFilter(nil)
                s.setLabelSelector(nil)
            case .editing where isSelector, .submit where isSelector:
                // `-l key=value,...`: a label selector on views whose rows carry labels.
                let text = ed.text.dropFirst(2).trimmingCharacters(in: .whitespaces)
                let sel = try? LabelSelector.parse(text)
                if let sel { s.setLabelSelector(sel) }
                if case .submit = outcome {
                    s.mode = .normal
                    if sel == nil { s.flash = Flash("label selector: cannot parse \"\(text)\"", .error, at: s.now) }
                    else if case .table(let t) = s.focused, t.rowLabels == nil {
                        s.flash = Flash("\(t.spec.title) rows carry no labels; -l works on ztunnel workloads", .warn, at: s.now)
                    }
                } else {
                    s.mode = .filter(ed)
                }
            case .editing, .submit:
                // Applied as you type; an unfinished regex keeps the last good filter.
                if let m = try? TextMatcher(ed.text) { s.setFilter(ed.text.isEmpty ? nil : m) }
                if case .submit = outcome {
                    s.mode = .normal
                    if case .failure(let e) = Result(catching: { try TextMatcher(ed.text) }) {
                        s.flash = Flash("\(e)", .error, at: s.now)
                    }
                } else {
                    s.mode = .filter(ed)
                }
            }
        case .search(var ed):
            switch ed.handle(key) {
            case .editing: s.mode = .search(ed)
            case .cancel:
                s.mode = .normal
                s.search(nil)
            case .submit(let text):
                s.mode = .normal
                do {
                    s.search(text.isEmpty ? nil : try TextMatcher(text))
                } catch {
                    s.flash = Flash("\(error)", .error, at: s.now)
                }
            }
        case .normal:
            normalKey(key, &s, &fx)
        }
    }

    /// A key in normal mode: the focused view's own keys first (``TableViewSpec/keys``: `p`,
    /// `x` on a row), then a tab's number, then the keymap's bindings for what is on screen,
    /// then (tables) Shift+letter sorting.
    static func normalKey(_ key: Key, _ s: inout AppState, _ fx: inout [Effect]) {
        let focused = s.focusedForBindings
        if case .table(let t) = s.focused,
           let vk = t.spec.keys.first(where: { vk in vk.action.map { s.keymap.keys(for: $0, in: focused).contains(key) } ?? (vk.key == key) }) {
            if let row = t.selectedRow, let i = t.selectedRowIndex, let command = vk.command?(s.data, row, i) {
                run(command, &s, &fx)
            } else if let row = t.selectedRow, let i = t.selectedRowIndex, let screen = vk.open(s.data, row, i) {
                s.push(screen)
            }
            return
        }
        if case .tabs(let t) = s.top?.content, case .char(let c) = key, let n = c.wholeNumberValue, n >= 1, n <= t.pages.count {
            perform(.tab(n - 1), &s, &fx)
            return
        }
        for (_, bindings) in s.keymap.forContent(focused) {
            if let b = bindings.first(where: { $0.keys.contains(key) }) {
                perform(b.action, &s, &fx)
                return
            }
        }
        // k9s: Shift+letter sorts by the most important column whose header starts with it
        // (TableScreen.sortCandidates; no capital is bound in a table: Keymap.clashes() refuses one).
        if case .char(let c) = key, Keymap.isSortKey(key), case .table = s.focused {
            var found = false
            s.updateFocused { content in
                guard case .table(var t) = content else { return }
                found = t.sort(byLetter: c, visibleColumns: t.table.visibleColumnIndices(wide: true))
                content = .table(t)
            }
            if !found { s.flash = Flash("no column starts with \(c)", .warn, at: s.now) }
            s.clampScroll()
        }
    }

    // MARK: Mouse

    static func handleMouse(_ m: MouseEvent, _ s: inout AppState, _ fx: inout [Effect]) {
        guard s.mode.isNormal else { return }
        switch m.kind {
        case .scrollUp: s.move(by: -3)
        case .scrollDown: s.move(by: 3)
        case .press, .click, .doubleClick:
            let r = s.layout.content
            guard m.y >= r.y, m.y < r.maxY, m.x >= r.x, m.x < r.maxX else { return }
            switch s.focused {
            case .table(let t):
                let first = Scroll.top(selected: t.selected, top: t.top, height: r.height - 1, count: t.order.count)
                let pos = first + (m.y - r.y - 1)
                guard m.y > r.y, pos < t.order.count else { return }
                s.move(by: pos - t.selected)
                if m.kind == .doubleClick { s.drill() }
            case .json(let j) where j.yaml == nil:
                // Where the view paints the pane; wrapped lines take several rows each.
                let pane = Rect(x: r.x + 1, y: r.y, width: r.width - 1, height: r.height)
                guard let pos = JSONPaneWidget(state: j.pane).line(atRow: m.y, pane, theme: s.theme) else { return }
                s.move(by: pos - j.pane.cursor)
                if m.kind == .doubleClick { perform(.toggleFold, &s, &fx) }
            default: break
            }
        }
    }
}
