import Foundation
import MeshModel
import TerminalUI

/// `:messages` (`:msg`, key `m`): every flash, warning and error since start as a table
/// (filter, sort and Enter work as in any view), newest last; Enter or `d` shows one
/// whole, wrapped. Text from the data is escaped (``TerminalText``) on its way here.
enum MessageViews {
    static let name = "messages"

    /// The table of `log` (a snapshot; ``AppState/refreshMessageViews()`` rebuilds it as
    /// messages arrive).
    static func spec(_ log: MessageLog) -> TableViewSpec {
        let entries = log.entries
        var spec = TableViewSpec(
            name: name, aliases: ["msg"], title: "Messages",
            keys: [ViewKey(.describe, .char("d"), "message", open: { _, _, i in detail(entries, i) })],
            cellRole: { column, value in
                guard column == "LEVEL" else { return nil }
                return value == "error" ? .statusError : value == "warn" ? .statusWarn : nil
            },
            identityColumns: 1, nameColumn: 3,
            drill: { _, _, i in detail(entries, i) },
            note: { _ in log.dropped > 0 ? "\(log.dropped) older dropped" : nil }
        ) { _ in
            var t = Table(columns: [Table.Column("#", numeric: true), Table.Column("TIME"), Table.Column("LEVEL"), Table.Column("MESSAGE")])
            t.rows = entries.map { ["\($0.number)", App.clock($0.at), level($0.level), TerminalText.escaped($0.text)] }
            return ViewTable(t)
        }
        spec.keepColumns = ["MESSAGE", "LEVEL", "TIME", "#"]
        return spec
    }

    static func level(_ l: Flash.Level) -> String {
        switch l {
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        }
    }

    /// One message whole: its time and level, then its text (lines kept, control
    /// characters escaped), wrapped at the pane's width.
    static func detail(_ entries: [MessageLog.Entry], _ i: Int) -> Screen? {
        guard entries.indices.contains(i) else { return nil }
        let e = entries[i]
        let text = "\(App.clock(e.at))  \(level(e.level))\n\n" + TerminalText.escaped(e.text, keepLayout: true)
        var screen = Screen.text("message \(e.number)", text)
        if case .text(var t) = screen.content {
            // Opened wrapped; the first update fits the width to the pane (``AppState/fitWrappedPanes()``).
            t.pane.setWrap(width: 80)
            screen.content = .text(t)
        }
        return screen
    }
}
