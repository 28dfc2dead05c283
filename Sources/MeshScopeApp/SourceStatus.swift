import Foundation

/// What the header says about the source: whether it refreshes, why it is read-only, and
/// which namespace the rows on screen belong to.
extension SourceInfo {
    /// Live sources re-read on a timer; a snapshot never changes, a file only when it is
    /// rewritten, so neither shows a refresh interval or an "(5s ago)" counter.
    public var refreshes: Bool { kind == .cluster || kind == .demo }
}

extension AppState {
    /// Why writes are refused, for the header's `[…]` tag: the source's kind first (a
    /// snapshot is read-only whatever the flags), then `--readonly`; nil when they work.
    ///
    /// ```swift
    /// state.readOnlyTag   // "snapshot: read-only"
    /// ```
    public var readOnlyTag: String? {
        switch source.kind {
        case .snapshot: return "snapshot: read-only"
        case .file: return "file: read-only"
        case .cluster, .demo: return readonly ? "read-only: --readonly" : nil
        }
    }

    /// The namespace a view drilled into (Enter on a namespace row) while it is on the
    /// stack, innermost first; Esc back out of it forgets it.
    public var drilledNamespace: String? {
        for screen in stack.reversed() {
            if case .table(let t) = screen.content, case .pods(let ns) = t.view.id { return ns }
        }
        return nil
    }

    /// The header's `ns:`: the namespace drilled into, else the one `:ns` set.
    public var headerNamespace: String? { drilledNamespace ?? namespace }
}

extension AppState {
    /// The focused view shows the source's data (not a "waiting for …" note): what clears a
    /// `connecting to …` flash (``Flash/untilData``) the moment the rows appear.
    public var dataOnScreen: Bool {
        switch focused {
        case .table(let t)?: return t.error == nil && (!t.table.rows.isEmpty || data.cluster != nil)
        case nil: return false
        default: return true
        }
    }
}
