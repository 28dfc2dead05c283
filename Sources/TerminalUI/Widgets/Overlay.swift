/// The `?` help overlay: sections of key → description in a centred box, flowing into
/// as many columns as fit.
///
/// ```swift
/// HelpOverlay(sections: [("Navigation", [("j/↓", "down"), ("k/↑", "up")])])
///     .paint(into: &buf, screen, theme: theme)
/// ```
public struct HelpOverlay: Sendable {
    public var title: String
    public var sections: [(title: String, keys: [(key: String, help: String)])]

    public init(title: String = " Help ", sections: [(title: String, keys: [(key: String, help: String)])]) {
        self.title = title
        self.sections = sections
    }

    public func paint(into buf: inout CellBuffer, _ screen: Rect, theme: Theme) {
        let keyWidth = sections.flatMap(\.keys).map { DisplayWidth.of($0.key) }.max() ?? 1
        let helpWidth = sections.flatMap(\.keys).map { DisplayWidth.of($0.help) }.max() ?? 1
        let colWidth = min(max(keyWidth + 2 + helpWidth, 20), max(20, screen.width - 6))
        // Lay sections out in columns (a section is never split).
        let innerHeightLimit = max(3, screen.height - 4)
        var columns: [[(String, String, Bool)]] = [[]]
        for s in sections {
            let block = [(s.title, "", true)] + s.keys.map { ($0.key, $0.help, false) } + [("", "", false)]
            if columns[columns.count - 1].count + block.count > innerHeightLimit && !columns[columns.count - 1].isEmpty {
                columns.append([])
            }
            columns[columns.count - 1] += block
        }
        let fitCols = max(1, (screen.width - 4) / (colWidth + 2))
        let shownCols = Array(columns.prefix(fitCols))
        let height = min(screen.height, (shownCols.map(\.count).max() ?? 1) + 2)
        let width = min(screen.width, shownCols.count * (colWidth + 2) + 2)
        let rect = screen.centered(width: width, height: height)
        let inner = Box(title: title, titleRole: .title, borderRole: .dialogBorder).paint(into: &buf, rect, theme: theme)
        for (c, col) in shownCols.enumerated() {
            let x = inner.x + 1 + c * (colWidth + 2)
            for (i, entry) in col.enumerated() where i < inner.height {
                let y = inner.y + i
                if entry.2 {
                    buf.put(entry.0, x: x, y: y, maxWidth: colWidth, style: theme[.helpSection])
                } else if !entry.0.isEmpty {
                    buf.put(entry.0, x: x, y: y, maxWidth: keyWidth, style: theme[.helpKey])
                    buf.put(entry.1, x: x + keyWidth + 2, y: y, maxWidth: colWidth - keyWidth - 2, style: theme[.helpText], ellipsis: true)
                }
            }
        }
    }
}

/// A modal message with a yes/no question (or just an OK), centred.
///
/// ```swift
/// Dialog(title: " Quit ", message: ["Leave meshscope?"], buttons: "<y> yes   <n> no")
/// ```
public struct Dialog: Sendable, Equatable {
    public var title: String
    public var message: [String]
    public var buttons: String

    public init(title: String, message: [String], buttons: String = "<y> yes   <n> no") {
        self.title = title
        self.message = message
        self.buttons = buttons
    }

    public func paint(into buf: inout CellBuffer, _ screen: Rect, theme: Theme) {
        let textWidth = (message + [buttons, title]).map { DisplayWidth.of($0) }.max() ?? 10
        let rect = screen.centered(width: textWidth + 6, height: message.count + 5)
        let inner = Box(title: title, titleRole: .title, borderRole: .dialogBorder).paint(into: &buf, rect, theme: theme, fill: .dialogText)
        for (i, line) in message.enumerated() where i + 1 < inner.height {
            buf.put(line, x: inner.x + 2, y: inner.y + 1 + i, maxWidth: inner.width - 3, style: theme[.dialogText], ellipsis: true)
        }
        if inner.height >= 2 {
            let w = DisplayWidth.of(buttons)
            buf.put(buttons, x: inner.x + max(0, (inner.width - w) / 2), y: inner.maxY - 1, maxWidth: inner.width, style: theme[.helpKey])
        }
    }
}
