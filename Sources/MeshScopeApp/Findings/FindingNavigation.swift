import Foundation
import MeshModel
import TerminalUI

extension AppState {
    /// Enter on a finding: its link's view opens on top of the findings (Esc comes back), with
    /// the linked row selected (found by ``RowSubject`` key, so the link and the table spell it
    /// alike) and, when the link names one, that row opened at the tab (`endpoints`).
    mutating func open(link: FindingLink) {
        // `l` on a finding about failing requests: the flows that show them.
        if link.view == FlowViews.flows.name, let query = link.flows {
            pushFlows(query)
            return
        }
        let screen: Screen
        if let (g, tab) = registry.group(link.view) {
            screen = Screen.group(g, in: registry, data: data, active: tab)
        } else if let spec = registry.find(link.view) {
            screen = Screen.table(.named(spec.name), in: registry, data: data)
        } else {
            flash = Flash(":\(link.view) is not a view of this \(source.kind.rawValue) source", .warn, at: now)
            return
        }
        push(screen)
        guard let row = link.row else { return }
        guard case .table(var t) = focused else { return }
        if t.namespace != nil || t.filter != nil || t.labelSelector != nil {
            // The row may be filtered out: show the whole table.
            t.setFilter(nil)
            t.setLabelSelector(nil)
            t.setNamespace(nil, data: data)
        }
        guard let subject = RowSubject.of(t.spec, table: t.table, data: data),
              let pos = t.order.firstIndex(where: { subject.key(t.table.rows[$0]) == row }) else {
            flash = Flash("\(row) is not in :\(link.view) (any more)", .warn, at: now)
            return
        }
        t.selected = pos
        t.top = Scroll.top(selected: pos, top: t.top, height: pageHeight, count: t.order.count)
        updateFocused { $0 = .table(t) }
        guard let tab = link.tab else { return }
        drill()
        guard case .tabs(let tabs) = top?.content else { return }
        let wanted = tab.lowercased()
        if let i = tabs.pages.firstIndex(where: { page in
            if page.title.lowercased() == wanted { return true }
            if case .tab(let reg, let group, let index) = page.source, case .table(let s)? = reg.tab(group: group, index) {
                return s.name == wanted || s.aliases.contains(wanted)
            }
            return false
        }) {
            var stackTop = stack.removeLast()
            var t = tabs
            t.active = i
            t.buildActive()
            stackTop.content = .tabs(t)
            stack.append(stackTop)
        }
    }
}
