import Foundation
import MeshModel
import TerminalUI

/// `/` filters and searches, `-l` label selectors and `:ns`, on the focused screen.
extension AppState {
    /// Called by the runtime after each frame: the focused table's filter index builds in the
    /// background (once per built table), so the first `/` keystroke on 100,000 rows is a
    /// scan, not a ~56 ms index build. Reads the state only.
    public func prepareRowIndex() {
        if case .table(let t) = focused { t.prepareRowIndex() }
    }

    mutating func setFilter(_ m: TextMatcher?) {
        let page = pageHeight
        updateFocused { c in
            if case .diff(var d) = c {
                d.setFilter(m, height: page)
                c = .diff(d)
            }
            guard case .table(var t) = c else { return }
            t.setFilter(m)
            c = .table(t)
        }
        clampScroll()
    }

    mutating func search(_ m: TextMatcher?) {
        let page = pageHeight
        var hits = 0
        updateFocused { c in
            switch c {
            case .json(var j):
                if j.yaml != nil {
                    j.yaml!.search(m)
                    hits = j.yaml!.matchLines.count
                } else {
                    j.pane.search(m, height: page)
                    hits = j.pane.hits.count
                }
                c = .json(j)
            case .text(var t):
                t.pane.search(m)
                hits = t.pane.matchLines.count
                c = .text(t)
            case .diff(var d):
                hits = d.search(m)
                c = .diff(d)
            default: break
            }
        }
        if let m { flash = Flash(hits == 0 ? "no match for \(m.pattern)" : "\(hits) \(hits == 1 ? "match" : "matches") for \(m.pattern) (n/N)", hits == 0 ? .warn : .info, at: now) }
    }

    /// `:ns`: every table on the stack (and tabs built later) filters on NAMESPACE.
    mutating func applyNamespace() {
        let ns = namespace
        var unsupported = false
        for i in stack.indices {
            switch stack[i].content {
            case .table(var t):
                t.setNamespace(ns, data: data)
                if ns != nil, !t.followsNamespaceInEffect, i == stack.count - 1 { unsupported = true }
                stack[i].content = .table(t)
            case .tabs(var tabs):
                for p in tabs.pages.indices {
                    if case .table(var t)? = tabs.pages[p].built {
                        t.setNamespace(ns, data: data)
                        if ns != nil, !t.followsNamespaceInEffect, i == stack.count - 1, p == tabs.active { unsupported = true }
                        tabs.pages[p].built = .table(t)
                    }
                }
                stack[i].content = .tabs(tabs)
            default: break
            }
        }
        if let ns {
            flash = Flash(unsupported ? "namespace \(ns) set; this view has no NAMESPACE column" : "namespace \(ns)", unsupported ? .warn : .info, at: now)
        } else {
            flash = Flash("all namespaces", .info, at: now)
        }
        clampScroll()
    }

    mutating func setLabelSelector(_ sel: LabelSelector?) {
        updateFocused { c in
            guard case .table(var t) = c else { return }
            t.setLabelSelector(sel)
            c = .table(t)
        }
        clampScroll()
    }
}
