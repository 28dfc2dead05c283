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
        // Lay sections out in columns (a section is never split), each column as wide as
        // its own longest key and text.
        let heightLimit = max(3, screen.height - 4)
        var columns: [[(key: String, help: String, isTitle: Bool)]] = [[]]
        for s in sections {
            let block = [(s.title, "", true)] + s.keys.map { ($0.key, $0.help, false) } + [("", "", false)]
            if columns[columns.count - 1].count + block.count > heightLimit && !columns[columns.count - 1].isEmpty {
                columns.append([])
            }
            columns[columns.count - 1] += block
        }
        let maxColumn = max(20, screen.width - 6)
        let layout: [(keyWidth: Int, width: Int)] = columns.map { col in
            let kw = col.filter { !$0.isTitle }.map { DisplayWidth.of($0.key) }.max() ?? 1
            let hw = col.map { $0.isTitle ? DisplayWidth.of($0.key) - kw - 2 : DisplayWidth.of($0.help) }.max() ?? 1
            return (kw, min(maxColumn, kw + 2 + max(hw, 0)))
        }
        var shown = 0
        var width = 2
        while shown < columns.count, width + layout[shown].width + 2 <= screen.width {
            width += layout[shown].width + 2
            shown += 1
        }
        shown = max(1, shown)
        width = min(screen.width, max(width, 24))
        let height = min(screen.height, (columns.prefix(shown).map(\.count).max() ?? 1) + 2)
        let rect = screen.centered(width: width, height: height)
        let inner = Box(title: title, titleRole: .title, borderRole: .dialogBorder).paint(into: &buf, rect, theme: theme)
        var x = inner.x + 1
        for c in 0..<shown {
            let (kw, cw) = layout[c]
            for (i, entry) in columns[c].enumerated() where i < inner.height {
                let y = inner.y + i
                if entry.isTitle {
                    buf.put(entry.key, x: x, y: y, maxWidth: cw, style: theme[.helpSection])
                } else if !entry.key.isEmpty {
                    buf.put(entry.key, x: x, y: y, maxWidth: kw, style: theme[.helpKey])
                    buf.put(entry.help, x: x + kw + 2, y: y, maxWidth: max(0, min(cw - kw - 2, inner.maxX - x - kw - 2)), style: theme[.helpText], ellipsis: true)
                }
            }
            x += cw + 2
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
