import Foundation
import MeshModel
import TerminalUI

/// `:flows`, `:top` and `l`: the flow views opened with a query, batches of flows taken in
/// (``FlowTail``), and which logs the runtime should follow for the screens on the stack.
extension AppState {
    /// `:flows ARGS` / `:top ARGS`: the query replaces the last one; the view becomes the
    /// only screen, like every `:NAME`.
    mutating func openFlows(_ args: [String], top: Bool) {
        let query: FlowQuery
        do { query = try FlowQuery.parse(args) } catch {
            flash = Flash(error.description, .error, at: now)
            return
        }
        guard registry.find(FlowViews.flows.name) != nil else {
            flash = Flash(FlowViews.empty(data), .warn, at: now)
            return
        }
        data.flows.query = query
        open(view: top ? FlowViews.top.name : FlowViews.flows.name, filter: query.text)
        followTail()
    }

    /// `l` on a row: its flows, on top of the view (Esc goes back).
    mutating func openFlowsOfSelection() {
        guard case .table(let t) = focused, let row = t.selectedRow else { return }
        guard let query = FlowViews.query(view: t.spec.name, row: row) else {
            flash = Flash("l shows the flows of a pod, a proxy or an edge (:pods, :proxies, :edges); :flows shows them all", .warn, at: now)
            return
        }
        pushFlows(query)
    }

    /// `:flows` with `query` on top of the stack (Esc goes back): `l` on a row or a finding.
    mutating func pushFlows(_ query: FlowQuery) {
        guard registry.find(FlowViews.flows.name) != nil else {
            flash = Flash(FlowViews.empty(data), .warn, at: now)
            return
        }
        data.flows.query = query
        push(Screen.table(.named(FlowViews.flows.name), in: registry, data: data, crumb: "flows \(query.description)"))
        followTail()
    }

    /// `.flowsArrived`: the batch joins the tail (or waits while paused) and the flow
    /// screens rebuild, keeping their selection; one that was on its last row follows the tail.
    mutating func receiveFlows(_ batch: FlowBatch) {
        data.flows.receive(batch, paused: paused)
        reloadFlowScreens()
    }

    /// Space released: what arrived while paused joins the rows.
    mutating func resumeFlows() {
        guard !data.flows.pending.isEmpty else { return }
        data.flows.resume()
        reloadFlowScreens()
    }

    /// Rebuilds the flow tables on the stack only (the others follow the source's refresh).
    mutating func reloadFlowScreens() {
        for i in stack.indices {
            guard case .table(var t) = stack[i].content, FlowViews.names.contains(t.spec.name) else { continue }
            let atEnd = t.order.isEmpty || t.selected >= t.order.count - 1
            t.reload(data)
            if atEnd && t.spec.name == FlowViews.flows.name { t.selected = max(0, t.order.count - 1) }
            stack[i].content = .table(t)
        }
        clampScroll()
    }

    /// A flows table just opened starts on its newest row.
    mutating func followTail() {
        updateFocused { c in
            guard case .table(var t) = c, t.spec.name == FlowViews.flows.name else { return }
            t.selected = max(0, t.order.count - 1)
            c = .table(t)
        }
        clampScroll()
    }

    /// The logs the stack needs followed: a flow view anywhere on it asks for the query's
    /// pod, else its namespace, else `:ns`'s, else all; nil when none is open.
    var flowStreamWanted: FlowStreamRequest? {
        let open = stack.contains { screen in
            if case .table(let t) = screen.content { return FlowViews.names.contains(t.spec.name) }
            return false
        }
        guard open else { return nil }
        let q = data.flows.query
        let ref = q.podReference
        return FlowStreamRequest(pod: ref?.name, podNamespace: ref?.namespace, namespace: q.namespace ?? namespace)
    }
}
