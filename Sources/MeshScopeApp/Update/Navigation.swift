import Foundation
import MeshModel
import TerminalUI

/// Moving about: the stack of screens (push, back, drill, the start view) and the cursor
/// on the focused one; the `y`, `d` and `c` of the selected row.
extension AppState {
    /// The content whose bindings apply: the top screen (tabs include their page's).
    var focusedForBindings: Content? { top?.content }

    mutating func push(_ screen: Screen) {
        var screen = screen
        if let ns = namespace, case .table(var t) = screen.content, t.spec.followsNamespace {
            t.setNamespace(ns, data: data)
            screen.content = .table(t)
        }
        stack.append(screen)
        mode = .normal
    }

    mutating func move(by n: Int) {
        let page = pageHeight
        updateFocused { c in
            switch c {
            case .table(var t):
                let target = n > 0 ? t.selected.addingReportingOverflow(n).partialValue : t.selected + n
                t.selected = Scroll.clamp(target, count: t.order.count)
                t.top = Scroll.top(selected: t.selected, top: t.top, height: page, count: t.order.count)
                c = .table(t)
            case .json(var j):
                if j.yaml != nil {
                    j.yaml!.scroll(by: n, height: page)
                } else {
                    j.pane.moveCursor(by: n, height: page)
                }
                c = .json(j)
            case .text(var t):
                t.pane.scroll(by: n, height: page)
                c = .text(t)
            case .diff(var d):
                d.move(by: n, height: page)
                c = .diff(d)
            case .tabs: break
            }
        }
    }

    mutating func clampScroll() { move(by: 0) }

    mutating func back() {
        if case .table(let t) = focused, t.filter != nil {
            setFilter(nil)
            return
        }
        if case .diff(let d) = focused, d.focusRight || d.filter != nil {
            // Esc reads back out: from the diff to the list, then clears the list's filter.
            if d.focusRight {
                updateFocused { c in
                    guard case .diff(var d) = c else { return }
                    d.focusRight = false
                    c = .diff(d)
                }
            } else {
                setFilter(nil)
            }
            return
        }
        if stack.count > 1 { stack.removeLast() }
    }

    /// Enter on a table row: the view's drill target, else the row's object in the JSON pane.
    mutating func drill() {
        guard case .table(let t) = focused, let row = t.selectedRow, let index = t.selectedRowIndex else { return }
        guard var screen = App.drillScreen(t, rowIndex: index, data) else {
            flash = Flash("nothing to open for this row (y shows it as YAML/JSON)", .info, at: now)
            return
        }
        if case .content = screen.source, !screen.rebuildsItself {
            screen.source = .drill(t.view, identity: t.identity(of: row))
        }
        push(screen)
    }

    /// The proxy the runtime should feed: the innermost screen that shows one.
    public var focusKey: String? { stack.last { $0.proxyKey != nil }?.proxyKey }

    /// Back to the start view (a new source).
    mutating func resetToHome() {
        mode = .normal
        if let (g, tab) = registry.group(home), registry.groups.contains(where: { $0.name == home }) || registry.find(home) != nil {
            stack = [Screen.group(g, in: registry, data: data, active: tab)]
        } else if let spec = registry.find(home) ?? registry.views.first {
            stack = [Screen.table(.named(spec.name), in: registry, data: data)]
        }
        applyNamespace()
    }

    /// `d`: the view's description of the selected resource, else its YAML.
    mutating func describe() {
        guard case .table(let t) = focused, let row = t.selectedRow, let index = t.selectedRowIndex else { return }
        let name = t.spec.nameColumn < row.count ? row[t.spec.nameColumn] : t.spec.title
        if let d = t.spec.describe, let text = d(data, row, index) {
            push(Screen.text("describe \(name)", text))
            return
        }
        let node = t.selectedValue ?? App.rowObject(t.table, row)
        push(Screen.text("describe \(name)", YAMLWriter.string(node)))
    }

    /// `y`: the selected row's object (or the row itself as column: value) in the JSON pane.
    mutating func showSelection() {
        guard case .table(let t) = focused, let row = t.selectedRow else { return }
        let node = t.selectedValue ?? App.rowObject(t.table, row)
        // `y` is YAML (k9s); `y` again there shows the JSON tree.
        var screen = Screen.json(t.spec.nameColumn < row.count ? row[t.spec.nameColumn] : t.spec.title, node: node)
        if case .json(var j) = screen.content {
            j.yaml = TextPaneState(text: YAMLWriter.string(.json(j.pane.root)))
            screen.content = .json(j)
        }
        push(screen)
    }

    func copyText() -> String? {
        switch focused {
        case .table(let t):
            guard let row = t.selectedRow else { return nil }
            return JSONWriter.string(t.selectedValue ?? App.rowObject(t.table, row), indent: 2)
        case .json(let j):
            if let y = j.yaml { return y.lines.joined(separator: "\n") + "\n" }
            return JSONWriter.string(.json(j.pane.selectedValue), indent: 2)
        case .text(let t): return t.pane.lines.joined(separator: "\n") + "\n"
        case .diff(let d): return d.selectedEntry?.body
        default: return nil
        }
    }
}
