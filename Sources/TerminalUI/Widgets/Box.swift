/// A single-line box with an optional title in its top border, like k9s's view frame.
///
/// ```swift
/// Box(title: " Sections(6) ").paint(into: &buf, rect, theme: theme)  // returns the inner rect
/// ```
public struct Box: Sendable {
    public var title: String
    public var titleRole: Role
    public var borderRole: Role

    public init(title: String = "", titleRole: Role = .title, borderRole: Role = .border) {
        self.title = title
        self.titleRole = titleRole
        self.borderRole = borderRole
    }

    /// Paints the frame and clears the inside; returns the inner rectangle.
    @discardableResult
    public func paint(into buf: inout CellBuffer, _ rect: Rect, theme: Theme, fill: Role = .text) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let b = theme[borderRole]
        let inner = rect.inset(1)
        buf.fill(inner, style: theme[fill])
        let horizontal = String(repeating: "─", count: rect.width - 2)
        buf.put("┌" + horizontal + "┐", x: rect.x, y: rect.y, style: b)
        buf.put("└" + horizontal + "┘", x: rect.x, y: rect.maxY - 1, style: b)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            buf.put("│", x: rect.x, y: y, style: b)
            buf.put("│", x: rect.maxX - 1, y: y, style: b)
        }
        if !title.isEmpty, rect.width > 6 {
            let w = min(DisplayWidth.of(title), rect.width - 4)
            let x = rect.x + (rect.width - w) / 2
            buf.put(title, x: x, y: rect.y, maxWidth: rect.width - 4, style: theme[titleRole], ellipsis: true)
        }
        return inner
    }
}
