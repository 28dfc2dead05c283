/// A row of tab titles with the active one highlighted: ` 1 Listeners │ 2 Clusters `.
public struct TabsBar: Sendable {
    public var titles: [String]
    public var active: Int

    public init(titles: [String], active: Int) {
        self.titles = titles
        self.active = active
    }

    public func paint(into buf: inout CellBuffer, _ rect: Rect, theme: Theme) {
        guard rect.height > 0 else { return }
        buf.fill(rect.row(0), style: theme[.text])
        var x = rect.x
        for (i, t) in titles.enumerated() {
            let label = " \(i + 1) \(t) "
            let style = i == active ? theme[.tabActive] : theme[.tabInactive]
            let room = rect.maxX - x
            guard room > 0 else { break }
            x += buf.put(label, x: x, y: rect.y, maxWidth: room, style: style, ellipsis: true)
            x += 1
        }
    }
}
