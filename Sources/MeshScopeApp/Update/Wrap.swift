import Foundation
import MeshModel
import TerminalUI

/// `w` (wrap long lines in text, YAML and JSON panes) and `:messages`.
///
/// A text pane wraps at the width it is painted at, which only the layout knows: the
/// width is computed here from the same rectangles ``App/view(_:)`` paints into, and
/// ``AppState/fitWrappedPanes()`` (after every event) wraps again when it changed (a
/// resize, a screen opened wrapped).
extension App {
    /// The widths the text panes of `content` are painted at inside `r` (the frame's
    /// content rectangle): the main pane, and the side pane when it is shown.
    static func textPaneWidths(_ content: Content, in r: Rect) -> (main: Int, side: Int?) {
        if case .text(let t) = content, t.side != nil, r.width >= 60 {
            let left = splitLeftWidth(r)
            return (left, r.maxX - (r.x + left + 3))
        }
        return (r.width - 1, nil)
    }

    /// A text view with a side pane: the left pane's width.
    static func splitLeftWidth(_ r: Rect) -> Int { max(30, (r.width - 3) * 11 / 20) }

    /// ` (wrap)` in a title when the pane on screen wraps.
    static func wrapNote(_ c: Content?) -> String {
        switch c {
        case .json(let j): (j.yaml?.wrapWidth != nil || (j.yaml == nil && j.pane.wrap)) ? "(wrap) " : ""
        case .text(let t): t.pane.wrapWidth != nil ? "(wrap) " : ""
        default: ""
        }
    }
}

extension AppState {
    /// `w`: the focused text, YAML or JSON pane wraps long lines, or stops.
    mutating func toggleWrap() {
        let r = layout.content
        updateFocused { c in
            let widths = App.textPaneWidths(c, in: r)
            switch c {
            case .json(var j):
                if j.yaml != nil { j.yaml!.toggleWrap(width: widths.main) } else { j.pane.wrap.toggle() }
                c = .json(j)
            case .text(var t):
                t.pane.toggleWrap(width: widths.main)
                if let w = widths.side { t.side?.setWrap(width: t.pane.wrapWidth == nil ? nil : w) }
                c = .text(t)
            default: break
            }
        }
        clampScroll()
    }

    /// Wrapped panes on screen wrap again at the width they are painted at (nothing to do
    /// when it has not changed, which is almost always).
    mutating func fitWrappedPanes() {
        guard let c = focused else { return }
        let widths = App.textPaneWidths(c, in: layout.content)
        switch c {
        case .json(let j) where j.yaml?.wrapWidth.map({ $0 != max(2, widths.main) }) == true: break
        case .text(let t) where t.pane.wrapWidth.map({ $0 != max(2, widths.main) }) == true: break
        case .text(let t) where t.side?.wrapWidth.map({ $0 != max(2, widths.side ?? $0) }) == true: break
        default: return
        }
        updateFocused { c in
            switch c {
            case .json(var j):
                j.yaml?.rewrap(width: widths.main)
                c = .json(j)
            case .text(var t):
                t.pane.rewrap(width: widths.main)
                if let w = widths.side { t.side?.rewrap(width: w) }
                c = .text(t)
            default: break
            }
        }
        clampScroll()
    }

    /// `:messages` / `m`: the messages table on top of what is on screen, newest selected.
    mutating func openMessages() {
        var screen = Screen.table(.messages(messages), data: data)
        if case .table(var t) = screen.content, !t.order.isEmpty {
            t.selected = t.order.count - 1
            t.top = Scroll.top(selected: t.selected, top: 0, height: max(1, layout.content.height - 1), count: t.order.count)
            screen.content = .table(t)
        }
        if top?.crumb == MessageViews.name { stack.removeLast() }
        push(screen)
    }

    /// New messages: the `:messages` tables on the stack list them (filter, sort and the
    /// selected row kept; a table that showed the newest keeps showing the newest).
    mutating func refreshMessageViews() {
        for i in stack.indices {
            guard case .table(let old) = stack[i].content, case .messages = old.view.id else { continue }
            let atEnd = old.selected >= old.order.count - 1
            var fresh = TableScreen(ViewRef(.messages(messages), in: old.view.registry), data: data).carrying(old)
            if atEnd, !fresh.order.isEmpty { fresh.selected = fresh.order.count - 1 }
            stack[i].content = .table(fresh)
        }
        clampScroll()
    }
}
